export {
  type CreateArchiveInput,
  type DeadLetterAttributes,
  type Deliver,
  DeliveryError,
  type DeliveryMeta,
  type DroppedDelivery,
  EventBridgeError,
  type EventBridgeEvent,
  LocalEventBridge,
  type LocalEventBridgeOptions,
  type Metering,
  type PutEventsRequestEntry,
  type PutEventsResponse,
  type PutRuleInput,
  putEventsEntrySize,
  type ReplayDescription,
  type RetryPolicy,
  type RuleSummary,
  type StartReplayInput,
  type Target,
} from './bus';
export {
  CompiledPattern,
  compilePattern,
  InvalidEventPatternError,
  matchesPattern,
  validatePattern,
} from './pattern';
export {
  type Authorize,
  type AuthorizeDecision,
  accessKeyIdOf,
  type EventBridgeServer,
  type EventBridgeServerOptions,
  startEventBridgeServer,
} from './server';
export {
  type InputTransformer,
  renderTargetInput,
  TransformValidationError,
  validateTargetInput,
} from './transform';
