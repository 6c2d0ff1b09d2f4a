# A platform team's root module composing the generated modules, as a CI pipeline would apply it.
# Sources point at this repository's modules/; from a registry use e.g.
#   source  = "acme/saas-builder-toolkit/aws//modules/control-plane"
#   version = "~> 0.1"

module "control_plane" {
  source = "../../modules/control-plane"

  name_prefix        = var.name_prefix
  system_admin_email = var.system_admin_email
  tags               = var.tags

  # Plan-time switches: false removes the feature's tables, functions, rules and routes.
  enable_billing  = var.enable_billing
  enable_metering = true
}

module "application_plane" {
  source = "../../modules/application-plane"

  name_prefix   = var.name_prefix
  event_bus_arn = module.control_plane.event_bus_arn
  tags          = var.tags

  # Your tenant jobs: here the toolkit's samples (a CloudFormation stack with a bucket per tenant), read from
  # where the library ships them, as the module sources above; in your pipeline, point at your own scripts.
  provisioning_script   = file("${path.module}/../../src/application-plane/scripts/provisioning.sh")
  deprovisioning_script = file("${path.module}/../../src/application-plane/scripts/deprovisioning.sh")
  provisioning_iam_statements = [
    { actions = ["cloudformation:CreateStack", "cloudformation:DescribeStacks"], resources = ["arn:aws:cloudformation:*:*:stack/${var.name_prefix}-tenant-*/*"] },
    { actions = ["s3:CreateBucket"], resources = ["arn:aws:s3:::${var.name_prefix}-tenant-*"] },
  ]
  deprovisioning_iam_statements = [
    { actions = ["cloudformation:DeleteStack", "cloudformation:DescribeStacks"], resources = ["arn:aws:cloudformation:*:*:stack/${var.name_prefix}-tenant-*/*"] },
    { actions = ["s3:DeleteBucket"], resources = ["arn:aws:s3:::${var.name_prefix}-tenant-*"] },
  ]
  compute_type = "BUILD_GENERAL1_SMALL"

  # What the jobs get from the event detail and send back (the samples' lists: the defaults), and how long
  # a build may run (5-2160 minutes; past it the job's failure event is sent).
  provisioning_event_variables             = ["tenantId", "tier"]
  provisioning_tenant_data_variables       = ["tenantS3Bucket", "tenantConfig", "tenantStatus"]
  provisioning_registration_data_variables = ["registrationStatus"]
  deprovisioning_event_variables           = ["tenantId"]
  job_timeout_minutes                      = 60
}

module "marketplace" {
  source = "../../modules/marketplace"

  # Marketplace resources that must live in us-east-1 use the aliased provider.
  providers = {
    aws           = aws
    aws.us_east_1 = aws.us_east_1
  }

  name_prefix                  = var.name_prefix
  product_code                 = var.marketplace_product_code
  seller_email                 = var.seller_email
  event_bus_arn                = module.control_plane.event_bus_arn
  registration_required_fields = ["companyName", "contactEmail"]
  admin_jwt_issuer             = module.control_plane.jwt_issuer
  admin_jwt_audience           = [module.control_plane.user_client_id, module.control_plane.machine_client_id]
  tags                         = var.tags

  # Buyers become tenants through the control plane's own registration path (its tables).
  tenant_table_name              = module.control_plane.tenant_table_name
  tenant_registration_table_name = module.control_plane.tenant_registration_table_name
}
