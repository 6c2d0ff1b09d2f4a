/**
 * Lazily created SDK v3 clients, one per warm container. They take region, credentials and endpoint from
 * the environment (AWS_ENDPOINT_URL_<SERVICE> redirects them to local engines in tests) — handler code
 * never names an endpoint.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';

let doc: DynamoDBDocumentClient | undefined;
let events: EventBridgeClient | undefined;

export function dynamo(): DynamoDBDocumentClient {
  doc ??= DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: true },
  });
  return doc;
}

export function eventBridge(): EventBridgeClient {
  events ??= new EventBridgeClient({});
  return events;
}

/** Tests swap clients (e.g. to capture events) without touching handler code. */
export function setClientsForTesting(c: { dynamo?: DynamoDBDocumentClient; eventBridge?: EventBridgeClient }) {
  if (c.dynamo) doc = c.dynamo;
  if (c.eventBridge) events = c.eventBridge;
}

/** Reads a required environment variable; a missing one is a deployment bug, so say which. */
export function env(name: string): string {
  const v = process.env[name];
  if (v === undefined || v === '') throw new Error(`environment variable ${name} is not set`);
  return v;
}
