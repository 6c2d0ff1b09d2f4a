/**
 * Props problems are collected per construct and reported together when the stack is synthesized
 * (node.addValidation), by `cdktf synth`'s App, by our single-pass App and by the tests' synthStack.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProvisioningScriptJob } from '../../../src/application-plane/provisioning-script-job';
import { createControlPlaneApi } from '../../../src/control-plane/api/create-control-plane-api';
import { HttpControlPlaneApi } from '../../../src/control-plane/api/http-control-plane-api';
import { PrivateRestControlPlaneApi } from '../../../src/control-plane/api/private-rest-control-plane-api';
import { App, Lazy } from '../../../src/core/cdktf';
import { EventManager } from '../../../src/core/event-manager';
import { LambdaFunction } from '../../../src/core/lambda-function';
import { propsErrors } from '../../../src/core/props-validation';
import { SbtStack } from '../../../src/core/sbt-stack';
import { synthStack, testApp } from '../../support/synth';

function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    return String(e);
  }
  throw new Error('expected a validation error');
}

test('two bad props of one construct yield both messages in one synth error, each naming the construct', () => {
  const stack = new SbtStack(testApp(), 'jobs', { mode: 'module' });
  const eventManager = new EventManager(stack, 'events', {
    eventBusArn: 'arn:aws:events:us-east-1:111111111111:event-bus/sbt',
  });
  new ProvisioningScriptJob(stack, 'job', { script: '  ', timeoutSeconds: 0, eventManager });
  const message = errorOf(() => synthStack(stack));
  expect(message).toContain('[jobs/job] timeoutSeconds must be an integer from 1 to 129600');
  expect(message).toContain('[jobs/job] script is empty');
});

test('problems of several constructs come out together, and routes are checked like props', () => {
  const stack = new SbtStack(testApp(), 'api');
  const fn = new LambdaFunction(stack, 'fn', { archive: 'tenant-management-api', functionName: 'fn' });
  const publicApi = new HttpControlPlaneApi(stack, 'public', { name: 'p' });
  publicApi.addRoute({ method: 'GET', path: 'tenants', handler: fn, scopes: ['x'] });
  publicApi.addRoute({ method: 'GET', path: '/open', handler: fn, authorization: 'none' });
  const privateApi = createControlPlaneApi(stack, 'private', {
    name: 'q',
    private: { vpcEndpointIds: [] },
    domain: { domainName: 'api.example.com', certificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/x' },
  });
  expect(privateApi).toBeInstanceOf(PrivateRestControlPlaneApi);
  const message = errorOf(() => synthStack(stack));
  for (const expected of [
    "[api/public] route path 'tenants' must start with '/'",
    '[api/public] route GET tenants needs the JWT authorizer: give the API the jwt prop',
    '[api/public] route GET /open is public: give publicReason',
    '[api/private] private needs at least one VPC endpoint id',
    "[api/private] 'domain' is for the public HTTP API",
  ]) {
    expect(message).toContain(expected);
  }
  // A route key twice would need two resources at one address: that is refused on the spot.
  expect(() =>
    publicApi.addRoute({ method: 'GET', path: '/open', handler: fn, authorization: 'none', publicReason: 'x' }),
  ).toThrow(/defined twice/);
});

test('the single-pass App validates before it resolves anything (cdktf resolves first) and writes nothing', () => {
  {
    const outdir = mkdtempSync(join(tmpdir(), 'sbt-validation-'));
    try {
      const app = new App({ outdir });
      const stack = new SbtStack(app, 's');
      const fn = new LambdaFunction(stack, 'fn', { archive: 'tenant-management-api', functionName: 'fn' });
      // A value that can only be produced once the props are right: the validation must come first.
      fn.addEnvironment(
        'LATE',
        Lazy.stringValue({
          produce: () => {
            throw new Error('resolved before validation');
          },
        }),
      );
      const errors = propsErrors(stack);
      errors.push('first problem', 'second problem');
      const message = errorOf(() => app.synth());
      expect(message).toContain('[s] first problem');
      expect(message).toContain('[s] second problem');
      expect(message).not.toContain('resolved before validation');
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  }
});

test('createControlPlaneApi: the HTTP API by default, the private REST API with `private`', () => {
  const stack = new SbtStack(testApp(), 'choice');
  expect(createControlPlaneApi(stack, 'a', { name: 'a' })).toBeInstanceOf(HttpControlPlaneApi);
  const rest = createControlPlaneApi(stack, 'b', {
    name: 'b',
    private: { vpcEndpointIds: ['vpce-1'] },
    cognitoUserPoolArn: 'arn:aws:cognito-idp:us-east-1:111111111111:userpool/x',
  });
  expect(rest.isPrivate).toBe(true);
  expect(rest.authorizerId).toBeDefined();
  synthStack(stack);
});
