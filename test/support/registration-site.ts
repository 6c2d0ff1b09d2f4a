/**
 * The Marketplace registration site as the SYNTHESIZED stack defines it, on https://127.0.0.1:<port>:
 * CloudFront's behaviours (ordered path patterns → the API origin, everything else → the S3 origin,
 * default root object) from `aws_cloudfront_distribution`; the bucket's files are the `aws_s3_object`s
 * (`content`, e.g. config.js from the input variables, or the `source` asset written by `app.synth()`);
 * API paths go along the synthesized HTTP API routes to the integrated function with the environment its
 * `aws_lambda_function` declares (SynthHarness). TLS because the distribution is https-only and the
 * handler's redirect is to `https://<distribution domain>/…`: the certificate is a throwaway self-signed
 * one made by openssl (a browser must be told to accept it).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalSystem } from '../../local/system';
import { SynthHarness } from '../../local/synth-harness';
import type { StackJson } from '../../local/stack-json';
import { freePort } from '../../local/free-port';
import { httpEvent } from '../../local/http-event';
import { applyVariables } from '../../local/terraform-variables';

type Block = Record<string, unknown>;

export interface RegistrationSite {
  readonly url: string;
  readonly harness: SynthHarness;
  stop(): Promise<void>;
}

/**
 * @param json the stack with its variables applied (local/terraform-variables.ts)
 * @param stackDir where `app.synth()` wrote the stack (asset `source` paths are relative to it)
 */
export async function startRegistrationSite(o: {
  json: StackJson;
  stackDir: string;
  tables: Record<string, string>;
  busName: string;
  openssl: string;
}): Promise<RegistrationSite> {
  const res = (type: string) => (o.json.resource?.[type] ?? {}) as Record<string, Block>;
  const [dist] = Object.values(res('aws_cloudfront_distribution'));
  if (!dist) throw new Error('the stack has no registration page distribution');
  const apiPaths = ((dist.ordered_cache_behavior as Block[] | undefined) ?? [])
    .filter((b) => b.target_origin_id === 'api')
    .map((b) => String(b.path_pattern));
  const root = String(dist.default_root_object ?? 'index.html');
  const defaultMethods = ((dist.default_cache_behavior as Block).allowed_methods as string[]) ?? ['GET', 'HEAD'];
  const objects = new Map(
    Object.values(res('aws_s3_object')).map((obj) => {
      const body =
        obj.content !== undefined
          ? Buffer.from(String(obj.content))
          : readFileSync(join(o.stackDir, String(obj.source)));
      return [String(obj.key), { body, type: String(obj.content_type) }] as const;
    }),
  );

  const dir = mkdtempSync(join(tmpdir(), 'sbt-site-tls-'));
  execFileSync(
    o.openssl,
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      '/CN=127.0.0.1',
      '-days',
      '1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  const port = await freePort();
  const domain = `127.0.0.1:${port}`;
  // Templates over the distribution's domain and the input variables (the page URL is a conditional between
  // the custom domain and the distribution's host) are evaluated now that the local "distribution" has a host.
  const json = applyVariables(o.json, {}, { 'aws_cloudfront_distribution.*.domain_name': domain });
  const harness = new SynthHarness(json, {
    tables: o.tables,
    busName: o.busName,
    matches: LocalSystem.matches,
    references: { 'aws_cloudfront_distribution.*.domain_name': domain },
  });

  /** A public route of the synthesized HTTP API → its integrated function, as API Gateway invokes it (raw response). */
  const invokeRoute = async (method: string, url: URL, headers: Record<string, string>, body: string) => {
    const route = Object.values(res('aws_apigatewayv2_route')).find((r) => r.route_key === `${method} ${url.pathname}`);
    if (!route) return { statusCode: 404, body: '{"message":"Not Found"}' };
    if (route.authorization_type !== 'NONE') return { statusCode: 401, body: '{"message":"Unauthorized"}' };
    const integration = /integrations\/\$\{aws_apigatewayv2_integration\.([^.]+)\.id\}/.exec(String(route.target))![1]!;
    const fn = /^\$\{aws_lambda_function\.([^.]+)\.invoke_arn\}$/.exec(
      String(res('aws_apigatewayv2_integration')[integration]!.integration_uri),
    )![1]!;
    const event = httpEvent({
      method,
      path: url.pathname,
      headers,
      body: body || undefined,
      query: url.searchParams.size ? Object.fromEntries(url.searchParams) : undefined,
    });
    return (await harness.invoke(fn, event)) as { statusCode: number; headers?: Record<string, string>; body?: string };
  };

  const server: Server = createServer(
    { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
    (req, resp) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        void (async () => {
          const url = new URL(req.url ?? '/', `https://${domain}`);
          try {
            if (apiPaths.includes(url.pathname)) {
              const r = await invokeRoute(
                req.method ?? 'GET',
                url,
                Object.fromEntries(Object.entries(req.headers).filter(([, v]) => typeof v === 'string')) as Record<
                  string,
                  string
                >,
                Buffer.concat(chunks).toString('utf8'),
              );
              resp.writeHead(r.statusCode, r.headers ?? {});
              resp.end(r.body ?? '');
              return;
            }
            const key = url.pathname === '/' ? root : url.pathname.slice(1);
            const obj = objects.get(key);
            if (!defaultMethods.includes(req.method ?? 'GET') || !obj) {
              const status = obj || !defaultMethods.includes(req.method ?? 'GET') ? 403 : 404;
              resp.writeHead(status, { 'content-type': 'text/plain' });
              resp.end(status === 403 ? 'Forbidden' : 'Not Found');
              return;
            }
            resp.writeHead(200, { 'content-type': obj.type });
            resp.end(obj.body);
          } catch (err) {
            resp.writeHead(500);
            resp.end(String(err));
          }
        })();
      });
    },
  );
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  return {
    url: `https://${domain}`,
    harness,
    async stop() {
      await new Promise<void>((r) => server.close(() => r()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
