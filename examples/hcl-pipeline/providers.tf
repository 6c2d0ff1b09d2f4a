provider "aws" {
  region = var.region
}

# AWS Marketplace APIs and events live in us-east-1; the marketplace module takes this alias.
provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"
}
