provider "aws" {
  region = var.region

  # Tags every resource; the modules' `tags` input adds to these (a key set in both: the module input wins).
  default_tags {
    tags = { "managed-by" = "terraform" }
  }
}

# AWS Marketplace APIs and events live in us-east-1; the marketplace module takes this alias.
provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"
}
