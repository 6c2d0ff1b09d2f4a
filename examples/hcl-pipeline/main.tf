# A platform team's root module composing the generated modules, as a CI pipeline would apply it.
# Sources point at this repository's modules/; from a registry use e.g.
#   source  = "acme/saas-builder-toolkit/aws//modules/control-plane"
#   version = "~> 0.1"

module "control_plane" {
  source = "../../modules/control-plane"

  name_prefix        = var.name_prefix
  system_admin_email = var.system_admin_email
}

module "application_plane" {
  source = "../../modules/application-plane"

  name_prefix   = var.name_prefix
  event_bus_arn = module.control_plane.event_bus_arn
}
