/**
 * Ports of the business API beyond the workflow ports. Bound to the connectors in
 * functions/api/bindings.ts by the lead; tests use in-memory fakes.
 */
import type { EventData } from '../../events';
import type { CallContext, EquipmentRecord, OrderStatusRecord } from '../workflows/ports';

export interface OrderSource {
  /** The released production order as SAP has it now (OData), or undefined when SAP has none. */
  readReleasedOrder(
    ctx: CallContext,
    orderNumber: string,
  ): Promise<EventData<'ProductionOrderReleased'> | undefined>;
}

export interface WorkflowStarter {
  /** StartExecution of order-release with a deterministic name; a repeat of the same name is not an error. */
  startOrderRelease(executionName: string, input: unknown): Promise<'started' | 'already-started'>;
}

/** One equipment record per system; undefined where the system does not know it. */
export interface EquipmentDirectory {
  sap(ctx: CallContext, equipmentId: string): Promise<EquipmentRecord | undefined>;
  mes(ctx: CallContext, equipmentId: string): Promise<EquipmentRecord | undefined>;
  maintenance(ctx: CallContext, equipmentId: string): Promise<EquipmentRecord | undefined>;
}

export interface OrderStatusSources {
  sap(ctx: CallContext, orderNumber: string): Promise<OrderStatusRecord['status'] | undefined>;
  mes(ctx: CallContext, orderNumber: string): Promise<OrderStatusRecord['status'] | undefined>;
}
