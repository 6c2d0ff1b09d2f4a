#!/usr/bin/env bash
# The toolkit's sample provisioning job (one CloudFormation stack with an S3 bucket per tenant).
# Replace it with your own; see modules/application-plane/README.md for the variables it gets and exports.
set -eo pipefail
echo "starting..."
echo "tenantId: $tenantId"
echo "tier: $tier"
STACK_NAME="${TENANT_STACK_PREFIX}-${tenantId}"

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

export tenantS3Bucket=$(aws cloudformation describe-stacks --stack-name "$STACK_NAME" | jq -r '.Stacks[0].Outputs[0].OutputValue')
echo "$tenantS3Bucket"
export tenantConfig=$(jq -n --arg tenantId "$tenantId" --arg tier "$tier" --arg bucket "$tenantS3Bucket" \
  '{"tenantId":$tenantId,"tier":$tier,"s3Bucket":$bucket}')
echo "$tenantConfig"
export tenantStatus="created"
export registrationStatus="created"

echo "done!"
