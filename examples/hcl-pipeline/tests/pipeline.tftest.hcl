# terraform test for the pipeline: plans and applies the three modules together against mocked AWS
# providers (offline, no account). Run: terraform init -backend=false && terraform test
# The mocks are the ones generated into the modules (well-formed ARNs, valid policy JSON).

mock_provider "aws" {
  source = "../../modules/control-plane/tests/mocks/default"
}

mock_provider "aws" {
  alias  = "us_east_1"
  source = "../../modules/marketplace/tests/mocks/us_east_1"
}

variables {
  system_admin_email       = "platform@acme.example"
  marketplace_product_code = "abc123example"
  seller_email             = "sales@acme.example"
}

run "pipeline_applies" {
  assert {
    condition     = module.application_plane.event_bus_arn == module.control_plane.event_bus_arn
    error_message = "the application plane must subscribe to the control plane's bus"
  }
  assert {
    condition     = output.control_plane.event_bus_arn == module.control_plane.event_bus_arn
    error_message = "the pipeline exposes the control plane's bus"
  }
  assert {
    condition     = startswith(module.control_plane.event_bus_arn, "arn:aws:events:")
    error_message = "the bus output is an EventBridge ARN"
  }
  assert {
    condition     = module.application_plane.provisioning_project_name == "acme-provisioning"
    error_message = "the provisioning job is named after name_prefix"
  }
  assert {
    condition     = module.control_plane.billing_webhook_url != null && startswith(module.marketplace.registration_page_url, "https://")
    error_message = "billing and the registration page are on unless switched off"
  }
}

run "rejects_an_invalid_admin_email" {
  command = plan
  variables {
    system_admin_email = "platform-at-acme"
  }
  expect_failures = [var.system_admin_email]
}
