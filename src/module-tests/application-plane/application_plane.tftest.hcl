# terraform test for the application-plane module: plans and applies against a mocked AWS provider (offline).
# Copied into modules/application-plane/tests/ by `npm run modules`; the mocks beside it are generated.

mock_provider "aws" {
  source = "./tests/mocks/default"
}

variables {
  event_bus_arn = "arn:aws:events:eu-west-1:123456789012:event-bus/acme-sbt-events"
  tags          = { team = "platform" }
}

run "subscribes_to_the_given_bus" {
  assert {
    condition     = aws_cloudwatch_event_rule.sbt_aws_onboarding_request.event_bus_name == var.event_bus_arn && aws_cloudwatch_event_rule.sbt_aws_offboarding_request.event_bus_name == var.event_bus_arn
    error_message = "onboarding and offboarding rules must live on the control plane's bus"
  }
  assert {
    condition     = output.event_bus_arn == var.event_bus_arn
    error_message = "event_bus_arn output echoes the bus the plane is wired to"
  }
  assert {
    condition     = aws_sfn_state_machine.provisioning.tags["team"] == "platform"
    error_message = "the tags input reaches every taggable resource"
  }
}

run "rejects_a_bus_arn_that_is_not_an_event_bus" {
  command = plan
  variables {
    event_bus_arn = "arn:aws:sqs:eu-west-1:123456789012:queue"
  }
  expect_failures = [var.event_bus_arn]
}
