import { DetailType } from '../events/catalogue';
import type { BusinessRuleError } from './errors';
import type { EventPublisher } from './publisher';

export interface SyncExceptionSink {
  raise(error: BusinessRuleError, context: { plant: string; occurredAt?: string }): Promise<void>;
}

/**
 * Turns a business-rule refusal into a SyncExceptionRaised event with its owner. The exception id is
 * deterministic per (plant, kind, business key), so the same refusal seen twice is one exception.
 */
export class PublishingSyncExceptionSink implements SyncExceptionSink {
  constructor(
    private readonly publisher: Pick<EventPublisher, 'publish'>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async raise(error: BusinessRuleError, context: { plant: string; occurredAt?: string }): Promise<void> {
    const { kind, owner, businessKey, severity } = error.rule;
    const exceptionId = `SX-${context.plant}-${kind}-${businessKey.value}`;
    await this.publisher.publish([
      {
        detailType: DetailType.SyncExceptionRaised,
        plant: context.plant,
        occurredAt: context.occurredAt ?? this.now().toISOString(),
        idempotencyKey: `plantsync:sync-exception:${exceptionId}`,
        data: {
          exceptionId,
          kind,
          owner,
          businessKey,
          reason: error.message,
          severity: severity ?? 'medium',
          details: Object.fromEntries(Object.entries(error.details).map(([k, v]) => [k, String(v)])),
        },
      },
    ]);
  }
}
