/**
 * Job results (provision/deprovision Success/Failure from the application plane) may change only the
 * fields the job declares in its output — `jobOutput.tenantData` / `tenantRegistrationData`, i.e. the
 * ScriptJob's `environmentVariablesToOutgoingEvent` — plus the lifecycle bookkeeping the transition itself
 * owns. Never the tenant's name (unique, immutable: issue 16 survivor (c), "job results allowed to rename a
 * tenant"), ids, state, version or the active flag, whatever the job puts in its output.
 * Through the real results handler against DynamoDB Local; the before/after items are diffed field by field.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../../../lambda/shared/aws-clients';
import { detailTypeOf } from '../../../src/contracts/event-catalog';
import { handler as results } from '../../../lambda/tenant-registration/results';
import { resetTenantServiceForTesting, tenantService } from '../../../lambda/tenant-management/domain/runtime';
import { busEvent, setUp, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await setUp('cp-job-fields');
  resetTenantServiceForTesting();
});
afterAll(() => h.bus.stop());

type Item = Record<string, unknown>;
const tenantItem = async (tenantId: string) =>
  (
    await dynamo().send(
      new GetCommand({ TableName: process.env.TENANT_TABLE_NAME!, Key: { tenantId }, ConsistentRead: true }),
    )
  ).Item as Item;
const registrationItem = async (id: string) =>
  (
    await dynamo().send(
      new GetCommand({
        TableName: process.env.REGISTRATION_TABLE_NAME!,
        Key: { tenantRegistrationId: id },
        ConsistentRead: true,
      }),
    )
  ).Item as Item;

/** Keys whose value differs between two items. */
const changedKeys = (before: Item, after: Item) =>
  [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
    .sort();

type ResultKey = 'provisionSuccess' | 'provisionFailure' | 'deprovisionSuccess' | 'deprovisionFailure';
const resultEvent = (key: ResultKey, detail: Record<string, unknown>) =>
  busEvent(detailTypeOf(key), detail, `evt-${Math.random()}`);

/** What a hostile or buggy job could put in its output next to its declared fields: owned by the control plane. */
const FORBIDDEN = {
  tenantName: 'renamed-by-job',
  tenantId: 'someone-else',
  tenantRegistrationId: 'someone-else',
  lifecycleState: 'OFFBOARDED',
  lifecycleHistory: [],
  version: 999,
  sbtaws_active: false,
  createdAt: '1970-01-01T00:00:00.000Z',
  listPartition: 'REGISTRATION',
  lastError: { error: 'forged' },
};

async function onboarded() {
  const tenantName = `job-fields-${Math.floor(Math.random() * 1e9)}`;
  const { tenant } = await tenantService().onboard({
    tenantData: { tenantName, tier: 'basic', tenantStatus: 'requested' },
    registrationData: { note: 'keep' },
    reason: 'test',
  });
  return { tenantId: String(tenant.tenantId), registrationId: String(tenant.tenantRegistrationId), tenantName };
}

// The lifecycle bookkeeping every applied result changes (owned by the transition, not by the job).
const BOOKKEEPING = ['lifecycleHistory', 'lifecycleState', 'updatedAt', 'version'];

test('survivor (c): provisionSuccess changes only the declared tenantData/tenantRegistrationData fields — a job cannot rename a tenant', async () => {
  const { tenantId, registrationId, tenantName } = await onboarded();
  const [tBefore, rBefore] = [await tenantItem(tenantId), await registrationItem(registrationId)];
  await results(
    resultEvent('provisionSuccess', {
      tenantRegistrationId: registrationId,
      jobOutput: {
        tenantData: { tenantStatus: 'created', tenantS3Bucket: 'bucket-1', ...FORBIDDEN },
        tenantRegistrationData: { registrationStatus: 'created', ...FORBIDDEN },
      },
    }),
  );
  const [tAfter, rAfter] = [await tenantItem(tenantId), await registrationItem(registrationId)];
  expect(changedKeys(tBefore, tAfter)).toEqual([...BOOKKEEPING, 'tenantS3Bucket', 'tenantStatus'].sort());
  expect({
    tenantName: tAfter.tenantName,
    tenantStatus: tAfter.tenantStatus,
    tenantS3Bucket: tAfter.tenantS3Bucket,
    lifecycleState: tAfter.lifecycleState,
    version: tAfter.version,
  }).toEqual({
    tenantName,
    tenantStatus: 'created',
    tenantS3Bucket: 'bucket-1',
    lifecycleState: 'ACTIVE',
    version: Number(tBefore.version) + 1,
  });
  expect(changedKeys(rBefore, rAfter)).toEqual(['lifecycleState', 'registrationStatus', 'updatedAt']);
  expect(rAfter.note).toBe('keep');
});

test('survivor (c): a tenantName alone in the output changes nothing but the lifecycle, on every result kind', async () => {
  const { tenantId, registrationId, tenantName } = await onboarded();
  const run = async (detailType: ResultKey) => {
    const before = await tenantItem(tenantId);
    expect(
      await results(
        resultEvent(detailType, {
          tenantRegistrationId: registrationId,
          jobOutput: { tenantData: { tenantName: `x-${detailType}` } },
        }),
      ),
    ).toEqual({ outcome: 'applied' });
    const after = await tenantItem(tenantId);
    expect(after.tenantName).toBe(tenantName);
    return changedKeys(before, after).filter((k) => !BOOKKEEPING.includes(k));
  };
  expect(await run('provisionFailure')).toEqual(['lastError']);
  await tenantService().retry(tenantId, 'test');
  expect(await run('provisionSuccess')).toEqual(['lastError']); // success clears the failure, nothing else
  await tenantService().requestTransition(tenantId, 'offboard', 'test');
  expect(await run('deprovisionFailure')).toEqual(['lastError']);
  await tenantService().retry(tenantId, 'test');
  expect(await run('deprovisionSuccess')).toEqual(['lastError']);
  expect((await tenantItem(tenantId)).lifecycleState).toBe('OFFBOARDED');
});

test('a failure stores the flat SBT jobFailureStatus on the tenant, but still only as declared data', async () => {
  const { tenantId, registrationId, tenantName } = await onboarded();
  const before = await tenantItem(tenantId);
  await results(
    resultEvent('provisionFailure', {
      tenantRegistrationId: registrationId,
      error: 'States.TaskFailed',
      jobOutput: { tenantStatus: 'Failed to provision tenant.', ...FORBIDDEN },
    }),
  );
  const after = await tenantItem(tenantId);
  expect(changedKeys(before, after)).toEqual([...BOOKKEEPING, 'lastError', 'tenantStatus'].sort());
  expect({
    tenantName: after.tenantName,
    lifecycleState: after.lifecycleState,
    tenantStatus: after.tenantStatus,
  }).toEqual({
    tenantName,
    lifecycleState: 'PROVISION_FAILED',
    tenantStatus: 'Failed to provision tenant.',
  });
});
