// The alarms the marketplace constructs synthesize watch metrics the handlers emit: same namespace, a name the
// handlers publish (lambda/marketplace/domain/metrics.ts) and the one dimension they publish it with. A rename on
// either side would leave an alarm that can never fire; this test fails instead.
import { MARKETPLACE_METRICS, METRIC_NAMESPACE } from '../../../lambda/marketplace/domain/metrics';
import { MarketplaceStack } from '../../../src/marketplace/marketplace-stack';
import { MarketplacePricingModel } from '../../../src/marketplace/pricing';
import { resourcesOf, synthStack, testApp } from '../../support/synth';

test('every SBT/Marketplace alarm names an emitted metric with the ProductCode dimension only', () => {
  const json = synthStack(
    new MarketplaceStack(testApp(), 'marketplace', {
      eventBusArn: 'arn:aws:events:eu-west-1:111111111111:event-bus/sbt',
      adminJwt: { issuer: 'https://issuer', audience: ['admin'] },
      pricingModel: MarketplacePricingModel.CONTRACTS_WITH_SUBSCRIPTION,
    }),
  );
  const alarms = Object.values(resourcesOf(json, 'aws_cloudwatch_metric_alarm')).filter(
    (a) => a.namespace === METRIC_NAMESPACE,
  );
  const watched = alarms.map((a) => String(a.metric_name)).sort();
  // The sweep's alarm and the metering job's five.
  expect(watched).toEqual(
    [
      'MeteringDuplicateRecords',
      'MeteringInvalidRecords',
      'MeteringLateRecords',
      'MeteringNotSubscribedRecords',
      'MeteringSecondsToCutoff',
      'PendingAccessChanges',
    ].sort(),
  );
  for (const a of alarms) {
    expect(Object.keys(MARKETPLACE_METRICS)).toContain(a.metric_name);
    expect(Object.keys(a.dimensions as object)).toEqual(['ProductCode']);
  }
});
