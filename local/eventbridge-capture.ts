/**
 * A loopback EventBridge endpoint speaking the real awsJson1_1 wire protocol for PutEvents, so handlers
 * keep their unchanged `new EventBridgeClient({})` (redirected by AWS_ENDPOINT_URL_EVENTBRIDGE) and tests
 * read back exactly what was put on the bus. `failNext(n)` makes the next n entries fail the way AWS
 * reports partial failures (FailedEntryCount + ErrorCode), to prove callers do not lose events.
 */
import { randomUUID } from 'node:crypto';
import { type AwsJsonServer, startAwsJsonServer } from './aws-json-server';

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
  private server?: AwsJsonServer;
  private failures = 0;
  private listeners: Array<(e: CapturedEvent, origin: string) => void> = [];
  endpoint = '';

  async start(): Promise<this> {
    this.server = await startAwsJsonServer(({ target, body, path }) => {
      if (target !== 'AWSEvents.PutEvents')
        return [400, { __type: 'UnknownOperationException', message: `not emulated: ${target}` }];
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
        for (const l of this.listeners) l(ev, path);
        return { EventId: randomUUID() };
      });
      return [200, { FailedEntryCount: failed, Entries: out }];
    });
    this.endpoint = this.server.url;
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
    await this.server?.stop();
  }
}
