// Runs in every test worker before the test file: point every AWS SDK client at loopback engines and
// give it fake credentials, so nothing can ever reach a real AWS account.
process.env.AWS_REGION ??= 'us-east-1';
process.env.AWS_ACCESS_KEY_ID = 'local';
process.env.AWS_SECRET_ACCESS_KEY = 'local';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_DEV ??= 'false';
// (aws-local-stepfunctions' Promise.withResolvers polyfill for Node 20 is installed by local/step-functions.ts,
// the one module that loads it.)
