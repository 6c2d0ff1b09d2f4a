output "control_plane_api_url" {
  description = "Base URL of the control-plane API."
  value       = module.control_plane.api_url
}

output "event_bus_arn" {
  description = "SBT event bus shared by the planes."
  value       = module.control_plane.event_bus_arn
}

output "provisioning_state_machine_arn" {
  description = "State machine that provisions tenants."
  value       = module.application_plane.provisioning_state_machine_arn
}

output "marketplace_fulfillment_url" {
  description = "Fulfillment URL to enter in the Marketplace listing."
  value       = module.marketplace.fulfillment_url
}

output "tenant_table_arn" {
  description = "Tenant table, for the team's own readers."
  value       = module.control_plane.tenant_table_arn
}

output "provisioning_role_arn" {
  description = "Role the provisioning script runs as."
  value       = module.application_plane.provisioning_role_arn
}
