#!/usr/bin/env bash
# The toolkit's sample deprovisioning job: deletes the tenant's CloudFormation stack (the mirror image of
# provisioning.sh), the reference application plane's and the HCL example's.
set -eo pipefail
echo "starting..."
echo "tenantId: $tenantId"
STACK_NAME="${TENANT_STACK_PREFIX}-${tenantId}"

aws cloudformation delete-stack --stack-name "$STACK_NAME"
aws cloudformation wait stack-delete-complete --stack-name "$STACK_NAME"

export tenantStatus="deleted"
export registrationStatus="deleted"

echo "done!"
