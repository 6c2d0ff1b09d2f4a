/**
 * Runs the synthesized wiring, not a hand-copied one: events are delivered along the synthesized
 * EventBridge rules and targets to the functions they name, HTTP requests along the synthesized routes
 * (with API Gateway's JWT scope check) to the integrated function, and every handler runs with the
 * environment its aws_lambda_function block declares (Terraform references resolved to the local tables,
 * secrets and bus). So a missing env var, a wrong trigger or a wrong scope fails here as it would in AWS.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StackJson } from './stack-json';
import { httpEvent } from './http-event';

type Block = Record<string, unknown>;
type AnyHandler = (event: unknown) => Promise<unknown>;

export interface HarnessOptions {
  tables: Record<string, string>;
  busName: string;
  /** Secret logical name → ARN used locally. @default `arn:aws:secretsmanager:us-east-1:000000000000:secret:<logical>` */
  secretArn?: (logical: string) => string;
  namePrefix?: string;
  /**
   * Further Terraform expressions (without `${}`) and their local values, e.g.
   * `{ 'aws_cognito_user_pool.control-plane_auth_user-pool_1A2B3C4D.id': 'us-east-1_Local' }`; a key may
   * also be `<type>.*.<attr>` for every resource of a type.
   */
  references?: Record<string, string>;
  /**
   * Loads a function's handler. @default `require` of the TypeScript source named in the bundle manifest
   * (under jest); the local runtime loads the built zip instead — exactly what Lambda runs.
   */
  loadHandler?: (archive: string, entry: string) => AnyHandler | Promise<AnyHandler>;
  /** Decides whether a rule's event pattern matches an event. @default source and detail-type equality */
  matches?: (pattern: Record<string, unknown>, event: Record<string, unknown>) => boolean;
}

export interface HttpResult {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: a handler's JSON answer, read by tests field by field.
  body: any;
}

const ROOT = join(__dirname, '..').replace(/\/dist$/, '');
const ref = /\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z_]+)\}/g;

export class SynthHarness {
  constructor(
    readonly json: StackJson,
    private readonly o: HarnessOptions,
  ) {}

  private res(type: string): Record<string, Block> {
    return (this.json.resource?.[type] ?? {}) as Record<string, Block>;
  }

  secretArnOf(logical: string): string {
    return this.o.secretArn?.(logical) ?? `arn:aws:secretsmanager:us-east-1:000000000000:secret:${logical}`;
  }

  /** Logical name of the (first) secret whose logical name contains `part`. */
  secretLogical(part: string): string {
    const l = Object.keys(this.res('aws_secretsmanager_secret')).find((k) => k.includes(part));
    if (!l) throw new Error(`no secret matching ${part}`);
    return l;
  }

  resolve(value: string): string {
    return value
      .replace('${var.name_prefix}', this.o.namePrefix ?? 'test')
      .replace(/\$\{var\.([a-z0-9_]+)\}/g, (all, name: string) => {
        // Other variables: a value given in references, else the variable's default.
        const given = this.o.references?.[`var.${name}`];
        if (given !== undefined) return given;
        const def = (this.json.variable as Record<string, { default?: unknown }> | undefined)?.[name]?.default;
        if (typeof def === 'string' || typeof def === 'number' || typeof def === 'boolean') return String(def);
        throw new Error(`cannot resolve ${all} locally: pass it in references`);
      })
      .replace(ref, (all, type: string, logical: string, attr: string) => {
        if (type === 'aws_dynamodb_table' && attr === 'name') {
          const t = this.o.tables[logical];
          if (!t) throw new Error(`no local table for ${logical}`);
          return t;
        }
        if (type === 'aws_secretsmanager_secret' && attr === 'arn') return this.secretArnOf(logical);
        if (type === 'aws_cloudwatch_event_bus' && attr === 'name') return this.o.busName;
        const extra = this.o.references?.[`${type}.${logical}.${attr}`] ?? this.o.references?.[`${type}.*.${attr}`];
        if (extra !== undefined) return extra;
        throw new Error(`cannot resolve ${all} locally: pass it in references`);
      });
  }

  /** Function logical name whose function_name ends with `suffix` (e.g. `-billing-webhook`). */
  functionNamed(suffix: string): string {
    const hit = Object.entries(this.res('aws_lambda_function')).find(([, f]) =>
      String(f.function_name).endsWith(suffix),
    );
    if (!hit) throw new Error(`no function named *${suffix}`);
    return hit[0];
  }

  envOf(fnLogical: string): Record<string, string> {
    const f = this.res('aws_lambda_function')[fnLogical];
    if (!f) throw new Error(`no function ${fnLogical}`);
    const vars = ((f.environment as { variables?: Record<string, string> } | undefined)?.variables ?? {}) as Record<
      string,
      string
    >;
    return Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, this.resolve(String(v))]));
  }

  /** Logical names of all functions. */
  functions(): string[] {
    return Object.keys(this.res('aws_lambda_function'));
  }

  private async handlerOf(fnLogical: string): Promise<AnyHandler> {
    const f = this.res('aws_lambda_function')[fnLogical]!;
    const archive = /([a-z0-9-]+)\.zip$/.exec(String(f.filename))![1]!;
    // The bundle manifest knows each archive's entry (service folders may contain dashes).
    const entry = SynthHarness.manifest().archives[archive]?.entry;
    if (!entry) throw new Error(`archive ${archive} is not in build/lambda/manifest.json: run npm run bundle`);
    if (this.o.loadHandler) return this.o.loadHandler(archive, entry);
    const mod = require(join(ROOT, entry)) as { handler: AnyHandler };
    return mod.handler;
  }

  /** Invokes a function with exactly the environment it declares (what the previous invocation set is removed). */
  async invoke(fnLogical: string, event: unknown): Promise<unknown> {
    const env = this.envOf(fnLogical);
    for (const k of SynthHarness.lastEnv) delete process.env[k];
    SynthHarness.lastEnv = Object.keys(env);
    Object.assign(process.env, env);
    return (await this.handlerOf(fnLogical))(event);
  }

  private static manifestCache?: { archives: Record<string, { entry: string }> };
  private static manifest() {
    SynthHarness.manifestCache ??= JSON.parse(readFileSync(join(ROOT, 'build/lambda/manifest.json'), 'utf8'));
    return SynthHarness.manifestCache!;
  }

  /** Variables the last invocation (of any harness in this process) set. */
  private static lastEnv: string[] = [];

  /** Functions the synthesized rules send an event with this source and detail-type to. */
  targetsOf(source: string, detailType: string, detail: Record<string, unknown> = {}): string[] {
    return this.ruleTargets({ source, 'detail-type': detailType, detail })
      .filter((t) => t.kind === 'lambda')
      .map((t) => t.logical);
  }

  private patternCache?: [string, Record<string, unknown>][];
  private routeCache?: { r: Block; m: string; pattern: string; names: string[]; rx: RegExp; fn: string }[];
  private patterns(): [string, Record<string, unknown>][] {
    this.patternCache ??= Object.entries(this.res('aws_cloudwatch_event_rule'))
      .filter(([, r]) => r.event_pattern)
      .map(([k, r]) => [k, JSON.parse(String(r.event_pattern)) as Record<string, unknown>]);
    return this.patternCache;
  }

  /**
   * The synthesized route `method path` takes, as API Gateway matches it: the function it integrates,
   * the JWT scopes it requires, and the path parameters (URL-decoded; `undefined` when one is not valid
   * percent-encoding, which API Gateway answers with 400).
   */
  matchRoute(
    method: string,
    path: string,
  ):
    | {
        fn: string;
        pattern: string;
        jwt: boolean;
        scopes: string[];
        pathParameters?: Record<string, string>;
        badEncoding?: boolean;
      }
    | undefined {
    this.routeCache ??= Object.values(this.res('aws_apigatewayv2_route'))
      .map((r) => {
        const [m, pattern] = String(r.route_key).split(' ') as [string, string];
        const names: string[] = [];
        const rx = new RegExp(`^${pattern.replace(/\{([^}]+)\}/g, (_, n: string) => (names.push(n), '([^/]+)'))}$`);
        const integ = /integrations\/\$\{aws_apigatewayv2_integration\.([^.]+)\.id\}/.exec(String(r.target))![1]!;
        const uri = String(this.res('aws_apigatewayv2_integration')[integ]!.integration_uri);
        const fn = /^\$\{aws_lambda_function\.([^.]+)\.invoke_arn\}$/.exec(uri)![1]!;
        return { r, m, pattern, names, rx, fn };
      })
      // as API Gateway: a literal segment wins over a {parameter}
      .sort((a, b) => a.names.length - b.names.length);
    for (const { r, m, pattern, names, rx, fn } of this.routeCache) {
      if (m !== method && m !== 'ANY') continue;
      const hit = rx.exec(path);
      if (!hit) continue;
      let pathParameters: Record<string, string> | undefined;
      let badEncoding = false;
      if (names.length) {
        try {
          pathParameters = Object.fromEntries(names.map((n, k) => [n, decodeURIComponent(hit[k + 1]!)]));
        } catch {
          badEncoding = true;
        }
      }
      return {
        fn,
        pattern,
        jwt: r.authorization_type === 'JWT',
        scopes: (r.authorization_scopes as string[] | undefined) ?? [],
        pathParameters,
        badEncoding,
      };
    }
    return undefined;
  }

  /** Every target (Lambda function or state machine, by logical name) of the rules matching `event`. */
  ruleTargets(event: Record<string, unknown>): { kind: 'lambda' | 'states'; logical: string; rule: string }[] {
    const matches =
      this.o.matches ??
      ((p: Record<string, unknown>, e: Record<string, unknown>) =>
        ((p.source as string[] | undefined) ?? []).includes(String(e.source)) &&
        ((p['detail-type'] as string[] | undefined) ?? []).includes(String(e['detail-type'])));
    const rules = this.patterns().filter(([, p]) => matches(p, event));
    const out: { kind: 'lambda' | 'states'; logical: string; rule: string }[] = [];
    for (const [rule] of rules) {
      for (const t of Object.values(this.res('aws_cloudwatch_event_target'))) {
        if (t.rule !== `\${aws_cloudwatch_event_rule.${rule}.name}`) continue;
        const fn = /^\$\{aws_lambda_function\.([^.]+)\.arn\}$/.exec(String(t.arn));
        if (fn) out.push({ kind: 'lambda', logical: fn[1]!, rule });
        const sm = /^\$\{aws_sfn_state_machine\.([^.]+)\.arn\}$/.exec(String(t.arn));
        if (sm) out.push({ kind: 'states', logical: sm[1]!, rule });
      }
    }
    return out;
  }

  /** Publishes an event "on the bus": every targeted function gets the EventBridge envelope. Returns the targets. */
  async publish(
    source: string,
    detailType: string,
    detail: Record<string, unknown>,
    id: string = randomUUID(),
  ): Promise<string[]> {
    const targets = this.targetsOf(source, detailType);
    const envelope = {
      version: '0',
      id,
      'detail-type': detailType,
      source,
      account: '000000000000',
      time: new Date().toISOString(),
      region: 'us-east-1',
      resources: [],
      detail,
    };
    for (const t of targets) await this.invoke(t, envelope);
    return targets;
  }

  /** Sends a request along the synthesized route table. `scopes` are the token's; none → no token. */
  /**
   * Sends a request along the synthesized route table. `scopes` are the token's (none → no token); or
   * give the verified token's `claims` (their `scope` is used).
   */
  async request(i: {
    method: string;
    path: string;
    body?: unknown;
    headers?: Record<string, string>;
    query?: Record<string, string>;
    scopes?: string[];
    claims?: Record<string, unknown>;
  }): Promise<HttpResult> {
    const scopes =
      i.scopes ??
      (i.claims
        ? String(i.claims.scope ?? '')
            .split(' ')
            .filter(Boolean)
        : undefined);
    const claims =
      i.claims ??
      (scopes ? { sub: 'machine-client', client_id: 'machine-client', scope: scopes.join(' ') } : undefined);
    const route = this.matchRoute(i.method, i.path);
    if (route) {
      if (route.jwt) {
        if (!scopes) return { status: 401, body: { message: 'Unauthorized' } };
        if (route.scopes.length && !route.scopes.some((s) => scopes.includes(s)))
          return { status: 403, body: { message: 'Forbidden' } };
      }
      if (route.badEncoding) return { status: 400, body: { message: 'Bad Request' } };
      const event = httpEvent({
        method: i.method,
        path: i.path,
        route: route.pattern,
        query: i.query,
        pathParameters: route.pathParameters,
        headers: i.headers,
        body: i.body,
        claims: route.jwt ? claims : undefined,
      });
      const res = (await this.invoke(route.fn, event)) as { statusCode: number; body?: string };
      return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined };
    }
    return { status: 404, body: { message: 'Not Found' } };
  }
}
