/**
 * A loopback EventBridge endpoint speaking the real awsJson1_1 wire protocol for PutEvents, so handlers
 * keep their unchanged `new EventBridgeClient({})` (redirected by AWS_ENDPOINT_URL_EVENTBRIDGE) and tests
 * read back exactly what was put on the bus. `failNext(n)` makes the next n entries fail the way AWS
 * reports partial failures (FailedEntryCount + ErrorCode), to prove callers do not lose events.
 */
import { createServer, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';

export interface CapturedEvent {
  Source: string;
  DetailType: string;
  Detail: string;
  EventBusName?: string;
  Resources?: string[];
  Time?: string;
  /** Detail parsed from JSON. */
  detail: Record<string, unknown>;
}

export class EventBridgeCapture {
  readonly events: CapturedEvent[] = [];
  private server?: Server;
  private failures = 0;
  private listeners: Array<(e: CapturedEvent, origin: string) => void> = [];
  endpoint = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const target = String(req.headers['x-amz-target'] ?? '');
        let body: { Entries?: unknown[] };
        try {
          body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
        } catch {
          res.statusCode = 400;
          res.end(JSON.stringify({ __type: 'SerializationException', message: 'request body is not JSON' }));
          return;
        }
        res.setHeader('content-type', 'application/x-amz-json-1.1');
        if (target !== 'AWSEvents.PutEvents') {
          res.statusCode = 400;
          res.end(JSON.stringify({ __type: 'UnknownOperationException', message: `not emulated: ${target}` }));
          return;
        }
        const entries = (body.Entries ?? []) as Omit<CapturedEvent, 'detail'>[];
        let failed = 0;
        const out = entries.map((e) => {
          if (this.failures > 0) {
            this.failures--;
            failed++;
            return { ErrorCode: 'InternalFailure', ErrorMessage: 'injected failure' };
          }
          const ev: CapturedEvent = { ...e, detail: JSON.parse(e.Detail) };
          this.events.push(ev);
          for (const l of this.listeners) l(ev, req.url ?? '/');
          return { EventId: randomUUID() };
        });
        res.end(JSON.stringify({ FailedEntryCount: failed, Entries: out }));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    const addr = this.server.address();
    this.endpoint = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    process.env.AWS_ENDPOINT_URL_EVENTBRIDGE = this.endpoint;
    return this;
  }

  /** The next `n` entries are rejected as AWS does for partial failures. */
  failNext(n: number): void {
    this.failures = n;
  }

  /**
   * Calls `listener` for every accepted entry, before PutEvents answers. `origin` is the request path: a
   * client whose endpoint has a path (e.g. `<endpoint>/i/<instance>`) tells the runtime who put it.
   */
  onEvent(listener: (e: CapturedEvent, origin: string) => void): void {
    this.listeners.push(listener);
  }

  ofType(detailType: string): CapturedEvent[] {
    return this.events.filter((e) => e.DetailType === detailType);
  }

  clear(): void {
    this.events.length = 0;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
