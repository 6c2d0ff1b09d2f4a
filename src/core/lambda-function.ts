import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { LambdaFunction as LambdaFunctionResource } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaFunctionEventInvokeConfig } from '@cdktf/provider-aws/lib/lambda-function-event-invoke-config';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { builtArchive } from './archives';
import { Construct, Lazy, TerraformStack } from './cdktf';
import { FileAsset } from './file-asset';
import { ServiceRole, type IGrantable, type PolicyStatement } from './iam';

export interface LambdaFunctionProps {
  /**
   * Handler archive built by `npm run bundle`: `<service>-<file>` for `lambda/<service>/<file>.ts`.
   * Why by name: the zip is built once, reproducibly, and its sha256 becomes `source_code_hash`, so a
   * plan only shows a change when the code changed.
   */
  readonly archive: string;
  /** Full function name; derive it from the stack's name prefix so installs coexist. */
  readonly functionName: string;
  /** Description shown in the console. @default none */
  readonly description?: string;
  /** Environment variables. More can be added later with `addEnvironment`. @default none */
  readonly environment?: Record<string, string>;
  /** Memory in MB. @default 256 (arm64 at 256 MB keeps cold starts of our ~40 KB bundles well under 100 ms) */
  readonly memorySize?: number;
  /** Timeout in seconds. @default 10 */
  readonly timeout?: number;
  /** CPU architecture. @default 'arm64' (cheaper per GB-s, same Node runtime) */
  readonly architecture?: 'arm64' | 'x86_64';
  /** Runtime. @default 'nodejs22.x' */
  readonly runtime?: string;
  /** Log retention in days. @default 30 */
  readonly logRetentionInDays?: number;
  /** Reserved concurrency; caps what one function can take from the account. @default unreserved */
  readonly reservedConcurrentExecutions?: number;
  /** SQS/SNS ARN that receives failed async invocations. @default none */
  readonly deadLetterTargetArn?: string;
  /** Retries of async invocations (0–2). @default Lambda's default (2) */
  readonly maximumRetryAttempts?: number;
  /** Maximum age of an async event in seconds (60–21600). @default Lambda's default (6 h) */
  readonly maximumEventAgeInSeconds?: number;
  /** Least-privilege statements for the function's own role. @default only its log group */
  readonly statements?: PolicyStatement[];
  /** KMS key for environment variable encryption. @default AWS managed key */
  readonly kmsKeyArn?: string;
}

/**
 * A Lambda function from a prebuilt archive, with its own role (log writes + what is granted), a log
 * group with retention created before the function (so Lambda never creates an unmanaged, never-expiring
 * one), and optional DLQ / async retry / reserved concurrency.
 */
export class LambdaFunction extends Construct implements IGrantable {
  readonly resource: LambdaFunctionResource;
  readonly serviceRole: ServiceRole;
  readonly logGroup: CloudwatchLogGroup;
  readonly archive: string;
  private readonly env: Record<string, string>;

  constructor(scope: Construct, id: string, props: LambdaFunctionProps) {
    super(scope, id);
    this.archive = props.archive;
    this.env = { ...(props.environment ?? {}) };
    const asset = LambdaFunction.assetFor(this, props.archive); // throws a clear error when the bundle is missing

    this.logGroup = new CloudwatchLogGroup(this, 'logs', {
      name: `/aws/lambda/${props.functionName}`,
      retentionInDays: props.logRetentionInDays ?? 30,
    });
    this.serviceRole = new ServiceRole(this, 'role', {
      name: `${props.functionName}-role`,
      servicePrincipal: 'lambda.amazonaws.com',
      statements: [
        {
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [`${this.logGroup.arn}:*`],
        },
        ...(props.statements ?? []),
      ],
    });
    if (props.deadLetterTargetArn) {
      const isSqs = props.deadLetterTargetArn.includes(':sqs:') || !props.deadLetterTargetArn.includes(':sns:');
      this.serviceRole.addToRolePolicy({
        actions: [isSqs ? 'sqs:SendMessage' : 'sns:Publish'],
        resources: [props.deadLetterTargetArn],
      });
    }

    this.resource = new LambdaFunctionResource(this, 'function', {
      functionName: props.functionName,
      description: props.description,
      role: this.serviceRole.roleArn,
      filename: asset.path,
      // base64 sha256 of the zip, what Terraform's filebase64sha256() gives (recorded by the bundle or computed)
      sourceCodeHash: asset.hashes.sha256,
      handler: 'index.handler',
      runtime: props.runtime ?? 'nodejs22.x',
      architectures: [props.architecture ?? 'arm64'],
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? 10,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      kmsKeyArn: props.kmsKeyArn,
      deadLetterConfig: props.deadLetterTargetArn ? { targetArn: props.deadLetterTargetArn } : undefined,
      loggingConfig: { logFormat: 'JSON', logGroup: this.logGroup.name },
      environment: {
        variables: Lazy.anyValue({ produce: () => (Object.keys(this.env).length ? this.env : undefined) }) as never,
      },
      dependsOn: [this.logGroup],
    });

    if (props.maximumRetryAttempts !== undefined || props.maximumEventAgeInSeconds !== undefined) {
      new LambdaFunctionEventInvokeConfig(this, 'async-config', {
        functionName: this.resource.functionName,
        maximumRetryAttempts: props.maximumRetryAttempts,
        maximumEventAgeInSeconds: props.maximumEventAgeInSeconds,
      });
    }
  }

  /** One copy of each archive per stack, however many functions use it. */
  private static assetFor(scope: Construct, archive: string): FileAsset {
    const stack = TerraformStack.of(scope);
    const id = `archive-${archive}`;
    const existing = stack.node.tryFindChild(id) as FileAsset | undefined;
    return existing ?? new FileAsset(stack, id, builtArchive(archive));
  }

  get functionArn(): string {
    return this.resource.arn;
  }
  get functionName(): string {
    return this.resource.functionName;
  }
  get invokeArn(): string {
    return this.resource.invokeArn;
  }
  get roleArn(): string {
    return this.serviceRole.roleArn;
  }

  addToRolePolicy(statement: PolicyStatement): void {
    this.serviceRole.addToRolePolicy(statement);
  }

  addEnvironment(key: string, value: string): this {
    this.env[key] = value;
    return this;
  }

  /** Lets a service (API Gateway, EventBridge, S3…) invoke this function, scoped to `sourceArn`. */
  allowInvokeFrom(id: string, principal: string, sourceArn: string): LambdaPermission {
    return new LambdaPermission(this, id, {
      action: 'lambda:InvokeFunction',
      functionName: this.resource.functionName,
      principal,
      sourceArn,
    });
  }
}
