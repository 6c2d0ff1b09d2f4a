// The registration page: its bucket is versioned with server access logs in their own locked-down bucket,
// and the TLS floor is real — TLSv1.2_2021 with an own domain + ACM certificate (SNI); on CloudFront's
// default certificate (where the floor is ignored) none is claimed.
import { RegistrationWebPage } from '../../../src/marketplace/registration-web-page';
import { SbtStack } from '../../../src/core/sbt-stack';
import { resourcesOf, synthStack, testApp } from '../../support/synth';

function page(domain?: { aliases: string[]; certificateArn: string }) {
  const stack = new SbtStack(testApp(), 'mp');
  const p = new RegistrationWebPage(stack, 'page', {
    namePrefix: 'x',
    apiUrl: 'https://api.example.com',
    requiredFields: ['email'],
    domain,
  });
  return { json: synthStack(stack), page: p };
}

test('bucket versioning and access logs to a private, encrypted log bucket only S3 logging may write', () => {
  const { json } = page();
  const buckets = Object.entries(resourcesOf(json, 'aws_s3_bucket'));
  expect(buckets).toHaveLength(2);
  const [pageLogical] = buckets.find(([, b]) => String(b.bucket_prefix) === 'x-mp-registration-')!;
  const [logLogical] = buckets.find(([, b]) => String(b.bucket_prefix) === 'x-mp-registration-logs-')!;
  const [versioning] = Object.values(resourcesOf(json, 'aws_s3_bucket_versioning'));
  expect(versioning).toMatchObject({
    bucket: `\${aws_s3_bucket.${pageLogical}.id}`,
    versioning_configuration: { status: 'Enabled' },
  });
  const [logging] = Object.values(resourcesOf(json, 'aws_s3_bucket_logging'));
  expect(logging).toMatchObject({
    bucket: `\${aws_s3_bucket.${pageLogical}.id}`,
    target_bucket: `\${aws_s3_bucket.${logLogical}.id}`,
  });
  const blocks = Object.values(resourcesOf(json, 'aws_s3_bucket_public_access_block'));
  expect(blocks.map((b) => b.bucket).sort()).toEqual(
    [`\${aws_s3_bucket.${logLogical}.id}`, `\${aws_s3_bucket.${pageLogical}.id}`].sort(),
  );
  for (const b of blocks)
    expect(b).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
  expect(Object.values(resourcesOf(json, 'aws_s3_bucket_server_side_encryption_configuration'))).toHaveLength(2);
  const logPolicy = Object.values(resourcesOf(json, 'aws_s3_bucket_policy')).find((p) =>
    String(p.bucket).includes(logLogical),
  )!;
  expect(String(logPolicy.policy)).toContain('logging.s3.amazonaws.com');
  expect(String(logPolicy.policy)).toContain(`aws_s3_bucket.${pageLogical}.arn`);
});

test('custom domain + ACM certificate: alias, SNI, TLSv1.2_2021; the page URL uses the domain', () => {
  const { json, page: p } = page({
    aliases: ['register.example.com'],
    certificateArn: 'arn:aws:acm:us-east-1:111122223333:certificate/abc',
  });
  const [dist] = Object.values(resourcesOf(json, 'aws_cloudfront_distribution'));
  expect(dist.aliases).toEqual(['register.example.com']);
  expect(dist.viewer_certificate).toEqual({
    acm_certificate_arn: 'arn:aws:acm:us-east-1:111122223333:certificate/abc',
    ssl_support_method: 'sni-only',
    minimum_protocol_version: 'TLSv1.2_2021',
  });
  expect(p.url).toBe('https://register.example.com');
  expect(p.fulfillmentUrl).toBe('https://register.example.com/landing');
});

test('default certificate: no TLS floor claimed (CloudFront ignores it there)', () => {
  const [dist] = Object.values(resourcesOf(page().json, 'aws_cloudfront_distribution'));
  expect(dist.viewer_certificate).toEqual({ cloudfront_default_certificate: true });
  expect(dist.aliases).toBeUndefined();
});
