import type { EventData } from '../../../events/catalogue';
import type { Quantity } from '../../../events/primitives';
import { fromRec20 } from '../units';
import type { CancelOrderRequest, ProductionOrderRequest } from './wire';

type OrderData = EventData<'ProductionOrderReleased'> | EventData<'ProductionOrderChanged'>;

const q = (quantity: Quantity) => ({ value: quantity.value, unit: fromRec20(quantity.unit) });
const opt = (quantity: Quantity | undefined) => (quantity ? q(quantity) : undefined);

/** Canonical ProductionOrderReleased/Changed data → the body of POST/PUT /api/v1/production-orders. */
export const orderToWire = (order: OrderData, plant: string, revision: number): ProductionOrderRequest => ({
  orderNumber: order.orderNumber,
  revision,
  plant,
  orderType: order.orderType,
  material: { number: order.material.number, description: order.material.description },
  quantity: q(order.plannedQuantity),
  scheduledStart: order.plannedStart,
  scheduledEnd: order.plannedEnd,
  productionVersion: order.productionVersion,
  sapStatus: [...order.systemStatus],
  operations: order.operations.map((op) => ({
    sequence: op.sequence,
    operationNumber: op.operationNumber,
    description: op.description,
    workCenter: op.workCenter,
    controlKey: op.controlKey,
    quantity: opt(op.plannedQuantity),
    setupTime: opt(op.setupTime),
    machineTime: opt(op.machineTime),
    labourTime: opt(op.labourTime),
  })),
  components: order.components.map((c) => ({
    item: c.reservationItem,
    material: { number: c.material.number, description: c.material.description },
    quantity: q(c.requiredQuantity),
    operationNumber: c.operationNumber,
    storageLocation: c.storageLocation,
    batch: c.batch,
    backflush: c.backflush,
  })),
  ...('changedFields' in order ? { changedFields: [...order.changedFields] } : {}),
});

/** Canonical ProductionOrderCancelled data → the body of POST /api/v1/production-orders/{n}/cancel. */
export const cancelToWire = (
  cancel: EventData<'ProductionOrderCancelled'>,
  revision: number,
): CancelOrderRequest => ({
  orderNumber: cancel.orderNumber,
  revision,
  reason: cancel.reason,
  sapStatus: [...cancel.systemStatus],
});
