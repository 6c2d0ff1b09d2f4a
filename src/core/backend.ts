import { CloudBackend, LocalBackend, NamedCloudWorkspace, S3Backend, type TerraformStack } from './cdktf';

/**
 * Where a stack keeps its Terraform state. Teams keep state where it already lives:
 * - `local` (default): `terraform.<stack>.tfstate` at the project root, as a relative path (cdktf's own
 *   default is an absolute path of the machine that synthesized, which breaks on any other machine).
 * - `s3`: bucket + key per stack, S3-native locking (`use_lockfile`, Terraform ≥ 1.10) or a DynamoDB table.
 * - `cloud`: HCP Terraform / Terraform Enterprise organization + workspace.
 */
export type BackendConfig =
  | { readonly type: 'local'; readonly path?: string }
  | {
      readonly type: 's3';
      readonly bucket: string;
      /** State key; `<stack>` is replaced by the stack name. @default 'sbt/<stack>.tfstate' */
      readonly key?: string;
      readonly region?: string;
      /** DynamoDB lock table (legacy locking). @default S3-native lock file */
      readonly dynamodbTable?: string;
      readonly encrypt?: boolean;
    }
  | {
      readonly type: 'cloud';
      readonly organization: string;
      /** Workspace; `<stack>` is replaced by the stack name. @default 'sbt-<stack>' */
      readonly workspace?: string;
      readonly hostname?: string;
    };

/**
 * Reads the backend from the environment (SBT_BACKEND=local|s3|cloud with SBT_STATE_BUCKET,
 * SBT_STATE_KEY, SBT_STATE_REGION, SBT_STATE_LOCK_TABLE, SBT_TFC_ORGANIZATION, SBT_TFC_WORKSPACE,
 * SBT_TFC_HOSTNAME) or from cdktf context `backend` (same shape as BackendConfig). Errors name what's missing.
 */
/**
 * The environment variables of each remote backend: field → variable. The first is required (the error
 * says what it is); the others are optional.
 */
const BACKEND_VARIABLES = {
  s3: [
    ['bucket', 'SBT_STATE_BUCKET', ' (the state bucket name)'],
    ['key', 'SBT_STATE_KEY'],
    ['region', 'SBT_STATE_REGION'],
    ['dynamodbTable', 'SBT_STATE_LOCK_TABLE'],
  ],
  cloud: [
    ['organization', 'SBT_TFC_ORGANIZATION', ''],
    ['workspace', 'SBT_TFC_WORKSPACE'],
    ['hostname', 'SBT_TFC_HOSTNAME'],
  ],
} as const;

export function backendFromEnvironment(env: NodeJS.ProcessEnv = process.env, context?: unknown): BackendConfig {
  if (context && typeof context === 'object' && 'type' in (context as object)) return context as BackendConfig;
  const type = env.SBT_BACKEND ?? 'local';
  if (type === 'local') return { type: 'local' };
  if (type !== 's3' && type !== 'cloud') throw new Error(`SBT_BACKEND must be local, s3 or cloud (got '${type}')`);
  const [[requiredField, requiredVariable, what], ...optional] = BACKEND_VARIABLES[type];
  if (!env[requiredVariable]) throw new Error(`SBT_BACKEND=${type} needs ${requiredVariable}${what}`);
  return Object.fromEntries([
    ['type', type],
    [requiredField, env[requiredVariable]],
    ...optional.map(([field, variable]) => [field, env[variable]]),
  ]) as BackendConfig;
}

export function applyBackend(stack: TerraformStack, stackName: string, config: BackendConfig): void {
  switch (config.type) {
    case 'local':
      // Relative to the stack's synth directory (cdktf.out/stacks/<stack>) → project root.
      new LocalBackend(stack, { path: config.path ?? `../../../terraform.${stackName}.tfstate` });
      return;
    case 's3':
      new S3Backend(stack, {
        bucket: config.bucket,
        key: (config.key ?? 'sbt/<stack>.tfstate').replace('<stack>', stackName),
        region: config.region,
        encrypt: config.encrypt ?? true,
        dynamodbTable: config.dynamodbTable,
      });
      // cdktf 0.21 predates S3-native locking; the attribute is set by override.
      if (!config.dynamodbTable) stack.addOverride('terraform.backend.s3.use_lockfile', true);
      return;
    case 'cloud':
      new CloudBackend(stack, {
        organization: config.organization,
        hostname: config.hostname,
        workspaces: new NamedCloudWorkspace((config.workspace ?? 'sbt-<stack>').replace('<stack>', stackName)),
      });
      return;
  }
}
