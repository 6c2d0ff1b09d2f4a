/**
 * Runs a *synthesized* state machine locally: the `definition` of an `aws_sfn_state_machine` in a stack's
 * cdk.tf.json, executed by aws-local-stepfunctions, with
 * - `codebuild:startBuild.sync` tasks run by a local CodeBuild stand-in: the buildspec of the synthesized
 *   `aws_codebuild_project` (phases install → pre_build → build → post_build) in a local `bash` (started by a
 *   small helper process, local/job-spawner.ts), with
 *   CodeBuild's environment contract (project variables, then the task's EnvironmentVariablesOverride;
 *   CODEBUILD_* variables; variables persist from command to command; after a failed build command the
 *   rest of the phase is skipped and post_build still runs) and the buildspec's `exported-variables` read
 *   back as `Build.ExportedEnvironmentVariables` [{Name, Value}]. A failed build fails the task with
 *   `States.TaskFailed` and the build description as cause, as Step Functions does; when the task times
 *   out the build is stopped (its process group killed), as Step Functions calls StopBuild.
 * - `events:putEvents` tasks sent with the real AWS SDK (EventBridgeClient, redirected by
 *   AWS_ENDPOINT_URL_EVENTBRIDGE — start an EventBridgeCapture first); entries that fail make the task
 *   fail with `EventBridge.FailedEntry`, as the optimized integration does.
 * Terraform references in the synthesized strings (`${var.x}`, `${aws_y.z.name}`, escapes `$${`) are
 * rendered: variables from their defaults or `references`, resource attributes from the resource's own
 * configuration, anything else from `references` (an unknown reference is an error, never guessed).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { jobSpawner, type SpawnedJob } from './job-spawner';
import { removeOnExit } from './processes';
import './promise-with-resolvers';
import type { StackJson } from './stack-json';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

// ------------------------------------------------------------------------------------------------
// Terraform template rendering
// ------------------------------------------------------------------------------------------------

/** Renders a Terraform template string: `$${` → `${`, `%%{` → `%{`, `${expr}` → resolve(expr). */
export function renderTerraformTemplate(s: string, resolve: (expr: string) => string): string {
  let out = '';
  let i = 0;
  while (i < s.length) {
    if (s.startsWith('$${', i)) {
      out += '${';
      i += 3;
    } else if (s.startsWith('%%{', i)) {
      out += '%{';
      i += 3;
    } else if (s.startsWith('${', i)) {
      let depth = 1;
      let j = i + 2;
      let quote = false;
      for (; j < s.length && depth > 0; j++) {
        const c = s[j];
        if (quote) {
          if (c === '\\') j++;
          else if (c === '"') quote = false;
        } else if (c === '"') quote = true;
        else if (c === '{') depth++;
        else if (c === '}') depth--;
      }
      if (depth !== 0) throw new Error(`unterminated interpolation in: ${s.slice(i, i + 80)}`);
      out += resolve(s.slice(i + 2, j - 1).trim());
      i = j;
    } else if (s.startsWith('%{', i)) {
      throw new Error(`template directives are not supported: ${s.slice(i, i + 80)}`);
    } else {
      out += s[i++];
    }
  }
  return out;
}

export interface LocalRuntimeOptions {
  /** Values of Terraform expressions, e.g. `{ 'var.event_bus_arn': 'arn:…' }`; win over everything else. */
  readonly references?: Record<string, string>;
  /** Directories put in front of PATH for build commands: stand-ins for the CodeBuild image's CLIs (e.g. a fake `aws`). */
  readonly path?: string[];
  /** @default 'us-east-1' */
  readonly region?: string;
  /** @default '123456789012' */
  readonly accountId?: string;
}

/** Resolves `${…}` expressions of one synthesized stack. */
export class TerraformReferences {
  constructor(
    private readonly json: StackJson,
    private readonly overrides: Record<string, string> = {},
  ) {}

  render(s: string, seen: string[] = []): string {
    return renderTerraformTemplate(s, (expr) => this.resolve(expr, seen));
  }

  resolve(expr: string, seen: string[] = []): string {
    if (expr in this.overrides) return this.overrides[expr];
    if (seen.includes(expr)) throw new Error(`reference cycle: ${[...seen, expr].join(' → ')}`);
    // `(var.x == "a") ? "b" : "c"` — the one conditional our constructs write (e.g. the event era).
    const c = /^\(?var\.([a-z0-9_]+) == "([^"]*)"\)? \? "([^"]*)" : "([^"]*)"$/.exec(expr);
    if (c) return this.resolve(`var.${c[1]}`, seen) === c[2] ? c[3]! : c[4]!;
    const v = /^var\.([a-z0-9_]+)$/.exec(expr);
    if (v) {
      const def = this.json.variable?.[v[1]]?.default;
      if (typeof def === 'string' || typeof def === 'number' || typeof def === 'boolean') return String(def);
      throw new Error(`variable '${v[1]}' has no default: pass references['${expr}']`);
    }
    const r = /^([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z0-9_]+)$/.exec(expr);
    if (r) {
      const value = this.json.resource?.[r[1]]?.[r[2]]?.[r[3]];
      if (typeof value === 'string') return this.render(value, [...seen, expr]);
    }
    throw new Error(`cannot resolve \${${expr}} locally: pass references['${expr}']`);
  }

  /** Every string inside a JSON-like value rendered. */
  renderDeep<T>(value: T): T {
    if (typeof value === 'string') return this.render(value) as T;
    if (Array.isArray(value)) return value.map((x) => this.renderDeep(x)) as T;
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([k, x]) => [k, this.renderDeep(x)]),
      ) as T;
    }
    return value;
  }
}

// ------------------------------------------------------------------------------------------------
// CodeBuild stand-in
// ------------------------------------------------------------------------------------------------

interface BuildspecLike {
  version?: string;
  env?: { shell?: string; variables?: Record<string, string>; 'exported-variables'?: string[] };
  phases?: Partial<Record<'install' | 'pre_build' | 'build' | 'post_build', { commands?: string[] | string }>>;
}

export interface LocalCodeBuildProject {
  readonly logicalId: string;
  readonly name: string;
  readonly buildspec: BuildspecLike;
  /** Project environment variables (PLAINTEXT), rendered. */
  readonly environment: Record<string, string>;
}

export interface LocalBuild {
  readonly id: string;
  readonly projectName: string;
  /** Environment the first command saw, without the host's PATH/HOME/LANG. */
  initialEnvironment: Record<string, string>;
  status: 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED' | 'STOPPED';
  /** stdout + stderr of all commands. */
  log: string;
  exported: { Name: string; Value?: string }[];
}

interface StartBuildInput {
  ProjectName: string;
  EnvironmentVariablesOverride?: { Name: string; Value: unknown; Type?: string }[];
}

const PHASES = ['install', 'pre_build', 'build', 'post_build'] as const;
const PHASE_TYPE: Record<(typeof PHASES)[number], string> = {
  install: 'INSTALL',
  pre_build: 'PRE_BUILD',
  build: 'BUILD',
  post_build: 'POST_BUILD',
};
/** Variables bash sets itself; not part of the carried-over environment. */
const SHELL_OWNED = new Set(['_', 'SHLVL', 'PWD', 'OLDPWD']);

/** The last `n` non-empty lines of `log`, each cut to 300 characters. */
export function tailLines(log: string, n: number): string[] {
  return log
    .split('\n')
    .filter((l) => l.trim() !== '')
    .slice(-n)
    .map((l) => (l.length > 300 ? `${l.slice(0, 300)}…` : l));
}

const taskError = (name: string, cause: string) => Object.assign(new Error(cause), { name });
const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

class BuildRun {
  private job?: SpawnedJob;
  private stopped = false;
  private readonly overrides: Record<string, string> = {};
  readonly build: LocalBuild;

  constructor(
    private readonly project: LocalCodeBuildProject,
    input: StartBuildInput,
    private readonly options: Required<Pick<LocalRuntimeOptions, 'region' | 'accountId'>> & { path: string[] },
    private readonly onLine?: (build: LocalBuild, line: string) => void,
  ) {
    // StartBuild validates its input before a build exists.
    for (const o of input.EnvironmentVariablesOverride ?? []) {
      if ((o.Type ?? 'PLAINTEXT') !== 'PLAINTEXT')
        throw taskError('CodeBuild.InvalidInputException', `${o.Name}: only PLAINTEXT is emulated`);
      if (typeof o.Value !== 'string') {
        throw taskError(
          'CodeBuild.InvalidInputException',
          `Environment variable ${o.Name} must be a string, got ${JSON.stringify(o.Value)}`,
        );
      }
      if (o.Name.startsWith('CODEBUILD_'))
        throw taskError('CodeBuild.InvalidInputException', `${o.Name}: reserved prefix CODEBUILD_`);
      this.overrides[o.Name] = o.Value;
    }
    this.build = {
      id: `${project.name}:${randomUUID()}`,
      projectName: project.name,
      initialEnvironment: {},
      status: 'IN_PROGRESS',
      log: '',
      exported: [],
    };
  }

  /** StopBuild: kills the running command (and its children) and runs nothing more. */
  stop(): void {
    if (this.build.status !== 'IN_PROGRESS') return;
    this.stopped = true;
    this.build.status = 'STOPPED';
    this.job?.kill('SIGKILL');
  }

  async run(): Promise<Json> {
    const { project, options } = this;
    const b = this.build;
    const arn = `arn:aws:codebuild:${options.region}:${options.accountId}:build/${b.id}`;
    const srcDir = mkdtempSync(join(tmpdir(), 'sbt-codebuild-src-'));
    const workDir = mkdtempSync(join(tmpdir(), 'sbt-codebuild-agent-'));
    // A runtime ended mid-build (a signal, a crash) still removes them.
    const forget = [removeOnExit(srcDir), removeOnExit(workDir)];
    const overrides = this.overrides;
    // Precedence as CodeBuild's: buildspec env.variables < project variables < start-build overrides.
    let env: Record<string, string> = {
      ...(project.buildspec.env?.variables ?? {}),
      ...project.environment,
      ...overrides,
      AWS_REGION: options.region,
      AWS_DEFAULT_REGION: options.region,
      CODEBUILD_BUILD_ID: b.id,
      CODEBUILD_BUILD_ARN: arn,
      CODEBUILD_BUILD_NUMBER: '1',
      CODEBUILD_INITIATOR: 'states/local',
      CODEBUILD_SRC_DIR: srcDir,
      CODEBUILD_BUILD_SUCCEEDING: '1',
    };
    b.initialEnvironment = { ...env } as Record<string, string>;
    env = {
      ...env,
      PATH: [...options.path, process.env.PATH ?? '/usr/bin:/bin'].join(':'),
      HOME: srcDir,
      LANG: 'C.UTF-8',
    };
    let cwd = srcDir;
    const phases: Json[] = [];
    let failedIn: string | undefined;
    let n = 0;
    try {
      for (const phase of PHASES) {
        if (this.stopped) break;
        if (failedIn && failedIn !== 'build') break; // install / pre_build failures skip everything after them
        const raw = project.buildspec.phases?.[phase]?.commands;
        const commands = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
        if (!commands.length) continue;
        let phaseFailure: string | undefined;
        for (const command of commands) {
          if (this.stopped) break;
          const stateFile = join(workDir, `state-${++n}`);
          const scriptFile = join(workDir, `command-${n}.sh`);
          writeFileSync(
            scriptFile,
            `trap '__sbt_status=$?; { pwd; printf "\\0"; env -0; } > ${shellQuote(stateFile)}; exit $__sbt_status' EXIT\n${command}\n`,
          );
          const status = await this.exec(scriptFile, env, cwd);
          if (existsSync(stateFile)) {
            const [pwd, ...vars] = readFileSync(stateFile, 'utf8').split('\0');
            cwd = pwd.replace(/\n$/, '');
            const next: Record<string, string> = {};
            for (const kv of vars) {
              const eq = kv.indexOf('=');
              if (eq > 0 && !SHELL_OWNED.has(kv.slice(0, eq))) next[kv.slice(0, eq)] = kv.slice(eq + 1);
            }
            env = next;
          }
          if (status !== 0) {
            phaseFailure = `Error while executing command: ${command}. Reason: exit status ${status}`;
            break;
          }
        }
        phases.push({
          PhaseType: PHASE_TYPE[phase],
          PhaseStatus: this.stopped ? 'STOPPED' : phaseFailure ? 'FAILED' : 'SUCCEEDED',
          Contexts: phaseFailure ? [{ StatusCode: 'COMMAND_EXECUTION_ERROR', Message: phaseFailure }] : [],
        });
        if (phaseFailure && !failedIn) {
          failedIn = phase;
          env.CODEBUILD_BUILD_SUCCEEDING = '0';
        }
      }
    } finally {
      rmSync(srcDir, { recursive: true, force: true });
      rmSync(workDir, { recursive: true, force: true });
      for (const f of forget) f();
    }
    if (this.stopped) throw taskError('States.TaskFailed', JSON.stringify({ Id: b.id, BuildStatus: 'STOPPED' }));
    b.exported = (project.buildspec.env?.['exported-variables'] ?? []).map((name) =>
      env[name] === undefined ? { Name: name } : { Name: name, Value: env[name] },
    );
    b.status = failedIn ? 'FAILED' : 'SUCCEEDED';
    const Build: Json = {
      Id: b.id,
      BuildStatus: b.status,
      // CodeBuild's Logs block names the log group and stream; locally the last lines are also inlined
      // (Tail), so a failure stored on the tenant says what went wrong without a CloudWatch console.
      Logs: {
        GroupName: `/aws/codebuild/${project.name}`,
        StreamName: b.id.split(':')[1] ?? b.id,
        ...(failedIn ? { Tail: tailLines(b.log, LOG_TAIL_LINES) } : {}),
      },
      Arn: arn,
      BuildNumber: 1,
      ProjectName: project.name,
      BuildComplete: true,
      CurrentPhase: 'COMPLETED',
      Initiator: 'states/local',
      Phases: phases,
      ExportedEnvironmentVariables: b.exported as Json,
    };
    // Step Functions fails a .sync build task with States.TaskFailed; the cause is the build description.
    if (failedIn) throw taskError('States.TaskFailed', JSON.stringify(Build));
    return { Build };
  }

  private exec(scriptFile: string, env: Record<string, string>, cwd: string): Promise<number> {
    // Lines are passed on as they complete (stdout and stderr each keep their partial last line).
    const partial = { stdout: '', stderr: '' };
    const job = jobSpawner().spawn('bash', [scriptFile], {
      env,
      cwd,
      onOutput: (text, stream) => {
        this.build.log += text;
        if (!this.onLine) return;
        const lines = (partial[stream] + text).split('\n');
        partial[stream] = lines.pop()!;
        for (const l of lines) this.onLine(this.build, l);
      },
      onError: (message) => {
        this.build.log += `${message}\n`;
      },
    });
    this.job = job;
    return job.exited.then((status) => {
      if (this.onLine) for (const p of [partial.stdout, partial.stderr]) if (p) this.onLine(this.build, p);
      return status;
    });
  }
}

// ------------------------------------------------------------------------------------------------
// State machines
// ------------------------------------------------------------------------------------------------

/** Per-execution options of `LocalStateMachine.run`. */
export interface RunOptions {
  /** EventBridge endpoint for this execution's putEvents tasks. @default the SDK's (AWS_ENDPOINT_URL_EVENTBRIDGE) */
  readonly eventBridgeEndpoint?: string;
  /** Called with every line a build's commands print (stdout and stderr), as CodeBuild streams them to its log group. */
  readonly onBuildLine?: (build: LocalBuild, line: string) => void;
  /** Called when a build starts (before its first command). */
  readonly onBuildStart?: (build: LocalBuild) => void;
}

/** Lines of a failed build's log kept in its description (`Logs.Tail`), so the failure says why. */
export const LOG_TAIL_LINES = 10;

export interface LocalExecution {
  status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT';
  output?: Json;
  /** Error and cause of a failed execution. */
  error?: string;
  cause?: string;
  /** Builds the execution started. */
  builds: LocalBuild[];
  /** Entries the execution put on EventBridge (Detail as sent: a JSON string). */
  putEvents: PutEventsRequestEntry[];
}

export class LocalStateMachine {
  /** Validated once (asl-validator compiles its JSON schemas per construction); each run passes its own task handlers. */
  private machine?: StateMachine;

  constructor(
    readonly logicalId: string,
    readonly name: string,
    readonly definition: StateMachineDefinition,
    private readonly runtime: LocalStepFunctions,
  ) {}

  /** Runs one execution with `input` (JSON; e.g. an EventBridge event, as the rule target delivers it). */
  async run(input: unknown, ro: RunOptions = {}): Promise<LocalExecution> {
    const builds: BuildRun[] = [];
    const running: Promise<unknown>[] = [];
    const putEvents: PutEventsRequestEntry[] = [];
    const handlers: Record<string, (input: Json) => Promise<Json>> = {};
    const retryIntervalOverrides: Record<string, number> = {};
    for (const [stateName, state] of Object.entries(this.definition.States)) {
      if ('Retry' in state && state.Retry) retryIntervalOverrides[stateName] = 0; // no waiting in tests
      if (state.Type !== 'Task') continue;
      if (state.Resource === 'arn:aws:states:::codebuild:startBuild.sync') {
        handlers[stateName] = async (taskInput) => {
          const run = this.runtime.startBuild(taskInput as unknown as StartBuildInput, ro);
          builds.push(run);
          ro.onBuildStart?.(run.build);
          const done = run.run();
          running.push(done.catch(() => undefined));
          return done;
        };
      } else if (state.Resource === 'arn:aws:states:::events:putEvents') {
        handlers[stateName] = async (taskInput) => {
          const entries = ((taskInput as { Entries: Record<string, Json>[] }).Entries ?? []).map((e) => ({
            ...e,
            Detail: typeof e.Detail === 'string' ? e.Detail : JSON.stringify(e.Detail),
          })) as PutEventsRequestEntry[];
          const client = new EventBridgeClient(ro.eventBridgeEndpoint ? { endpoint: ro.eventBridgeEndpoint } : {});
          const out = await client.send(new PutEventsCommand({ Entries: entries }));
          client.destroy();
          entries.forEach((e, i) => {
            if (!out.Entries?.[i]?.ErrorCode) putEvents.push(e);
          });
          const result = JSON.parse(
            JSON.stringify({ Entries: out.Entries ?? [], FailedEntryCount: out.FailedEntryCount ?? 0 }),
          ) as Json;
          if (out.FailedEntryCount) throw taskError('EventBridge.FailedEntry', JSON.stringify(result));
          return result;
        };
      } else {
        throw new Error(`state ${stateName}: resource ${state.Resource} is not emulated locally`);
      }
    }
    this.machine ??= new StateMachine(this.definition);
    const execution = this.machine.run(input as Json, {
      overrides: { taskResourceLocalHandlers: handlers, retryIntervalOverrides },
    });
    try {
      const output = (await execution.result) as Json;
      return { status: 'SUCCEEDED', output, builds: builds.map((b) => b.build), putEvents };
    } catch (e) {
      const err = e as Error & { cause?: { name?: string; message?: string } };
      if (err.name === 'ExecutionTimeoutError')
        return { status: 'TIMED_OUT', builds: builds.map((b) => b.build), putEvents };
      if (err.name !== 'ExecutionError') throw e;
      return {
        status: 'FAILED',
        error: err.cause?.name,
        cause: err.cause?.message,
        builds: builds.map((b) => b.build),
        putEvents,
      };
    } finally {
      for (const b of builds) b.stop(); // StopBuild for anything still running (e.g. after a task timeout)
      await Promise.all(running);
    }
  }
}

/**
 * aws-local-stepfunctions 3.0.0 deletes every backslash from the string an intrinsic function returns
 * (BaseIntrinsicFunction.call: `result.replaceAll("\\", "")`), so `States.ArrayGetItem($.x, 0)` turns an
 * exported `{"tier":"a\nb"}` into `{"tier":"anb"}` — data AWS passes through untouched. The equivalent
 * JSONPath `$.x[0]` has no such step, so that form (a plain path and a literal index) is rewritten to it;
 * other intrinsics are left as they are.
 */
export function withoutBackslashLoss<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => withoutBackslashLoss(v)) as T;
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => {
      if (k.endsWith('.$') && typeof v === 'string') {
        const m = /^States\.ArrayGetItem\((\$[^,()']*),\s*(\d+)\)$/.exec(v.trim());
        if (m) return [k, `${m[1]!.trim()}[${m[2]}]`];
      }
      return [k, withoutBackslashLoss(v)];
    }),
  ) as T;
}

/** The state machines and CodeBuild projects of one synthesized stack, runnable locally. */
export class LocalStepFunctions {
  readonly references: TerraformReferences;
  private projects?: LocalCodeBuildProject[];
  private readonly machines = new Map<string, LocalStateMachine>();
  private readonly opts: Required<Pick<LocalRuntimeOptions, 'region' | 'accountId'>> & { path: string[] };

  constructor(
    readonly json: StackJson,
    options: LocalRuntimeOptions = {},
  ) {
    this.references = new TerraformReferences(json, options.references);
    this.opts = {
      region: options.region ?? 'us-east-1',
      accountId: options.accountId ?? '123456789012',
      path: [...(options.path ?? [])],
    };
    jobSpawner().start(); // now, while this process is small (see job-spawner.ts)
  }

  /** CodeBuild projects by (rendered) name. */
  codeBuildProjects(): LocalCodeBuildProject[] {
    return Object.entries(this.json.resource?.aws_codebuild_project ?? {}).map(([logicalId, cfg]) => {
      const c = cfg as {
        name: string;
        source: { type: string; buildspec?: string };
        environment?: { environment_variable?: { name: string; value: string; type?: string }[] };
      };
      const name = this.references.render(c.name);
      const text = this.references.render(c.source.buildspec ?? '');
      let buildspec: BuildspecLike;
      try {
        buildspec = JSON.parse(text) as BuildspecLike;
      } catch {
        throw new Error(`project ${name}: only JSON buildspecs are emulated`);
      }
      const environment: Record<string, string> = {};
      for (const v of c.environment?.environment_variable ?? []) {
        if ((v.type ?? 'PLAINTEXT') !== 'PLAINTEXT')
          throw new Error(`project ${name}: variable ${v.name}: only PLAINTEXT is emulated`);
        environment[v.name] = this.references.render(v.value);
      }
      return { logicalId, name, buildspec, environment };
    });
  }

  /** The state machine whose rendered name (or logical id) is `nameOrId`. */
  stateMachine(nameOrId: string): LocalStateMachine {
    const cached = this.machines.get(nameOrId);
    if (cached) return cached;
    const all = this.json.resource?.aws_sfn_state_machine ?? {};
    for (const [logicalId, cfg] of Object.entries(all)) {
      const c = cfg as { name?: string; definition: string };
      const name = c.name ? this.references.render(c.name) : logicalId;
      if (name === nameOrId || logicalId === nameOrId) {
        const definition = withoutBackslashLoss(
          JSON.parse(this.references.render(c.definition)),
        ) as StateMachineDefinition;
        const machine = new LocalStateMachine(logicalId, name, definition, this);
        this.machines.set(nameOrId, machine);
        return machine;
      }
    }
    throw new Error(`no aws_sfn_state_machine named ${nameOrId}`);
  }

  /** @internal */
  startBuild(input: StartBuildInput, ro: RunOptions = {}): BuildRun {
    this.projects ??= this.codeBuildProjects();
    const project = this.projects.find((p) => p.name === input.ProjectName);
    if (!project)
      throw taskError('CodeBuild.ResourceNotFoundException', `Project cannot be found: ${input.ProjectName}`);
    return new BuildRun(project, input, this.opts, ro.onBuildLine);
  }
}
