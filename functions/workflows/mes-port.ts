/**
 * The workflows' MesPort over the MES connector's client (functions/mes MesClient), one client per
 * plant. Order calls carry a revision: the epoch milliseconds of the SAP fact behind the order state,
 * exactly as functions/mes-publisher computes it (`Date.parse(occurredAt)`), so a resend carries the
 * same revision and a later change a higher one. The port methods get no occurredAt, so the revision
 * is read from the order's correlation state, whose `version` order-release/record sets to the
 * occurredAt of the SAP event it applied.
 */
import type { EventData } from '../../events';
import type { MesClient } from '../mes/client';
import { TransientError, ValidationError } from './errors';
import type { CallContext, EquipmentRecord, MesPort, OrderStatusRecord, ProductionStatus } from './ports';

/** What the adapter uses of MesClient (tests pass a fake). */
export type MesOrderClient = Pick<
  MesClient,
  | 'publishOrder'
  | 'cancelOrder'
  | 'readProductionStatus'
  | 'readOrderStatus'
  | 'reportEquipmentAvailability'
  | 'listEquipment'
  | 'listOrders'
>;

export interface MesPortOptions {
  /** The plant's MES client (mesClients(env) from functions/mes). */
  readonly clientFor: (plant: string) => MesOrderClient;
  /** occurredAt of the SAP fact the order's current state comes from; undefined when the order is unknown. */
  readonly orderVersion: (ctx: CallContext, orderNumber: string) => Promise<string | undefined>;
}

/** Revision and occurredAt of an order call, as functions/mes-publisher derives them from the SAP fact. */
const revisionOf = async (
  options: MesPortOptions,
  ctx: CallContext,
  orderNumber: string,
): Promise<{ revision: number; occurredAt: string }> => {
  const occurredAt = await options.orderVersion(ctx, orderNumber);
  // order-release/record writes the state before any MES call, so a miss is a read racing that write.
  if (!occurredAt) throw new TransientError(`order ${orderNumber} has no correlation state yet`);
  const revision = Date.parse(occurredAt);
  if (Number.isNaN(revision))
    throw new ValidationError(`order ${orderNumber}: version ${occurredAt} is not a date-time`);
  return { revision, occurredAt };
};

export const mesWorkflowPort = (options: MesPortOptions): MesPort => ({
  async releaseOrder(ctx, order) {
    const { revision, occurredAt } = await revisionOf(options, ctx, order.orderNumber);
    await options.clientFor(ctx.plant).publishOrder('release', order, revision, occurredAt);
  },

  async changeOrder(ctx, order) {
    const { revision, occurredAt } = await revisionOf(options, ctx, order.orderNumber);
    await options.clientFor(ctx.plant).publishOrder('change', order, revision, occurredAt);
  },

  async cancelOrder(ctx, orderNumber, reason) {
    const { revision, occurredAt } = await revisionOf(options, ctx, orderNumber);
    // The port carries no SAP system status; the MES only needs the order and the reason.
    const cancel: EventData<'ProductionOrderCancelled'> = {
      orderNumber,
      systemStatus: [],
      ...(reason ? { reason } : {}),
    };
    await options.clientFor(ctx.plant).cancelOrder(cancel, revision, occurredAt);
  },

  async readProductionStatus(ctx, equipmentId): Promise<ProductionStatus> {
    const status = await options.clientFor(ctx.plant).readProductionStatus({ equipmentId });
    // The MES status resource has no expected end of the running order, so busyUntil stays unset.
    return {
      equipmentId,
      state: status.state,
      ...(status.currentOrder ? { currentOrder: status.currentOrder.orderNumber } : {}),
    };
  },

  async reportEquipmentAvailability(ctx, equipmentId, available, since) {
    await options.clientFor(ctx.plant).reportEquipmentAvailability(equipmentId, available, since);
  },

  /**
   * The MES's equipment master (all pages). A B2MML plant has no list query: the client's
   * PermanentError (details.unsupported = 'list-query', naming the profile) propagates, and
   * reconciliation records the MES as not comparable (domain/reconciliation.ts orNotComparable).
   */
  async listEquipment(ctx): Promise<readonly EquipmentRecord[]> {
    const equipment = await options.clientFor(ctx.plant).listEquipment();
    return equipment.map((e) => ({
      equipmentId: e.equipmentId,
      ...(e.description ? { description: e.description } : {}),
      ...(e.workCenter ? { workCenter: e.workCenter } : {}),
      ...(e.functionalLocation ? { functionalLocation: e.functionalLocation } : {}),
      // Master-data status only: availability (maintenance) is not what SAP's inactive flag means.
      ...(e.active !== undefined ? { inactive: !e.active } : {}),
    }));
  },

  /** Every order the MES holds, completed and cancelled included, so none looks missing. */
  async listOrderStatuses(ctx): Promise<readonly OrderStatusRecord[]> {
    const orders = await options.clientFor(ctx.plant).listOrders('all');
    return orders.map((o) => ({ orderNumber: o.orderNumber, status: o.status }));
  },
});
