/**
 * The loopback HTTP server under the vendor fakes (Amberflo, Moesif, Descope): JSON in and out, every
 * request recorded, and a strict front door — a request without the vendor's auth header, a body that is
 * not JSON or not declared as JSON, or a path the vendor does not have is refused the way the vendor would
 * refuse it, so an adapter that gets the wire shape wrong fails its test.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: unknown;
}

export interface FakeResponse {
  status: number;
  body?: unknown;
}

export class FakeError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`fake ${status}`);
  }
}

export abstract class JsonFake {
  readonly calls: FakeRequest[] = [];
  /** Answer the next N requests with 503 (the vendor is down). */
  failNext = 0;
  url = '';
  private server?: Server;

  /** Checks the vendor's credentials; return a refusal to send instead. */
  protected abstract authorize(req: FakeRequest): FakeResponse | undefined;
  /** The vendor's routes; throw FakeError for a refusal. */
  protected abstract handle(req: FakeRequest): FakeResponse;
  /** Shape of an error body for this vendor. */
  protected errorBody(message: string): unknown {
    return { message };
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const send = (r: FakeResponse) => {
          res.statusCode = r.status;
          res.setHeader('content-type', 'application/json');
          res.end(r.body === undefined ? '' : JSON.stringify(r.body));
        };
        const url = new URL(req.url ?? '/', 'http://fake');
        const raw = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        if (raw) {
          if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) {
            return send({ status: 415, body: this.errorBody('Content-Type must be application/json') });
          }
          try {
            body = JSON.parse(raw);
          } catch {
            return send({ status: 400, body: this.errorBody('malformed JSON body') });
          }
        }
        const fr: FakeRequest = {
          method: req.method ?? 'GET',
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          body,
        };
        this.calls.push(fr);
        const refused = this.authorize(fr);
        if (refused) return send(refused);
        if (this.failNext > 0) {
          this.failNext--;
          return send({ status: 503, body: this.errorBody('service unavailable') });
        }
        try {
          send(this.handle(fr));
        } catch (e) {
          if (e instanceof FakeError) return send({ status: e.status, body: e.body });
          send({ status: 500, body: this.errorBody(String(e)) });
        }
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    const a = this.server.address();
    this.url = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  protected refuse(status: number, message: string): never {
    throw new FakeError(status, this.errorBody(message));
  }

  /** The body as an object with the given required string fields (else the vendor's 400). */
  protected object(body: unknown, required: string[] = []): Record<string, unknown> {
    if (!body || typeof body !== 'object' || Array.isArray(body)) this.refuse(400, 'body must be a JSON object');
    const o = body as Record<string, unknown>;
    for (const k of required)
      if (typeof o[k] !== 'string' || !(o[k] as string).length) this.refuse(400, `${k} is required`);
    return o;
  }
}
