import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { Construct, Lazy } from './cdktf';
import { propsErrors } from './props-validation';

/** One IAM policy statement (the shape of `aws_iam_policy_document.statement`). */
export interface PolicyStatement {
  /** Optional statement id. */
  readonly sid?: string;
  /** Allow (default) or Deny. */
  readonly effect?: 'Allow' | 'Deny';
  /** Service-prefixed actions, e.g. `dynamodb:GetItem`. Checked against the IAM catalogue by `npm run validate`. */
  readonly actions: string[];
  /** Resource ARNs; use `*` only where the action supports nothing narrower (e.g. aws-marketplace:*). */
  readonly resources: string[];
  /** Optional conditions. */
  readonly conditions?: { test: string; variable: string; values: string[] }[];
}

/** Anything that can be granted permissions (a Lambda function, a state machine, a build project). */
export interface IGrantable {
  addToRolePolicy(statement: PolicyStatement): void;
}

function toTerraform(s: PolicyStatement) {
  return {
    sid: s.sid,
    effect: s.effect ?? 'Allow',
    actions: s.actions,
    resources: s.resources,
    condition: s.conditions?.map((c) => ({ test: c.test, variable: c.variable, values: c.values })),
  };
}

export interface ServiceRoleProps {
  /** Role name (include the name prefix so two installs coexist). */
  readonly name: string;
  /** Service principal that assumes the role, e.g. `lambda.amazonaws.com`. */
  readonly servicePrincipal: string;
  /** Statements known at construction; more can be added with `addToRolePolicy`. */
  readonly statements?: PolicyStatement[];
  /** Extra condition on the trust policy (e.g. aws:SourceArn), to stop confused-deputy use. */
  readonly trustConditions?: { test: string; variable: string; values: string[] }[];
}

/**
 * A role for one service with one inline least-privilege policy. Statements accumulate until synth
 * (a Lazy list), so constructs created later can still grant this role access (`grantPutEventsTo`).
 */
export class ServiceRole extends Construct implements IGrantable {
  readonly role: IamRole;
  private readonly statements: PolicyStatement[] = [];
  private readonly errors = propsErrors(this);

  constructor(scope: Construct, id: string, props: ServiceRoleProps) {
    super(scope, id);
    const trust = new DataAwsIamPolicyDocument(this, 'trust', {
      statement: [
        {
          effect: 'Allow',
          actions: ['sts:AssumeRole'],
          principals: [{ type: 'Service', identifiers: [props.servicePrincipal] }],
          condition: props.trustConditions,
        },
      ],
    });
    this.role = new IamRole(this, 'role', { name: props.name, assumeRolePolicy: trust.json });
    for (const s of props.statements ?? []) this.addToRolePolicy(s);
    const doc = new DataAwsIamPolicyDocument(this, 'policy-document', {
      statement: Lazy.anyValue({ produce: () => this.statements.map(toTerraform) }) as never,
    });
    new IamRolePolicy(this, 'policy', { name: 'least-privilege', role: this.role.id, policy: doc.json });
  }

  get roleArn(): string {
    return this.role.arn;
  }

  addToRolePolicy(statement: PolicyStatement): void {
    // Reported at synth with every other problem: IAM would refuse the policy at apply.
    if (!statement.actions.length) this.errors.push('a policy statement needs at least one action');
    if (!statement.resources.length) this.errors.push('a policy statement needs at least one resource');
    this.statements.push(statement);
  }
}
