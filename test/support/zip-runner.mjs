// One "Lambda execution environment" for test/support/zip-lambda.ts: loads a built handler zip's
// index.mjs (exactly what Lambda runs) in its own process with the function's environment, then answers
// invocations sent over IPC. Errors come back with their name and message, as Lambda reports them.
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';

const dir = process.argv[2];
const mod = await import(pathToFileURL(join(dir, 'index.mjs')).href);
process.on('message', async ({ id, event, functionName }) => {
  const context = {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${process.env.AWS_REGION}:000000000000:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: `req-${id}`,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 30000,
  };
  try {
    const result = await mod.handler(event, context);
    process.send({ id, result: result === undefined ? null : result });
  } catch (err) {
    process.send({ id, error: { name: err?.name ?? 'Error', message: String(err?.message ?? err) } });
  }
});
process.send({ ready: true });
