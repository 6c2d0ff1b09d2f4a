variable "region" {
  type        = string
  description = "Region of the control and application planes."
  default     = "eu-west-1"
}

variable "name_prefix" {
  type        = string
  description = "Prefix of every resource name, so several installs coexist in one account."
  default     = "acme"
}

variable "system_admin_email" {
  type        = string
  description = "Email of the control-plane system admin (receives the temporary password)."

  validation {
    condition     = can(regex("^[^@ ]+@[^@ ]+[.][^@ .]+$", var.system_admin_email))
    error_message = "system_admin_email must be an e-mail address."
  }
}

variable "marketplace_product_code" {
  type        = string
  description = "AWS Marketplace product code of the SaaS listing."
}

variable "seller_email" {
  type        = string
  description = "SES-verified address that is told about new subscribers (empty: no e-mail)."
  default     = ""
}

variable "tags" {
  type        = map(string)
  description = "Tags on every taggable resource of the three modules (the providers' default_tags apply too)."
  default     = { team = "platform" }
}

variable "enable_billing" {
  type        = bool
  description = "Create the control plane's reference billing (tables, functions, /billing routes and webhook)."
  default     = true
}
