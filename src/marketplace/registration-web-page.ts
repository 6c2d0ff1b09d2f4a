import { CloudfrontDistribution } from '@cdktf/provider-aws/lib/cloudfront-distribution';
import { CloudfrontOriginAccessControl } from '@cdktf/provider-aws/lib/cloudfront-origin-access-control';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLoggingA as S3BucketLogging } from '@cdktf/provider-aws/lib/s3-bucket-logging';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA as S3BucketServerSideEncryptionConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA as S3BucketVersioning } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../core/archives';
import { Construct, Fn, Token } from '../core/cdktf';
import { FileAsset } from '../core/file-asset';

/** CloudFront managed policies (ids are global constants). */
const CACHING_OPTIMIZED = '658327ea-f89d-4fab-a63d-7e88639e58f6';
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const ALL_VIEWER_EXCEPT_HOST = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';
const SECURITY_HEADERS = '67f7725c-6f97-4210-82d7-5512b31e9d03';

export const PAGE_FILES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'application/javascript; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
};

function viewerCertificate(domain: RegistrationWebPageProps['domain']) {
  const min = 'TLSv1.2_2021';
  // On the default *.cloudfront.net certificate CloudFront ignores minimumProtocolVersion (TLS 1.0 stays
  // accepted), so no floor is claimed there; it holds only with an own certificate (SNI).
  if (!domain) return { cloudfrontDefaultCertificate: true };
  const cert = domain.certificateArn;
  if (!Token.isUnresolved(cert))
    return { acmCertificateArn: cert, sslSupportMethod: 'sni-only', minimumProtocolVersion: min };
  const on = Fn.startswith(cert, 'arn:');
  return {
    acmCertificateArn: Fn.conditional(on, cert, null),
    sslSupportMethod: Fn.conditional(on, 'sni-only', null),
    cloudfrontDefaultCertificate: Fn.conditional(on, false, true),
    minimumProtocolVersion: min,
  };
}

/**
 * Folder of the page as served: `build/registration-page/` of this package, where `npm run bundle` minifies
 * src/marketplace/registration-page/ (scripts/lib/registration-page.mjs) and which the npm package ships.
 */
export function registrationPageDir(): string {
  const dir = join(packageRoot(), 'build', 'registration-page');
  if (existsSync(join(dir, 'index.html'))) return dir;
  throw new Error(
    existsSync(join(packageRoot(), 'src', 'marketplace', 'registration-page'))
      ? `registration page ${dir} is not built: run 'npm run bundle' (src/marketplace/registration-page → build/registration-page)`
      : `registration page ${dir} is missing: the installed package lacks its build/registration-page/ (reinstall it)`,
  );
}

/**
 * A bucket as both buckets here are: all public access blocked, ACLs off (bucket owner enforced), encrypted at
 * rest. `idPrefix` prefixes the ids of the three settings (the page bucket's are unprefixed).
 */
function privateBucket(scope: Construct, id: string, idPrefix: string, bucketPrefix: string): S3Bucket {
  const bucket = new S3Bucket(scope, id, { bucketPrefix, forceDestroy: true });
  new S3BucketPublicAccessBlock(scope, `${idPrefix}public-access-block`, {
    bucket: bucket.id,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });
  new S3BucketOwnershipControls(scope, `${idPrefix}ownership`, {
    bucket: bucket.id,
    rule: { objectOwnership: 'BucketOwnerEnforced' },
  });
  new S3BucketServerSideEncryptionConfiguration(scope, `${idPrefix}encryption`, {
    bucket: bucket.id,
    rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
  });
  return bucket;
}

/** The one service a bucket serves: its principal, the object action it may take and on which condition. */
interface ServiceGrant {
  readonly Sid: string;
  readonly Principal: { readonly Service: string };
  readonly Action: string;
  readonly Condition: Record<string, Record<string, string>>;
}

/** The bucket's policy: `grant` on its objects, and nothing (for anyone) over plain HTTP. */
function bucketPolicy(scope: Construct, id: string, bucket: S3Bucket, grant: ServiceGrant): S3BucketPolicy {
  const { Sid, Principal, Action, Condition } = grant;
  return new S3BucketPolicy(scope, id, {
    bucket: bucket.id,
    policy: Fn.jsonencode({
      Version: '2012-10-17',
      Statement: [
        { Sid, Effect: 'Allow', Principal, Action, Resource: `${bucket.arn}/*`, Condition },
        {
          Sid: 'DenyInsecureTransport',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: [bucket.arn, `${bucket.arn}/*`],
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      ],
    }),
  });
}

export interface RegistrationWebPageProps {
  readonly namePrefix: string;
  /** Base URL of the API that serves `/register` and `/landing` (https://…, no trailing slash). */
  readonly apiUrl: string;
  /** Form fields: required and optional (names; labels derive from them). */
  readonly requiredFields: string[];
  readonly optionalFields?: string[];
  /** Shown in the page title. @default none */
  readonly productName?: string;
  /**
   * Countries (ISO 3166-1 alpha-2) allowed to load the page. @default [] — no restriction. sbt-aws hard-codes
   * US+CA, which locks every other buyer out of registration; here it is opt-in.
   */
  readonly geoRestrictionLocations?: string[];
  /** CloudFront price class. @default 'PriceClass_100' */
  readonly priceClass?: string;
  /**
   * Custom domain: host names (CNAMEs) and an ACM certificate in us-east-1 covering them (CloudFront only uses
   * certificates there). The fulfillment URL becomes `https://<first alias>/landing`. @default the CloudFront host
   */
  readonly domain?: { readonly aliases: string[]; readonly certificateArn: string };
  /** WAFv2 web ACL ARN (scope CLOUDFRONT) in front of the page, /landing and /register. @default none */
  readonly webAclArn?: string;
}

/**
 * The buyer-facing registration page: a private S3 bucket (all public access blocked, owner-enforced, encrypted)
 * served only through CloudFront with origin access control (SigV4, bucket policy scoped to this distribution).
 * `/register` and `/landing` are routed to the API on the same host, so the page posts same-origin (no CORS) and
 * the fulfillment URL is `https://<distribution>/landing`. Files are TerraformAssets uploaded by `aws_s3_object`,
 * so the module packager relocates them; the field list is a generated `config.js`.
 */
export class RegistrationWebPage extends Construct {
  readonly bucket: S3Bucket;
  /** Bucket of the page bucket's server access logs. */
  readonly logBucket: S3Bucket;
  readonly distribution: CloudfrontDistribution;
  private readonly customHost?: string;

  constructor(scope: Construct, id: string, props: RegistrationWebPageProps) {
    super(scope, id);
    this.bucket = privateBucket(this, 'bucket', '', `${props.namePrefix}-mp-registration-`);
    const oac = new CloudfrontOriginAccessControl(this, 'oac', {
      name: `${props.namePrefix}-mp-registration`,
      description: 'Registration page bucket, reachable only through CloudFront',
      originAccessControlOriginType: 's3',
      signingBehavior: 'always',
      signingProtocol: 'sigv4',
    });
    const apiDomain = Fn.replace(props.apiUrl, 'https://', '');
    const geo = props.geoRestrictionLocations ?? [];
    const apiBehaviour = (pathPattern: string) => ({
      pathPattern,
      targetOriginId: 'api',
      viewerProtocolPolicy: 'https-only',
      allowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'POST', 'PATCH', 'DELETE'],
      cachedMethods: ['GET', 'HEAD'],
      cachePolicyId: CACHING_DISABLED,
      originRequestPolicyId: ALL_VIEWER_EXCEPT_HOST,
      compress: true,
    });
    this.distribution = new CloudfrontDistribution(this, 'distribution', {
      enabled: true,
      comment: `${props.namePrefix} AWS Marketplace registration`,
      defaultRootObject: 'index.html',
      httpVersion: 'http2and3',
      priceClass: props.priceClass ?? 'PriceClass_100',
      origin: [
        { originId: 's3', domainName: this.bucket.bucketRegionalDomainName, originAccessControlId: oac.id },
        {
          originId: 'api',
          domainName: apiDomain,
          customOriginConfig: {
            httpPort: 80,
            httpsPort: 443,
            originProtocolPolicy: 'https-only',
            originSslProtocols: ['TLSv1.2'],
          },
        },
      ],
      defaultCacheBehavior: {
        targetOriginId: 's3',
        viewerProtocolPolicy: 'redirect-to-https',
        allowedMethods: ['GET', 'HEAD'],
        cachedMethods: ['GET', 'HEAD'],
        cachePolicyId: CACHING_OPTIMIZED,
        responseHeadersPolicyId: SECURITY_HEADERS,
        compress: true,
      },
      orderedCacheBehavior: [apiBehaviour('/landing'), apiBehaviour('/register')],
      restrictions: {
        geoRestriction: {
          // An input list: empty → no restriction (the default), otherwise an allow-list.
          restrictionType: Fn.lookup({ '0': 'none' }, Fn.tostring(Fn.lengthOf(geo)), 'whitelist'),
          locations: geo,
        },
      },
      aliases: props.domain?.aliases,
      // Module inputs are tokens ('' = off): decided by Terraform; literals are decided here.
      webAclId:
        props.webAclArn && Token.isUnresolved(props.webAclArn)
          ? Fn.conditional(Fn.startswith(props.webAclArn, 'arn:'), props.webAclArn, null)
          : props.webAclArn || undefined,
      viewerCertificate: viewerCertificate(props.domain),
    });
    const cert = props.domain?.certificateArn;
    this.customHost = !props.domain
      ? undefined
      : Token.isUnresolved(cert)
        ? Fn.conditional(
            Fn.startswith(cert!, 'arn:'),
            Fn.element(props.domain.aliases, 0),
            this.distribution.domainName,
          )
        : Token.isUnresolved(props.domain.aliases)
          ? Fn.element(props.domain.aliases, 0)
          : props.domain.aliases[0];

    bucketPolicy(this, 'policy', this.bucket, {
      Sid: 'AllowCloudFrontOAC',
      Principal: { Service: 'cloudfront.amazonaws.com' },
      Action: 's3:GetObject',
      Condition: { StringEquals: { 'AWS:SourceArn': this.distribution.arn } },
    });

    // Versioned (an overwritten or deleted page can be restored) with server access logs in their own bucket.
    new S3BucketVersioning(this, 'versioning', {
      bucket: this.bucket.id,
      versioningConfiguration: { status: 'Enabled' },
    });
    this.logBucket = privateBucket(
      this,
      'server-access-logs',
      'server-access-logs-',
      `${props.namePrefix}-mp-registration-logs-`,
    );
    bucketPolicy(this, 'server-access-logs-policy', this.logBucket, {
      Sid: 'AllowS3ServerAccessLogsOfThePageBucket',
      Principal: { Service: 'logging.s3.amazonaws.com' },
      Action: 's3:PutObject',
      Condition: { ArnLike: { 'aws:SourceArn': this.bucket.arn } },
    });
    new S3BucketLogging(this, 'logging', {
      bucket: this.bucket.id,
      targetBucket: this.logBucket.id,
      targetPrefix: 'page/',
    });

    const dir = registrationPageDir();
    for (const [file, contentType] of Object.entries(PAGE_FILES)) {
      const path = join(dir, file);
      const asset = new FileAsset(this, `asset-${file.replace(/\./g, '-')}`, path);
      new S3Object(this, `object-${file.replace(/\./g, '-')}`, {
        bucket: this.bucket.id,
        key: file,
        source: asset.path,
        // md5 computed at synth: a module's relocated path is stable, so the content hash must drive updates.
        etag: asset.hashes.md5,
        contentType,
        cacheControl: 'max-age=300',
      });
    }
    new S3Object(this, 'object-config-js', {
      bucket: this.bucket.id,
      key: 'config.js',
      contentType: 'application/javascript; charset=utf-8',
      cacheControl: 'no-cache',
      content: `window.SBT_MARKETPLACE_REGISTRATION = ${Fn.jsonencode({
        requiredFields: props.requiredFields,
        optionalFields: props.optionalFields ?? [],
        registerUrl: '/register',
        productName: props.productName ?? null,
      })};\n`,
    });
  }

  /** `https://<custom domain or distribution domain>` (no trailing slash). */
  get url(): string {
    return `https://${this.customHost ?? this.distribution.domainName}`;
  }
  /** The CloudFront host to point the custom domain's DNS (alias / CNAME) at. */
  get dnsTarget(): string {
    return this.distribution.domainName;
  }
  /** The fulfillment URL to configure on the listing. */
  get fulfillmentUrl(): string {
    return `${this.url}/landing`;
  }
}
