import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/**
 * Correlation context: the correlation id names one business flow end to end (an order's life, a
 * fault's handling); the causation id names the message that directly caused the current work.
 * Middleware opens a context per invocation/record; the publisher and outbound clients read it.
 */
export interface Correlation {
  readonly correlationId: string;
  readonly causationId?: string;
}

const storage = new AsyncLocalStorage<Correlation>();

export const runWithCorrelation = <T>(correlation: Correlation, fn: () => T): T =>
  storage.run(correlation, fn);

export const currentCorrelation = (): Correlation | undefined => storage.getStore();

export const newCorrelationId = (): string => randomUUID();

interface MaybeCanonicalDetail {
  readonly metadata?: { readonly correlationId?: unknown; readonly eventId?: unknown };
}

/** From a canonical event's detail: same correlation, caused by that event. */
export const correlationFromDetail = (detail: unknown): Correlation | undefined => {
  const metadata = (detail as MaybeCanonicalDetail | null)?.metadata;
  if (typeof metadata?.correlationId !== 'string') return undefined;
  return {
    correlationId: metadata.correlationId,
    ...(typeof metadata.eventId === 'string' ? { causationId: metadata.eventId } : {}),
  };
};

export const CORRELATION_HEADER = 'x-correlation-id';
export const CAUSATION_HEADER = 'x-causation-id';

/** From HTTP headers (lower-cased names); falls back to the request id so a request is never untraced. */
export const correlationFromHeaders = (
  headers: Readonly<Record<string, string | undefined>>,
  requestId: string,
): Correlation => ({
  correlationId: headers[CORRELATION_HEADER] || requestId,
  causationId: headers[CAUSATION_HEADER] || requestId,
});

/** Headers an outbound call carries so the next system can keep the thread. */
export const correlationHeaders = (): Record<string, string> => {
  const c = currentCorrelation();
  if (!c) return {};
  return {
    [CORRELATION_HEADER]: c.correlationId,
    ...(c.causationId ? { [CAUSATION_HEADER]: c.causationId } : {}),
  };
};
