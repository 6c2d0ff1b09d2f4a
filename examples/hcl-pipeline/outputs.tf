# What the pipeline's later stages read, one object per plane (e.g. `terraform output -json control_plane`).

output "control_plane" {
  description = "The control plane: api_url (base URL of its API), event_bus_arn (the SBT bus both planes share), tenant_table_arn (for the team's own readers)."
  value = {
    api_url          = module.control_plane.api_url
    event_bus_arn    = module.control_plane.event_bus_arn
    tenant_table_arn = module.control_plane.tenant_table_arn
  }
}

output "application_plane" {
  description = "The application plane: provisioning_state_machine_arn (provisions tenants), provisioning_role_arn (the role the provisioning script runs as)."
  value = {
    provisioning_state_machine_arn = module.application_plane.provisioning_state_machine_arn
    provisioning_role_arn          = module.application_plane.provisioning_role_arn
  }
}

output "marketplace_fulfillment_url" {
  description = "Fulfillment URL to enter in the Marketplace listing."
  value       = module.marketplace.fulfillment_url
}
