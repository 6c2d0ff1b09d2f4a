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
  assert {
    condition     = length(aws_lambda_function.billing_webhook) == 1 && length(aws_apigatewayv2_route.api_route_post_billing_webhook) == 1 && length(aws_lambda_function.billing_put_usage) == 1 && output.billing_webhook_url != null && output.billing_webhook_secret_arn != null
    error_message = "billing is on by default: its functions, routes and outputs exist"
  }
  assert {
    condition     = length(aws_dynamodb_table.metering_usage) == 1 && length(aws_apigatewayv2_route.api_route_get_meters) == 1 && length(aws_cloudwatch_event_rule.metering_sbt_aws_ingest_usage) == 1
    error_message = "metering is on by default: its tables, routes and ingest rule exist"
  }
}

# enable_billing = false removes the billing provider and everything wired to it; metering stays.
run "billing_off" {
  command = plan
  variables {
    enable_billing = false
  }
  assert {
    condition     = length(aws_dynamodb_table.billing_customers) == 0 && length(aws_lambda_function.billing_webhook) == 0 && length(aws_secretsmanager_secret.billing_webhook_verification_signing) == 0 && length(aws_cloudwatch_event_rule.billing_sbt_aws_onboarding_request) == 0 && length(aws_lambda_permission.billing_create_customer_invoke_from_sbt_aws_onboarding_request) == 0
    error_message = "with enable_billing = false no billing table, function, secret, rule or permission is planned"
  }
  assert {
    condition     = length(aws_apigatewayv2_route.api_route_post_billing_webhook) == 0 && length(aws_apigatewayv2_route.api_route_get_tenants_tenant_id_billing) == 0 && length(aws_apigatewayv2_integration.api_integration_billing_webhook) == 0
    error_message = "with enable_billing = false the /billing routes and their integrations are gone"
  }
  assert {
    condition     = output.billing_webhook_url == null && output.billing_webhook_secret_arn == null
    error_message = "billing outputs are null when billing is off"
  }
  assert {
    condition     = length(aws_dynamodb_table.metering_usage) == 1 && length(aws_apigatewayv2_route.api_route_get_meters) == 1 && length(aws_lambda_function.tenant_management_api[*]) == 1
    error_message = "metering and the rest of the control plane stay"
  }
}

# enable_metering = false removes metering, and billing's usage roll-up that reads it; the rest of billing stays.
run "metering_off" {
  command = plan
  variables {
    enable_metering = false
  }
  assert {
    condition     = length(aws_dynamodb_table.metering_usage) == 0 && length(aws_dynamodb_table.metering_meters) == 0 && length(aws_lambda_function.metering_ingest_usage) == 0 && length(aws_cloudwatch_event_rule.metering_sbt_aws_ingest_usage) == 0 && length(aws_apigatewayv2_route.api_route_get_meters) == 0 && length(aws_apigatewayv2_route.api_route_get_usage_meter_id) == 0
    error_message = "with enable_metering = false no metering table, function, rule or route is planned"
  }
  assert {
    condition     = length(aws_lambda_function.billing_put_usage) == 0 && length(aws_cloudwatch_event_rule.billing_put_usage_schedule) == 0 && length(aws_lambda_function.billing_webhook) == 1 && output.billing_webhook_url != null
    error_message = "billing keeps everything but the usage roll-up"
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
