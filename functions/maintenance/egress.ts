import * as z from 'zod';
import type { EventData } from '../../events';
import { ValidationError } from '../../shared/errors';
import type { PublishRequest } from '../../shared/publisher';
import { notificationCreatedKey, workOrderCreatedKey } from './keys';
import {
  type MaintenanceCommand,
  MaintenanceCommand as MaintenanceCommandSchema,
  type MaintenanceConnector,
} from './model';

export interface EgressLog {
  info(message: string, fields: Record<string, unknown>): void;
}

export interface EgressDeps {
  /** The plant's maintenance connector; throws ValidationError for a plant without one. */
  readonly connectorFor: (plant: string) => MaintenanceConnector;
  readonly publish: (requests: readonly PublishRequest[]) => Promise<unknown>;
  readonly now: () => Date;
  readonly log: EgressLog;
}

/** Validates one queue message body (JSON-parsed) as a command; a bad one is a ValidationError (dead letter). */
export const parseCommand = (json: unknown): MaintenanceCommand => {
  const parsed = MaintenanceCommandSchema.safeParse(json);
  if (!parsed.success)
    throw new ValidationError(`invalid maintenance command: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
};

/**
 * Runs one command against the plant's platform and publishes the resulting fact. Errors are the shared
 * typed errors; the SQS edge (shared/middleware sqsBatchHandler) turns TransientError (429, rate limit,
 * 5xx, timeouts) into a batch item failure, so the message waits in the queue for its visibility
 * timeout, and ValidationError/PermanentError/NotFoundError into a dead letter carrying the reason.
 */
export const executeCommand = async (command: MaintenanceCommand, deps: EgressDeps): Promise<void> => {
  const connector = deps.connectorFor(command.plant);
  const occurredAt = deps.now().toISOString();
  switch (command.kind) {
    case 'createWorkOrder': {
      const result = await connector.createWorkOrder(command);
      const data: EventData<'WorkOrderCreated'> = {
        workOrderId: result.id,
        externalReference: command.externalReference,
        platform: connector.platform,
        equipmentId: command.equipmentId,
        title: command.title,
        priority: command.priority,
        origin: command.origin,
        ...(command.plannedStart ? { plannedStart: command.plannedStart } : {}),
        ...(command.plannedEnd ? { plannedEnd: command.plannedEnd } : {}),
        ...(command.notificationId ? { notificationId: command.notificationId } : {}),
      };
      // Published on a found-again create too: an earlier attempt may have failed after creating.
      await deps.publish([
        {
          detailType: 'WorkOrderCreated',
          data,
          plant: command.plant,
          occurredAt,
          idempotencyKey: workOrderCreatedKey(connector.platform, command.plant, result.id),
          sourceRef: { system: 'maintenance', kind: `${connector.platform}-work-order`, id: result.id },
        },
      ]);
      deps.log.info('work order created', {
        plant: command.plant,
        workOrderId: result.id,
        created: result.created,
      });
      return;
    }
    case 'createNotification': {
      const result = await connector.createNotification(command);
      const data: EventData<'MaintenanceNotificationCreated'> = {
        notificationId: result.id,
        externalReference: command.externalReference,
        platform: connector.platform,
        equipmentId: command.equipmentId,
        ...(command.downtimeId ? { downtimeId: command.downtimeId } : {}),
        priority: command.priority,
        title: command.title,
        ...(command.description ? { description: command.description } : {}),
        context: command.context,
      };
      await deps.publish([
        {
          detailType: 'MaintenanceNotificationCreated',
          data,
          plant: command.plant,
          occurredAt,
          idempotencyKey: notificationCreatedKey(connector.platform, command.plant, result.id),
          sourceRef: { system: 'maintenance', kind: `${connector.platform}-notification`, id: result.id },
        },
      ]);
      deps.log.info('notification created', {
        plant: command.plant,
        notificationId: result.id,
        created: result.created,
      });
      return;
    }
    case 'updateWorkOrder':
      // The platform reports the resulting status itself (webhook or reconciliation); nothing to publish.
      await connector.updateWorkOrder(command);
      deps.log.info('work order updated', { plant: command.plant, workOrderId: command.workOrderId });
      return;
  }
};
