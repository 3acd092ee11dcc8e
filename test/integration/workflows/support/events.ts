/** Canonical event details (metadata + data) as the EventBridge rules hand them to the workflows. */
import { randomUUID } from 'node:crypto';
import { type DetailType, definitionOf, type EventData } from '../../../../events';

let sequence = 0;

export const detailOf = <T extends DetailType>(
  detailType: T,
  data: Partial<EventData<T>> = {},
  meta: { occurredAt?: string; correlationId?: string; plant?: string } = {},
) => {
  sequence += 1;
  const example = definitionOf(detailType).example as EventData<T>;
  return {
    metadata: {
      eventId: randomUUID(),
      eventType: detailType,
      schemaVersion: '1.0',
      correlationId: meta.correlationId ?? `corr-${detailType}-${sequence}`,
      idempotencyKey: `test:${detailType}:${sequence}`,
      plant: meta.plant ?? '1010',
      occurredAt: meta.occurredAt ?? '2026-11-25T07:59:00Z',
      emittedAt: '2026-11-25T07:59:01Z',
      producer: 'test.fixture',
    },
    data: { ...example, ...data } as EventData<T>,
  };
};

/** The input EventBridge Scheduler passes to the scheduled workflows (no canonical envelope). */
export const scheduledInput = (data: Record<string, unknown> = {}, correlationId = 'corr-schedule-1') => ({
  metadata: { correlationId, plant: '1010', occurredAt: '2026-11-25T02:00:00Z' },
  data,
});
