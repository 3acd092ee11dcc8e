/**
 * Narrow ports the workflow tasks call. The real SAP, MES and maintenance connectors
 * (functions/sap, functions/mes, functions/maintenance) are bound to these in
 * functions/workflows/bindings.ts; tests use in-memory fakes. Every method gets the correlation id
 * so the connector can put it on its outbound call.
 *
 * Error contract for every port method (the ASL matches on `error.name`):
 * - TransientError: network, throttling, 5xx, lock conflicts → retried with backoff.
 * - BusinessRuleError: the owning system refused on business grounds → sync exception with owner.
 * - PermanentError / ValidationError: refused for good → dead-letter path.
 */
import type { DetailType, EventData } from '../../events';

export interface CallContext {
  readonly correlationId: string;
  readonly plant: string;
}

export interface SapOrderOperation {
  /** SAP order number (AUFNR) and operation (VORNR) as SAP knows them. */
  readonly orderNumber: string;
  readonly operationNumber: string;
  /** Confirmation group/counter SAP needs to post against (RUECK), when known. */
  readonly confirmationGroup?: string;
}

export interface SapPort {
  /** Finds the SAP order and operation a confirmation belongs to; `undefined` when SAP has neither. */
  findOrderOperation(
    ctx: CallContext,
    orderNumber: string,
    operationNumber: string,
  ): Promise<SapOrderOperation | undefined>;
  /** Posts one confirmation; `confirmationId` is the idempotency key SAP stores (e.g. in a Z-field). */
  postConfirmation(
    ctx: CallContext,
    target: SapOrderOperation,
    confirmation: EventData<'ProductionConfirmed'>,
  ): Promise<{ sapDocument: string }>;
  /** Posts one goods issue/receipt against an order; `movementId` is the idempotency key. */
  postGoodsMovement(
    ctx: CallContext,
    movement: EventData<'MaterialMovementRecorded'>,
  ): Promise<{ materialDocument: string }>;
  /** Posts the operational impact of planned maintenance (capacity reduction on the work centre). */
  postOperationalImpact(
    ctx: CallContext,
    impact: {
      readonly alertId: string;
      readonly equipmentId: string;
      readonly workOrderId: string;
      readonly start: string;
      readonly end: string;
      readonly affectedOrder?: string;
    },
  ): Promise<{ sapDocument: string }>;
  /** Posts labour, parts and cost of a completed work order (PM order confirmation + cost). */
  postMaintenanceCompletion(
    ctx: CallContext,
    completion: EventData<'WorkOrderCompleted'>,
  ): Promise<{ sapDocument: string }>;
  /** Posts an approved MES inventory adjustment as a goods movement (difference posting); key `adjustmentId`. */
  postInventoryAdjustment(
    ctx: CallContext,
    adjustment: EventData<'InventoryAdjustmentRequested'> & { readonly approvedBy: string },
  ): Promise<{ materialDocument: string }>;
  listEquipment(ctx: CallContext): Promise<readonly EquipmentRecord[]>;
  listOrderStatuses(ctx: CallContext): Promise<readonly OrderStatusRecord[]>;
}

export interface ProductionStatus {
  readonly equipmentId: string;
  readonly state: 'running' | 'idle' | 'setup' | 'down' | 'maintenance' | 'off';
  readonly currentOrder?: string;
  /** When the running order is expected to end; a maintenance window starts after it. */
  readonly busyUntil?: string;
}

export interface MesPort {
  /** Hands a released order to the plant MES (its dispatch queue). The ack comes back later as OrderAcknowledged. */
  releaseOrder(ctx: CallContext, order: EventData<'ProductionOrderReleased'>): Promise<void>;
  /** Sends the full new state of an order already handed over. */
  changeOrder(ctx: CallContext, order: EventData<'ProductionOrderChanged'>): Promise<void>;
  cancelOrder(ctx: CallContext, orderNumber: string, reason?: string): Promise<void>;
  readProductionStatus(ctx: CallContext, equipmentId: string): Promise<ProductionStatus>;
  reportEquipmentAvailability(
    ctx: CallContext,
    equipmentId: string,
    available: boolean,
    since: string,
  ): Promise<void>;
  listEquipment(ctx: CallContext): Promise<readonly EquipmentRecord[]>;
  listOrderStatuses(ctx: CallContext): Promise<readonly OrderStatusRecord[]>;
}

export interface MaintenancePort {
  /** Creates a notification; `externalReference` makes the create idempotent on the platform side. */
  createNotification(
    ctx: CallContext,
    request: Omit<EventData<'MaintenanceNotificationCreated'>, 'notificationId' | 'platform'>,
  ): Promise<{ notificationId: string; platform: EventData<'MaintenanceNotificationCreated'>['platform'] }>;
  /** Records that the downtime behind a notification ended. */
  updateNotification(
    ctx: CallContext,
    notificationId: string,
    update: { readonly downtimeEndedAt: string; readonly durationSeconds?: string },
  ): Promise<void>;
  createWorkOrder(
    ctx: CallContext,
    request: {
      readonly externalReference: string;
      readonly equipmentId: string;
      readonly title: string;
      readonly priority: 'low' | 'medium' | 'high' | 'urgent';
      readonly plannedStart: string;
      readonly plannedEnd: string;
    },
  ): Promise<{ workOrderId: string }>;
  /** Compensation: cancels a work order created earlier by the same workflow. Idempotent. */
  cancelWorkOrder(ctx: CallContext, workOrderId: string, reason: string): Promise<void>;
  listAssets(ctx: CallContext): Promise<readonly EquipmentRecord[]>;
}

/** plantsync's own reference data: cross-references, shifts and plant calendars (plant config). */
export interface ReferenceDataPort {
  equipmentXref(
    ctx: CallContext,
    equipmentId: string,
  ): Promise<{ sapEquipment: string; mesResource?: string; maintenanceAsset?: string; line?: string }>;
  shiftAt(ctx: CallContext, at: string): Promise<string | undefined>;
  plantCalendar(ctx: CallContext): Promise<PlantCalendar>;
  /** The plant's own SLAs; a value left out falls back to the state machine's substituted default. */
  plantSla(ctx: CallContext): Promise<PlantSla>;
}

export interface PlantSla {
  readonly orderAckTimeoutSeconds?: number;
  readonly stuckOrderAfterSeconds?: number;
  readonly flappingWindowSeconds?: number;
}

/** One plant's calendar: when maintenance may take place, in the plant's own time zone offset. */
export interface PlantCalendar {
  /** Fixed UTC offset of the plant, e.g. "+01:00"; windows are written in plant-local time. */
  readonly utcOffset: string;
  /** Weekly windows: ISO weekday 1 (Monday) … 7 (Sunday), local "HH:MM" start and end (end may pass midnight). */
  readonly weeklyWindows: readonly {
    readonly weekday: number;
    readonly start: string;
    readonly end: string;
  }[];
  /** Local calendar dates (YYYY-MM-DD) with no maintenance (holidays, shutdown freeze). */
  readonly blackoutDates: readonly string[];
}

export interface EquipmentRecord {
  readonly equipmentId: string;
  readonly description?: string;
  readonly workCenter?: string;
  readonly functionalLocation?: string;
  readonly inactive?: boolean;
}

export interface OrderStatusRecord {
  readonly orderNumber: string;
  /** Canonical status both sides map into. */
  readonly status: 'released' | 'in-execution' | 'completed' | 'cancelled';
}

/** A canonical event to publish; the binding hands it to shared/publisher.ts (EventPublisher.publish). */
export interface EventToPublish<T extends DetailType = DetailType> {
  readonly detailType: T;
  readonly data: EventData<T>;
  readonly plant: string;
  readonly occurredAt: string;
  readonly idempotencyKey: string;
  readonly correlationId: string;
}

export interface EventSink {
  publish(events: readonly EventToPublish[]): Promise<void>;
}

/** Step Functions callbacks (SendTaskSuccess / SendTaskFailure). */
export interface TaskCallbackPort {
  sendTaskSuccess(taskToken: string, output: unknown): Promise<void>;
  sendTaskFailure(taskToken: string, error: string, cause: string): Promise<void>;
}

/** Business and KPI metrics (the binding writes CloudWatch EMF through shared/observability). */
export interface MetricsPort {
  record(name: string, value: number, unit: 'Count' | 'Seconds' | 'Percent', plant: string): void;
}
