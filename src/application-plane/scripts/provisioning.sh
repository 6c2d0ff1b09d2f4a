#!/usr/bin/env bash
# The toolkit's sample provisioning job (SBT's tutorial script: one CloudFormation stack with an S3 bucket per
# tenant), the reference application plane's and the HCL example's. Replace it with your own; see
# modules/application-plane/README.md for the variables it gets and exports.
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

# Assign, then export: exporting in the same statement would take export's status (0), not the command's.
tenantS3Bucket=$(aws cloudformation describe-stacks --stack-name "$STACK_NAME" | jq -er '.Stacks[0].Outputs[0].OutputValue')
export tenantS3Bucket
echo "$tenantS3Bucket"
tenantConfig=$(jq -n --arg tenantId "$tenantId" --arg tier "$tier" --arg bucket "$tenantS3Bucket" \
  '{"tenantId":$tenantId,"tier":$tier,"s3Bucket":$bucket}')
export tenantConfig
echo "$tenantConfig"
export tenantStatus="created"
export registrationStatus="created"

echo "done!"
