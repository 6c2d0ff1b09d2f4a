/**
 * SQS as the local runtime and the queue tests use it (fauxqs, local/fauxqs.ts): creating a queue whose ARN
 * subscriptions and redrive policies name, and the event Lambda's SQS event source mapping hands a function
 * for the messages one receive returned.
 */
import { CreateQueueCommand, GetQueueAttributesCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';

/** Creates the queue (`attributes`: RedrivePolicy, VisibilityTimeout …) and returns its URL and ARN. */
export async function createQueue(
  sqs: SQSClient,
  name: string,
  attributes: Record<string, string> = {},
): Promise<{ url: string; arn: string }> {
  const created = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  const got = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: created.QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  return { url: created.QueueUrl!, arn: got.Attributes!.QueueArn! };
}

/**
 * The event of the event source mapping for `messages` received from the queue `queueArn` (received with
 * `AttributeNames: ['All']`; an attribute SQS did not return gets the value Lambda would see for a first
 * receive now).
 */
export function sqsEventOf(messages: Message[], queueArn: string, account = '000000000000'): SQSEvent {
  return {
    Records: messages.map((x) => ({
      messageId: x.MessageId!,
      receiptHandle: x.ReceiptHandle!,
      body: x.Body ?? '',
      attributes: {
        ApproximateReceiveCount: x.Attributes?.ApproximateReceiveCount ?? '1',
        SentTimestamp: x.Attributes?.SentTimestamp ?? String(Date.now()),
        SenderId: x.Attributes?.SenderId ?? account,
        ApproximateFirstReceiveTimestamp: x.Attributes?.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: x.MD5OfBody ?? '',
      eventSource: 'aws:sqs',
      eventSourceARN: queueArn,
      awsRegion: 'us-east-1',
    })),
  };
}
