/**
 * Typed errors. Domain code throws these; only the edges (middleware, Step Functions Retry/Catch,
 * queue dead-lettering) map them to HTTP statuses, retries and dead letters. `name` equals the class
 * name so Step Functions can match it (`ErrorEquals: ["TransientError"]`).
 *
 * | class                | meaning                                   | HTTP | retried | queue outcome                 |
 * |----------------------|-------------------------------------------|------|---------|-------------------------------|
 * | ValidationError      | the input is wrong; retrying cannot help  | 400  | no      | dead letter with the reason   |
 * | UnauthorizedError    | missing or bad credentials/signature      | 401  | no      | dead letter with the reason   |
 * | NotFoundError        | the addressed thing does not exist        | 404  | no      | dead letter with the reason   |
 * | ConflictError        | a concurrent or duplicate write           | 409  | no      | dead letter with the reason   |
 * | PayloadTooLargeError | the input is over a size limit            | 413  | no      | dead letter with the reason   |
 * | UnsupportedMediaTypeError | wrong content type                   | 415  | no      | dead letter with the reason   |
 * | BusinessRuleError    | a target system refused on business terms | 422  | no      | SyncExceptionRaised to owner  |
 * | PermanentError       | a downstream refusal that will not change | 502  | no      | dead letter with the reason   |
 * | TransientError       | timeouts, throttling, 5xx                 | 503  | yes     | retried, then dead letter     |
 */
import type { System } from '../events/envelope';

export interface ErrorOptions {
  readonly cause?: unknown;
  /** Safe, non-secret facts that help whoever handles the error. */
  readonly details?: Readonly<Record<string, string | number | boolean>>;
}

export abstract class PlantsyncError extends Error {
  abstract readonly retryable: boolean;
  abstract readonly httpStatus: number;
  readonly details: Readonly<Record<string, string | number | boolean>>;
  constructor(message: string, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.details = options.details ?? {};
  }
}

export class ValidationError extends PlantsyncError {
  readonly retryable = false;
  readonly httpStatus: number = 400;
}
export class UnauthorizedError extends PlantsyncError {
  readonly retryable = false;
  readonly httpStatus = 401;
}
export class NotFoundError extends PlantsyncError {
  readonly retryable = false;
  readonly httpStatus = 404;
}
export class ConflictError extends PlantsyncError {
  readonly retryable = false;
  readonly httpStatus = 409;
}
export class PayloadTooLargeError extends ValidationError {
  override readonly httpStatus = 413;
}
export class UnsupportedMediaTypeError extends ValidationError {
  override readonly httpStatus = 415;
}
export class PermanentError extends PlantsyncError {
  readonly retryable = false;
  readonly httpStatus = 502;
}
export class TransientError extends PlantsyncError {
  readonly retryable = true;
  readonly httpStatus = 503;
  readonly retryAfterMs: number | undefined;
  constructor(message: string, options: ErrorOptions & { retryAfterMs?: number } = {}) {
    super(message, options);
    this.retryAfterMs = options.retryAfterMs;
  }
}

export interface BusinessRuleDetails {
  /** One of the SyncExceptionKind values of events/types/plantsync.ts. */
  readonly kind: string;
  readonly owner: { readonly system: System; readonly role: string };
  readonly businessKey: { readonly kind: string; readonly value: string };
  readonly severity?: 'low' | 'medium' | 'high';
}

/** A target system refused on business terms (locked order, closed period): a person must act. */
export class BusinessRuleError extends PlantsyncError {
  readonly retryable = false;
  readonly httpStatus = 422;
  constructor(
    message: string,
    readonly rule: BusinessRuleDetails,
    options: ErrorOptions = {},
  ) {
    super(message, options);
  }
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export type ErrorClass = 'validation' | 'transient' | 'permanent' | 'business' | 'unexpected';

/** How the edges treat an error. Unknown errors are `unexpected`: retried, then dead-lettered. */
export const classify = (error: unknown): ErrorClass => {
  if (error instanceof BusinessRuleError) return 'business';
  if (error instanceof TransientError) return 'transient';
  if (error instanceof ValidationError || error instanceof UnauthorizedError) return 'validation';
  if (error instanceof PlantsyncError) return error.retryable ? 'transient' : 'permanent';
  return 'unexpected';
};

/** A one-line, secret-free description for dead-letter attributes and logs. */
/**
 * The error name a Step Functions Retry/Catch matches: the handling class, never a subclass or a
 * bundler-minified constructor name (`SapUnavailableError` → `TransientError`). Unknown errors keep
 * their own name and fall to the state's catch-all.
 */
export const stepFunctionsErrorName = (error: unknown): string | undefined => {
  if (error instanceof BusinessRuleError) return 'BusinessRuleError';
  if (error instanceof TransientError) return 'TransientError';
  if (error instanceof ValidationError || error instanceof UnauthorizedError) return 'ValidationError';
  if (error instanceof PlantsyncError) return error.retryable ? 'TransientError' : 'PermanentError';
  return undefined;
};

export const describeError = (error: unknown): { name: string; message: string } => {
  if (error instanceof Error) return { name: error.name, message: error.message.slice(0, 1000) };
  return { name: 'UnknownError', message: String(error).slice(0, 1000) };
};
