/**
 * Lambda's concurrency model on loopback: each function has a pool of instances (worker threads); an
 * invocation takes an idle ("warm") instance or starts a new one ("cold start"), and an instance serves
 * one invocation at a time. Each instance has its own `process.env` — exactly the environment the
 * function's `aws_lambda_function` declares, plus the local endpoints — and loads the handler once from
 * the function's built zip (`index.mjs`), as Lambda does. A handler that runs past the function's
 * `timeout` is stopped (its instance is discarded) and the invocation fails with Lambda's message.
 * Instance stdout/stderr are streamed line by line with a `[function]` prefix.
 */
import { Worker } from 'node:worker_threads';
import { createInterface } from 'node:readline';

export interface LocalFunction {
  /** Rendered function name (`sbt-tenant-management`). */
  readonly name: string;
  /** Directory with the unzipped archive (index.mjs). */
  readonly codeDir: string;
  readonly env: Record<string, string>;
  /** Seconds. @default 3 (Lambda's default) */
  readonly timeout?: number;
}

export interface InvocationTrace {
  readonly id: string;
}

interface Instance {
  readonly id: string;
  readonly worker: Worker;
  /** Its handler is loaded (it answered an invocation): the handler starts as soon as the event arrives. */
  warm?: boolean;
  busy?: {
    trace?: InvocationTrace;
    resolve: (v: unknown) => void;
    reject: (e: Error) => void;
    timer?: NodeJS.Timeout;
    begin: () => void;
  };
}

// Runs inside each instance (CommonJS eval worker): loads the handler once, then serves invocations.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('worker_threads');
const { pathToFileURL } = require('url');
const ready = import(pathToFileURL(workerData.entry).href).then((m) => m.handler);
let loaded;
ready.then((h) => { loaded = h; }, () => undefined);
let n = 0;
const TIMED_OUT = Symbol('timed out');
parentPort.on('message', async ({ json, timeoutMs }) => {
  const event = JSON.parse(json);
  let handler = loaded;
  if (!handler) {
    try {
      handler = await ready;
    } catch (e) {
      parentPort.postMessage({ ok: false, error: { name: 'Runtime.ImportModuleError', message: String((e && e.message) || e), stack: e && e.stack } });
      return;
    }
    // The first invocation: init is over, the handler starts now (a warm instance skips this message).
    parentPort.postMessage({ begin: true });
  }
  // Lambda's init phase does not count against the function's timeout: the clock starts now. The clock
  // runs in this thread, so a handler that finished is never reported as timed out because the main
  // thread was slow to read its answer (a busy laptop); the main thread only stops a thread that stays
  // silent well past the timeout (e.g. a synchronous endless loop).
  const deadline = Date.now() + timeoutMs;
  const context = {
    functionName: workerData.functionName, functionVersion: '$LATEST', memoryLimitInMB: '128',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:' + workerData.functionName,
    awsRequestId: workerData.instanceId + '-' + ++n, logGroupName: '/aws/lambda/' + workerData.functionName,
    logStreamName: workerData.instanceId, callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  let timer;
  const timedOut = new Promise((resolve) => { timer = setTimeout(resolve, timeoutMs, TIMED_OUT); });
  try {
    const result = await Promise.race([Promise.resolve().then(() => handler(event, context)), timedOut]);
    clearTimeout(timer);
    if (result === TIMED_OUT) {
      parentPort.postMessage({ ok: false, timedOut: true, error: { name: 'Sandbox.Timedout', message: 'Task timed out after ' + (timeoutMs / 1000).toFixed(2) + ' seconds' } });
      return;
    }
    parentPort.postMessage({ ok: true, result: result === undefined ? undefined : JSON.stringify(result) });
  } catch (e) {
    clearTimeout(timer);
    parentPort.postMessage({ ok: false, error: { name: (e && e.name) || 'Error', message: String((e && e.message) || e), stack: e && e.stack } });
  }
});
`;

export class LambdaPool {
  private readonly idle = new Map<string, Instance[]>();
  private readonly all = new Map<string, Instance>();
  private seq = 0;
  private stopped = false;
  /** Instances started (cold starts) and invocations served, per function name. */
  readonly stats = new Map<
    string,
    { coldStarts: number; invocations: number; maxConcurrent: number; running: number }
  >();

  constructor(
    private readonly o: {
      /** Endpoint of the loopback EventBridge; each instance gets `<endpoint>/i/<instance id>`, so an event put by a handler is traced to its invocation. */
      eventBridgeEndpoint: string;
      /** Environment every instance gets (AWS region, fake credentials, endpoints). */
      baseEnv: Record<string, string>;
      log: (source: string, line: string) => void;
    },
  ) {}

  /** The trace of the invocation instance `instanceId` is serving, if any. */
  traceOf(instanceId: string): InvocationTrace | undefined {
    return this.all.get(instanceId)?.busy?.trace;
  }

  private start(fn: LocalFunction): Instance {
    const id = `${fn.name}-${++this.seq}`;
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { entry: `${fn.codeDir}/index.mjs`, functionName: fn.name, instanceId: id },
      env: {
        ...this.o.baseEnv,
        ...fn.env,
        AWS_LAMBDA_FUNCTION_NAME: fn.name,
        AWS_ENDPOINT_URL_EVENTBRIDGE: `${this.o.eventBridgeEndpoint}/i/${id}`,
      },
      stdout: true,
      stderr: true,
    });
    for (const stream of [worker.stdout, worker.stderr]) {
      createInterface({ input: stream }).on('line', (line) => this.o.log(fn.name, line));
    }
    const inst: Instance = { id, worker };
    worker.on(
      'message',
      (m: {
        begin?: boolean;
        timedOut?: boolean;
        ok: boolean;
        result?: string;
        error?: { name: string; message: string; stack?: string };
      }) => {
        const b = inst.busy;
        if (!b) return;
        if (m.begin) return b.begin();
        clearTimeout(b.timer);
        inst.busy = undefined;
        inst.warm = true;
        if (m.timedOut) {
          // Lambda ends the execution environment of a timed-out invocation; the next one gets a fresh one.
          this.all.delete(inst.id);
          this.statsOf(fn.name).running--;
          void inst.worker.terminate();
        } else this.release(fn, inst);
        if (m.ok) b.resolve(m.result === undefined ? undefined : JSON.parse(m.result));
        else b.reject(Object.assign(new Error(m.error!.message), { name: m.error!.name, stack: m.error!.stack }));
      },
    );
    worker.on('error', (e) => this.fail(fn, inst, e));
    worker.on('exit', (code) => this.fail(fn, inst, new Error(`Runtime exited with error: exit status ${code}`)));
    this.all.set(id, inst);
    const s = this.statsOf(fn.name);
    s.coldStarts++;
    return inst;
  }

  private statsOf(name: string) {
    let s = this.stats.get(name);
    if (!s) this.stats.set(name, (s = { coldStarts: 0, invocations: 0, maxConcurrent: 0, running: 0 }));
    return s;
  }

  private fail(fn: LocalFunction, inst: Instance, e: Error): void {
    this.all.delete(inst.id);
    const idle = this.idle.get(fn.name) ?? [];
    const at = idle.indexOf(inst);
    if (at >= 0) idle.splice(at, 1);
    const b = inst.busy;
    if (b) {
      clearTimeout(b.timer);
      inst.busy = undefined;
      this.statsOf(fn.name).running--;
      b.reject(e);
    }
  }

  private release(fn: LocalFunction, inst: Instance): void {
    this.statsOf(fn.name).running--;
    if (this.stopped) return void inst.worker.terminate();
    let idle = this.idle.get(fn.name);
    if (!idle) this.idle.set(fn.name, (idle = []));
    idle.push(inst);
  }

  /** Invokes `fn` with `event` on a warm instance, or a new one when all are busy. */
  invoke(fn: LocalFunction, event: unknown, trace?: InvocationTrace): Promise<unknown> {
    if (this.stopped) return Promise.reject(new Error('the local runtime is stopping'));
    const inst = this.idle.get(fn.name)?.pop() ?? this.start(fn);
    const s = this.statsOf(fn.name);
    s.invocations++;
    s.running++;
    s.maxConcurrent = Math.max(s.maxConcurrent, s.running);
    const timeoutMs = (fn.timeout ?? 3) * 1000;
    return new Promise((resolve, reject) => {
      const busy: NonNullable<Instance['busy']> = {
        trace,
        resolve,
        reject,
        // The handler started (after the instance's init); its thread enforces the timeout. This is
        // the backstop for a thread that cannot (a synchronous endless loop).
        begin: () => {
          busy.timer = setTimeout(
            () => {
              if (inst.busy !== busy) return;
              inst.busy = undefined;
              this.all.delete(inst.id);
              s.running--;
              void inst.worker.terminate();
              reject(
                Object.assign(new Error(`Task timed out after ${(fn.timeout ?? 3).toFixed(2)} seconds`), {
                  name: 'Sandbox.Timedout',
                }),
              );
            },
            timeoutMs * 3 + 10000,
          );
        },
      };
      inst.busy = busy;
      // As JSON text: Lambda hands the handler a JSON document too, and a string crosses to the thread
      // cheaper than the structured clone of the object.
      inst.worker.postMessage({ json: JSON.stringify(event ?? null), timeoutMs });
      if (inst.warm) busy.begin();
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.all.values()].map((i) => i.worker.terminate()));
    this.all.clear();
    this.idle.clear();
  }
}
