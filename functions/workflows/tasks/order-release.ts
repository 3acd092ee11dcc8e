import { z } from 'zod';
import { ProductionOrderReleased } from '../../../events';
import { recordKpi } from '../../../shared/kpi-metrics';
import { decideOrderAction } from '../domain/order-lifecycle';
import type { OrderState, OrderStatus } from '../domain/repository';
import { TransientError } from '../errors';
import { ctxOf, parsePayload, secondsBetween, TaskBase, type TaskFn, type WorkflowDeps } from './deps';

const OrderData = ProductionOrderReleased.data.extend({ changedFields: z.array(z.string()).optional() });

const RecordOrderEvent = TaskBase.extend({
  eventType: z.enum(['ProductionOrderReleased', 'ProductionOrderChanged', 'ProductionOrderCancelled']),
  occurredAt: z.string().min(1),
  /** Released/Changed carry the full order, Cancelled only the number. */
  order: z.looseObject({ orderNumber: z.string().min(1) }),
  /** The substituted default; the plant's own SLA wins when it has one. */
  defaultAckTimeoutSeconds: z.number().int().positive(),
});
const Publish = TaskBase.extend({
  order: OrderData,
  taskToken: z.string().min(1),
  attempt: z.number().int(),
});
const OrderRef = TaskBase.extend({ orderNumber: z.string().min(1) });
const PublishChange = TaskBase.extend({ order: OrderData });
const PublishCancellation = OrderRef.extend({ reason: z.string().optional() });
const MarkAcknowledged = OrderRef.extend({ ack: z.object({ mesJobId: z.string().optional() }).loose() });
const MarkStatus = OrderRef.extend({ status: z.enum(['NOT_ACKNOWLEDGED', 'REFUSED']) });

/** Applies `change` to the stored order with optimistic concurrency; re-reads once on a conflict. */
const updateOrder = async (
  deps: WorkflowDeps,
  plant: string,
  orderNumber: string,
  change: (current: OrderState) => Omit<OrderState, 'rev'>,
): Promise<OrderState> => {
  for (let attempt = 0; attempt < 3; attempt++) {
    const current = await deps.repo.getOrder(plant, orderNumber);
    if (!current) throw new TransientError(`order ${orderNumber} has no correlation state yet`);
    const next = change(current);
    if (await deps.repo.saveOrder(next, current)) return { ...next, rev: current.rev + 1 };
  }
  throw new TransientError(`order ${orderNumber} is being updated concurrently`);
};

export const orderReleaseTasks = (deps: WorkflowDeps): Record<string, TaskFn> => ({
  /** Decides release / change / cancel / ignore and records the new correlation state. */
  'order-release/record': async (payload) => {
    const p = parsePayload(RecordOrderEvent, payload);
    const orderNumber = p.order.orderNumber;
    for (let attempt = 0; attempt < 3; attempt++) {
      const current = await deps.repo.getOrder(p.plant, orderNumber);
      const decision = decideOrderAction(current, p.eventType, p.occurredAt);
      const now = deps.now().toISOString();
      const base = {
        plant: p.plant,
        orderNumber,
        version: p.occurredAt,
        correlationId: current?.correlationId ?? p.correlationId,
        releasedAt: current?.releasedAt ?? now,
      };
      let next: Omit<OrderState, 'rev'> | undefined;
      if (decision.action === 'release') next = { ...base, status: 'RELEASED', statusSince: now };
      if (decision.action === 'change' && current) next = { ...current, version: p.occurredAt };
      if (decision.action === 'cancel' && current)
        next = { ...current, version: p.occurredAt, status: 'CANCELLED', statusSince: now };
      // A cancellation seen before its release leaves a tombstone so the late release is ignored.
      if (decision.action === 'ignore' && !current && p.eventType === 'ProductionOrderCancelled')
        next = { ...base, status: 'CANCELLED', statusSince: now };
      if (!next || (await deps.repo.saveOrder(next, current))) {
        const sla = await deps.reference.plantSla(ctxOf(p));
        return {
          ...decision,
          orderNumber,
          ackTimeoutSeconds: sla.orderAckTimeoutSeconds ?? p.defaultAckTimeoutSeconds,
        };
      }
    }
    throw new TransientError(`order ${orderNumber} is being updated concurrently`);
  },

  /** Stores the task token, then hands the order to the MES; the ack listener sends the token back. */
  'order-release/publish': async (payload) => {
    const p = parsePayload(Publish, payload);
    await updateOrder(deps, p.plant, p.order.orderNumber, (current) => ({
      ...current,
      status: 'AWAITING_ACK',
      statusSince: current.status === 'AWAITING_ACK' ? current.statusSince : deps.now().toISOString(),
      taskToken: p.taskToken,
    }));
    await deps.mes.releaseOrder(ctxOf(p), p.order);
    return { published: true, attempt: p.attempt };
  },

  'order-release/publish-change': async (payload) => {
    const p = parsePayload(PublishChange, payload);
    await deps.mes.changeOrder(ctxOf(p), { ...p.order, changedFields: p.order.changedFields ?? [] });
    return { changed: true };
  },

  /** Withdraws the order from the MES and wakes a release execution still waiting for its ack. */
  'order-release/publish-cancellation': async (payload) => {
    const p = parsePayload(PublishCancellation, payload);
    await deps.mes.cancelOrder(ctxOf(p), p.orderNumber, p.reason);
    const state = await deps.repo.getOrder(p.plant, p.orderNumber);
    if (state?.taskToken) {
      await deps.callbacks.sendTaskSuccess(state.taskToken, { outcome: 'cancelled' });
      const { taskToken: _released, rev: _rev, ...rest } = state;
      await deps.repo.saveOrder(rest, state);
    }
    return { cancelled: true, wokeWaitingRelease: state?.taskToken !== undefined };
  },

  'order-release/mark-acknowledged': async (payload) => {
    const p = parsePayload(MarkAcknowledged, payload);
    const now = deps.now();
    const saved = await updateOrder(deps, p.plant, p.orderNumber, (current) => {
      const { taskToken: _done, rev: _rev, ...rest } = current;
      return { ...rest, status: 'ACKNOWLEDGED', statusSince: now.toISOString(), mesJobId: p.ack.mesJobId };
    });
    const latencySeconds = secondsBetween(saved.releasedAt, now);
    recordKpi(deps.metrics, 'OrderSynchronisationLatency', latencySeconds, p.plant);
    return { status: saved.status, latencySeconds };
  },

  'order-release/mark-status': async (payload) => {
    const p = parsePayload(MarkStatus, payload);
    const status: OrderStatus = p.status;
    const saved = await updateOrder(deps, p.plant, p.orderNumber, (current) => {
      const { taskToken: _done, rev: _rev, ...rest } = current;
      return { ...rest, status, statusSince: deps.now().toISOString() };
    });
    return { status: saved.status };
  },
});

/**
 * The MES acknowledgement listener (EventBridge rule on OrderAcknowledged): sends the stored task
 * token back to the waiting order-release execution. Duplicate or late acks find no token.
 */
export const deliverAcknowledgement = async (
  deps: Pick<WorkflowDeps, 'repo' | 'callbacks'>,
  plant: string,
  ack: { orderNumber: string; mesJobId: string; accepted: boolean; line?: string; reason?: string },
): Promise<'delivered' | 'no-waiting-release'> => {
  const state = await deps.repo.getOrder(plant, ack.orderNumber);
  if (!state?.taskToken || state.status !== 'AWAITING_ACK') return 'no-waiting-release';
  await deps.callbacks.sendTaskSuccess(state.taskToken, {
    outcome: ack.accepted ? 'accepted' : 'refused',
    mesJobId: ack.mesJobId,
    ...(ack.line ? { line: ack.line } : {}),
    // The refusal path reads `reason`, so it is always there.
    reason: ack.reason ?? (ack.accepted ? 'accepted' : 'refused by the MES without a reason'),
  });
  return 'delivered';
};
