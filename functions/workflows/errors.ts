/**
 * Error classes whose `name` Step Functions Retry/Catch match on. They mirror the names of
 * shared/errors.ts (same names, same meaning) so the ASL does not depend on which module threw.
 */
export class TransientError extends Error {
  override readonly name = 'TransientError';
}

/** Bad input: never retried. */
export class ValidationError extends Error {
  override readonly name = 'ValidationError';
}

/** A downstream system refused for good (not a business rule): dead-letter path. */
export class PermanentError extends Error {
  override readonly name = 'PermanentError';
}

/** A business rule stopped the flow; the ASL routes it to a sync exception with an owner. */
export class BusinessRuleError extends Error {
  override readonly name = 'BusinessRuleError';
  constructor(
    message: string,
    readonly kind: string,
  ) {
    super(message);
  }
}
