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
  # The job defaults are the SBT tutorial's variables and one hour.
  assert {
    condition = jsondecode(aws_sfn_state_machine.provisioning.definition).States.startCodeBuild.Parameters.EnvironmentVariablesOverride == [
      { Name = "tenantId", Type = "PLAINTEXT", "Value.$" = "$.detail.tenantId" },
      { Name = "tier", Type = "PLAINTEXT", "Value.$" = "$.detail.tier" },
    ]
    error_message = "provisioning passes tenantId and tier from the onboarding event by default"
  }
  assert {
    condition     = jsondecode(aws_codebuild_project.provisioning.source[0].buildspec).env["exported-variables"] == ["tenantS3Bucket", "tenantConfig", "tenantStatus", "registrationStatus"]
    error_message = "provisioning exports the tutorial's tenant data and registrationStatus by default"
  }
  assert {
    condition     = keys(jsondecode(aws_sfn_state_machine.deprovisioning.definition).States.notifySuccessEventBridgeTask.Parameters.Entries[0].Detail.jobOutput.tenantData) == ["tenantStatus.$"]
    error_message = "deprovisioning returns tenantStatus as tenant data by default"
  }
  assert {
    condition     = aws_codebuild_project.provisioning.build_timeout == 60 && jsondecode(aws_sfn_state_machine.provisioning.definition).States.startCodeBuild.TimeoutSeconds == 3600 && jsondecode(aws_sfn_state_machine.provisioning.definition).TimeoutSeconds == 3900
    error_message = "the default timeout is one hour (CodeBuild, the build task, and a 5-minute execution backstop)"
  }
}

# One plan for all rejections (each must fail on its own input; a plan of the whole module is the cost).
run "rejects_invalid_inputs" {
  command = plan
  variables {
    event_bus_arn       = "arn:aws:sqs:eu-west-1:123456789012:queue"
    provisioning_script = "  "
    compute_type        = "HUGE"
    job_timeout_minutes = 4
    provisioning_event_variables               = ["tenant-id"]
    provisioning_tenant_data_variables         = ["tenantStatus", "tenantStatus"]
    deprovisioning_registration_data_variables = ["CODEBUILD_BUILD_ID"]
  }
  expect_failures = [
    var.event_bus_arn, var.provisioning_script, var.compute_type, var.job_timeout_minutes,
    var.provisioning_event_variables, var.provisioning_tenant_data_variables, var.deprovisioning_registration_data_variables,
  ]
}

# A caller's own variables and timeout flow into the state machine and the buildspec.
run "caller_job_variables_and_timeout" {
  command = plan
  variables {
    provisioning_event_variables             = ["tenantId", "plan"]
    provisioning_event_json_variables        = ["features"]
    provisioning_tenant_data_variables       = ["databaseUrl", "tenantStatus"]
    provisioning_registration_data_variables = []
    deprovisioning_event_variables           = []
    deprovisioning_tenant_data_variables     = []
    deprovisioning_registration_data_variables = []
    job_timeout_minutes                      = 90
  }
  assert {
    condition = jsondecode(aws_sfn_state_machine.provisioning.definition).States.startCodeBuild.Parameters.EnvironmentVariablesOverride == [
      { Name = "tenantId", Type = "PLAINTEXT", "Value.$" = "$.detail.tenantId" },
      { Name = "plan", Type = "PLAINTEXT", "Value.$" = "$.detail.plan" },
      { Name = "features", Type = "PLAINTEXT", "Value.$" = "States.JsonToString($.detail.features)" },
    ]
    error_message = "the listed event keys are passed in (JSON ones stringified)"
  }
  assert {
    condition     = [for c in jsondecode(aws_sfn_state_machine.provisioning.definition).States.checkIncomingEvent.Choices : c.Next] == ["missingEventVariable_tenantId", "missingEventVariable_plan", "missingEventVariable_features"] && jsondecode(aws_sfn_state_machine.provisioning.definition).States.missingEventVariable_features.Result.Error == "SBT.MissingEventVariable"
    error_message = "every event variable is checked first; a missing one sends the failure event"
  }
  assert {
    condition     = jsondecode(aws_codebuild_project.provisioning.source[0].buildspec).env["exported-variables"] == ["databaseUrl", "tenantStatus"] && strcontains(jsondecode(aws_codebuild_project.provisioning.source[0].buildspec).phases.post_build.commands[0], "export databaseUrl=\"$${databaseUrl-}\"")
    error_message = "the buildspec exports the caller's variables and defines unset ones as empty"
  }
  assert {
    condition     = keys(jsondecode(aws_sfn_state_machine.provisioning.definition).States.notifySuccessEventBridgeTask.Parameters.Entries[0].Detail.jobOutput.tenantData) == ["databaseUrl.$", "tenantStatus.$"] && jsondecode(aws_sfn_state_machine.provisioning.definition).States.notifySuccessEventBridgeTask.Parameters.Entries[0].Detail.jobOutput.tenantRegistrationData == {}
    error_message = "the success event returns the caller's exported variables"
  }
  assert {
    condition     = jsondecode(aws_sfn_state_machine.deprovisioning.definition).StartAt == "startCodeBuild" && !contains(keys(jsondecode(aws_sfn_state_machine.deprovisioning.definition).States), "checkIncomingEvent") && !contains(keys(jsondecode(aws_sfn_state_machine.deprovisioning.definition).States.startCodeBuild.Parameters), "EnvironmentVariablesOverride")
    error_message = "without event variables there is no input check and no override (an empty Choice state is invalid ASL)"
  }
  assert {
    condition     = !contains(keys(jsondecode(aws_codebuild_project.deprovisioning.source[0].buildspec).env), "exported-variables") && !contains(keys(jsondecode(aws_codebuild_project.deprovisioning.source[0].buildspec).phases), "post_build")
    error_message = "without exported variables the buildspec lists none and has no post_build"
  }
  assert {
    condition     = aws_codebuild_project.provisioning.build_timeout == 90 && jsondecode(aws_sfn_state_machine.deprovisioning.definition).States.startCodeBuild.TimeoutSeconds == 5400 && jsondecode(aws_sfn_state_machine.deprovisioning.definition).TimeoutSeconds == 5700
    error_message = "job_timeout_minutes sets the CodeBuild timeout and the state machine's task and execution timeouts"
  }
}

run "rejects_a_name_both_string_and_json" {
  command = plan
  variables {
    provisioning_event_json_variables = ["tier"]
  }
  expect_failures = [aws_sfn_state_machine.provisioning]
}
