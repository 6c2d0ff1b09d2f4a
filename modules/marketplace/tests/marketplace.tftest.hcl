# terraform test for the marketplace module: plans and applies against mocked AWS providers (offline).
# Copied into modules/marketplace/tests/ by `npm run modules`; the mocks beside it are generated. The
# us_east_1 mocks answer with us-east-1 ARNs, which shows what the module creates through that alias.

mock_provider "aws" {
  source = "./tests/mocks/default"
}

mock_provider "aws" {
  alias  = "us_east_1"
  source = "./tests/mocks/us_east_1"
}

variables {
  product_code                 = "abc123example"
  seller_email                 = "seller@example.com"
  event_bus_arn                = "arn:aws:events:eu-west-1:123456789012:event-bus/acme-sbt-events"
  registration_required_fields = ["companyName", "contactEmail"]
  admin_jwt_issuer             = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_example"
  admin_jwt_audience           = ["client-id"]
  # The control plane's tables: Marketplace buyers become tenants through its registration path.
  tenant_table_name              = "acme-tenants"
  tenant_registration_table_name = "acme-tenant-registrations"
}

run "applies" {
  assert {
    condition     = startswith(aws_cloudwatch_event_rule.product_ingest_marketplace.arn, "arn:aws:events:us-east-1:")
    error_message = "the rule on AWS Marketplace events must be created in us-east-1 (through the aws.us_east_1 provider)"
  }
  assert {
    condition     = startswith(aws_dynamodb_table.product_subscribers.arn, "arn:aws:dynamodb:eu-west-1:")
    error_message = "everything else lives in the default provider's region"
  }
  assert {
    condition     = length(aws_cloudfront_distribution.product_page) == 1 && length(aws_s3_bucket.product_page) == 1 && output.registration_page_url != null && endswith(aws_lambda_function.product_register.environment[0].variables["REGISTRATION_PAGE_URL"], "/index.html")
    error_message = "the registration page exists by default and /landing redirects to it"
  }
}

# enable_registration_page = false: no bucket, no CloudFront; /landing on the API registers the buyer directly.
run "registration_page_off" {
  command = plan
  variables {
    enable_registration_page     = false
    registration_required_fields = []
  }
  assert {
    condition     = length(aws_cloudfront_distribution.product_page) == 0 && length(aws_s3_bucket.product_page) == 0 && length(aws_s3_object.product_page_object_index_html) == 0 && length(aws_cloudfront_origin_access_control.product_page_oac) == 0
    error_message = "with enable_registration_page = false no page resource is planned"
  }
  assert {
    condition     = output.registration_page_url == null && output.registration_dns_target == null && aws_lambda_function.product_register.environment[0].variables["REGISTRATION_PAGE_URL"] == ""
    error_message = "without the page its outputs are null and the register function gets no page URL"
  }
  assert {
    condition     = length(aws_lambda_function.product_register[*]) == 1 && length(aws_apigatewayv2_route.product_api_route_post_landing[*]) == 1
    error_message = "the fulfillment URL (register function and /landing route) stays"
  }
}

run "rejects_required_fields_without_page" {
  command = plan
  variables {
    enable_registration_page = false
  }
  expect_failures = [aws_lambda_function.product_register]
}

# One plan for all rejections (each must fail on its own input; a plan of the whole module is the cost).
run "rejects_invalid_inputs" {
  command = plan
  variables {
    seller_email                 = "seller-at-example"
    event_bus_arn                = "not-an-arn"
    geo_restriction_locations    = ["us", "DE"]
    tenant_table_name            = ""
    registration_certificate_arn = "arn:aws:acm:eu-west-1:123456789012:certificate/not-for-cloudfront"
    registration_web_acl_arn     = "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/acl/1"
    buyer_rate_limit             = 0
  }
  expect_failures = [
    var.seller_email, var.event_bus_arn, var.geo_restriction_locations, var.tenant_table_name,
    var.registration_certificate_arn, var.registration_web_acl_arn, var.buyer_rate_limit,
  ]
}

# Custom domain and WAF in front of the registration page and the fulfillment URL.
run "custom_domain_and_waf" {
  command = plan
  variables {
    registration_domain_aliases  = ["signup.example.com"]
    registration_certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/abc"
    registration_web_acl_arn     = "arn:aws:wafv2:us-east-1:123456789012:global/webacl/acl/1"
  }
  assert {
    condition     = aws_cloudfront_distribution.product_page[0].viewer_certificate[0].acm_certificate_arn == "arn:aws:acm:us-east-1:123456789012:certificate/abc"
    error_message = "the page must be served with the custom domain's certificate"
  }
  assert {
    condition     = output.fulfillment_url == "https://signup.example.com/landing"
    error_message = "the fulfillment URL must be on the custom domain"
  }
}
