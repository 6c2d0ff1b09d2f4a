/**
 * A loopback endpoint speaking AWS's JSON 1.1 wire protocol (`x-amz-target` names the operation, the body is
 * its JSON input), the protocol of the services the local fakes stand in for (EventBridge PutEvents,
 * Marketplace Metering and Entitlement), so handlers keep their unchanged SDK clients, redirected with
 * AWS_ENDPOINT_URL_<SERVICE>. A body that is not JSON is answered as AWS does (400 SerializationException).
 */
import { createServer, type Server } from 'node:http';

export interface AwsJsonRequest {
  /** The operation (`x-amz-target`), e.g. `AWSEvents.PutEvents`. */
  readonly target: string;
  readonly body: Record<string, unknown>;
  /** Size of the request body (for the services' request size limits). */
  readonly bytes: number;
  /** The request path (a client whose endpoint has a path says who it is). */
  readonly path: string;
}

/** The HTTP status and JSON body of an answer. */
export type AwsJsonAnswer = [status: number, body: unknown];

export interface AwsJsonServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Closes the server, and the connections SDK clients keep alive (which would hold close() open). */
  stop(): Promise<void>;
}

/** Starts the endpoint on a free loopback port; `operation` answers each request (synchronously). */
export async function startAwsJsonServer(operation: (r: AwsJsonRequest) => AwsJsonAnswer): Promise<AwsJsonServer> {
  let seq = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const reply = ([status, body]: AwsJsonAnswer) => {
        res.statusCode = status;
        res.setHeader('content-type', 'application/x-amz-json-1.1');
        res.setHeader('x-amzn-requestid', `local-${++seq}`);
        res.end(JSON.stringify(body));
      };
      const raw = Buffer.concat(chunks);
      let body: Record<string, unknown>;
      try {
        body = raw.length ? (JSON.parse(raw.toString('utf8')) as Record<string, unknown>) : {};
      } catch {
        return reply([400, { __type: 'SerializationException', message: 'request body is not JSON' }]);
      }
      reply(
        operation({ target: String(req.headers['x-amz-target'] ?? ''), body, bytes: raw.length, path: req.url ?? '/' }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const addr = server.address();
  return {
    url: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`,
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
