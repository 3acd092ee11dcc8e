import { z } from 'zod';
import { AssetConditionAlertRaised } from '../../../events';
import { nextMaintenanceWindow } from '../domain/maintenance-window';
import { BusinessRuleError } from '../errors';
import { ctxOf, parsePayload, TaskBase, type TaskFn, type WorkflowDeps } from './deps';

const Alert = TaskBase.extend({ occurredAt: z.string().min(1), alert: AssetConditionAlertRaised.data });
const Production = z.looseObject({ currentOrder: z.string().optional(), busyUntil: z.string().optional() });
const FindWindow = Alert.extend({
  production: Production,
  durationMinutes: z.coerce.number().int().min(1),
  horizonHours: z.coerce.number().int().min(1),
});
const CreateWorkOrder = Alert.extend({ window: z.object({ start: z.string(), end: z.string() }) });
const PostImpact = CreateWorkOrder.extend({
  workOrderId: z.string().min(1),
  production: Production,
});
const CancelWorkOrder = Alert.extend({
  workOrderId: z.string().min(1),
  error: z.object({ Error: z.string(), Cause: z.string().optional() }).optional(),
});

const ALERT = (plant: string) => `ALERT#${plant}`;
const EQUIPMENT_PLAN = (plant: string) => `MAINT-PLAN#${plant}`;

export const predictiveTasks = (deps: WorkflowDeps): Record<string, TaskFn> => ({
  /**
   * new | duplicate (same alert again) | covered (the asset already has planned work from an alert
   * raised later but processed first; an earlier, late alert adds no second work order).
   */
  'predictive/claim-alert': async (payload) => {
    const p = parsePayload(Alert, payload);
    if (!(await deps.repo.claimOnce(ALERT(p.plant), p.alert.alertId, { equipmentId: p.alert.equipmentId })))
      return { outcome: 'duplicate' };
    const plan = await deps.repo.getClaim(EQUIPMENT_PLAN(p.plant), p.alert.equipmentId);
    if (plan && plan.status !== 'COMPENSATED') return { outcome: 'covered', workOrderId: plan.workOrderId };
    return { outcome: 'new' };
  },

  'predictive/read-production-status': async (payload) => {
    const p = parsePayload(Alert, payload);
    const status = await deps.mes.readProductionStatus(ctxOf(p), p.alert.equipmentId);
    return {
      state: status.state,
      ...(status.currentOrder ? { currentOrder: status.currentOrder } : {}),
      ...(status.busyUntil ? { busyUntil: status.busyUntil } : {}),
    };
  },

  /** The first window after the running order ends, before the predicted failure and the horizon. */
  'predictive/find-window': async (payload) => {
    const p = parsePayload(FindWindow, payload);
    // Never before the alert itself: a queued alert is planned from when it was raised, and
    // processing time is no earlier than that.
    const now = Math.max(deps.now().getTime(), Date.parse(p.occurredAt));
    const earliest = new Date(Math.max(now, p.production.busyUntil ? Date.parse(p.production.busyUntil) : 0));
    const untilFailureHours = p.alert.predictedFailureAt
      ? Math.floor((Date.parse(p.alert.predictedFailureAt) - earliest.getTime()) / 3_600_000)
      : Number.POSITIVE_INFINITY;
    const horizonHours = Math.min(p.horizonHours, untilFailureHours);
    const calendar = await deps.reference.plantCalendar(ctxOf(p));
    const window =
      horizonHours > 0
        ? nextMaintenanceWindow(calendar, earliest, p.durationMinutes, horizonHours)
        : undefined;
    if (!window)
      throw new BusinessRuleError(
        `no maintenance window of ${p.durationMinutes} min for equipment ${p.alert.equipmentId} within ${horizonHours} h`,
        {
          kind: 'no-maintenance-window',
          owner: { system: 'maintenance', role: 'maintenance planner' },
          businessKey: { kind: 'alert', value: p.alert.alertId },
        },
      );
    return window;
  },

  'predictive/create-work-order': async (payload) => {
    const p = parsePayload(CreateWorkOrder, payload);
    const { workOrderId } = await deps.maintenance.createWorkOrder(ctxOf(p), {
      externalReference: `ps-${p.plant}-${p.alert.alertId}`,
      equipmentId: p.alert.equipmentId,
      title:
        `Predictive: ${p.alert.signal} ${p.alert.value.value} ${p.alert.value.unit} over ${p.alert.threshold.value}`.slice(
          0,
          200,
        ),
      priority: p.alert.severity === 'critical' ? 'high' : 'medium',
      plannedStart: p.window.start,
      plannedEnd: p.window.end,
    });
    await deps.repo.updateClaim(EQUIPMENT_PLAN(p.plant), p.alert.equipmentId, {
      workOrderId,
      status: 'CREATED',
      alertId: p.alert.alertId,
    });
    return { workOrderId };
  },

  /** Operational impact goes to SAP through this orchestration only (no analytics-to-SAP write). */
  'predictive/post-impact': async (payload) => {
    const p = parsePayload(PostImpact, payload);
    const { sapDocument } = await deps.sap.postOperationalImpact(ctxOf(p), {
      alertId: p.alert.alertId,
      equipmentId: p.alert.equipmentId,
      workOrderId: p.workOrderId,
      start: p.window.start,
      end: p.window.end,
      ...(p.production.currentOrder ? { affectedOrder: p.production.currentOrder } : {}),
    });
    await deps.repo.updateClaim(EQUIPMENT_PLAN(p.plant), p.alert.equipmentId, {
      status: 'PLANNED',
      sapDocument,
    });
    return { sapDocument };
  },

  /** Compensation: the SAP posting failed for good, so the work order must not stay. */
  'predictive/cancel-work-order': async (payload) => {
    const p = parsePayload(CancelWorkOrder, payload);
    await deps.maintenance.cancelWorkOrder(
      ctxOf(p),
      p.workOrderId,
      `operational impact could not be posted to SAP (${p.error?.Error ?? 'unknown error'})`,
    );
    await deps.repo.updateClaim(EQUIPMENT_PLAN(p.plant), p.alert.equipmentId, { status: 'COMPENSATED' });
    deps.metrics.record('WorkOrderCompensated', 1, 'Count', p.plant);
    return { cancelled: true };
  },
});
