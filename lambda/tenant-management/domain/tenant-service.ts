/**
 * The tenant use cases: onboarding, reads, data updates, lifecycle transitions (offboard, activate,
 * deactivate, retry) and the request events they emit. Storage is the repository's
 * (tenant-repository.ts), event details are tenant-events.ts', application-plane results job-results.ts'.
 * Every write is conditional (no clobbering on retries or races); the tenant and its registration change
 * in one transaction; every change emits `sbt_aws_tenantUpdated` with the changed fields. Refusals are
 * domain errors (lambda/shared/domain-errors.ts, LifecycleError); the HTTP edge maps them.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import {
  appendHistory,
  isActiveFlag,
  type JobError,
  type LifecycleEvent,
  type LifecycleState,
  registered,
  retryEventFor,
  type TransitionRecord,
  transition,
} from '../../../src/contracts/lifecycle';
import {
  ConflictError,
  DomainError,
  IdempotencyKeyReusedError,
  NotFoundError,
  TooLargeError,
} from '../../shared/domain-errors';
import { cancellationCodes, isConditionFailure, isItemTooLarge } from '../../shared/dynamodb';
import { canonicalJson, clientBytes, type Data, deepEqual, MAX_DATA_BYTES } from './data';
import { applyJobResult, type JobResultKey, type JobResultOutcome } from './job-results';
import {
  type Emit,
  type OutgoingEvent,
  present,
  requestDetail,
  requestEventFor,
  tenantDetail,
  updatedEvent,
} from './tenant-events';
import {
  isNameClaim,
  type Page,
  REGISTRATION_PARTITION,
  TENANT_PARTITION,
  TenantRepository,
} from './tenant-repository';

export type { Emit } from './tenant-events';
export { requestEventFor } from './tenant-events';
export type { Page } from './tenant-repository';

export interface TenantServiceDeps {
  readonly db: DynamoDBDocumentClient;
  readonly tenantTable: string;
  readonly registrationTable: string;
  readonly emit: Emit;
  readonly now?: () => string;
  readonly newId?: () => string;
  readonly log?: Log;
}

type Log = {
  warn(msg: string, extra?: Record<string, unknown>): void;
  error(msg: string, extra?: Record<string, unknown>): void;
};

export interface OnboardResult {
  tenant: Data;
  registration: Data;
  /** False when the request event could not be put on the bus (the tenant is then PROVISION_FAILED). */
  emitted: boolean;
  /** True when an Idempotency-Key matched an earlier request (nothing new was created). */
  replayed?: boolean;
}

const tenantNotFound = (tenantId: string) => new NotFoundError(`Tenant not found for id ${tenantId}`);
const registrationNotFound = (id: string) => new NotFoundError(`Tenant registration not found for id ${id}`);
const offboarded = (tenantId: string, lifecycleState: unknown) =>
  new ConflictError(`Tenant ${tenantId} is OFFBOARDED and can no longer be updated`, { lifecycleState });

export class TenantService {
  readonly repository: TenantRepository;
  readonly emit: Emit;
  readonly log?: Log;
  private readonly now: () => string;
  private readonly newId: () => string;

  constructor(d: TenantServiceDeps) {
    this.repository = new TenantRepository(d.db, d.tenantTable, d.registrationTable);
    this.emit = d.emit;
    this.log = d.log;
    this.now = d.now ?? (() => new Date().toISOString());
    this.newId = d.newId ?? (() => crypto.randomUUID());
  }

  // ---------------------------------------------------------------- onboarding

  /**
   * Creates tenant + registration (REGISTERED → PROVISIONING) and emits `onboardingRequest` — the one
   * onboarding path behind both `POST /tenant-registrations` and `POST /tenants`.
   */
  async onboard(input: {
    tenantData: Data;
    registrationData: Data;
    reason: string;
    idempotencyKey?: string;
  }): Promise<OnboardResult> {
    const at = this.now();
    // With an Idempotency-Key the ids are derived from it, so a client's retry finds its first attempt.
    const tenantId = input.idempotencyKey ? derivedId(`tenant:${input.idempotencyKey}`) : this.newId();
    const tenantRegistrationId = input.idempotencyKey
      ? derivedId(`registration:${input.idempotencyKey}`)
      : this.newId();
    // What the key promised: a retry must carry the same request (else 422, as the IETF draft says).
    const requestFingerprint = input.idempotencyKey
      ? createHash('sha256')
          .update(canonicalJson({ tenantData: input.tenantData, registrationData: input.registrationData }))
          .digest('hex')
      : undefined;
    const first = registered({ at, reason: input.reason });
    const { state, record } = transition('REGISTERED', 'provision', { at, reason: input.reason });
    const tenant: Data = {
      ...input.tenantData,
      tenantId,
      tenantRegistrationId,
      sbtaws_active: true,
      lifecycleState: state,
      lifecycleHistory: [first, record],
      createdAt: at,
      updatedAt: at,
      version: 1,
      listPartition: TENANT_PARTITION,
      ...(requestFingerprint ? { requestFingerprint } : {}),
    };
    const registration: Data = {
      ...input.registrationData,
      tenantRegistrationId,
      tenantId,
      sbtaws_active: true,
      lifecycleState: state,
      createdAt: at,
      updatedAt: at,
      listPartition: REGISTRATION_PARTITION,
    };
    const tenantName = typeof input.tenantData.tenantName === 'string' ? input.tenantData.tenantName : undefined;
    try {
      await this.repository.create(tenant, registration, tenantName, at);
    } catch (e) {
      if (input.idempotencyKey && isConditionFailure(e)) {
        const earlier = await this.repository.getTenant(tenantId);
        if (earlier && earlier.requestFingerprint !== undefined && earlier.requestFingerprint !== requestFingerprint) {
          throw new IdempotencyKeyReusedError(
            'Idempotency-Key was already used with a different request body; use a new key for a new request',
            {
              field: 'idempotency-key',
            },
          );
        }
        if (earlier) {
          // A replay: answer what the first attempt created (same ids, current state), emit nothing new.
          const reg = await this.repository.getRegistration(tenantRegistrationId);
          return {
            tenant: present(earlier),
            registration: present(reg),
            emitted: earlier.lifecycleState !== 'PROVISION_FAILED',
            replayed: true,
          };
        }
      }
      if (tenantName && isConditionFailure(e))
        throw new ConflictError(`A tenant named '${tenantName}' already exists`, { field: 'tenantName' });
      throw e;
    }
    const emitted = await this.emitRequest('onboardingRequest', tenant, registration, 'PROVISIONING');
    if (!emitted) {
      const failed = await this.getTenant(tenantId);
      return {
        tenant: failed,
        registration: present(await this.repository.getRegistration(tenantRegistrationId)),
        emitted,
      };
    }
    return { tenant: present(tenant), registration: present(registration), emitted };
  }

  // ---------------------------------------------------------------- reads

  async getTenant(tenantId: string): Promise<Data> {
    const item = await this.repository.getTenant(tenantId);
    if (!item) throw tenantNotFound(tenantId);
    return present(item);
  }

  listTenants(limit: number, nextToken?: string): Promise<Page<Data>> {
    return this.page('tenant', limit, nextToken);
  }

  async getRegistration(id: string): Promise<Data> {
    return present(await this.registrationItem(id));
  }

  listRegistrations(limit: number, nextToken?: string): Promise<Page<Data>> {
    return this.page('registration', limit, nextToken);
  }

  /** The tenant id a registration belongs to (NotFoundError when unknown). */
  async tenantIdOfRegistration(id: string): Promise<string> {
    return String((await this.registrationItem(id)).tenantId);
  }

  private async page(kind: 'tenant' | 'registration', limit: number, nextToken?: string): Promise<Page<Data>> {
    const page = await this.repository.list(kind, limit, nextToken);
    return { ...page, data: page.data.map(present) };
  }

  private async registrationItem(id: string): Promise<Data> {
    const reg = await this.repository.getRegistration(id);
    if (!reg) throw registrationNotFound(id);
    return reg;
  }

  // ---------------------------------------------------------------- data updates

  /**
   * Merges `patch` into the tenant (SBT's PUT /tenants/{id}: partial body). Refused once the tenant is
   * OFFBOARDED. Emits tenantUpdated with the fields whose value actually changed.
   *
   * `tenantName` keys the tenant-config lookup and usually the tenant's resources, so it is unique and,
   * once set, immutable (409). Naming an unnamed tenant takes the name claim AND updates the tenant in ONE
   * conditional transaction (the update requires the tenant to still be unnamed and unchanged), so
   * concurrent renames cannot leave orphaned claims or rename a tenant that got its name meanwhile.
   */
  async updateTenant(tenantId: string, patch: Data, reason: string): Promise<Data> {
    if (isNameClaim(tenantId)) throw tenantNotFound(tenantId);
    const name = patch.tenantName === undefined ? undefined : String(patch.tenantName);
    for (let attempt = 0; ; attempt++) {
      const at = this.now();
      let old: Data;
      try {
        // The tenant's data as a whole stays within the budget, so lifecycle changes and events always fit.
        const read = await this.repository.getTenant(tenantId);
        if (read) {
          const bytes = clientBytes({ ...read, ...patch });
          if (bytes > MAX_DATA_BYTES && bytes > clientBytes(read)) {
            throw new TooLargeError(
              `Request body too large: tenant ${tenantId}'s data would be ${bytes} bytes; the limit is ${MAX_DATA_BYTES} bytes`,
              {
                limit: 'tenantDataBytes',
              },
            );
          }
        }
        if (name === undefined) {
          // No name in the patch: one atomic update; the old image comes back with it.
          old = await this.repository.updateTenant(tenantId, patch, at);
        } else {
          if (!read) throw tenantNotFound(tenantId);
          if (read.lifecycleState === 'OFFBOARDED') throw offboarded(tenantId, read.lifecycleState);
          if (read.tenantName !== undefined && read.tenantName !== name) {
            throw new ConflictError(
              `tenantName: tenant ${tenantId} is named '${String(read.tenantName)}' and a name cannot be changed`,
              { field: 'tenantName' },
            );
          }
          // Same name again: the update must find it still so (it is immutable, but be exact); a first name is claimed.
          await this.repository.updateNamedTenant(tenantId, patch, at, read.version, read.tenantName === undefined);
          old = read;
        }
      } catch (e) {
        if (e instanceof DomainError) throw e;
        if (isItemTooLarge(e))
          throw new TooLargeError(
            `Request body too large: tenant ${tenantId} would exceed DynamoDB's 400 KB item limit`,
          );
        if (cancellationCodes(e)[0] === 'ConditionalCheckFailed') {
          throw new ConflictError(`tenantName: a tenant named '${name}' already exists`, { field: 'tenantName' });
        }
        if (!isConditionFailure(e)) throw e;
        const item = await this.repository.getTenant(tenantId);
        if (!item) throw tenantNotFound(tenantId);
        if (item.lifecycleState === 'OFFBOARDED') throw offboarded(tenantId, item.lifecycleState);
        // The tenant changed between our read and write (another update, or it got its name): decide again.
        if (name !== undefined && attempt < 8) continue;
        throw new ConflictError(`Tenant ${tenantId} changed concurrently; retry`, {});
      }
      const updated: Data = { ...old, ...patch, updatedAt: at, version: Number(old.version ?? 0) + 1 };
      const changed = Object.keys(patch).filter((k) => !deepEqual(old[k], patch[k]));
      if (changed.length) await this.emit([updatedEvent(updated, old, changed, reason)]);
      return present(updated);
    }
  }

  /**
   * Merges registration data (PATCH /tenant-registrations/{id}) and, if given, tenant data — both parts in
   * ONE transaction, so a refused tenant part (OFFBOARDED, a taken name, too large) leaves the
   * registration untouched too. The tenant part is conditioned on the version read, so `previous` in the
   * tenantUpdated event is exactly what was replaced (a concurrent writer makes us re-read and retry).
   */
  async updateRegistration(
    id: string,
    input: { registrationData: Data; tenantData: Data; reason: string },
  ): Promise<{ tenantRegistration: Data; tenant?: Data }> {
    const tenantId = await this.tenantIdOfRegistration(id);
    const patch = input.tenantData;
    const hasTenantPart = Object.keys(patch).length > 0;

    for (let attempt = 0; ; attempt++) {
      const at = this.now();
      const old = hasTenantPart ? await this.repository.getTenant(tenantId) : undefined;
      if (hasTenantPart && !old) throw tenantNotFound(tenantId);
      if (old?.lifecycleState === 'OFFBOARDED') throw offboarded(tenantId, old.lifecycleState);
      // tenantName is unique and immutable once set; a first name is claimed in this same transaction, so a
      // refused PATCH leaves no claim behind either.
      const newName =
        old && patch.tenantName !== undefined && patch.tenantName !== old.tenantName
          ? String(patch.tenantName)
          : undefined;
      if (newName !== undefined && old?.tenantName !== undefined) {
        throw new ConflictError(
          `tenantName of tenant ${tenantId} is '${String(old.tenantName)}' and cannot be changed`,
          { field: 'tenantName' },
        );
      }
      try {
        await this.repository.updateRegistration(
          id,
          input.registrationData,
          at,
          old
            ? { tenantId, patch, version: old.version, ...(newName !== undefined ? { claimName: newName } : {}) }
            : undefined,
        );
      } catch (e) {
        if (isItemTooLarge(e))
          throw new TooLargeError(
            `Request body too large: registration ${id} or its tenant would exceed DynamoDB's 400 KB item limit`,
          );
        const codes = cancellationCodes(e);
        if (!codes.length) throw e;
        if (codes[0] === 'ConditionalCheckFailed') throw registrationNotFound(id);
        if (codes[2] === 'ConditionalCheckFailed')
          throw new ConflictError(`A tenant named '${String(newName)}' already exists`, { field: 'tenantName' });
        // The tenant changed under us (version) or was offboarded meanwhile: re-read and decide again.
        if (codes[1] === 'ConditionalCheckFailed' && attempt < 4) continue;
        if (codes[1] === 'ConditionalCheckFailed')
          throw new ConflictError(`Tenant ${tenantId} is being changed concurrently; retry`, { tenantId });
        throw e;
      }
      const registration = await this.repository.getRegistration(id);
      if (!old) return { tenantRegistration: present(registration) };
      const updated: Data = { ...old, ...patch, updatedAt: at, version: Number(old.version ?? 0) + 1 };
      const changed = Object.keys(patch).filter((k) => !deepEqual(old[k], patch[k]));
      if (changed.length) await this.emit([updatedEvent(updated, old, changed, input.reason)]);
      return { tenantRegistration: present(registration), tenant: present(updated) };
    }
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * Applies a lifecycle event to a tenant (and its registration) in one conditional transaction: the
   * tenant must still be in the state and version we read, so concurrent requests serialize; a lost race
   * is re-evaluated against the new state (and may then be a LifecycleError).
   */
  async applyTransition(
    tenantId: string,
    event: LifecycleEvent,
    ctx: { reason: string; error?: JobError; tenantData?: Data; registrationData?: Data },
  ): Promise<{ before: Data; after: Data }> {
    let compact = false;
    for (let attempt = 0; ; attempt++) {
      const before = await this.repository.getTenant(tenantId);
      if (!before) throw tenantNotFound(tenantId);
      const from = before.lifecycleState as LifecycleState;
      const at = this.now();
      const next = transition(from, event, { at, reason: ctx.reason, error: ctx.error }); // LifecycleError when not allowed
      // At the item size limit the history is compacted to the latest record (the change itself must land).
      const history = compact
        ? [next.record]
        : appendHistory(before.lifecycleHistory as TransitionRecord[] | undefined, next.record);
      const active = isActiveFlag(next.state);
      const lastError = ctx.error ? { ...ctx.error, at, event } : undefined;
      const removeLastError = !ctx.error && (next.state === 'ACTIVE' || next.state === 'OFFBOARDED');
      const tenantPatch = ctx.tenantData ?? {};
      const managed = { lifecycleState: next.state, lifecycleHistory: history, sbtaws_active: active, updatedAt: at };
      try {
        await this.repository.writeTransition({
          tenantId,
          tenantRegistrationId: String(before.tenantRegistrationId),
          from,
          version: before.version,
          tenantFields: { ...tenantPatch, ...managed, ...(lastError ? { lastError } : {}) },
          removeLastError,
          registrationFields: {
            ...(ctx.registrationData ?? {}),
            lifecycleState: next.state,
            sbtaws_active: active,
            updatedAt: at,
          },
        });
      } catch (e) {
        if (isConditionFailure(e) && attempt < 3) continue; // someone else moved the tenant: re-read and re-decide
        if (isItemTooLarge(e) && !compact) {
          this.log?.warn('tenant item at the size limit: lifecycle history compacted', { tenantId });
          compact = true;
          continue;
        }
        throw e;
      }
      const after: Data = { ...before, ...tenantPatch, ...managed, version: Number(before.version ?? 0) + 1 };
      if (lastError) after.lastError = lastError;
      else if (removeLastError) delete after.lastError;
      return { before, after };
    }
  }

  /** Lifecycle change requested through the API: transition, then the request event + tenantUpdated. */
  async requestTransition(
    tenantId: string,
    event: LifecycleEvent,
    reason: string,
  ): Promise<{ tenant: Data; emitted: boolean }> {
    const { before, after } = await this.applyTransition(tenantId, event, { reason });
    const request = requestEventFor(event);
    const changed = ['lifecycleState', ...(before.sbtaws_active !== after.sbtaws_active ? ['sbtaws_active'] : [])];
    if (request === 'onboardingRequest' || request === 'offboardingRequest') {
      const reg = (await this.repository.getRegistration(String(after.tenantRegistrationId))) ?? {};
      const emitted = await this.emitRequest(
        request,
        after,
        reg,
        after.lifecycleState as LifecycleState,
        updatedEvent(after, before, changed, reason),
      );
      return { tenant: emitted ? present(after) : await this.getTenant(tenantId), emitted };
    }
    const events = [updatedEvent(after, before, changed, reason)];
    if (request) events.unshift({ key: request, detail: tenantDetail(after) });
    await this.emit(events);
    return { tenant: present(after), emitted: true };
  }

  /** POST …/retry: re-runs the failed provisioning or deprovisioning (ConflictError unless in a *_FAILED state). */
  async retry(tenantId: string, reason: string): Promise<{ tenant: Data; emitted: boolean }> {
    const t = await this.repository.getTenant(tenantId);
    if (!t) throw tenantNotFound(tenantId);
    const event = retryEventFor(t.lifecycleState as LifecycleState);
    if (!event) {
      throw new ConflictError(
        `Nothing to retry: tenant ${tenantId} is ${String(t.lifecycleState)} (retry needs PROVISION_FAILED or DEPROVISION_FAILED)`,
        {
          lifecycleState: t.lifecycleState,
        },
      );
    }
    return this.requestTransition(tenantId, event, reason);
  }

  /** Application-plane job results (job-results.ts). */
  handleJobResult(key: JobResultKey, detail: Data): Promise<JobResultOutcome> {
    return applyJobResult(this, key, detail);
  }

  /**
   * Puts the request event (+ optional tenantUpdated). If the bus refuses it, the tenant is moved to the
   * matching *_FAILED state with the error, so the failure is visible and the retry route can re-emit.
   */
  private async emitRequest(
    key: 'onboardingRequest' | 'offboardingRequest',
    tenant: Data,
    registration: Data,
    state: LifecycleState,
    extra?: OutgoingEvent,
  ): Promise<boolean> {
    try {
      await this.emit([{ key, detail: requestDetail(tenant, registration) }, ...(extra ? [extra] : [])]);
      return true;
    } catch (err) {
      this.log?.error(`could not emit ${key}`, { error: String(err), tenantId: tenant.tenantId });
      const failEvent: LifecycleEvent = state === 'PROVISIONING' ? 'provisionFailed' : 'deprovisionFailed';
      await this.applyTransition(String(tenant.tenantId), failEvent, {
        reason: `${key} could not be put on the event bus`,
        error: { error: 'EventDeliveryFailed', cause: String((err as Error).message ?? err) },
      });
      return false;
    }
  }
}

/** A UUID-shaped id derived from `seed` (sha256), for idempotent creation. */
export function derivedId(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
