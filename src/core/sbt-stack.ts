import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { applyBackend, type BackendConfig } from './backend';
import { loadAddressHistory, movedBlocks } from './address-history';
import {
  Aspects,
  type Construct,
  Lazy,
  TerraformElement,
  TerraformOutput,
  TerraformResource,
  TerraformStack,
  TerraformVariable,
  type IConstruct,
} from './cdktf';
import { addressName, AddressRegistry } from './resource-addresses';
import { AWS_PROVIDER_CONSTRAINT } from './versions';
import { addressOf, applySwitches, FeatureSwitch, isTolerant } from './feature-switch';
import { TagsAspect } from './tags-aspect';

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
  return kebab.slice(0, 20).replace(/-+$/, '') || 'sbt';
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
  /** The `tags` input (map token): merged into the `tags` of every taggable resource by {@link TagsAspect}. */
  readonly tags: Record<string, string>;
  private readonly addresses = new AddressRegistry();
  private readonly addressWrappers = new Set<string>();
  private readonly switches: FeatureSwitch[] = [];

  constructor(scope: Construct, id: string, props: SbtStackProps = {}) {
    super(scope, id);
    this.mode = props.mode ?? 'root';
    // cdktf refuses to synthesize resources without a provider; in module mode the packager strips it.
    new AwsProvider(this, 'aws', {
      region: props.region ?? 'us-east-1',
      defaultTags: this.mode === 'root' ? [{ tags: { 'sbt:stack': id, ...(props.tags ?? {}) } }] : undefined,
    });
    if (this.mode === 'root') applyBackend(this, id, props.backend ?? { type: 'local' });
    // cdktf pins the provider to the bindings' exact version (6.25.0); the stacks work on the same range as the modules.
    this.addOverride('terraform.required_providers.aws.version', AWS_PROVIDER_CONSTRAINT);
    this.namePrefix = this.stringInput('name_prefix', {
      description: 'Prefix of every resource name, so several installs coexist in one account and region.',
      default: props.namePrefix ?? 'sbt',
      validation: {
        condition: '${can(regex("^[a-z][a-z0-9-]{0,19}$", var.name_prefix))}',
        errorMessage:
          'name_prefix must be 1-20 characters of lowercase letters, digits and hyphens, starting with a letter.',
      },
    });
    this.tags = this.mapInput('tags', {
      description:
        'Tags merged into every taggable resource (on top of the provider default_tags; a key set here wins over the same key in default_tags).',
      default: {},
      validation: {
        condition:
          '${alltrue([for k, v in var.tags : length(k) >= 1 && length(k) <= 128 && length(v) <= 256 && !startswith(lower(k), "aws:")])}',
        errorMessage: 'tags: keys must be 1-128 characters and not start with "aws:"; values at most 256 characters.',
      },
    });
    Aspects.of(this).add(new TagsAspect(this.tags));
  }

  /**
   * Called once by a product stack: `wrappers` are construct ids directly below the stack left out of
   * addresses (its one top-level construct); `history` names src/address-history/<history>.json, whose
   * `moved` entries are emitted as `moved` blocks so state made by an earlier release keeps its resources.
   * Both are per stack class, never per stack id, so a user's own stack id changes no address.
   */
  protected useStableAddresses(history: string, wrappers: readonly string[] = []): void {
    for (const w of wrappers) this.addressWrappers.add(w);
    this.addOverride(
      'moved',
      Lazy.anyValue({
        // Only moves whose final target this stack declares (optional parts may be switched off).
        produce: () => {
          const declared = new Set(
            this.node
              .findAll()
              .filter(
                (c): c is TerraformResource =>
                  TerraformResource.isTerraformResource(c) && TerraformStack.of(c) === this,
              )
              .map((r) => `${r.terraformResourceType}.${r.friendlyUniqueId}`),
          );
          const blocks = movedBlocks(loadAddressHistory(history), declared);
          return blocks.length ? blocks : undefined;
        },
      }),
    );
  }

  /**
   * Role-named, stable resource addresses (`aws_dynamodb_table.tenants`, `aws_lambda_function.billing_create_customer`)
   * instead of cdktf's `<path>_<HASH>`: the name derives from the construct path below the stack (see
   * `addressName`), so it only changes when a construct id does — and then a `moved` block is owed
   * (src/address-history). Two elements deriving the same name throw, naming both paths.
   */
  protected override allocateLogicalId(tfElement: TerraformElement | IConstruct['node']): string {
    if (!TerraformElement.isTerraformElement(tfElement)) return super.allocateLogicalId(tfElement);
    // `aws_x` for resources, `data.aws_x` for data sources; variables, outputs, providers keep cdktf's ids.
    const kind = (tfElement as unknown as { _elementType?: string })._elementType;
    const type = (tfElement as { terraformResourceType?: string }).terraformResourceType;
    if (!kind || !type || (kind !== type && kind !== `data.${type}`)) return super.allocateLogicalId(tfElement);
    const node = tfElement.node;
    const ids = node.scopes.slice(node.scopes.indexOf(this) + 1).map((c) => c.node.id);
    return this.addresses.claim(kind, addressName(ids, { wrappers: this.addressWrappers, type }), node.path);
  }

  /**
   * A plan-time switch: bool input `name` (e.g. `enable_billing`); the constructs given to its `include`
   * are created only while it is true (`count`, see feature-switch.ts), outputs that reference them are
   * null when it is false.
   */
  featureSwitch(name: string, o: InputOptions<boolean>): FeatureSwitch {
    const sw = new FeatureSwitch(name, this.variable(name, 'bool', o));
    this.switches.push(sw);
    return sw;
  }

  /** The document with the feature switches applied (counts, references, moved targets). */
  override toTerraform(): Record<string, unknown> {
    const doc = super.toTerraform();
    if (!this.switches.length) return doc;
    const all = this.node.findAll();
    const tolerant = new Set(all.filter(isTolerant).flatMap((c) => addressOf(c, this) ?? []));
    return applySwitches(
      doc,
      this.switches.map((s) => ({ condition: `var.${s.name}`, addresses: s.addresses(this) })),
      tolerant,
    );
  }

  /** The snake_case name of a construct's path below this stack, wrappers left out (used to name resources after other constructs). */
  roleNameOf(c: IConstruct): string {
    const ids = c.node.scopes.slice(c.node.scopes.indexOf(this) + 1).map((x) => x.node.id);
    return addressName(ids, { wrappers: this.addressWrappers });
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

  /** An input of any Terraform type (e.g. `list(object({...}))`); use its `value` in expressions. */
  typedInput(name: string, type: string, o: InputOptions<unknown>): TerraformVariable {
    return this.variable(name, type, o);
  }
  stringInput(name: string, o: InputOptions<string>): string {
    return this.variable(name, 'string', o).stringValue;
  }
  numberInput(name: string, o: InputOptions<number>): number {
    return this.variable(name, 'number', o).numberValue;
  }
  boolInput(name: string, o: InputOptions<boolean>): boolean {
    return this.variable(name, 'bool', o).booleanValue as unknown as boolean; // a token standing for the boolean
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
    // Construct ids of variables and outputs share one namespace; Terraform's do not (an output may echo an input).
    const o = new TerraformOutput(this, `output-${name}`, { value, description, sensitive });
    o.overrideLogicalId(name);
    return o;
  }
}

/** {@link SbtStack.roleNameOf} for any construct (a plain TerraformStack: the whole path below it). */
export function roleNameOf(c: IConstruct): string {
  const stack = TerraformStack.of(c);
  if (stack instanceof SbtStack) return stack.roleNameOf(c);
  return addressName(
    c.node.scopes.slice(c.node.scopes.indexOf(stack) + 1).map((x) => x.node.id),
    {},
  );
}

/**
 * Terraform validations shared by the stacks' inputs (condition over `var.<name>`, error message naming
 * the input). Regexes avoid backslashes: they pass through TypeScript, JSON and HCL string escaping.
 */
export const inputValidation = {
  /** An e-mail address; `optional` also accepts "" (feature off). */
  email: (name: string, optional = false) => ({
    condition: `\${${optional ? `var.${name} == "" || ` : ''}can(regex("^[^@ ]+@[^@ ]+[.][^@ .]+$", var.${name}))}`,
    errorMessage: `${name} must be an e-mail address (name@domain)${optional ? ' or empty' : ''}.`,
  }),
  /** An http(s) URL; `https` only when `secure`. */
  url: (name: string, secure = false) => ({
    condition: `\${can(regex("^${secure ? 'https' : 'https?'}://[^ ]+$", var.${name}))}`,
    errorMessage: `${name} must be an ${secure ? 'https' : 'http(s)'} URL.`,
  }),
  /** Every element an http(s) URL (or `*` when `star`). */
  urls: (name: string, star = false) => ({
    condition: `\${alltrue([for u in var.${name} : ${star ? 'u == "*" || ' : ''}can(regex("^https?://[^ ]+$", u))])}`,
    errorMessage: `every element of ${name} must be an http(s) URL${star ? ' or *' : ''}.`,
  }),
  /** Every element an ARN. */
  arns: (name: string) => ({
    condition: `\${alltrue([for a in var.${name} : can(regex("^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:[0-9]{0,12}:[^ ]+$", a))])}`,
    errorMessage: `every element of ${name} must be an ARN (arn:<partition>:<service>:<region>:<account>:<resource>).`,
  }),
  /** Every element an ISO 3166-1 alpha-2 country code, upper case (CloudFront's format). */
  countryCodes: (name: string) => ({
    condition: `\${alltrue([for c in var.${name} : can(regex("^[A-Z]{2}$", c))])}`,
    errorMessage: `every element of ${name} must be an ISO 3166-1 alpha-2 country code in upper case (e.g. DE, US).`,
  }),
  /** An EventBridge event-bus ARN. */
  eventBusArn: (name: string) => ({
    condition: `\${can(regex("^arn:aws[a-z-]*:events:[a-z0-9-]+:[0-9]{12}:event-bus/[A-Za-z0-9._/-]+$", var.${name}))}`,
    errorMessage: `${name} must be an EventBridge event-bus ARN (arn:<partition>:events:<region>:<account>:event-bus/<name>).`,
  }),
};
