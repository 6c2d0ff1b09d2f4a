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
    condition     = aws_cloudfront_distribution.product_page.viewer_certificate[0].acm_certificate_arn == "arn:aws:acm:us-east-1:123456789012:certificate/abc"
    error_message = "the page must be served with the custom domain's certificate"
  }
  assert {
    condition     = output.fulfillment_url == "https://signup.example.com/landing"
    error_message = "the fulfillment URL must be on the custom domain"
  }
}
