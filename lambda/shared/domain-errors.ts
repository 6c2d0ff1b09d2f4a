/**
 * The errors domain code throws. They say WHAT went wrong in the domain's words (not found, conflict,
 * invalid field…) and carry the details a client needs; they know nothing of HTTP. The one mapping to
 * status codes and response bodies lives at the edge (`httpStatusOf` / `errorResponse` in ./http.ts), so
 * every service answers the same error the same way, and domain code can run behind any other edge
 * (EventBridge consumers, the Marketplace sweep) that reads the same types.
 *
 * `details` become fields of the error body next to `message` (e.g. `{ field: 'tenantName' }`), so keep
 * them small, JSON and free of internals. Lifecycle transitions refused by the state machine throw
 * `LifecycleError` (src/contracts/lifecycle.ts); the edge maps it like a `ConflictError`.
 */
export type ErrorDetails = Record<string, unknown>;

export abstract class DomainError extends Error {
  constructor(
    message: string,
    readonly details?: ErrorDetails,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The caller's input is invalid (a field, a header, a token). `details.field` names it where one field is at fault. */
export class ValidationError extends DomainError {
  /** The offending field (path like `tenantData.email`), when the error names one in its details. */
  get field(): string | undefined {
    return typeof this.details?.field === 'string' ? this.details.field : undefined;
  }
}

/** Input over a size limit (the body, a tenant's data, an item at DynamoDB's 400 KB). */
export class TooLargeError extends DomainError {}

/** The caller is not who it must be (no or a bad credential, signature or session). */
export class UnauthorizedError extends DomainError {}

/** The caller is known but may not do this. */
export class ForbiddenError extends DomainError {}

/** The thing addressed does not exist (or is not visible to the caller). */
export class NotFoundError extends DomainError {}

/**
 * The request conflicts with the current state: a unique name taken, a state that forbids the change, a
 * concurrent writer that won. Retrying the same request may succeed only once the state has changed.
 */
export class ConflictError extends DomainError {}

/** An idempotency key reused with a different request (the key's promise cannot be kept). */
export class IdempotencyKeyReusedError extends DomainError {}

/** A dependency refused for now (throttling); the caller may retry the same request shortly. */
export class UnavailableError extends DomainError {}

/** A dependency (e.g. a billing vendor) failed; not the caller's fault, nor ours. */
export class DependencyError extends DomainError {}
