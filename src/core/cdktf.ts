/**
 * The one seam between this library and CDK for Terraform.
 *
 * HashiCorp deprecated cdktf on 2025-12-10; the community fork CDK Terrain (`cdktn`) is mostly a rename.
 * Everything in src/, main.ts, scripts and tests imports cdktf through this file, so moving to the fork
 * is a change of the module name below (plus the provider package in package.json).
 */
export {
  App,
  AssetType,
  CloudBackend,
  Fn,
  Op,
  LocalBackend,
  NamedCloudWorkspace,
  S3Backend,
  TerraformAsset,
  TerraformElement,
  TerraformIterator,
  TerraformLocal,
  TerraformOutput,
  TerraformProvider,
  TerraformResource,
  TerraformStack,
  TerraformVariable,
  Testing,
  Token,
  Lazy,
  Aspects,
  Annotations,
} from 'cdktf';
export type { IAspect, ITerraformDependable, TerraformVariableConfig } from 'cdktf';
export { Construct } from 'constructs';
export type { IConstruct } from 'constructs';
