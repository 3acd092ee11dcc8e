import type { z } from 'zod';
import { ValidationError } from '../../../shared/errors';
import type { MaintenancePostingDefaults, PlantMapping } from '../mapping';
import { type ODataClient, odataString } from '../odata/client';
import { odataPlantDateTime, shortReference } from '../odata/values';
import { asBusinessRule, type PostingOutcome } from './common';

export const NOTIFICATION_SERVICE = 'API_MAINTNOTIFICATION';
export const MAINTENANCE_ORDER_SERVICE = 'API_MAINTENANCEORDER';

export type CanonicalPriority = 'low' | 'medium' | 'high' | 'urgent';

/** Canonical priority → SAP PM priority (T356, priority type PM): 1 very high … 4 low. */
export const SAP_PRIORITY: Readonly<Record<CanonicalPriority, string>> = {
  urgent: '1',
  high: '2',
  medium: '3',
  low: '4',
};

export interface SapNotification {
  readonly MaintenanceNotification: string;
  readonly NotificationText?: string;
  readonly MaintPriority?: string;
  readonly NotifProcessingPhase?: string;
  readonly MaintNotifExtReferenceNumber?: string;
  readonly MaintenanceOrder?: string;
  readonly TechnicalObject?: string;
}

export interface SapMaintenanceOrder {
  readonly MaintenanceOrder: string;
  readonly MaintenanceOrderType?: string;
  readonly MaintenanceOrderDesc?: string;
  readonly MaintenanceNotification?: string;
  readonly Equipment?: string;
  readonly SystemStatusText?: string;
}

const defaultsOf = (plant: PlantMapping): z.infer<typeof MaintenancePostingDefaults> => {
  if (!plant.maintenance)
    throw new ValidationError(`plant ${plant.plant} has no SAP PM settings (maintenance) in its mapping`);
  return plant.maintenance;
};

const odataInstant = (iso: string): string => `/Date(${Date.parse(iso)}+0000)/`;

export interface NotificationRequest {
  readonly idempotencyKey: string;
  readonly plant: PlantMapping;
  readonly equipmentId: string;
  readonly title: string;
  readonly description?: string;
  readonly priority: CanonicalPriority;
  /** When the malfunction began (e.g. the downtime start). */
  readonly malfunctionStart?: string;
  /** The equipment is down (breakdown). */
  readonly breakdown?: boolean;
  /** When the work is wanted (e.g. a planned maintenance window). */
  readonly requiredStart?: string;
  readonly requiredEnd?: string;
}

/**
 * Creates a maintenance notification (API_MAINTNOTIFICATION), exactly once: MaintNotifExtReferenceNumber
 * (20 characters) holds `PS` + a hash of the idempotency key and is looked up before the create.
 * Returns the reference so the caller can put it in MaintenanceNotificationCreated.externalReference.
 */
export const createMaintenanceNotification = async (
  client: ODataClient,
  request: NotificationRequest,
): Promise<PostingOutcome<SapNotification> & { externalReference: string }> => {
  const defaults = defaultsOf(request.plant);
  const externalReference = shortReference(request.idempotencyKey, 20);
  const [found] = await client.list<SapNotification>(NOTIFICATION_SERVICE, 'MaintenanceNotification', {
    $filter: `MaintNotifExtReferenceNumber eq ${odataString(externalReference)}`,
  });
  if (found) return { status: 'already-posted', document: found, externalReference };
  const tz = request.plant.timeZone;
  const malfunction = request.malfunctionStart ? odataPlantDateTime(request.malfunctionStart, tz) : undefined;
  const requiredStart = request.requiredStart ? odataPlantDateTime(request.requiredStart, tz) : undefined;
  const requiredEnd = request.requiredEnd ? odataPlantDateTime(request.requiredEnd, tz) : undefined;
  const body = {
    NotificationType: defaults.notificationType,
    NotificationText: request.title.slice(0, 40),
    ...(request.description ? { MaintNotifLongTextForEdit: request.description.slice(0, 1333) } : {}),
    MaintPriority: SAP_PRIORITY[request.priority],
    TechnicalObject: request.equipmentId,
    TechObjIsEquipOrFuncnlLoc: 'EAMS_EQUI',
    MaintenancePlanningPlant: defaults.planningPlant ?? request.plant.plant,
    ...(defaults.mainWorkCenter
      ? { MainWorkCenter: defaults.mainWorkCenter, MainWorkCenterPlant: request.plant.plant }
      : {}),
    MaintNotifExtReferenceNumber: externalReference,
    ...(malfunction
      ? { MalfunctionStartDate: malfunction.date, MalfunctionStartTime: malfunction.time }
      : {}),
    ...(request.breakdown === undefined ? {} : { MaintenanceObjectIsDown: request.breakdown }),
    ...(requiredStart
      ? { RequiredStartDate: requiredStart.date, RequiredStartTime: requiredStart.time }
      : {}),
    ...(requiredEnd ? { RequiredEndDate: requiredEnd.date, RequiredEndTime: requiredEnd.time } : {}),
  };
  const created = await asBusinessRule(
    () => client.create<SapNotification>(NOTIFICATION_SERVICE, 'MaintenanceNotification', body),
    {
      owner: { system: 'sap', role: 'maintenance planner' },
      businessKey: { kind: 'equipment', value: request.equipmentId },
    },
  );
  return { status: 'posted', document: created.data, externalReference };
};

export const readMaintenanceNotification = async (client: ODataClient, notification: string) =>
  client.get<SapNotification>(NOTIFICATION_SERVICE, `MaintenanceNotification(${odataString(notification)})`);

/** Updates a notification guarded by its ETag (read first; a concurrent change fails with 412). */
export const updateMaintenanceNotification = async (
  client: ODataClient,
  notification: string,
  changes: Partial<{
    NotificationText: string;
    MaintPriority: string;
    MaintNotifLongTextForEdit: string;
    MaintenanceObjectIsDown: boolean;
  }>,
): Promise<void> => {
  const { etag } = await readMaintenanceNotification(client, notification);
  await asBusinessRule(
    () =>
      client.update(
        NOTIFICATION_SERVICE,
        `MaintenanceNotification(${odataString(notification)})`,
        changes,
        etag,
      ),
    {
      owner: { system: 'sap', role: 'maintenance planner' },
      businessKey: { kind: 'notification', value: notification },
    },
  );
};

export interface MaintenanceOrderRequest {
  readonly plant: PlantMapping;
  /** The notification the order is for; SAP PM's one-order-per-notification is the idempotency key. */
  readonly notification: string;
  readonly equipmentId: string;
  readonly description: string;
  readonly priority: CanonicalPriority;
  readonly plannedStart?: string;
  readonly plannedEnd?: string;
}

/**
 * Creates a maintenance order (API_MAINTENANCEORDER) for a notification, exactly once: orders
 * referencing the notification are looked up first (SAP PM keeps one order per notification).
 */
export const createMaintenanceOrder = async (
  client: ODataClient,
  request: MaintenanceOrderRequest,
): Promise<PostingOutcome<SapMaintenanceOrder>> => {
  const defaults = defaultsOf(request.plant);
  const [found] = await client.list<SapMaintenanceOrder>(MAINTENANCE_ORDER_SERVICE, 'MaintenanceOrder', {
    $filter: `MaintenanceNotification eq ${odataString(request.notification)}`,
  });
  if (found) return { status: 'already-posted', document: found };
  const body = {
    MaintenanceOrderType: defaults.orderType,
    MaintenanceOrderDesc: request.description.slice(0, 40),
    MaintenanceNotification: request.notification,
    Equipment: request.equipmentId,
    MaintenancePlanningPlant: defaults.planningPlant ?? request.plant.plant,
    ...(defaults.mainWorkCenter
      ? { MainWorkCenter: defaults.mainWorkCenter, MainWorkCenterPlant: request.plant.plant }
      : {}),
    MaintPriority: SAP_PRIORITY[request.priority],
    ...(request.plannedStart ? { MaintOrdBasicStartDateTime: odataInstant(request.plannedStart) } : {}),
    ...(request.plannedEnd ? { MaintOrdBasicEndDateTime: odataInstant(request.plannedEnd) } : {}),
  };
  const created = await asBusinessRule(
    () => client.create<SapMaintenanceOrder>(MAINTENANCE_ORDER_SERVICE, 'MaintenanceOrder', body),
    {
      owner: { system: 'sap', role: 'maintenance planner' },
      businessKey: { kind: 'notification', value: request.notification },
    },
  );
  return { status: 'posted', document: created.data };
};

export const readMaintenanceOrder = async (client: ODataClient, order: string) =>
  client.get<SapMaintenanceOrder>(MAINTENANCE_ORDER_SERVICE, `MaintenanceOrder(${odataString(order)})`);

/** Updates a maintenance order guarded by its ETag. */
export const updateMaintenanceOrder = async (
  client: ODataClient,
  order: string,
  changes: Partial<{
    MaintenanceOrderDesc: string;
    MaintPriority: string;
    MaintOrdBasicStartDateTime: string;
    MaintOrdBasicEndDateTime: string;
  }>,
): Promise<void> => {
  const { etag } = await readMaintenanceOrder(client, order);
  await asBusinessRule(
    () => client.update(MAINTENANCE_ORDER_SERVICE, `MaintenanceOrder(${odataString(order)})`, changes, etag),
    {
      owner: { system: 'sap', role: 'maintenance planner' },
      businessKey: { kind: 'work-order', value: order },
    },
  );
};

export { odataInstant };
