/**
 * AWS adapters for the ports that are not connectors: the correlation table, the event bus,
 * Step Functions callbacks and CloudWatch metrics. Clients are created once per container.
 */

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { ownership, type System } from '../../events';
import { loadConfig } from '../../shared/config';
import { emfKpiSink } from '../../shared/kpi-metrics';
import { EventPublisher } from '../../shared/publisher';
import { DynamoStore } from './domain/dynamo-store';
import { CorrelationRepository } from './domain/repository';
import type { EventSink, EventToPublish, MetricsPort, TaskCallbackPort } from './ports';

export const WorkflowConfig = z.object({
  CORRELATION_TABLE_NAME: z.string().min(1),
  EVENT_BUS_NAME: z.string().min(1),
});

export const correlationRepository = (tableName: string): CorrelationRepository =>
  new CorrelationRepository(
    new DynamoStore(
      DynamoDBDocumentClient.from(new DynamoDBClient({}), {
        marshallOptions: { removeUndefinedValues: true },
      }),
      tableName,
    ),
  );

/**
 * Publishes each event as the system that owns its type (the catalogue's ownership table), one
 * batch per owner: SyncExceptionRaised and drift events as plantsync, MaintenanceNotificationCreated
 * as maintenance.
 */
export class OwnedEventSink implements EventSink {
  private readonly publishers = new Map<System, EventPublisher>();
  constructor(
    private readonly busName: string,
    private readonly client?: Pick<EventBridgeClient, 'send'>,
  ) {}

  private publisherFor(system: System): EventPublisher {
    let publisher = this.publishers.get(system);
    if (!publisher) {
      publisher = new EventPublisher({
        busName: this.busName,
        producer: { system, name: 'workflows' },
        ...(this.client ? { client: this.client } : {}),
      });
      this.publishers.set(system, publisher);
    }
    return publisher;
  }

  async publish(events: readonly EventToPublish[]): Promise<void> {
    const byOwner = new Map<System, EventToPublish[]>();
    for (const event of events) {
      const system = ownership[event.detailType];
      byOwner.set(system, [...(byOwner.get(system) ?? []), event]);
    }
    for (const [system, owned] of byOwner)
      await this.publisherFor(system).publish(
        owned.map((event) => ({
          detailType: event.detailType,
          data: event.data,
          plant: event.plant,
          occurredAt: event.occurredAt,
          idempotencyKey: event.idempotencyKey,
          correlationId: event.correlationId,
        })),
      );
  }
}

export class StepFunctionsCallbacks implements TaskCallbackPort {
  constructor(private readonly client: SFNClient = new SFNClient({})) {}
  async sendTaskSuccess(taskToken: string, output: unknown): Promise<void> {
    await this.client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
  }
  async sendTaskFailure(taskToken: string, error: string, cause: string): Promise<void> {
    await this.client.send(new SendTaskFailureCommand({ taskToken, error, cause }));
  }
}

/** EMF metrics through the shared Powertools instance (the one KPI sink every function uses). */
export const powertoolsMetrics: MetricsPort = emfKpiSink;

export const loadWorkflowConfig = () => loadConfig(WorkflowConfig);
