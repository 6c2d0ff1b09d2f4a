/**
 * The reference application plane's scripts: SBT's tutorial provisioning script (one CloudFormation
 * stack with an S3 bucket per tenant, seed 000 "Application plane utilities"), adapted to
 * - fail when a command fails (`set -eo pipefail`; the tutorial ends in `echo done` and so reports
 *   success even when the stack was never created). A command substitution is assigned first and
 *   exported after: `export X=$(cmd)` has the status of `export` (0), so a failing `aws` or a missing
 *   `jq` inside it would pass unnoticed even under `set -e`; `X=$(cmd)` has the status of `cmd`,
 * - name the tenant stack from a static variable (`TENANT_STACK_PREFIX`, the install's name prefix), so
 *   the build role's permissions can be scoped to those stacks and buckets,
 * - export `tenantStatus`, `tenantConfig` (JSON) and `tenantS3Bucket` as tenant data and
 *   `registrationStatus` as registration data (SBT's integration-test convention: created / deleted).
 * The deprovisioning script is its mirror image.
 */
export const PROVISIONING_SCRIPT = `set -eo pipefail
echo "starting..."
echo "tenantId: $tenantId"
echo "tier: $tier"
STACK_NAME="\${TENANT_STACK_PREFIX}-\${tenantId}"

# note that this template.json is being created here, but
# it could just as easily be pulled in from an S3 bucket.
cat > template.json << EOM
{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {"MyBucket": {"Type": "AWS::S3::Bucket"}},
  "Outputs": {"S3Bucket": {"Value": { "Ref": "MyBucket" }}}
}
EOM

aws cloudformation create-stack --stack-name "$STACK_NAME" --template-body "file://template.json"
aws cloudformation wait stack-create-complete --stack-name "$STACK_NAME"

# Assign, then export: exporting in the same statement would take export's status (0), not the command's.
tenantS3Bucket=$(aws cloudformation describe-stacks --stack-name "$STACK_NAME" | jq -er '.Stacks[0].Outputs[0].OutputValue')
export tenantS3Bucket
echo "$tenantS3Bucket"
tenantConfig=$(jq -n --arg tenantId "$tenantId" --arg tier "$tier" --arg bucket "$tenantS3Bucket" \\
  '{"tenantId":$tenantId,"tier":$tier,"s3Bucket":$bucket}')
export tenantConfig
echo "$tenantConfig"
export tenantStatus="created"
export registrationStatus="created"

echo "done!"
`;

export const DEPROVISIONING_SCRIPT = `set -eo pipefail
echo "starting..."
echo "tenantId: $tenantId"
STACK_NAME="\${TENANT_STACK_PREFIX}-\${tenantId}"

aws cloudformation delete-stack --stack-name "$STACK_NAME"
aws cloudformation wait stack-delete-complete --stack-name "$STACK_NAME"

export tenantStatus="deleted"
export registrationStatus="deleted"

echo "done!"
`;
