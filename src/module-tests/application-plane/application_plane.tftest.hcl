# terraform test for the application-plane module: plans and applies against a mocked AWS provider (offline).
# Copied into modules/application-plane/tests/ by `npm run modules`; the mocks beside it are generated.

mock_provider "aws" {
  source = "./tests/mocks/default"
}

variables {
  event_bus_arn         = "arn:aws:events:eu-west-1:123456789012:event-bus/acme-sbt-events"
  tags                  = { team = "platform" }
  provisioning_script   = "echo \"provisioning $tenantId ($${tier})\"\nexport tenantStatus=created"
  deprovisioning_script = "echo bye"
  provisioning_iam_statements = [
    { actions = ["s3:CreateBucket"], resources = ["arn:aws:s3:::acme-tenant-*"] },
  ]
  compute_type = "BUILD_GENERAL1_MEDIUM"
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
  assert {
    condition     = jsondecode(aws_codebuild_project.provisioning.source[0].buildspec).phases.build.commands[0] == var.provisioning_script
    error_message = "the caller's provisioning script is the build phase, byte for byte (quotes, newlines and $${} included)"
  }
  assert {
    condition     = jsondecode(aws_codebuild_project.deprovisioning.source[0].buildspec).phases.build.commands[0] == "echo bye"
    error_message = "the caller's deprovisioning script is its build phase"
  }
  assert {
    condition     = aws_codebuild_project.provisioning.environment[0].compute_type == "BUILD_GENERAL1_MEDIUM"
    error_message = "compute_type sizes the build"
  }
  assert {
    condition     = jsondecode(aws_iam_role_policy.provisioning_extra[0].policy).Statement[0].Action == ["s3:CreateBucket"] && length(aws_iam_role_policy.deprovisioning_extra) == 0
    error_message = "the caller's IAM statements become a policy on the build role (none when the list is empty)"
  }
}

# One plan for all rejections (each must fail on its own input; a plan of the whole module is the cost).
run "rejects_invalid_inputs" {
  command = plan
  variables {
    event_bus_arn       = "arn:aws:sqs:eu-west-1:123456789012:queue"
    provisioning_script = "  "
    compute_type        = "HUGE"
  }
  expect_failures = [var.event_bus_arn, var.provisioning_script, var.compute_type]
}
