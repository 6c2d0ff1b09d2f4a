import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { applyBackend, type BackendConfig } from './backend';
import { Construct, TerraformOutput, TerraformStack, TerraformVariable } from './cdktf';

/**
 * A name prefix from a stack name, for constructs used outside an SbtStack's `name_prefix` (SBT's
 * constructs needed none): `ControlPlaneStack` → `control-plane-stack`, clipped to name_prefix's 20
 * characters (lowercase letters, digits, hyphens; starts with a letter).
 */
export function namePrefixFromStackName(id: string): string {
  const kebab = id
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .toLowerCase()
    .replace(/^[^a-z]+/, '');
  return (kebab.slice(0, 20).replace(/-+$/, '') || 'sbt');
}

/** The name prefix for constructs in `scope`: its SbtStack's `name_prefix`, else one from the stack's name. */
export function namePrefixOf(scope: Construct): string {
  const stack = TerraformStack.of(scope);
  return stack instanceof SbtStack ? stack.namePrefix : namePrefixFromStackName(stack.node.id);
}

/** Props every product stack takes. */
export interface SbtStackProps {
  /**
   * `root`: a deployable stack (provider + backend), for `cdktf deploy`.
   * `module`: the same resources emitted for `npm run modules`; provider and backend are removed by the
   * packager and every deployment-specific value becomes a required variable. @default 'root'
   */
  readonly mode?: 'root' | 'module';
  /** Prefix of every resource name, so two installs coexist in one account. Variable `name_prefix`. @default 'sbt' */
  readonly namePrefix?: string;
  /** AWS region of the provider (root mode). @default 'us-east-1' */
  readonly region?: string;
  /** Where state lives (root mode). @default local */
  readonly backend?: BackendConfig;
  /** Tags put on every resource through the provider's default_tags (root mode). @default { 'sbt:stack': <id> } */
  readonly tags?: Record<string, string>;
}

export interface InputOptions<T> {
  /** What the input is and why one would change it (becomes the variable description and README row). */
  readonly description: string;
  /** Default; `undefined` makes the input required. */
  readonly default?: T;
  readonly sensitive?: boolean;
  /** A Terraform validation: condition (a `${...}` expression over `var.<name>`; a bare string is literal text in JSON syntax) and its error message. */
  readonly validation?: { condition: string; errorMessage: string };
}

/**
 * Base of the product stacks. Inputs are Terraform variables in both modes — a root stack gives them
 * defaults from its props (and `-var` can still override), a module leaves deployment values required —
 * so one construct tree serves `cdktf deploy`, the registry module and HCL pipelines alike.
 */
export class SbtStack extends TerraformStack {
  readonly mode: 'root' | 'module';
  readonly namePrefix: string;

  constructor(scope: Construct, id: string, props: SbtStackProps = {}) {
    super(scope, id);
    this.mode = props.mode ?? 'root';
    // cdktf refuses to synthesize resources without a provider; in module mode the packager strips it.
    new AwsProvider(this, 'aws', {
      region: props.region ?? 'us-east-1',
      defaultTags: this.mode === 'root' ? [{ tags: { 'sbt:stack': id, ...(props.tags ?? {}) } }] : undefined,
    });
    if (this.mode === 'root') applyBackend(this, id, props.backend ?? { type: 'local' });
    this.namePrefix = this.stringInput('name_prefix', {
      description: 'Prefix of every resource name, so several installs coexist in one account and region.',
      default: props.namePrefix ?? 'sbt',
      validation: {
        condition: '${can(regex("^[a-z][a-z0-9-]{0,19}$", var.name_prefix))}',
        errorMessage: 'name_prefix must be 1-20 characters of lowercase letters, digits and hyphens, starting with a letter.',
      },
    });
  }

  /** `<prefix>-<name>`: the one naming rule for resource names. */
  name(...parts: string[]): string {
    return [this.namePrefix, ...parts].join('-');
  }

  private variable(name: string, type: string, o: InputOptions<unknown>): TerraformVariable {
    if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new Error(`input '${name}' must be snake_case`);
    const v = new TerraformVariable(this, name, {
      type,
      description: o.description,
      default: o.default,
      sensitive: o.sensitive,
      nullable: false,
    });
    if (o.validation) v.addValidation({ condition: o.validation.condition, errorMessage: o.validation.errorMessage });
    return v;
  }

  stringInput(name: string, o: InputOptions<string>): string {
    return this.variable(name, 'string', o).stringValue;
  }
  numberInput(name: string, o: InputOptions<number>): number {
    return this.variable(name, 'number', o).numberValue;
  }
  boolInput(name: string, o: InputOptions<boolean>): boolean {
    return this.variable(name, "bool", o).booleanValue as unknown as boolean; // a token standing for the boolean
  }
  listInput(name: string, o: InputOptions<string[]>): string[] {
    return this.variable(name, 'list(string)', o).listValue;
  }
  mapInput(name: string, o: InputOptions<Record<string, string>>): Record<string, string> {
    return this.variable(name, 'map(string)', o).value as Record<string, string>;
  }

  /**
   * Input `event_era`: which SBT era's event names this stack emits (`sbt-0.9`: `sbt_aws_<key>` from
   * `sbt.*.plane`; `pre-0.9`: `<key>` from `*PlaneEventSource`). Rules match both either way.
   */
  eventEraInput(value: string | undefined): string {
    return this.stringInput('event_era', {
      description:
        "Which SBT-AWS era's event names are emitted: 'sbt-0.9' (sbt_aws_<key> from sbt.control.plane / sbt.application.plane) or 'pre-0.9' (<key> from controlPlaneEventSource / applicationPlaneEventSource, as the SBT docs' older application planes expect). Rules match both eras either way.",
      default: value ?? 'sbt-0.9',
      validation: {
        condition: '${contains(["sbt-0.9", "pre-0.9"], var.event_era)}',
        errorMessage: "event_era must be 'sbt-0.9' or 'pre-0.9'.",
      },
    });
  }

  /** A described output (module output and stack output alike). */
  output(name: string, value: unknown, description: string, sensitive = false): TerraformOutput {
    if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new Error(`output '${name}' must be snake_case`);
    return new TerraformOutput(this, name, { value, description, sensitive });
  }
}
