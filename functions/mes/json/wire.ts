import * as z from 'zod';

/**
 * The REST/JSON MES wire format (profile `rest-json`), version 1. See docs/connectors/mes.md.
 *
 * Inbound (MES → plantsync): `POST /ingress/mes/{plant}/events` with one event or `{ "events": [...] }`.
 * Every event carries the MES's own unique `eventId` (the idempotency key: a resend is harmless),
 * `eventType`, `occurredAt` (ISO 8601 with offset) and the type's fields. Quantities are
 * `{ "value": "12.5" | 12.5, "unit": "PCS" }` in the MES's unit spelling.
 *
 * Outbound (plantsync → MES): `POST /api/v1/production-orders`, `PUT /api/v1/production-orders/{orderNumber}`,
 * `POST /api/v1/production-orders/{orderNumber}/cancel`, `GET /api/v1/equipment/{id}/status`,
 * `GET /api/v1/lines/{line}/status`, and the paged lists for reconciliation
 * `GET /api/v1/equipment?page=&pageSize=` and `GET /api/v1/production-orders?status=&page=&pageSize=`.
 */

export const WireQuantity = z.object({
  value: z.union([z.string().min(1).max(40), z.number()]),
  unit: z.string().min(1).max(20),
});
export type WireQuantity = z.infer<typeof WireQuantity>;

const Id = z.string().trim().min(1).max(100);
const OrderNo = z.string().trim().min(1).max(12);
const OperationNo = z.union([z.string().trim().min(1).max(4), z.number().int().nonnegative()]);
const Text = z.string().max(200);

const base = {
  eventId: Id.describe('unique per fact in the MES; a resend carries the same id'),
  plant: z.string().optional().describe('SAP plant; defaults to the plant of the URL'),
  occurredAt: z.string().min(1).describe('ISO 8601 date-time with offset'),
};

const orderRef = { orderNumber: OrderNo, jobId: Id.describe("the MES's own job id") };

export const OrderAcknowledgedWire = z.object({
  ...base,
  ...orderRef,
  eventType: z.literal('order.acknowledged'),
  accepted: z.boolean(),
  line: z.string().max(40).optional(),
  reason: Text.optional(),
});

export const OperationStartedWire = z.object({
  ...base,
  ...orderRef,
  eventType: z.literal('operation.started'),
  operationNumber: OperationNo,
  workCenter: z.string().max(8).optional(),
  equipmentId: z.string().max(40).optional(),
});

export const OperationCompletedWire = OperationStartedWire.extend({
  eventType: z.literal('operation.completed'),
  yield: WireQuantity,
  scrap: WireQuantity,
});

export const ProductionConfirmedWire = z.object({
  ...base,
  ...orderRef,
  eventType: z.literal('production.confirmed'),
  confirmationId: Id,
  operationNumber: OperationNo,
  workCenter: z.string().max(8).optional(),
  equipmentId: z.string().max(40).optional(),
  good: WireQuantity,
  scrap: WireQuantity,
  rework: WireQuantity.optional().describe('defaults to zero in the unit of `good`'),
  scrapReason: z.string().max(4).optional(),
  final: z.boolean(),
  setupTime: WireQuantity.optional(),
  machineTime: WireQuantity.optional(),
  labourTime: WireQuantity.optional(),
});

export const DowntimeStartedWire = z.object({
  ...base,
  eventType: z.literal('downtime.started'),
  downtimeId: Id,
  equipmentId: z.string().min(1).max(40),
  line: z.string().max(40).optional(),
  reason: z.object({ code: z.string().min(1).max(20), text: Text.optional() }),
  faultCode: z.string().max(40).optional(),
  planned: z.boolean().optional(),
});

export const DowntimeEndedWire = z
  .object({
    ...base,
    eventType: z.literal('downtime.ended'),
    downtimeId: Id,
    equipmentId: z.string().min(1).max(40),
    line: z.string().max(40).optional(),
    reason: z.object({ code: z.string().min(1).max(20) }).optional(),
    startedAt: z.string().optional(),
    duration: WireQuantity.optional(),
  })
  .refine((e) => e.duration !== undefined || e.startedAt !== undefined, {
    message: 'a downtime.ended event needs `duration` or `startedAt`',
  });

export const MachineStateChangedWire = z.object({
  ...base,
  eventType: z.literal('machine.state-changed'),
  equipmentId: z.string().min(1).max(40),
  line: z.string().max(40).optional(),
  state: z.string().min(1).max(40),
  previousState: z.string().min(1).max(40).optional(),
});

export const QualityExceptionWire = z.object({
  ...base,
  eventType: z.literal('quality.exception'),
  qualityExceptionId: Id,
  orderNumber: OrderNo.optional(),
  operationNumber: OperationNo.optional(),
  equipmentId: z.string().max(40).optional(),
  defectCode: z.string().min(1).max(20),
  severity: z.string().min(1).max(20),
  description: z.string().min(1).max(4000),
  quantityAffected: WireQuantity.optional(),
});

const movement = {
  ...base,
  movementId: Id,
  orderNumber: OrderNo.optional(),
  jobId: Id.optional(),
  material: z.string().min(1).max(40),
  quantity: WireQuantity,
  storageLocation: z.string().max(4).optional(),
  batch: z.string().max(10).optional(),
  reversal: z.boolean().optional(),
};

export const MaterialConsumedWire = z.object({ ...movement, eventType: z.literal('material.consumed') });
export const MaterialProducedWire = z.object({ ...movement, eventType: z.literal('material.produced') });

export const InventoryAdjustmentWire = z.object({
  ...base,
  eventType: z.literal('inventory.adjustment-requested'),
  adjustmentId: Id,
  material: z.string().min(1).max(40),
  quantity: WireQuantity.describe('signed: positive adds stock, negative removes it'),
  storageLocation: z.string().min(1).max(4),
  reason: z.string().min(1).max(200),
  orderNumber: OrderNo.optional(),
});

export const MesWireEvent = z.discriminatedUnion('eventType', [
  OrderAcknowledgedWire,
  OperationStartedWire,
  OperationCompletedWire,
  ProductionConfirmedWire,
  DowntimeStartedWire,
  DowntimeEndedWire,
  MachineStateChangedWire,
  QualityExceptionWire,
  MaterialConsumedWire,
  MaterialProducedWire,
  InventoryAdjustmentWire,
]);
export type MesWireEvent = z.infer<typeof MesWireEvent>;
export const MES_WIRE_EVENT_TYPES = MesWireEvent.options.map((o) => o.shape.eventType.value);

/** The body of `POST .../events`: a batch (at most 100 events) or a single event. */
export const MesEventBatch = z.object({ events: z.array(z.unknown()).min(1).max(100) });

// ---- outbound: production orders -------------------------------------------------------------

const OutQuantity = z.object({ value: z.string(), unit: z.string() });

export const ProductionOrderRequest = z.object({
  orderNumber: z.string(),
  revision: z
    .number()
    .int()
    .nonnegative()
    .describe('monotonic per order (ms since epoch of the SAP change); the MES keeps the highest'),
  plant: z.string(),
  orderType: z.string(),
  material: z.object({ number: z.string(), description: z.string().optional() }),
  quantity: OutQuantity,
  scheduledStart: z.string(),
  scheduledEnd: z.string(),
  productionVersion: z.string().optional(),
  sapStatus: z.array(z.string()),
  operations: z.array(
    z.object({
      sequence: z.string(),
      operationNumber: z.string(),
      description: z.string(),
      workCenter: z.string(),
      controlKey: z.string().optional(),
      quantity: OutQuantity.optional(),
      setupTime: OutQuantity.optional(),
      machineTime: OutQuantity.optional(),
      labourTime: OutQuantity.optional(),
    }),
  ),
  components: z.array(
    z.object({
      item: z.string().optional(),
      material: z.object({ number: z.string(), description: z.string().optional() }),
      quantity: OutQuantity,
      operationNumber: z.string().optional(),
      storageLocation: z.string().optional(),
      batch: z.string().optional(),
      backflush: z.boolean(),
    }),
  ),
  changedFields: z.array(z.string()).optional(),
});
export type ProductionOrderRequest = z.infer<typeof ProductionOrderRequest>;

export const CancelOrderRequest = z.object({
  orderNumber: z.string(),
  revision: z.number().int().nonnegative(),
  reason: z.string().optional(),
  sapStatus: z.array(z.string()),
});
export type CancelOrderRequest = z.infer<typeof CancelOrderRequest>;

/** What the MES answers to a publish/change/cancel (extra fields are ignored). */
export const OrderResponse = z.looseObject({
  orderNumber: z.string(),
  revision: z.number().int().optional(),
  jobId: z.string().optional(),
  status: z.string().optional(),
});

/** `GET /api/v1/equipment/{id}/status` and `GET /api/v1/lines/{line}/status`. */
export const EquipmentStatusResponse = z.looseObject({
  equipmentId: z.string().optional(),
  line: z.string().optional(),
  state: z.string().min(1),
  since: z.string().optional(),
  currentOrder: z
    .object({
      orderNumber: z.string(),
      jobId: z.string().optional(),
      operationNumber: z.union([z.string(), z.number()]).optional(),
    })
    .nullish(),
  updatedAt: z.string().optional(),
});

// ---- outbound: paged lists (reconciliation) ----------------------------------------------------

/**
 * Paging of the list resources: `page` is 1-based, `pageSize` at most {@link MES_LIST_MAX_PAGE_SIZE}
 * (the MES may return fewer). Every page answers `{ items, page, pageSize, total?, nextPage }`;
 * `nextPage` is the next page number, or null/absent on the last page. The order is stable (by id).
 */
export const MES_LIST_MAX_PAGE_SIZE = 200;

const listPage = <T extends z.ZodType>(item: T) =>
  z.looseObject({
    items: z.array(item),
    page: z.number().int().positive().optional(),
    pageSize: z.number().int().positive().optional(),
    total: z.number().int().nonnegative().optional(),
    nextPage: z.number().int().positive().nullish(),
  });

/** One equipment of the MES's equipment master (`GET /api/v1/equipment?page=`). */
export const EquipmentListItem = z.looseObject({
  equipmentId: z.string().min(1).max(40).describe('SAP equipment number, as the MES knows the machine'),
  description: z.string().max(200).optional(),
  line: z.string().max(40).optional(),
  workCenter: z.string().max(8).optional(),
  functionalLocation: z.string().max(40).optional(),
  active: z
    .boolean()
    .optional()
    .describe('master-data status: false when the MES retired the machine (not its availability)'),
  available: z.boolean().optional().describe('current availability for production (maintenance)'),
});
export type EquipmentListItem = z.infer<typeof EquipmentListItem>;
export const EquipmentListPage = listPage(EquipmentListItem);

/**
 * `GET /api/v1/production-orders?status=open|all&page=`: the orders the MES holds, each as the single
 * order read answers it. `status=open` (not completed, not cancelled) is the default of many MES;
 * reconciliation asks for `all`, so a completed order is compared rather than missing.
 */
export const ORDER_LIST_STATUS_FILTERS = ['open', 'all'] as const;
export const OrderListItem = OrderResponse.extend({ status: z.string().min(1) });
export const OrderListPage = listPage(OrderListItem);
