// The handler shape of the event bundles (lambda/shared/operation-table.ts): the function's environment
// names the operation; an operation the bundle does not have is a thrown error (retried, then the DLQ).
import type { SbtEvent } from '../../../lambda/shared/event-detail';
import { operationTable } from '../../../lambda/shared/operation-table';

const event = { id: 'e1', 'detail-type': 'tenantUserCreated', detail: {} } as unknown as SbtEvent;

afterEach(() => {
  delete process.env.TEST_OPERATION;
});

test('the operation named by the environment runs, with the event', async () => {
  const ran: string[] = [];
  const handler = operationTable('TEST_OPERATION', {
    createUser: async (e) => void ran.push(`create ${e.id}`),
    deleteUser: async (e) => void ran.push(`delete ${e.id}`),
  });
  process.env.TEST_OPERATION = 'deleteUser';
  await handler(event);
  expect(ran).toEqual(['delete e1']);
});

test('an unknown operation (or an inherited property name) throws, naming it; an unset variable too', async () => {
  const handler = operationTable('TEST_OPERATION', { createUser: async () => undefined });
  process.env.TEST_OPERATION = 'createCustomer';
  await expect(handler(event)).rejects.toThrow('unknown TEST_OPERATION createCustomer');
  process.env.TEST_OPERATION = 'toString';
  await expect(handler(event)).rejects.toThrow('unknown TEST_OPERATION toString');
  delete process.env.TEST_OPERATION;
  await expect(handler(event)).rejects.toThrow('environment variable TEST_OPERATION is not set');
});
