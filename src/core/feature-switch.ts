/**
 * Plan-time feature switches (module inputs such as `enable_billing`): a boolean variable that puts a set of
 * resources behind `count = var.x ? 1 : 0`, so an HCL caller turns a whole feature off without a new
 * synthesis, and Terraform really destroys (or never creates) its resources.
 *
 * cdktf has no notion of this: it writes plain references (`aws_lambda_function.billing_webhook.arn`) that
 * Terraform rejects once the resource has `count`. So the switch works on the synthesized document
 * ({@link applySwitches}, called from `SbtStack.toTerraform`):
 *  1. the switched set: every resource and data source below the included constructs, plus — transitively —
 *     every element whose arguments reference one (a route to a switched integration, a permission on a
 *     switched function: they cannot exist without it), except elements marked with
 *     {@link tolerateSwitchedReferences} (aggregates such as the dead-letter queue policy listing every rule);
 *  2. `count` on each switched element (the conjunction when several switches hold it; an existing `count`
 *     is kept under the condition);
 *  3. references rewritten: `X[0].attr` inside switched elements (they exist exactly when X does),
 *     `one(X[*].attr)` everywhere else (null when off: outputs become null, tolerant lists drop it with compact);
 *  4. `moved` blocks into a switched resource target its instance `[0]` (an address from before the switch
 *     had no index; Terraform moves it to instance 0 instead of replacing it).
 * Pure function of the document, so it is testable without cdktf and runs in both root and module mode.
 */
import {
  Fn,
  TerraformDataSource,
  TerraformResource,
  TerraformStack,
  type IConstruct,
  type TerraformVariable,
} from './cdktf';

type Json = Record<string, unknown>;

/** One switch as the document transform sees it. */
export interface SwitchSpec {
  /** Terraform condition, e.g. `var.enable_billing`. */
  readonly condition: string;
  /** Addresses (`aws_x.name`, `data.aws_x.name`) of the elements the switch holds directly. */
  readonly addresses: readonly string[];
}

const tolerant = new WeakSet<IConstruct>();

/**
 * Marks a construct's resources as tolerating switched-off references: they are never switched off because
 * of one; their references read `one(x[*].attr)` (null when off), so they must cope with null (e.g. `compact`).
 */
export function tolerateSwitchedReferences(c: IConstruct): void {
  tolerant.add(c);
}

export function isTolerant(c: IConstruct): boolean {
  return c.node.scopes.some((s) => tolerant.has(s));
}

/** address → body of every resource and data source of the document. */
function elements(doc: Json): Map<string, Json> {
  const out = new Map<string, Json>();
  for (const [kind, prefix] of [
    ['resource', ''],
    ['data', 'data.'],
  ] as const) {
    for (const [type, byName] of Object.entries((doc[kind] ?? {}) as Record<string, Record<string, Json>>)) {
      for (const [name, body] of Object.entries(byName)) out.set(`${prefix}${type}.${name}`, body);
    }
  }
  return out;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Any of the addresses followed by `.attribute`, not preceded by part of a longer address (`data.` for resources). */
const refPattern = (addresses: Iterable<string>) =>
  new RegExp(`(?<![\\w.-])(${[...addresses].map(escapeRe).join('|')})\\.([A-Za-z_][A-Za-z0-9_]*)`, 'g');

/** The arguments of an element that can reference others (depends_on and lifecycle are ordering, not data). */
function argumentsText(body: Json): string {
  const { depends_on: _d, lifecycle: _l, ...rest } = body;
  return JSON.stringify(rest);
}

function mapStrings(v: unknown, fn: (s: string) => string): unknown {
  if (typeof v === 'string') return fn(v);
  if (Array.isArray(v)) return v.map((x) => mapStrings(x, fn));
  if (v && typeof v === 'object')
    return Object.fromEntries(Object.entries(v as Json).map(([k, x]) => [k, mapStrings(x, fn)]));
  return v;
}

/** Strips `${…}` around a whole-expression string (`"${a ? 1 : 0}"` → `a ? 1 : 0`). */
function expressionOf(v: unknown): string {
  if (typeof v === 'number') return String(v);
  const s = String(v);
  const m = /^\$\{([\s\S]*)\}$/.exec(s);
  if (!m) throw new Error(`feature switch: cannot combine count '${s}'`);
  return m[1]!;
}

/**
 * The switched document (a new object; `doc` is not changed). `tolerantAddresses` are never switched off by
 * reference. Throws when a switched element uses `for_each` (not supported).
 */
export function applySwitches(
  doc: Json,
  switches: readonly SwitchSpec[],
  tolerantAddresses: ReadonlySet<string> = new Set(),
): Json {
  if (!switches.length) return doc;
  const els = elements(doc);
  const texts = new Map([...els].map(([a, b]) => [a, argumentsText(b)]));
  // 1. switched sets, closed over references
  const conditions = new Map<string, string[]>(); // address → conditions holding it
  for (const sw of switches) {
    const set = new Set(sw.addresses.filter((a) => els.has(a)));
    let grew = set.size > 0;
    while (grew) {
      grew = false;
      const p = refPattern(set);
      for (const [a, text] of texts) {
        if (set.has(a) || tolerantAddresses.has(a)) continue;
        p.lastIndex = 0;
        if (p.test(text)) {
          set.add(a);
          grew = true;
        }
      }
    }
    for (const a of set) conditions.set(a, [...(conditions.get(a) ?? []), sw.condition]);
  }
  // Elements that already had count are referenced with their own indices: only the count changes.
  const plain = new Set([...conditions.keys()].filter((a) => els.get(a)!.count === undefined));
  for (const a of conditions.keys()) {
    if (els.get(a)!.for_each !== undefined)
      throw new Error(`feature switch: ${a} uses for_each, which a switch cannot wrap`);
  }

  // 3. references
  const pattern = plain.size ? refPattern(plain) : undefined;
  const rewrite = (inside: boolean) => (s: string) =>
    !pattern || !s.includes('${')
      ? s
      : s.replace(pattern, (_m, a: string, attr: string) => (inside ? `${a}[0].${attr}` : `one(${a}[*].${attr})`));
  const result: Json = { ...doc };
  for (const kind of ['resource', 'data'] as const) {
    const prefix = kind === 'data' ? 'data.' : '';
    const byType = doc[kind] as Record<string, Record<string, Json>> | undefined;
    if (!byType) continue;
    result[kind] = Object.fromEntries(
      Object.entries(byType).map(([type, byName]) => [
        type,
        Object.fromEntries(
          Object.entries(byName).map(([name, body]) => {
            const address = `${prefix}${type}.${name}`;
            const conds = conditions.get(address);
            const next = mapStrings(body, rewrite(!!conds && !tolerantAddresses.has(address))) as Json;
            if (conds) {
              // 2. count
              const on = conds.length === 1 ? conds[0]! : conds.map((c) => `(${c})`).join(' && ');
              next.count =
                body.count === undefined ? `\${${on} ? 1 : 0}` : `\${${on} ? (${expressionOf(body.count)}) : 0}`;
            }
            return [name, next];
          }),
        ),
      ]),
    );
  }
  for (const key of ['output', 'locals'] as const) {
    if (doc[key] !== undefined) result[key] = mapStrings(doc[key], rewrite(false));
  }
  // 4. moved blocks into switched resources target instance 0
  if (Array.isArray(doc.moved)) {
    result.moved = (doc.moved as { from: string; to: string }[]).map((m) =>
      plain.has(m.to) ? { ...m, to: `${m.to}[0]` } : m,
    );
  }
  return result;
}

/**
 * A switch of a stack (`SbtStack.featureSwitch`): its boolean input and the constructs it holds. Everything
 * below an included construct, and whatever cannot exist without it, is created only when the input is true.
 */
export class FeatureSwitch {
  private readonly roots: IConstruct[] = [];

  constructor(
    /** The input's name, e.g. `enable_billing`. */
    readonly name: string,
    readonly variable: TerraformVariable,
  ) {}

  /** Puts the constructs' resources and data sources (and their dependents) behind the switch. */
  include(...constructs: (IConstruct | undefined)[]): this {
    for (const c of constructs) if (c) this.roots.push(c);
    return this;
  }

  /** `value` while the switch is on, else `otherwise` (e.g. an output that only means something when on). */
  when<T>(value: T, otherwise: unknown = null): T {
    return Fn.conditional(this.variable.booleanValue, value, otherwise) as T;
  }

  /** Addresses of the included elements in `stack`. */
  addresses(stack: TerraformStack): string[] {
    return this.roots.flatMap((r) => r.node.findAll()).flatMap((c) => addressOf(c, stack) ?? []);
  }
}

/** `type.name` of a resource, `data.type.name` of a data source of `stack`; undefined for anything else. */
export function addressOf(c: IConstruct, stack: TerraformStack): string | undefined {
  if (TerraformResource.isTerraformResource(c) && TerraformStack.of(c) === stack)
    return `${c.terraformResourceType}.${c.friendlyUniqueId}`;
  if (TerraformDataSource.isTerraformDataSource(c) && TerraformStack.of(c) === stack)
    return `data.${c.terraformResourceType}.${c.friendlyUniqueId}`;
  return undefined;
}
