/** Version constraints the stacks and the generated modules declare. */

/**
 * AWS provider range of the modules: the @cdktf/provider-aws 21 bindings are generated from 6.x, but
 * nothing here uses what only 6.x has (e.g. `data.aws_region.*.region`; `.id` works in both), so pipelines
 * still on 5.x can use them. Tests validate on 5.100 (the offline mirror); bindings check 6.x names.
 */
export const AWS_PROVIDER_CONSTRAINT = '>= 5.100.0, < 7.0.0';
/** Oldest Terraform that supports everything the modules use (variable validation, optional attrs, moved). */
export const TERRAFORM_CONSTRAINT = '>= 1.5.0';
