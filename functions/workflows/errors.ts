/**
 * The workflow tasks throw the shared error classes; `error.name` is the class name, which the
 * ASL Retry/Catch fields match (TransientError retried, BusinessRuleError to a sync exception,
 * ValidationError/PermanentError to the dead-letter path).
 */
export { BusinessRuleError, PermanentError, TransientError, ValidationError } from '../../shared/errors';
