import type { DetailType, EventDetail } from '../../events';
import { BusinessRuleError } from '../../shared/errors';
import type { PlantMapping, SapMappings } from '../sap/mapping';
import type { ODataClient } from '../sap/odata/client';
import { postProductionConfirmation } from '../sap/postings/confirmation';
import { postGoodsMovement } from '../sap/postings/goods-movement';
import { createMaintenanceNotification } from '../sap/postings/maintenance';

/** Canonical events the poster writes to SAP. */
export const POSTED_EVENT_TYPES = [
  'ProductionConfirmed',
  'MaterialMovementRecorded',
  'MaintenanceNotificationCreated',
  'WorkOrderCreated',
] as const satisfies readonly DetailType[];
export type PostedEventType = (typeof POSTED_EVENT_TYPES)[number];

export interface PostedEvent<T extends PostedEventType = PostedEventType> {
  readonly detailType: T;
  readonly detail: EventDetail<T>;
}

export interface PosterDeps {
  readonly client: ODataClient;
  readonly mappings: SapMappings;
}

export type PosterOutcome =
  | { readonly status: 'posted' | 'already-posted'; readonly document: unknown }
  | { readonly status: 'skipped'; readonly reason: string };

/** A plant without a mapping is a configuration gap a person must close, not a retry. */
const plantMapping = (
  mappings: SapMappings,
  plant: string,
  businessKey: { kind: 'order' | 'equipment'; value: string },
): PlantMapping => {
  const mapping = mappings.plants.find((p) => p.plant === plant);
  if (!mapping) {
    throw new BusinessRuleError(`plant ${plant} has no SAP mapping; add it to the plant configuration`, {
      kind: 'mapping-missing',
      owner: { system: 'plantsync', role: 'integration engineer' },
      businessKey,
    });
  }
  return mapping;
};

/**
 * Posts one canonical event to SAP, exactly once: each posting derives its SAP reference from the
 * business id (confirmation id, movement id, platform record id) and checks SAP for it first.
 *
 * - ProductionConfirmed → production order confirmation; MaterialMovementRecorded → goods movement.
 * - MaintenanceNotificationCreated / WorkOrderCreated of a platform other than SAP PM → an SAP PM
 *   notification that references the platform record, so SAP sees the maintenance history
 *   (skipped for SAP PM plants, where the record already is SAP's, and for plants without SAP PM
 *   settings; a work order that came from a notification is referenced through that notification).
 */
export const postToSap = async (event: PostedEvent, deps: PosterDeps): Promise<PosterOutcome> => {
  const { metadata } = event.detail;
  switch (event.detailType) {
    case 'ProductionConfirmed': {
      const data = (event as PostedEvent<'ProductionConfirmed'>).detail.data;
      return postProductionConfirmation(deps.client, {
        confirmation: data,
        occurredAt: metadata.occurredAt,
        plant: plantMapping(deps.mappings, metadata.plant, { kind: 'order', value: data.orderNumber }),
      });
    }
    case 'MaterialMovementRecorded': {
      const data = (event as PostedEvent<'MaterialMovementRecorded'>).detail.data;
      return postGoodsMovement(deps.client, {
        movement: data,
        occurredAt: metadata.occurredAt,
        plant: plantMapping(deps.mappings, metadata.plant, {
          kind: 'order',
          value: data.orderNumber ?? data.movementId,
        }),
      });
    }
    case 'MaintenanceNotificationCreated': {
      const data = (event as PostedEvent<'MaintenanceNotificationCreated'>).detail.data;
      if (data.platform === 'sap-pm')
        return { status: 'skipped', reason: 'the notification already is an SAP PM notification' };
      const plant = plantMapping(deps.mappings, metadata.plant, {
        kind: 'equipment',
        value: data.equipmentId,
      });
      if (!plant.maintenance)
        return { status: 'skipped', reason: `plant ${plant.plant} has no SAP PM settings` };
      return createMaintenanceNotification(deps.client, {
        idempotencyKey: `sap-notification-ref:${plant.plant}:${data.platform}:notification:${data.notificationId}`,
        plant,
        equipmentId: data.equipmentId,
        title: data.title,
        description: `${data.platform} notification ${data.notificationId}${data.description ? `: ${data.description}` : ''}`,
        priority: data.priority,
        ...(data.downtimeId ? { breakdown: true, malfunctionStart: metadata.occurredAt } : {}),
      });
    }
    case 'WorkOrderCreated': {
      const data = (event as PostedEvent<'WorkOrderCreated'>).detail.data;
      if (data.platform === 'sap-pm')
        return { status: 'skipped', reason: 'the work order already is an SAP PM order' };
      if (data.notificationId)
        return { status: 'skipped', reason: `referenced through notification ${data.notificationId}` };
      const plant = plantMapping(deps.mappings, metadata.plant, {
        kind: 'equipment',
        value: data.equipmentId,
      });
      if (!plant.maintenance)
        return { status: 'skipped', reason: `plant ${plant.plant} has no SAP PM settings` };
      return createMaintenanceNotification(deps.client, {
        idempotencyKey: `sap-notification-ref:${plant.plant}:${data.platform}:work-order:${data.workOrderId}`,
        plant,
        equipmentId: data.equipmentId,
        title: data.title,
        description: `${data.platform} work order ${data.workOrderId} (${data.origin})`,
        priority: data.priority,
      });
    }
  }
};
