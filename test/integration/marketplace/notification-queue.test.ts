// The notification path through a real queue engine (fauxqs): SNS topic → SQS subscription with the envelope,
// EventBridge-shaped bodies sent to the queue, a redrive policy to the DLQ; the handler consumes what SQS delivers
// and reports partial batch failures, so a poison message ends in the DLQ and the good ones are processed.
import { lambdaContext } from '../../support/lambda-context';
import { CreateTopicCommand, PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { handler as notifications } from '../../../lambda/marketplace/notifications';
import { startFauxqsProcess, type FauxqsProcess } from '../../../local/fauxqs';
import { Browser, PRODUCT, licenseEvent, sqsRecord, startHarness, type Harness } from './harness';

let h: Harness;
let q: FauxqsProcess;
let sqs: SQSClient;
let sns: SNSClient;
beforeAll(async () => {
  h = await startHarness('mp-queue');
  q = await startFauxqsProcess();
  const cfg = { region: 'us-east-1', endpoint: q.address };
  // fauxqs queue URLs (http://sqs.<region>.127.0.0.1:<port>/…) are not valid URL hosts: send to the endpoint.
  sqs = new SQSClient({ ...cfg, useQueueUrlAsEndpoint: false });
  sns = new SNSClient(cfg);
});
afterAll(async () => {
  await q.stop();
  await h.stop();
});

const ctx = lambdaContext('marketplace-notifications');

/** One poll of the queue handed to the handler as Lambda's event source mapping would; failed ones stay. */
async function pollOnce(queueUrl: string): Promise<number> {
  const r = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
      VisibilityTimeout: 0,
      AttributeNames: ['All'],
    }),
  );
  const msgs: Message[] = r.Messages ?? [];
  if (!msgs.length) return 0;
  const event: SQSEvent = {
    Records: msgs.map((m) => sqsRecord(m.Body!, { messageId: m.MessageId!, receiptHandle: m.ReceiptHandle! })),
  };
  const res = await notifications(event, ctx);
  const failed = new Set(res.batchItemFailures.map((f) => f.itemIdentifier));
  for (const m of msgs)
    if (!failed.has(m.MessageId!))
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle! }));
  return msgs.length;
}

test('SNS envelope from a topic subscription and EventBridge events through SQS; a poison message reaches the DLQ', async () => {
  const suffix = Date.now().toString(36);
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `mp-dlq-${suffix}` }));
  const dlqArn = (
    await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }))
  ).Attributes!.QueueArn!;
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: `mp-notifications-${suffix}`,
      Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 2 }) },
    }),
  );
  const queueArn = (
    await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queue.QueueUrl, AttributeNames: ['QueueArn'] }))
  ).Attributes!.QueueArn!;
  const topic = await sns.send(new CreateTopicCommand({ Name: `aws-mp-subscription-notification-${PRODUCT}` }));
  await sns.send(new SubscribeCommand({ TopicArn: topic.TopicArn, Protocol: 'sqs', Endpoint: queueArn }));

  // A legacy buyer registers, then Marketplace publishes subscribe-success (the §3.7 message) on the topic.
  process.env.IDENTITY_MODE = 'customer';
  h.fake.addToken('tok-queue', {
    ProductCode: PRODUCT,
    CustomerIdentifier: 'CIQUEUE',
    CustomerAWSAccountId: '444455556666',
  });
  process.env.REGISTRATION_PAGE_URL = 'https://page.example/index.html';
  const browser = new Browser();
  expect((await browser.land('tok-queue')).status).toBe(302);
  expect((await browser.register({ companyName: 'Q', contactPerson: 'Q', contactEmail: 'q@q.example' })).status).toBe(
    201,
  );
  await sns.send(
    new PublishCommand({
      TopicArn: topic.TopicArn,
      Message: JSON.stringify({
        action: 'subscribe-success',
        'customer-identifier': ' CIQUEUE',
        'product-code': PRODUCT,
        'offer-identifier': 'offer-q',
        isFreeTrialTermPresent: 'false',
      }),
    }),
  );
  // A licence event (EventBridge → SQS body is the event itself) and a poison message.
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: queue.QueueUrl,
      MessageBody: licenseEvent('Updated', '2026-11-24T10:00:00Z', {
        licenseArn: 'aws:license-manager:us-east-1:1:l-queue1',
        account: '777788889999',
      }),
    }),
  );
  await sqs.send(new SendMessageCommand({ QueueUrl: queue.QueueUrl, MessageBody: '{"this is":"not a notification"}' }));

  // Poll until the queue is drained (the poison message moves to the DLQ after 2 receives).
  for (let i = 0; i < 10 && (await pollOnce(queue.QueueUrl!)) > 0; i++);
  const onboard = h.bus
    .ofType('sbt_aws_onboardingRequest')
    .filter((e) => e.detail.marketplaceSubscriberId === 'customer:CIQUEUE');
  expect(onboard).toHaveLength(1);
  expect(onboard[0].detail).toMatchObject({ customerIdentifier: 'CIQUEUE', freeTrial: false });
  const dead = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq.QueueUrl, MaxNumberOfMessages: 10 }));
  expect((dead.Messages ?? []).map((m) => m.Body)).toEqual(['{"this is":"not a notification"}']);
});
