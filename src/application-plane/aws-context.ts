import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region';
import { TerraformStack, type Construct } from '../core/cdktf';

/** Partition, region and account of the deployment, for ARNs that cannot come from a resource. */
export interface AwsContext {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
}

/** One set of `aws_partition` / `aws_region` / `aws_caller_identity` data sources per stack. */
export function awsContext(scope: Construct): AwsContext {
  const stack = TerraformStack.of(scope);
  const find = <T>(id: string, make: () => T): T => (stack.node.tryFindChild(id) as T | undefined) ?? make();
  const partition = find('sbt-context-partition', () => new DataAwsPartition(stack, 'sbt-context-partition'));
  const region = find('sbt-context-region', () => new DataAwsRegion(stack, 'sbt-context-region'));
  const caller = find(
    'sbt-context-caller-identity',
    () => new DataAwsCallerIdentity(stack, 'sbt-context-caller-identity'),
  );
  // `id` is the region name in hashicorp/aws 5.x and 6.x (`.region` exists only in 6.x).
  return { partition: partition.partition, region: region.id, accountId: caller.accountId };
}
