terraform {
  required_version = ">= 1.5.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100.0, < 7.0.0"
    }
  }

  # Keep state where your pipeline keeps it, e.g.:
  # backend "s3" {
  #   bucket       = "acme-terraform-state"
  #   key          = "saas/control-plane.tfstate"
  #   region       = "eu-west-1"
  #   use_lockfile = true
  # }
}
