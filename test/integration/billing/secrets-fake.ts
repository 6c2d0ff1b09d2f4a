/**
 * A loopback Secrets Manager speaking the awsJson1_1 wire protocol for GetSecretValue, so handlers keep
 * their unchanged `new SecretsManagerClient({})` (redirected by AWS_ENDPOINT_URL_SECRETS_MANAGER).
 * `reads` counts calls (the handlers cache secrets).
 */
import { createServer, type Server } from 'node:http';
import { clearSecretCache } from '../../../lambda/billing/domain/secret-cache';

export class SecretsManagerFake {
  private server?: Server;
  private readonly secrets = new Map<string, string>();
  reads = 0;
  endpoint = '';

  set(secretId: string, value: string): void {
    this.secrets.set(secretId, value);
  }

  /** Sets a secret and drops the handlers' cached copies, so the next read sees the new value (a rotation). */
  rotate(secretId: string, value: string): void {
    this.set(secretId, value);
    clearSecretCache();
  }

  /** Runs `fn` while `secretId` holds `value`, then rotates the previous value back, even when `fn` throws. */
  async withSecret<T>(secretId: string, value: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.secrets.get(secretId);
    this.rotate(secretId, value);
    try {
      return await fn();
    } finally {
      if (previous === undefined) this.secrets.delete(secretId);
      else this.set(secretId, previous);
      clearSecretCache();
    }
  }

  /**
   * Listens on loopback and points the SDK at it; `initial` secrets (id → value) are set, and the
   * handlers' cached secrets dropped, so they read this fake's values.
   */
  async start(initial: Record<string, string> = {}): Promise<this> {
    for (const [id, value] of Object.entries(initial)) this.set(id, value);
    clearSecretCache();
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        res.setHeader('content-type', 'application/x-amz-json-1.1');
        const target = String(req.headers['x-amz-target'] ?? '');
        const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
        if (target !== 'secretsmanager.GetSecretValue') {
          res.statusCode = 400;
          res.end(JSON.stringify({ __type: 'UnknownOperationException', message: target }));
          return;
        }
        this.reads++;
        const value = this.secrets.get(body.SecretId);
        if (value === undefined) {
          res.statusCode = 400;
          res.end(
            JSON.stringify({
              __type: 'ResourceNotFoundException',
              message: "Secrets Manager can't find the specified secret.",
            }),
          );
          return;
        }
        res.end(
          JSON.stringify({
            ARN: body.SecretId,
            Name: body.SecretId,
            SecretString: value,
            VersionId: 'v1',
            CreatedDate: 0,
          }),
        );
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    const addr = this.server.address();
    this.endpoint = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = this.endpoint;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
