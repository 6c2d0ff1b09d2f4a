# terraform test for the control-plane module: plans and applies against a mocked AWS provider (offline).
# Copied into modules/control-plane/tests/ by `npm run modules`; the mocks beside it are generated.

mock_provider "aws" {
  source = "./tests/mocks/default"
}

variables {
  system_admin_email = "ops@example.com"
  tags               = { team = "platform" }
}

run "applies_with_defaults" {
  assert {
    condition     = output.event_bus_arn == aws_cloudwatch_event_bus.events.arn
    error_message = "event_bus_arn must be the bus the control plane creates (the application plane subscribes to it)"
  }
  assert {
    condition     = aws_dynamodb_table.tenants.name == "sbt-tenants" && aws_dynamodb_table.tenants.deletion_protection_enabled
    error_message = "the tenant table is named after name_prefix and protected from deletion by default"
  }
  assert {
    condition     = aws_dynamodb_table.tenants.tags["team"] == "platform" && aws_lambda_function.tenant_management_api.tags["team"] == "platform"
    error_message = "the tags input reaches every taggable resource"
  }
  assert {
    condition     = aws_cognito_user.system_admin.attributes["email"] == "ops@example.com"
    error_message = "the system admin gets the given e-mail"
  }
}

# One plan for all rejections (each must fail on its own input; a plan of the whole module is the cost).
run "rejects_invalid_inputs" {
  command = plan
  variables {
    system_admin_email = "not-an-email"
    name_prefix        = "Bad_Prefix"
    callback_urls      = ["ftp://example.com"]
  }
  expect_failures = [var.system_admin_email, var.name_prefix, var.callback_urls]
}
