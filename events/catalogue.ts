import type * as z from 'zod';
import type { EventDefinition } from './define';
import type { System } from './envelope';
import { AssetConditionAlertRaised } from './types/analytics';
import * as maintenance from './types/maintenance';
import * as mes from './types/mes';
import * as platform from './types/plantsync';
import * as sap from './types/sap';

/** Every canonical event type, in catalogue order. */
export const catalogue = [
  sap.ProductionOrderReleased,
  sap.ProductionOrderChanged,
  sap.ProductionOrderCancelled,
  sap.EquipmentMasterChanged,
  sap.MaterialMasterChanged,
  mes.OrderAcknowledged,
  mes.OperationStarted,
  mes.OperationCompleted,
  mes.ProductionConfirmed,
  mes.MaterialMovementRecorded,
  mes.DowntimeStarted,
  mes.DowntimeEnded,
  mes.MachineStateChanged,
  mes.QualityExceptionRaised,
  mes.InventoryAdjustmentRequested,
  maintenance.MaintenanceNotificationCreated,
  maintenance.WorkOrderCreated,
  maintenance.WorkOrderStatusChanged,
  maintenance.WorkOrderCompleted,
  AssetConditionAlertRaised,
  platform.SyncExceptionRaised,
  platform.SyncExceptionResolved,
  platform.ReconciliationDriftDetected,
] as const;

export type CatalogueEntry = (typeof catalogue)[number];
export type DetailType = CatalogueEntry['detailType'];

/** `DetailType.ProductionOrderReleased === 'ProductionOrderReleased'`: the constants producers, consumers and rules import. */
export const DetailType = Object.fromEntries(catalogue.map((d) => [d.detailType, d.detailType])) as {
  readonly [K in DetailType]: K;
};

/** The data type of an event type, e.g. `EventData<'DowntimeStarted'>`. */
export type EventData<T extends DetailType> = z.infer<Extract<CatalogueEntry, { detailType: T }>['data']>;
/** The full detail (metadata + data) of an event type. */
export type EventDetail<T extends DetailType> = z.infer<Extract<CatalogueEntry, { detailType: T }>['detail']>;

const byDetailType = new Map<string, EventDefinition>(
  catalogue.map((d) => [d.detailType, d as EventDefinition]),
);

export class UnknownEventTypeError extends Error {
  override readonly name = 'UnknownEventTypeError';
  constructor(readonly detailType: string) {
    super(`unknown canonical event type "${detailType}"; see docs/events.md for the catalogue`);
  }
}

export const definitionOf = <T extends DetailType>(
  detailType: T,
): Extract<CatalogueEntry, { detailType: T }> => {
  const definition = byDetailType.get(detailType);
  if (!definition) throw new UnknownEventTypeError(detailType);
  return definition as Extract<CatalogueEntry, { detailType: T }>;
};

export const findDefinition = (detailType: string): EventDefinition | undefined =>
  byDetailType.get(detailType);

/** Data ownership as code: event type → the one system allowed to publish it. */
export const ownership: Readonly<Record<DetailType, System>> = Object.fromEntries(
  catalogue.map((d) => [d.detailType, d.owner]),
) as Record<DetailType, System>;

export class OwnershipViolationError extends Error {
  override readonly name = 'OwnershipViolationError';
  constructor(
    readonly detailType: string,
    readonly publisher: System,
    readonly owner: System,
  ) {
    super(
      `${publisher} may not publish ${detailType}: that fact belongs to ${owner}'s domain. ` +
        `Cross-domain writes go through an orchestration that asks the owner.`,
    );
  }
}

/** Refuses to let `publisher` emit `detailType` unless it owns that domain. */
export const assertOwnership = (publisher: System, detailType: string): EventDefinition => {
  const definition = byDetailType.get(detailType);
  if (!definition) throw new UnknownEventTypeError(detailType);
  if (definition.owner !== publisher)
    throw new OwnershipViolationError(detailType, publisher, definition.owner);
  return definition;
};

/** Types each system owns, for the bus policy and the docs. */
export const ownedBy = (system: System): readonly EventDefinition[] =>
  catalogue.filter((d) => d.owner === system) as readonly EventDefinition[];
