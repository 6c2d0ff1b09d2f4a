import type { Construct } from './cdktf';
import type { PolicyStatement } from './iam';
import { LambdaFunction } from './lambda-function';

/** What every function of one provider shares. */
export interface FunctionFamilyOptions {
  /** Function names are `<namePrefix>-<id>` (e.g. `acme-metering` → `acme-metering-get-usage`). */
  readonly namePrefix: string;
  /** Archive of a member that names none: `<archivePrefix>-<id>`. @default every member names its archive */
  readonly archivePrefix?: string;
  /** Environment of every function; a member's own environment is added after it. */
  readonly environment: Record<string, string>;
  /** Statements every function gets after its own (e.g. use of the tables' KMS key). @default none */
  readonly statements?: PolicyStatement[];
  /** Timeout in seconds of a member that sets none. @default LambdaFunction's (10) */
  readonly timeout?: number;
  /** Called with each new function, e.g. to let it read the provider's vendor credential. @default nothing */
  readonly grant?: (fn: LambdaFunction) => void;
}

/** One member function of the family. */
export interface FamilyMemberOptions {
  /** Handler archive. @default `<archivePrefix>-<id>` */
  readonly archive?: string;
  /** Its own environment, after the family's. @default none */
  readonly environment?: Record<string, string>;
  /** Its own least-privilege statements. @default none */
  readonly statements?: PolicyStatement[];
  /** @default the family's timeout */
  readonly timeout?: number;
  /** @default LambdaFunction's (256) */
  readonly memorySize?: number;
}

/**
 * The function maker of a provider whose functions differ only in id, bundle, description and grants (the
 * billing and metering providers: one function per member, all with the provider's prefix, environment
 * and credential). Functions are created directly under `scope`, so their addresses are the provider's.
 */
export function functionFamily(scope: Construct, family: FunctionFamilyOptions) {
  return (id: string, description: string, member: FamilyMemberOptions = {}): LambdaFunction => {
    const archive = member.archive ?? (family.archivePrefix && `${family.archivePrefix}-${id}`);
    if (!archive) throw new Error(`function ${id}: name its archive (the family has no archivePrefix)`);
    const fn = new LambdaFunction(scope, id, {
      archive,
      functionName: `${family.namePrefix}-${id}`,
      description,
      memorySize: member.memorySize,
      timeout: member.timeout ?? family.timeout,
      environment: { ...family.environment, ...member.environment },
      statements: [...(member.statements ?? []), ...(family.statements ?? [])],
    });
    family.grant?.(fn);
    return fn;
  };
}

/** `dynamodb:<action>` for each of `actions` on `resource` (a table or index ARN). */
export function dynamodbStatement(resource: string, ...actions: string[]): PolicyStatement {
  return { actions: actions.map((a) => `dynamodb:${a}`), resources: [resource] };
}

/** Use of a customer-managed KMS key (tables encrypted with it), or nothing when there is none. */
export function kmsKeyStatements(kmsKeyArn: string | undefined): PolicyStatement[] {
  return kmsKeyArn ? [{ actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [kmsKeyArn] }] : [];
}

/**
 * The functions of one of our reference services on DynamoDB (billing, metering): bundle `<service>-<id>`,
 * named `<prefix>-<service>-<id>`, logged as `<service>`, the service's table names in the environment, and
 * use of the tables' customer-managed key when there is one.
 */
export function tableServiceFamily(
  scope: Construct,
  service: string,
  namePrefix: string,
  kmsKeyArn: string | undefined,
  tableNames: Record<string, string>,
) {
  return functionFamily(scope, {
    namePrefix: `${namePrefix}-${service}`,
    archivePrefix: service,
    environment: { ...tableNames, POWERTOOLS_SERVICE_NAME: service },
    statements: kmsKeyStatements(kmsKeyArn),
  });
}
