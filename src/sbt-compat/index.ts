/**
 * CDK-shaped names for code written for SBT-AWS (`@cdklabs/sbt-aws` + `aws-cdk-lib`), so the seed's
 * tutorial ports by changing import paths only:
 *
 *   '@cdklabs/sbt-aws'       → 'terraform-saas-builder-toolkit'
 *   'aws-cdk-lib'            → 'terraform-saas-builder-toolkit/sbt-compat'   (App, Stack, StackProps)
 *   'aws-cdk-lib/aws-iam'    → 'terraform-saas-builder-toolkit/sbt-compat'   (PolicyDocument, PolicyStatement, Effect)
 *   'aws-cdk-lib/aws-events' → 'terraform-saas-builder-toolkit/sbt-compat'   (EventBus)
 *
 * A separate entry point because these names clash with the main API's (our `PolicyStatement` is a plain
 * statement shape; CDK's is a class) and because they exist for porting, not for new code.
 */
import type { Construct } from 'constructs';
import type { PolicyStatement as StatementShape } from '../core/iam';
import { SbtStack, namePrefixFromStackName, type SbtStackProps } from '../core/sbt-stack';

export { App } from '../core/cdktf';
/** The Terraform resource of an EventBridge bus (CDK's `EventBus` construct has no cdktf twin; EventManager creates buses). */
export { CloudwatchEventBus as EventBus } from '@cdktf/provider-aws/lib/cloudwatch-event-bus';

/** CDK's StackProps, as far as Terraform has them. */
export interface StackProps extends SbtStackProps {
  /** CDK's environment: `region` sets the provider's region; `account` is what the credentials say. */
  readonly env?: { readonly account?: string; readonly region?: string };
  /** CDK's stack description (CloudFormation only; kept for source compatibility). */
  readonly description?: string;
}

/**
 * SBT's stack base (`cdk.Stack`) swapped for ours: an SbtStack whose `name_prefix` defaults to the stack's
 * name (`ControlPlaneStack` → `control-plane-stack`), so two tutorial stacks never collide.
 */
export class Stack extends SbtStack {
  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, {
      ...props,
      region: props.region ?? props.env?.region,
      namePrefix: props.namePrefix ?? namePrefixFromStackName(id),
    });
  }
}

/** CDK's iam.Effect. */
export const Effect = { ALLOW: 'Allow', DENY: 'Deny' } as const;
export type Effect = (typeof Effect)[keyof typeof Effect];

/** CDK's PolicyStatementProps (conditions as `{ Operator: { key: value | values } }`). */
export interface PolicyStatementProps {
  readonly sid?: string;
  readonly effect?: Effect;
  readonly actions?: string[];
  readonly resources?: string[];
  readonly conditions?: Record<string, Record<string, string | string[]>>;
}

/** CDK's iam.PolicyStatement; also a statement of ours (ScriptJob `permissions`, `addToRolePolicy`). */
export class PolicyStatement implements StatementShape {
  readonly sid?: string;
  readonly effect: Effect;
  readonly actions: string[];
  readonly resources: string[];
  readonly conditions?: { test: string; variable: string; values: string[] }[];
  constructor(props: PolicyStatementProps = {}) {
    this.sid = props.sid;
    this.effect = props.effect ?? Effect.ALLOW;
    this.actions = [...(props.actions ?? [])];
    this.resources = [...(props.resources ?? [])];
    const conditions = Object.entries(props.conditions ?? {}).flatMap(([test, byKey]) =>
      Object.entries(byKey).map(([variable, v]) => ({ test, variable, values: Array.isArray(v) ? [...v] : [v] })),
    );
    if (conditions.length) this.conditions = conditions;
  }
}

/** An IAM policy document as JSON (`{ Version, Statement }`). */
export interface PolicyDocumentJson {
  readonly Version?: string;
  readonly Statement: {
    readonly Sid?: string;
    readonly Effect?: string;
    readonly Action?: string | string[];
    readonly Resource?: string | string[];
    readonly Condition?: Record<string, Record<string, string | string[]>>;
  }[];
}

const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** CDK's iam.PolicyDocument: what SBT's ScriptJob takes as `permissions` (ours takes it too). */
export class PolicyDocument {
  readonly statements: PolicyStatement[];
  constructor(props: { statements?: PolicyStatement[] } = {}) {
    this.statements = [...(props.statements ?? [])];
  }

  /** From IAM JSON. NotAction/NotResource/Principal are refused: a role policy cannot use them usefully here. */
  static fromJson(json: PolicyDocumentJson): PolicyDocument {
    if (!json || !Array.isArray(json.Statement))
      throw new Error('PolicyDocument.fromJson: expected { Statement: [...] }');
    return new PolicyDocument({
      statements: json.Statement.map((st, i) => {
        for (const k of ['NotAction', 'NotResource', 'Principal', 'NotPrincipal']) {
          if (k in st)
            throw new Error(`PolicyDocument.fromJson: Statement[${i}].${k} is not supported in a role's permissions`);
        }
        if (st.Effect !== undefined && st.Effect !== 'Allow' && st.Effect !== 'Deny') {
          throw new Error(`PolicyDocument.fromJson: Statement[${i}].Effect must be Allow or Deny`);
        }
        return new PolicyStatement({
          sid: st.Sid,
          effect: (st.Effect as Effect | undefined) ?? Effect.ALLOW,
          actions: list(st.Action),
          resources: list(st.Resource),
          conditions: st.Condition,
        });
      }),
    });
  }

  toJSON(): PolicyDocumentJson {
    return {
      Version: '2012-10-17',
      Statement: this.statements.map((s) => ({
        ...(s.sid ? { Sid: s.sid } : {}),
        Effect: s.effect,
        Action: s.actions,
        Resource: s.resources,
        ...(s.conditions ? { Condition: conditionBlock(s.conditions) } : {}),
      })),
    };
  }
}

/** SBT's flat `{ test, variable, values }` conditions → IAM's `{ test: { variable: values } }` block. */
function conditionBlock(conditions: readonly { test: string; variable: string; values: string[] }[]) {
  const block: Record<string, Record<string, string[]>> = {};
  for (const c of conditions) block[c.test] = { ...block[c.test], [c.variable]: c.values };
  return block;
}
