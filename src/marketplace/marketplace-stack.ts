import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Token, type Construct } from '../core/cdktf';
import { tolerateSwitchedReferences } from '../core/feature-switch';
import { inputValidation, SbtStack, type SbtStackProps } from '../core/sbt-stack';
import { propsErrors } from '../core/props-validation';
import {
  MarketplaceSaaSProduct,
  checkMarketplaceConfig,
  type MarketplaceNotificationOptions,
} from './marketplace-saas-product';
import { DEFAULT_REGISTRATION_FIELDS, MarketplacePricingModel } from './pricing';

export interface MarketplaceStackProps extends SbtStackProps {
  /** Product code (variable `product_code`; required in module mode). @default 'example-product-code' in root mode */
  readonly productCode?: string;
  /** Pricing model (synth-time: it decides which resources exist). @default CONTRACTS_WITH_SUBSCRIPTION */
  readonly pricingModel?: MarketplacePricingModel;
  /** Notification modes (synth-time). @default EventBridge Concurrent Agreements only */
  readonly notifications?: MarketplaceNotificationOptions;
  /** Control-plane event bus ARN (variable `event_bus_arn`). Root mode needs it from props or `-var`. */
  readonly eventBusArn?: string;
  /**
   * The control plane's tenant / tenant-registration tables (variables `tenant_table_name`,
   * `tenant_registration_table_name`; control-plane outputs of the same names). Marketplace buyers become tenants
   * through the control plane's own registration path. Root mode: tokens from the control-plane stack are used as is.
   */
  readonly tenantTableName?: string;
  readonly tenantRegistrationTableName?: string;
  /** Contract dimensions from lowest to highest tier (variable `tier_dimensions`). @default [] */
  readonly tierDimensions?: string[];
  /** Buyer-facing route limits (variables `buyer_rate_limit`, `buyer_burst_limit`). @default 20 / 40 */
  readonly buyerRateLimit?: number;
  readonly buyerBurstLimit?: number;
  /** Source of onboarding/offboarding events (variable `control_plane_event_source`). @default 'sbt.control.plane' */
  readonly controlPlaneEventSource?: string;
  /** Seller e-mail (SES identity) told about new subscribers (variable `seller_email`). @default '' (off) */
  readonly sellerEmail?: string;
  /** Registration fields (variables `registration_required_fields`, `registration_optional_fields`). */
  readonly requiredFields?: string[];
  readonly optionalFields?: string[];
  /**
   * Admin routes' JWT issuer and audience (variables `admin_jwt_issuer`, `admin_jwt_audience`), e.g. the control
   * plane's Cognito user pool. Root mode without it builds no admin routes; module mode always has them.
   */
  readonly adminJwt?: { readonly issuer: string; readonly audience: string[] };
  /**
   * Registration page: false to skip; geo restriction list (variable `geo_restriction_locations`, default []);
   * custom domain (variables `registration_domain_aliases`, `registration_certificate_arn` — ACM in us-east-1,
   * '' = CloudFront's host) and WAF (variable `registration_web_acl_arn`, CLOUDFRONT scope, '' = none).
   */
  readonly registrationPage?:
    | false
    | {
        readonly geoRestrictionLocations?: string[];
        readonly productName?: string;
        readonly domain?: { readonly aliases: string[]; readonly certificateArn: string };
        readonly webAclArn?: string;
      };
  /**
   * Module mode: default of the input `enable_registration_page` — false leaves the page (bucket, CloudFront,
   * files) out at plan time: the fulfillment URL is then the API's `/landing`, which registers the buyer
   * directly (so `registration_required_fields` must be empty). Root mode: `registrationPage: false` is the
   * equivalent (left out at synth). @default true (when `registrationPage` is not false)
   */
  readonly enableRegistrationPage?: boolean;
  /** Custom domain of the fulfillment URL when there is no page (HTTP API, regional certificate). */
  readonly apiDomain?: { readonly domainName: string; readonly certificateArn: string };
  /** Alarm actions (variable `alarm_action_arns`). @default [] */
  readonly alarmActions?: string[];
  /** Variable `deletion_protection`. @default true */
  readonly deletionProtection?: boolean;
}

/**
 * The `marketplace` stack / module: one MarketplaceSaaSProduct. Marketplace lives in us-east-1, so the stack adds
 * an aliased provider `aws.us_east_1` (the module packager turns it into `configuration_aliases`; callers of the
 * module pass `providers = { aws = aws, aws.us_east_1 = aws.us_east_1 }`).
 */
export class MarketplaceStack extends SbtStack {
  readonly product: MarketplaceSaaSProduct;
  readonly usEast1: AwsProvider;

  constructor(scope: Construct, id: string, props: MarketplaceStackProps = {}) {
    super(scope, id, props);
    this.useStableAddresses('marketplace');
    const root = this.mode === 'root';
    // Literal settings that cannot work fail here, at synth; module inputs get the same rules as variable validations.
    propsErrors(this).push(...checkMarketplaceConfig(props));
    this.usEast1 = new AwsProvider(this, 'aws_us_east_1', {
      alias: 'us_east_1',
      region: 'us-east-1',
      defaultTags: root ? [{ tags: { 'sbt:stack': id, ...(props.tags ?? {}) } }] : undefined,
    });
    const productCode = this.stringInput('product_code', {
      description: 'AWS Marketplace product code of the SaaS listing (not the product id).',
      default: root ? (props.productCode ?? 'example-product-code') : undefined,
      validation: { condition: '${length(var.product_code) > 0}', errorMessage: 'product_code must not be empty.' },
    });
    // A token (e.g. controlPlane.eventManager.busArn from another stack in the same app) is used as is — cdktf wires
    // the cross-stack reference; a variable default must be a literal.
    const eventBusArn =
      root && props.eventBusArn && Token.isUnresolved(props.eventBusArn)
        ? props.eventBusArn
        : this.stringInput('event_bus_arn', {
            description:
              'ARN of the control plane event bus (control-plane output event_bus_arn); onboardingRequest/offboardingRequest go there.',
            default: root ? props.eventBusArn : undefined,
            validation: inputValidation.eventBusArn('event_bus_arn'),
          });
    const tableInput = (name: string, value: string | undefined, what: string) =>
      root && value && Token.isUnresolved(value)
        ? value
        : this.stringInput(name, {
            description: `Name of the control plane's ${what} table (control-plane output ${name}); Marketplace buyers become tenants through the control plane's registration path.`,
            default: root ? value : undefined,
            validation: {
              condition: `\${length(var.${name}) > 0}`,
              errorMessage: `${name} must name the control plane's ${what} table.`,
            },
          });
    const tenantTable = tableInput('tenant_table_name', props.tenantTableName, 'tenant');
    const registrationTable = tableInput(
      'tenant_registration_table_name',
      props.tenantRegistrationTableName,
      'tenant registration',
    );
    const tierDimensions = this.listInput('tier_dimensions', {
      description:
        "Contract dimensions from lowest to highest tier; the tenant's tier is the highest the buyer is entitled to. Empty: the entitled dimensions joined with '+'.",
      default: props.tierDimensions ?? [],
    });
    const buyerRate = this.numberInput('buyer_rate_limit', {
      description:
        'Requests per second of the buyer-facing routes (/landing, /register), separate from the admin routes.',
      default: props.buyerRateLimit ?? 20,
      validation: { condition: '${var.buyer_rate_limit > 0}', errorMessage: 'buyer_rate_limit must be positive.' },
    });
    const buyerBurst = this.numberInput('buyer_burst_limit', {
      description: 'Burst of the buyer-facing routes.',
      default: props.buyerBurstLimit ?? 40,
      validation: { condition: '${var.buyer_burst_limit > 0}', errorMessage: 'buyer_burst_limit must be positive.' },
    });
    const source = this.stringInput('control_plane_event_source', {
      description: 'Source of the onboarding/offboarding events; keep the control plane source so its rules match.',
      default: props.controlPlaneEventSource ?? 'sbt.control.plane',
    });
    const sellerEmail = this.stringInput('seller_email', {
      description: 'Verified SES identity told about every new subscriber; empty turns the e-mail off.',
      default: root ? (props.sellerEmail ?? '') : undefined,
      validation: inputValidation.email('seller_email', true),
    });
    const required = this.listInput('registration_required_fields', {
      description: 'Registration form fields the buyer must fill in (names; labels derive from them).',
      default: root ? (props.requiredFields ?? DEFAULT_REGISTRATION_FIELDS) : undefined,
      // Without the page there is no form: required fields would make the fulfillment URL answer 400 to everyone.
      ...(props.registrationPage === false
        ? {
            validation: {
              condition: '${length(var.registration_required_fields) == 0}',
              errorMessage:
                'registration_required_fields must be empty: this module has no registration page, so the fulfillment URL has no form.',
            },
          }
        : {}),
    });
    const optional = this.listInput('registration_optional_fields', {
      description: 'Optional registration form fields.',
      default: props.optionalFields ?? [],
    });
    const deletionProtection = this.boolInput('deletion_protection', {
      description: 'Protect the subscriber and metering tables from deletion.',
      default: props.deletionProtection ?? true,
    });
    const alarmActions = this.listInput('alarm_action_arns', {
      description: 'Actions (e.g. SNS topic ARNs) of the metering and DLQ alarms.',
      default: props.alarmActions ?? [],
      validation: inputValidation.arns('alarm_action_arns'),
    });
    const withAdmin = !root || !!props.adminJwt;
    const adminJwt = withAdmin
      ? {
          issuer:
            root && props.adminJwt && Token.isUnresolved(props.adminJwt.issuer)
              ? props.adminJwt.issuer
              : this.stringInput('admin_jwt_issuer', {
                  description:
                    'JWT issuer of the admin routes (e.g. https://cognito-idp.<region>.amazonaws.com/<pool id>).',
                  default: root ? props.adminJwt?.issuer : undefined,
                  validation: inputValidation.url('admin_jwt_issuer', true),
                }),
          audience:
            root && props.adminJwt?.audience.some((a) => Token.isUnresolved(a))
              ? props.adminJwt.audience
              : this.listInput('admin_jwt_audience', {
                  description: 'JWT audiences (app client ids) accepted by the admin routes.',
                  default: root ? props.adminJwt?.audience : undefined,
                }),
        }
      : undefined;
    const page =
      props.registrationPage === false
        ? false
        : {
            productName: props.registrationPage?.productName,
            geoRestrictionLocations: this.listInput('geo_restriction_locations', {
              description:
                'Countries (ISO 3166-1 alpha-2) allowed to load the registration page; empty = no restriction.',
              default: props.registrationPage?.geoRestrictionLocations ?? [],
              validation: inputValidation.countryCodes('geo_restriction_locations'),
            }),
            domain: {
              aliases: this.listInput('registration_domain_aliases', {
                description:
                  'Custom host names of the registration page and fulfillment URL (need registration_certificate_arn).',
                default: props.registrationPage?.domain?.aliases ?? [],
              }),
              certificateArn: this.stringInput('registration_certificate_arn', {
                description:
                  "ACM certificate (us-east-1, CloudFront) covering registration_domain_aliases; '' = CloudFront's own host.",
                default: props.registrationPage?.domain?.certificateArn ?? '',
                validation: {
                  condition:
                    '${var.registration_certificate_arn == "" || (can(regex("^arn:aws[a-z-]*:acm:us-east-1:[0-9]{12}:certificate/", var.registration_certificate_arn)) && length(var.registration_domain_aliases) > 0)}',
                  errorMessage:
                    'registration_certificate_arn must be an ACM certificate in us-east-1 (CloudFront uses only those) and needs registration_domain_aliases.',
                },
              }),
            },
            webAclArn: this.stringInput('registration_web_acl_arn', {
              description: "WAFv2 web ACL (scope CLOUDFRONT) in front of the page and the fulfillment URL; '' = none.",
              default: props.registrationPage?.webAclArn ?? '',
              validation: {
                condition:
                  '${var.registration_web_acl_arn == "" || can(regex("^arn:aws[a-z-]*:wafv2:us-east-1:[0-9]{12}:global/webacl/", var.registration_web_acl_arn))}',
                errorMessage:
                  'registration_web_acl_arn must be a WAFv2 web ACL of scope CLOUDFRONT (arn:aws:wafv2:us-east-1:<account>:global/webacl/…).',
              },
            }),
          };

    this.product = new MarketplaceSaaSProduct(this, 'product', {
      namePrefix: this.namePrefix,
      productCode,
      pricingModel: props.pricingModel ?? MarketplacePricingModel.CONTRACTS_WITH_SUBSCRIPTION,
      usEast1Provider: this.usEast1,
      eventBusArn,
      tenantTableName: tenantTable,
      tenantRegistrationTableName: registrationTable,
      tierDimensions,
      buyerRateLimit: buyerRate,
      buyerBurstLimit: buyerBurst,
      apiDomain: props.apiDomain,
      controlPlaneEventSource: source,
      notifications: props.notifications,
      requiredFields: required,
      optionalFields: optional,
      sellerEmail,
      adminJwt,
      registrationPage: page,
      alarmActions,
      deletionProtection: deletionProtection as unknown as boolean,
    });

    const pageSwitch = this.pageSwitch(props);
    this.output(
      'fulfillment_url',
      pageSwitch && this.product.page
        ? pageSwitch.when(this.product.fulfillmentUrl, `${this.product.api.url}/landing`)
        : this.product.fulfillmentUrl,
      'Fulfillment URL to set on the Marketplace listing (POST target of "Set up your account").',
    );
    this.output(
      'api_url',
      this.product.api.url,
      'Base URL of the marketplace API (/landing, /register, admin /subscribers).',
    );
    this.output(
      'subscribers_table_name',
      this.product.subscribers.tableName,
      'DynamoDB table of Marketplace subscribers.',
    );
    this.output(
      'notification_queue_url',
      this.product.notifications.queue.url,
      'Queue receiving Marketplace notifications.',
    );
    this.output(
      'notification_dlq_url',
      this.product.notifications.dlq.url,
      'Dead-letter queue of notifications that could not be processed.',
    );
    this.output(
      'subscribers_table_arn',
      this.product.subscribers.tableArn,
      'ARN of the subscribers table (grant readers on it).',
    );
    this.output('notification_queue_arn', this.product.notifications.queue.arn, 'ARN of the notification queue.');
    this.output(
      'notification_dlq_arn',
      this.product.notifications.dlq.arn,
      'ARN of the notification dead-letter queue (alarm on it).',
    );
    if (this.product.page) {
      const off = pageSwitch ? '; null when enable_registration_page is false' : '';
      const onlyWithPage = (v: string) => (pageSwitch ? pageSwitch.when(v) : v);
      this.output(
        'registration_page_url',
        onlyWithPage(this.product.page.url),
        `Registration web page (CloudFront, or the custom domain)${off}.`,
      );
      this.output(
        'registration_dns_target',
        onlyWithPage(this.product.page.dnsTarget),
        `CloudFront host to point the custom domain (alias/CNAME) at${off}.`,
      );
    }
    if (this.product.api.domainTarget)
      this.output(
        'api_domain_target',
        this.product.api.domainTarget,
        'DNS target of the fulfillment URL custom domain.',
      );
    if (this.product.metering) {
      this.output(
        'usage_table_name',
        this.product.metering.usageTable.name,
        'Write usage records here (see docs/marketplace.md).',
      );
      this.output(
        'metering_ledger_table_name',
        this.product.metering.ledgerTable.name,
        'One item per billed record with its Marketplace outcome.',
      );
      this.output(
        'metering_dlq_url',
        this.product.metering.dlq.url,
        'Usage that could not be billed (validation error or past the cutoff).',
      );
    }
  }

  /**
   * Module mode with the page: input `enable_registration_page`. Off removes the page construct (bucket,
   * CloudFront, objects); the register function stays (it serves the fulfillment URL) and is told no page
   * URL, so /landing registers the buyer directly — which needs no required form fields (a precondition).
   */
  private pageSwitch(props: MarketplaceStackProps) {
    const page = this.product.page;
    if (this.mode !== 'module' || !page) return undefined;
    const sw = this.featureSwitch('enable_registration_page', {
      description:
        'Create the registration web page (S3 + CloudFront) that /landing redirects buyers to. false removes it: the fulfillment URL becomes the API /landing, which registers the buyer directly (registration_required_fields must then be empty); registration_* outputs are null.',
      default: props.enableRegistrationPage ?? true,
    }).include(page);
    const register = this.product.registerFunction;
    tolerateSwitchedReferences(register);
    register.addEnvironment('REGISTRATION_PAGE_URL', sw.when(`${page.url}/index.html`, ''));
    register.resource.addOverride('lifecycle.precondition', [
      {
        condition: '${var.enable_registration_page || length(var.registration_required_fields) == 0}',
        error_message:
          'registration_required_fields must be empty when enable_registration_page is false: without the page the fulfillment URL has no form.',
      },
    ]);
    return sw;
  }
}
