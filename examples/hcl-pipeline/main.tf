# A platform team's root module composing the generated modules, as a CI pipeline would apply it.
# Sources point at this repository's modules/; from a registry use e.g.
#   source  = "acme/saas-builder-toolkit/aws//modules/control-plane"
#   version = "~> 0.1"

module "control_plane" {
  source = "../../modules/control-plane"

  name_prefix        = var.name_prefix
  system_admin_email = var.system_admin_email
  tags               = var.tags
}

module "application_plane" {
  source = "../../modules/application-plane"

  name_prefix   = var.name_prefix
  event_bus_arn = module.control_plane.event_bus_arn
  tags          = var.tags
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
}
