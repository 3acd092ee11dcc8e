import { z } from 'zod';
import { recordKpi } from '../../../shared/kpi-metrics';
import type { Drift, ReconciliationResult } from '../domain/reconciliation';
import { orNotComparable, reconcileEquipment, reconcileOrderStatus } from '../domain/reconciliation';
import { OPEN_ORDER_STATUSES, type OrderState } from '../domain/repository';
import type { EventToPublish } from '../ports';
import { ctxOf, parsePayload, TaskBase, type TaskFn, type WorkflowDeps } from './deps';

const FindStuck = TaskBase.extend({ slaSeconds: z.coerce.number().int().min(1) });
const StuckOrder = TaskBase.extend({
  order: z.object({
    plant: z.string(),
    orderNumber: z.string(),
    status: z.string(),
    statusSince: z.string(),
  }),
  slaSeconds: z.coerce.number().int().min(1),
});
const Run = TaskBase.extend({ runId: z.string().min(1), scheduledAt: z.string().min(1) });

/** Who fixes an order stuck in each status. */
const STUCK_OWNER: Record<string, { system: 'mes' | 'plantsync'; role: string }> = {
  RELEASED: { system: 'plantsync', role: 'integration engineer' },
  AWAITING_ACK: { system: 'mes', role: 'MES administrator' },
  ACKNOWLEDGED: { system: 'mes', role: 'production supervisor' },
};

const driftEvents = (
  p: z.infer<typeof Run>,
  domain: 'equipment-master' | 'order-status',
  result: ReconciliationResult,
  now: string,
): EventToPublish[] =>
  result.drifts.map((d: Drift) => ({
    detailType: 'ReconciliationDriftDetected' as const,
    data: {
      runId: p.runId,
      domain,
      businessKey: {
        kind: domain === 'equipment-master' ? ('equipment' as const) : ('order' as const),
        value: d.key,
      },
      differences: d.differences,
      variance: result.variance,
    },
    plant: p.plant,
    occurredAt: now,
    idempotencyKey: `recon:${p.runId}:${domain}:${d.key}`,
    correlationId: p.correlationId,
  }));

export const scheduledTasks = (deps: WorkflowDeps): Record<string, TaskFn> => ({
  /** Orders past their SLA in any open status that have not been raised yet (GSI1 status#age). */
  'sweeper/find-stuck': async (payload) => {
    const p = parsePayload(FindStuck, payload);
    const slaSeconds = (await deps.reference.plantSla(ctxOf(p))).stuckOrderAfterSeconds ?? p.slaSeconds;
    const cutoff = new Date(deps.now().getTime() - slaSeconds * 1000).toISOString();
    const stuck: OrderState[] = [];
    for (const status of OPEN_ORDER_STATUSES)
      stuck.push(...(await deps.repo.ordersInStatusSince(p.plant, status, cutoff)));
    const orders = stuck
      .filter((o) => o.plant === p.plant && !o.stuckRaisedAt)
      .map((o) => ({
        plant: o.plant,
        orderNumber: o.orderNumber,
        status: o.status,
        statusSince: o.statusSince,
      }));
    deps.metrics.record('OrdersStuck', orders.length, 'Count', p.plant);
    return { count: orders.length, slaSeconds, orders };
  },

  /** Raises order-stuck once per order; an order that moved on since the sweep is skipped. */
  'sweeper/raise-stuck': async (payload) => {
    const p = parsePayload(StuckOrder, payload);
    const current = await deps.repo.getOrder(p.plant, p.order.orderNumber);
    if (!current || current.stuckRaisedAt || current.status !== p.order.status) return { outcome: 'skipped' };
    const now = deps.now().toISOString();
    const exceptionId = `SX-${p.plant}-${current.orderNumber}-order-stuck`;
    await deps.events.publish([
      {
        detailType: 'SyncExceptionRaised',
        data: {
          exceptionId,
          kind: 'order-stuck',
          owner: STUCK_OWNER[current.status] ?? { system: 'plantsync', role: 'integration engineer' },
          businessKey: { kind: 'order', value: current.orderNumber },
          reason: `order ${current.orderNumber} has been ${current.status} since ${current.statusSince}, past its SLA of ${p.slaSeconds} s`,
          severity: 'high',
          details: {
            status: current.status,
            statusSince: current.statusSince,
            slaSeconds: String(p.slaSeconds),
          },
        },
        plant: p.plant,
        occurredAt: now,
        idempotencyKey: exceptionId,
        correlationId: current.correlationId,
      },
    ]);
    // Published before it is marked: a retry after a crash re-publishes under the same idempotency key.
    const { rev: _rev, ...rest } = current;
    await deps.repo.saveOrder({ ...rest, stuckRaisedAt: now }, current);
    recordKpi(deps.metrics, 'SyncExceptionRaised', 1, p.plant);
    return { outcome: 'raised', exceptionId };
  },

  /** new | duplicate (same run id) | stale (an older schedule fired after a newer run). */
  'reconciliation/claim-run': async (payload) => {
    const p = parsePayload(Run, payload);
    if (!(await deps.repo.claimOnce(`RECON#${p.plant}`, p.runId, { scheduledAt: p.scheduledAt })))
      return { outcome: 'duplicate' };
    const last = await deps.repo.getClaim(`RECON-LAST#${p.plant}`, 'LAST');
    if (last && Date.parse(String(last.scheduledAt)) > Date.parse(p.scheduledAt)) return { outcome: 'stale' };
    await deps.repo.updateClaim(`RECON-LAST#${p.plant}`, 'LAST', {
      scheduledAt: p.scheduledAt,
      runId: p.runId,
    });
    return { outcome: 'new' };
  },

  'reconciliation/equipment': async (payload) => {
    const p = parsePayload(Run, payload);
    const ctx = ctxOf(p);
    const [sap, mes, maintenance] = await Promise.all([
      deps.sap.listEquipment(ctx),
      orNotComparable(deps.mes.listEquipment(ctx)),
      deps.maintenance.listAssets(ctx),
    ]);
    const result = reconcileEquipment({ sap, mes, maintenance });
    const events = driftEvents(p, 'equipment-master', result, deps.now().toISOString());
    if (events.length > 0) await deps.events.publish(events);
    recordKpi(deps.metrics, 'ReconciliationVariance', Number(result.variance) * 100, p.plant);
    return { compared: result.compared, drifted: result.drifts.length, variance: result.variance };
  },

  'reconciliation/order-status': async (payload) => {
    const p = parsePayload(Run, payload);
    const ctx = ctxOf(p);
    const [sap, mes] = await Promise.all([
      deps.sap.listOrderStatuses(ctx),
      orNotComparable(deps.mes.listOrderStatuses(ctx)),
    ]);
    const result = reconcileOrderStatus(sap, mes);
    const events = driftEvents(p, 'order-status', result, deps.now().toISOString());
    if (events.length > 0) await deps.events.publish(events);
    recordKpi(deps.metrics, 'ReconciliationVariance', Number(result.variance) * 100, p.plant);
    return { compared: result.compared, drifted: result.drifts.length, variance: result.variance };
  },
});
