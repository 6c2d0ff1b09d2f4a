// What each configuration of the marketplace stack synthesizes: only the resources a pricing model needs, the
// us-east-1 aliased provider on exactly the resources that must live there, public vs scoped routes, DLQs, alarms,
// a private S3 origin behind CloudFront OAC, assets the module packager can relocate.
import { MarketplaceStack } from '../../../src/marketplace/marketplace-stack';
import { MarketplacePricingModel } from '../../../src/marketplace/pricing';
import { hclValue } from '../../support/hcl-value';
import { resourcesOf, synthStack, testApp, type StackJson } from '../../support/synth';

const BUS = 'arn:aws:events:eu-west-1:111111111111:event-bus/sbt';
const synth = (props: ConstructorParameters<typeof MarketplaceStack>[2] = {}) =>
  synthStack(
    new MarketplaceStack(testApp(), 'marketplace', {
      eventBusArn: BUS,
      adminJwt: { issuer: 'https://issuer', audience: ['admin'] },
      ...props,
    }),
  );
const all = (json: StackJson, type: string) => Object.values(resourcesOf(json, type));
const actionsOf = (json: StackJson) =>
  Object.values(json.data?.aws_iam_policy_document ?? {}).flatMap(
    (d) => (d.statement as { actions: string[]; resources: string[] }[]) ?? [],
  );

test('aliased us-east-1 provider, used by the Marketplace-facing resources only', () => {
  const json = synth({ region: 'eu-west-1', notifications: { eventBridge: true, legacySns: true } });
  const providers = (json.provider as { aws: { alias?: string; region: string }[] }).aws;
  expect(providers).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ region: 'eu-west-1' }),
      expect.objectContaining({ alias: 'us_east_1', region: 'us-east-1' }),
    ]),
  );
  const pinned = Object.entries(json.resource!).flatMap(([type, rs]) =>
    Object.values(rs)
      .filter((r) => (r as { provider?: string }).provider === 'aws.us_east_1')
      .map(() => type),
  );
  expect(pinned.sort()).toEqual(
    [
      'aws_cloudwatch_event_rule',
      'aws_cloudwatch_event_target',
      'aws_sns_topic_subscription',
      'aws_sns_topic_subscription',
      'aws_sqs_queue',
      'aws_sqs_queue_policy',
    ].sort(),
  );
  const forward = all(json, 'aws_cloudwatch_event_rule').find((r) => r.provider === 'aws.us_east_1')!;
  expect(forward.event_bus_name).toBe('default');
  expect(JSON.parse(forward.event_pattern as string).source).toEqual(['aws.agreement-marketplace']);
  const subs = all(json, 'aws_sns_topic_subscription');
  expect(subs.map((s) => s.topic_arn)).toEqual([
    'arn:aws:sns:us-east-1:287250355862:aws-mp-subscription-notification-${var.product_code}',
    'arn:aws:sns:us-east-1:287250355862:aws-mp-entitlement-notification-${var.product_code}',
  ]);
  expect(subs.every((s) => s.protocol === 'sqs' && s.raw_message_delivery === false)).toBe(true);
});

test('notification queue has a DLQ; the consumer reports partial batch failures', () => {
  const json = synth();
  const queues = all(json, 'aws_sqs_queue');
  const main = queues.find((q) => q.name === '${var.name_prefix}-marketplace-notifications')!;
  const dlq = Object.entries(resourcesOf(json, 'aws_sqs_queue')).find(
    ([, q]) => q.name === '${var.name_prefix}-marketplace-notifications-dlq',
  )![0];
  expect(hclValue(String(main.redrive_policy))).toEqual({
    deadLetterTargetArn: `\${aws_sqs_queue.${dlq}.arn}`,
    maxReceiveCount: 5,
  });
  const esm = all(json, 'aws_lambda_event_source_mapping')[0];
  expect(esm.function_response_types).toEqual(['ReportBatchItemFailures']);
});

test('pricing models wire only what they need', () => {
  const contracts = synth({ pricingModel: MarketplacePricingModel.CONTRACTS });
  const subs = synth({ pricingModel: MarketplacePricingModel.SUBSCRIPTIONS });
  const both = synth({ pricingModel: MarketplacePricingModel.CONTRACTS_WITH_SUBSCRIPTION });
  const fnNames = (j: StackJson) =>
    all(j, 'aws_lambda_function')
      .map((f) => String(f.function_name).replace('${var.name_prefix}-', ''))
      .sort();
  expect(fnNames(contracts)).toEqual(['marketplace-notifications', 'marketplace-register', 'marketplace-subscribers']);
  expect(fnNames(subs)).toEqual([
    'marketplace-metering',
    'marketplace-notifications',
    'marketplace-register',
    'marketplace-subscribers',
  ]);
  expect(fnNames(both)).toEqual(fnNames(subs));
  const acts = (j: StackJson) => actionsOf(j).flatMap((s) => s.actions);
  expect(acts(contracts)).toContain('aws-marketplace:GetEntitlements');
  expect(acts(contracts)).not.toContain('aws-marketplace:BatchMeterUsage');
  expect(acts(subs)).not.toContain('aws-marketplace:GetEntitlements');
  expect(acts(subs)).toContain('aws-marketplace:BatchMeterUsage');
  // Without metering only the alarms of the pending-access-change sweep and of the stack's event-target DLQ exist.
  expect(
    all(contracts, 'aws_cloudwatch_metric_alarm')
      .map((a) => a.metric_name)
      .sort(),
  ).toEqual(['ApproximateNumberOfMessagesVisible', 'PendingAccessChanges']);
  // Legacy SNS: the entitlement topic only with contracts.
  const snsSubs = synth({
    pricingModel: MarketplacePricingModel.SUBSCRIPTIONS,
    notifications: { eventBridge: false, legacySns: true },
  });
  expect(all(snsSubs, 'aws_sns_topic_subscription').map((s) => s.topic_arn)).toEqual([
    'arn:aws:sns:us-east-1:287250355862:aws-mp-subscription-notification-${var.product_code}',
  ]);
  expect(all(snsSubs, 'aws_cloudwatch_event_rule').filter((r) => r.event_pattern)).toHaveLength(0);
  expect(
    all(snsSubs, 'aws_lambda_function').find((f) => String(f.function_name).endsWith('register'))!.environment,
  ).toMatchObject({ variables: { IDENTITY_MODE: 'customer' } });
});

test('metering: hourly schedule, single concurrency, ledger + usage tables with sparse indexes, DLQ and alarms before the cutoff', () => {
  const json = synth();
  const job = all(json, 'aws_lambda_function').find((f) => String(f.function_name).endsWith('marketplace-metering'))!;
  expect(job.reserved_concurrent_executions).toBe(1);
  expect(job.timeout).toBe(900);
  const schedule = all(json, 'aws_cloudwatch_event_rule').find((r) => r.schedule_expression)!;
  expect(schedule.schedule_expression).toBe('cron(15 * * * ? *)');
  const tables = all(json, 'aws_dynamodb_table');
  const usage = tables.find((t) => String(t.name).endsWith('marketplace-usage'))!;
  expect(usage.global_secondary_index).toEqual([
    expect.objectContaining({ name: 'pendingIndex', hash_key: 'pending' }),
  ]);
  const ledger = tables.find((t) => String(t.name).endsWith('metering-ledger'))!;
  expect(ledger.global_secondary_index).toEqual([
    expect.objectContaining({ name: 'openIndex', hash_key: 'open', range_key: 'hourMs' }),
  ]);
  for (const t of [usage, ledger]) expect(t.ttl).toEqual({ attribute_name: 'expiresAt', enabled: true });
  // (the stack-wide event-target DLQ has its own alarm: test/synth/core/event-target-dlq.test.ts)
  const alarms = all(json, 'aws_cloudwatch_metric_alarm').filter((a) =>
    String(a.alarm_name).includes('marketplace-metering'),
  );
  const cutoff = alarms.find((a) => a.metric_name === 'MeteringSecondsToCutoff')!;
  expect(cutoff).toMatchObject({
    comparison_operator: 'LessThanThreshold',
    treat_missing_data: 'breaching',
    threshold: 43200,
    namespace: 'SBT/Marketplace',
  });
  // Every kind of usage that was not billed has its own alarm (and all of it lands in the DLQ, which alarms too).
  expect(alarms.map((a) => a.metric_name).sort()).toEqual([
    'ApproximateNumberOfMessagesVisible',
    'Errors',
    'MeteringDuplicateRecords',
    'MeteringInvalidRecords',
    'MeteringLateRecords',
    'MeteringNotSubscribedRecords',
    'MeteringSecondsToCutoff',
  ]);
  // The pending-access-change sweep has its own alarm (not a metering one).
  expect(
    all(json, 'aws_cloudwatch_metric_alarm')
      .filter((a) => a.metric_name === 'PendingAccessChanges')
      .map((a) => a.alarm_name),
  ).toEqual([expect.stringMatching(/marketplace-pending-access-changes$/)]);
  const sweep = all(json, 'aws_cloudwatch_event_target').find((t) =>
    String(t.input ?? '').includes('pending-emissions'),
  )!;
  expect(sweep.arn).toMatch(/aws_lambda_function\.product_notifications/);
  // The notification consumer runs the final-usage flush at cancellation with the metering tables and DLQ.
  const consumer = all(json, 'aws_lambda_function').find((f) =>
    String(f.function_name).endsWith('marketplace-notifications'),
  )!;
  expect(Object.keys((consumer.environment as { variables: Record<string, string> }).variables)).toEqual(
    expect.arrayContaining(['USAGE_TABLE_NAME', 'LEDGER_TABLE_NAME', 'METERING_DLQ_URL', 'SUBSCRIBERS_TABLE_NAME']),
  );
  expect(all(json, 'aws_sqs_queue').some((q) => String(q.name).endsWith('marketplace-metering-dlq'))).toBe(true);
});

test('routes: /landing and /register public with a reason, admin routes JWT-scoped; without adminJwt in root mode no admin routes', () => {
  const routes = (j: StackJson) =>
    all(j, 'aws_apigatewayv2_route').map((r) => [r.route_key, r.authorization_type, r.authorization_scopes ?? null]);
  expect(routes(synth())).toEqual(
    expect.arrayContaining([
      ['POST /landing', 'NONE', null],
      ['POST /register', 'NONE', null],
      ['GET /subscribers', 'JWT', ['tenant/tenant_read']],
      ['GET /subscribers/{subscriberId}', 'JWT', ['tenant/tenant_read']],
      ['DELETE /subscribers/{subscriberId}', 'JWT', ['tenant/tenant_write']],
    ]),
  );
  const noAdmin = synthStack(new MarketplaceStack(testApp(), 'marketplace', { eventBusArn: BUS }));
  expect(
    routes(noAdmin)
      .map((r) => r[0])
      .sort(),
  ).toEqual(['POST /landing', 'POST /register']);
  const moduleMode = synthStack(new MarketplaceStack(testApp(), 'marketplace', { mode: 'module' }));
  expect(Object.keys(moduleMode.variable!)).toEqual(
    expect.arrayContaining([
      'product_code',
      'event_bus_arn',
      'seller_email',
      'admin_jwt_issuer',
      'admin_jwt_audience',
      'registration_required_fields',
    ]),
  );
  expect(moduleMode.variable!.product_code.default).toBeUndefined();
  expect(moduleMode.variable!.event_bus_arn.default).toBeUndefined();
});

test('registration page: private bucket behind CloudFront OAC, API behaviours, geo restriction off by default, relocatable assets', () => {
  const json = synth();
  const bpa = all(json, 'aws_s3_bucket_public_access_block')[0];
  expect(bpa).toMatchObject({
    block_public_acls: true,
    block_public_policy: true,
    ignore_public_acls: true,
    restrict_public_buckets: true,
  });
  expect(all(json, 'aws_cloudfront_origin_access_control')[0]).toMatchObject({
    signing_behavior: 'always',
    signing_protocol: 'sigv4',
    origin_access_control_origin_type: 's3',
  });
  const dist = all(json, 'aws_cloudfront_distribution')[0] as Record<string, any>;
  expect(dist.origin[0].origin_access_control_id).toMatch(/aws_cloudfront_origin_access_control/);
  expect(dist.ordered_cache_behavior.map((b: { path_pattern: string }) => b.path_pattern)).toEqual([
    '/landing',
    '/register',
  ]);
  expect(json.variable!.geo_restriction_locations.default).toEqual([]);
  expect(dist.restrictions.geo_restriction.restriction_type).toMatch(/lookup\(/);
  const [distLogical] = Object.keys(resourcesOf(json, 'aws_cloudfront_distribution'));
  const [bucketLogical] = Object.keys(resourcesOf(json, 'aws_s3_bucket'));
  const bucketArn = `\${aws_s3_bucket.${bucketLogical}.arn}`;
  // Only this distribution may read objects (OAC); nothing may use the bucket over plain HTTP.
  expect(hclValue(String(all(json, 'aws_s3_bucket_policy')[0].policy))).toEqual({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AllowCloudFrontOAC',
        Effect: 'Allow',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Action: 's3:GetObject',
        Resource: `${bucketArn}/*`,
        Condition: { StringEquals: { 'AWS:SourceArn': `\${aws_cloudfront_distribution.${distLogical}.arn}` } },
      },
      {
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ],
  });
  const objects = all(json, 'aws_s3_object');
  expect(objects.map((o) => o.key).sort()).toEqual(['app.js', 'config.js', 'index.html', 'style.css']);
  for (const o of objects.filter((o) => o.source)) {
    expect(o.source).toMatch(/^assets\/[^/]+\/[0-9A-F]{32}\/[a-z.]+$/);
    expect(o.etag).toMatch(/^[0-9a-f]{32}$/);
  }
  // config.js: the page configuration from the inputs (evaluated and served in test/e2e/marketplace/registration-site.test.ts).
  const configJs = String(objects.find((o) => o.key === 'config.js')!.content);
  expect(configJs.startsWith('window.SBT_MARKETPLACE_REGISTRATION = ')).toBe(true);
  expect(hclValue(configJs.slice('window.SBT_MARKETPLACE_REGISTRATION = '.length).replace(/;\n$/, ''))).toEqual({
    requiredFields: '${var.registration_required_fields}',
    optionalFields: '${var.registration_optional_fields}',
    registerUrl: '/register',
    productName: null,
  });
  const register = all(json, 'aws_lambda_function').find((f) => String(f.function_name).endsWith('register'))!;
  expect((register.environment as { variables: Record<string, string> }).variables.REGISTRATION_PAGE_URL).toMatch(
    /aws_cloudfront_distribution\..*\.domain_name}\/index\.html$/,
  );
  expect(json.output!.fulfillment_url.value).toMatch(/\/landing$/);
  const withoutPage = synth({ registrationPage: false, requiredFields: [] });
  expect(all(withoutPage, 'aws_cloudfront_distribution')).toHaveLength(0);
  expect(withoutPage.output!.fulfillment_url.value).toMatch(/api_endpoint}\/landing$/);
});

test('IAM: Marketplace actions on * (they support nothing narrower), everything else on ARNs', () => {
  for (const s of actionsOf(synth()).filter((st) => !st.actions.includes('sts:AssumeRole'))) {
    if (s.actions.some((a) => a.startsWith('aws-marketplace:'))) {
      expect(s.actions.every((a) => a.startsWith('aws-marketplace:'))).toBe(true);
      expect(s.resources).toEqual(['*']);
    } else {
      expect(s.resources).not.toContain('*');
    }
  }
});

test('configurations that cannot work fail at synth, naming the property', () => {
  // Required fields but no page: the fulfillment URL would have no form and answer 400 to every buyer.
  expect(() => synth({ registrationPage: false })).toThrow(/requiredFields .*need the registration page/);
  expect(() =>
    synth({
      registrationPage: {
        domain: { aliases: ['signup.example.com'], certificateArn: 'arn:aws:acm:eu-west-1:111111111111:certificate/x' },
      },
    }),
  ).toThrow(/certificateArn must be an ACM certificate in us-east-1/);
  expect(() =>
    synth({ registrationPage: { webAclArn: 'arn:aws:wafv2:eu-west-1:111111111111:regional/webacl/x/1' } }),
  ).toThrow(/scope CLOUDFRONT/);
  expect(() =>
    synth({ apiDomain: { domainName: 'mp.example.com', certificateArn: 'arn:aws:acm:eu-west-1:1:certificate/x' } }),
  ).toThrow(/registrationPage.domain/);
  // Module mode: the same rules as variable validations Terraform enforces.
  const mod = synthStack(
    new MarketplaceStack(testApp(), 'marketplace', { mode: 'module', registrationPage: false, requiredFields: [] }),
  );
  expect(JSON.stringify(mod.variable!.registration_required_fields.validation)).toMatch(
    /length\(var.registration_required_fields\) == 0/,
  );
});

test('operations: custom domain + WAF on the page, buyer routes throttled apart from the admin routes, control-plane tenant tables', () => {
  const cert = 'arn:aws:acm:us-east-1:111111111111:certificate/abc';
  const waf = 'arn:aws:wafv2:us-east-1:111111111111:global/webacl/mp/1';
  const json = synth({
    registrationPage: { domain: { aliases: ['signup.example.com'], certificateArn: cert }, webAclArn: waf },
    tenantTableName: 'cp-tenants',
    tenantRegistrationTableName: 'cp-registrations',
  });
  const dist = all(json, 'aws_cloudfront_distribution')[0] as Record<string, any>;
  expect(dist.aliases).toMatch(/registration_domain_aliases/);
  expect(json.variable!.registration_domain_aliases.default).toEqual(['signup.example.com']);
  expect(json.variable!.registration_certificate_arn.default).toBe(cert);
  expect(json.variable!.registration_web_acl_arn.default).toBe(waf);
  expect(dist.web_acl_id).toMatch(/registration_web_acl_arn/);
  expect(dist.viewer_certificate.acm_certificate_arn).toMatch(/registration_certificate_arn/);
  expect(json.output!.fulfillment_url.value).toMatch(/registration_domain_aliases.*\/landing$/);
  // Literal values (construct used directly) are decided at synth.
  const stage = all(json, 'aws_apigatewayv2_stage')[0] as Record<string, any>;
  expect(stage.default_route_settings).toMatchObject({ throttling_rate_limit: 50, throttling_burst_limit: 100 });
  expect(stage.route_settings.map((r: { route_key: string }) => r.route_key).sort()).toEqual([
    'POST /landing',
    'POST /register',
  ]);
  expect(String(stage.route_settings[0].throttling_rate_limit)).toMatch(/buyer_rate_limit/);
  expect(json.variable!.buyer_rate_limit.default).toBe(20);
  expect(stage.depends_on.length).toBeGreaterThanOrEqual(2);
  // The control plane's tenant path: its tables, conditional writes only (no Scan, no Delete).
  const tenantSt = actionsOf(json).find((st) => st.actions.includes('dynamodb:ConditionCheckItem'))!;
  expect(tenantSt.actions.sort()).toEqual([
    'dynamodb:ConditionCheckItem',
    'dynamodb:GetItem',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
  ]);
  expect(tenantSt.resources.join(' ')).toMatch(/table\/\$\{var.tenant_table_name\}/);
  const register = all(json, 'aws_lambda_function').find((f) => String(f.function_name).endsWith('register'))!;
  expect((register.environment as { variables: Record<string, string> }).variables).toMatchObject({
    TENANT_TABLE_NAME: '${var.tenant_table_name}',
    REGISTRATION_TABLE_NAME: '${var.tenant_registration_table_name}',
  });
  expect(json.variable!.tenant_table_name.default).toBe('cp-tenants');
  const mod = synthStack(new MarketplaceStack(testApp(), 'marketplace', { mode: 'module' }));
  expect(mod.variable!.tenant_table_name.default).toBeUndefined();
  expect(mod.variable!.registration_certificate_arn.default).toBe('');
});
