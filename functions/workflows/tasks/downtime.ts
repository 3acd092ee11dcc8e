import { z } from 'zod';
import { DowntimeEnded, DowntimeStarted, MaintenancePlatform } from '../../../events';
import { recordKpi } from '../../../shared/kpi-metrics';
import { decideDowntime, faultKeyOf } from '../domain/downtime-dedup';
import { TransientError } from '../errors';
import {
  ctxOf,
  durationSeconds,
  parsePayload,
  secondsBetween,
  TaskBase,
  type TaskFn,
  type WorkflowDeps,
} from './deps';

const Started = TaskBase.extend({ occurredAt: z.string().min(1), downtime: DowntimeStarted.data });
const Deduplicate = Started.extend({ flappingWindowSeconds: z.coerce.number().int().min(0) });
const FaultRef = TaskBase.extend({ equipmentId: z.string().min(1), faultKey: z.string().min(1) });
const Create = Started.extend({
  context: z.object({
    orderNumber: z.string().optional(),
    shift: z.string().optional(),
    line: z.string().optional(),
  }),
});
const Record = Started.extend({ faultKey: z.string().min(1), notificationId: z.string().min(1) });
const Emit = Create.extend({ notificationId: z.string().min(1), platform: MaintenancePlatform });
const Ended = TaskBase.extend({
  occurredAt: z.string().min(1),
  downtime: DowntimeEnded.data.pick({ downtimeId: true, equipmentId: true }).extend({
    duration: z.object({ value: z.string(), unit: z.string() }).optional(),
  }),
});

const priorityOf = (reasonCode: string): 'high' | 'medium' =>
  ['MECH', 'ELEC', 'SAFETY'].includes(reasonCode) ? 'high' : 'medium';

export const downtimeTasks = (deps: WorkflowDeps): Record<string, TaskFn> => ({
  /** new | duplicate (fault already open) | flapping (re-opened inside the window) | planned. */
  'downtime/deduplicate': async (payload) => {
    const p = parsePayload(Deduplicate, payload);
    const { equipmentId } = p.downtime;
    const faultKey = faultKeyOf(p.downtime);
    const early = await deps.repo.getDowntime(p.plant, p.downtime.downtimeId);
    const windowSeconds =
      (await deps.reference.plantSla(ctxOf(p))).flappingWindowSeconds ?? p.flappingWindowSeconds;
    for (let attempt = 0; attempt < 3; attempt++) {
      const fault = await deps.repo.getFault(p.plant, equipmentId, faultKey);
      // Flapping is judged on the machine's own timeline (the signal's occurredAt), not on when the
      // event is processed: a late or queued event must not look like a flap, nor a flap like news.
      const decision = decideDowntime(fault, p.downtime, new Date(p.occurredAt), windowSeconds);
      if (decision === 'planned') return { decision, faultKey };
      let saved: boolean;
      if (decision === 'new' || !fault) {
        const claim = {
          plant: p.plant,
          equipmentId,
          faultKey,
          status: 'CREATING' as const,
          downtimeId: p.downtime.downtimeId,
          openedAt: p.occurredAt,
          suppressedSignals: 0,
        };
        saved = await deps.repo.saveFault(claim, fault);
      } else {
        // A repeat signal adds no notification; a flapping one re-opens the closed fault.
        const { rev: _rev, closedAt, ...rest } = fault;
        const reopened = decision === 'flapping';
        saved = await deps.repo.saveFault(
          {
            ...rest,
            ...(reopened ? {} : { closedAt }),
            status: reopened ? 'OPEN' : fault.status,
            suppressedSignals: fault.suppressedSignals + 1,
          },
          fault,
        );
      }
      if (saved) {
        await deps.repo.saveDowntime(p.plant, p.downtime.downtimeId, { equipmentId, faultKey });
        if (decision !== 'new') deps.metrics.record('DowntimeSignalSuppressed', 1, 'Count', p.plant);
        return { decision, faultKey, endedEarly: early?.endedAt !== undefined };
      }
    }
    throw new TransientError(`fault ${faultKey} on ${equipmentId} is being updated concurrently`);
  },

  /** Equipment cross-reference, current order and shift, for the notification's context. */
  'downtime/enrich': async (payload) => {
    const p = parsePayload(Started, payload);
    const ctx = ctxOf(p);
    const [xref, status, shift] = await Promise.all([
      deps.reference.equipmentXref(ctx, p.downtime.equipmentId),
      deps.mes.readProductionStatus(ctx, p.downtime.equipmentId),
      deps.reference.shiftAt(ctx, p.occurredAt),
    ]);
    const line = p.downtime.line ?? xref.line;
    return {
      sapEquipment: xref.sapEquipment,
      ...(xref.maintenanceAsset ? { maintenanceAsset: xref.maintenanceAsset } : {}),
      context: {
        ...(status.currentOrder ? { orderNumber: status.currentOrder } : {}),
        ...(shift ? { shift } : {}),
        ...(line ? { line } : {}),
      },
    };
  },

  'downtime/create-notification': async (payload) => {
    const p = parsePayload(Create, payload);
    const d = p.downtime;
    const created = await deps.maintenance.createNotification(ctxOf(p), {
      externalReference: `ps-${p.plant}-${d.downtimeId}`,
      equipmentId: d.equipmentId,
      downtimeId: d.downtimeId,
      priority: priorityOf(d.reasonCode),
      title: (d.reasonText ?? `Downtime ${d.reasonCode}`).slice(0, 200),
      description: `Machine stopped at ${p.occurredAt}: ${d.reasonCode}${d.faultCode ? ` / ${d.faultCode}` : ''}`,
      context: p.context,
    });
    return created;
  },

  /** Records the open notification and measures downtime-to-maintenance response time. */
  'downtime/record-notification': async (payload) => {
    const p = parsePayload(Record, payload);
    const fault = await deps.repo.getFault(p.plant, p.downtime.equipmentId, p.faultKey);
    if (!fault) throw new TransientError(`fault ${p.faultKey} vanished before it was recorded`);
    const { rev: _rev, ...rest } = fault;
    if (!(await deps.repo.saveFault({ ...rest, status: 'OPEN', notificationId: p.notificationId }, fault)))
      throw new TransientError(`fault ${p.faultKey} changed while recording`);
    const responseSeconds = secondsBetween(p.occurredAt, deps.now());
    recordKpi(deps.metrics, 'DowntimeToMaintenanceResponseTime', responseSeconds, p.plant);
    // An end that arrived while the notification was being created is applied right after.
    const downtime = await deps.repo.getDowntime(p.plant, p.downtime.downtimeId);
    return {
      responseSeconds,
      endedEarly: downtime?.endedAt !== undefined,
      ...(downtime?.endedAt
        ? {
            end: {
              occurredAt: downtime.endedAt,
              duration: { value: downtime.durationSeconds ?? '0', unit: 'SEC' },
            },
          }
        : {}),
    };
  },

  'downtime/emit-notification-created': async (payload) => {
    const p = parsePayload(Emit, payload);
    const d = p.downtime;
    await deps.events.publish([
      {
        detailType: 'MaintenanceNotificationCreated',
        data: {
          notificationId: p.notificationId,
          externalReference: `ps-${p.plant}-${d.downtimeId}`,
          platform: p.platform,
          equipmentId: d.equipmentId,
          downtimeId: d.downtimeId,
          priority: priorityOf(d.reasonCode),
          title: (d.reasonText ?? `Downtime ${d.reasonCode}`).slice(0, 200),
          context: p.context,
        },
        plant: p.plant,
        occurredAt: deps.now().toISOString(),
        idempotencyKey: `maintenance:notification:${p.notificationId}`,
        correlationId: p.correlationId,
      },
    ]);
    return { emitted: true };
  },

  /** Failure path: frees the claim so the next signal of the fault may try again. */
  'downtime/release-claim': async (payload) => {
    const p = parsePayload(FaultRef, payload);
    const fault = await deps.repo.getFault(p.plant, p.equipmentId, p.faultKey);
    if (fault?.status === 'CREATING') await deps.repo.deleteFault(p.plant, p.equipmentId, p.faultKey);
    return { released: fault?.status === 'CREATING' };
  },

  /** Updates the notification and closes the fault; an end before its start is kept for later. */
  'downtime/end': async (payload) => {
    const p = parsePayload(Ended, payload);
    const d = p.downtime;
    const seconds = d.duration ? durationSeconds(d.duration) : undefined;
    const known = await deps.repo.getDowntime(p.plant, d.downtimeId);
    const fault = known?.faultKey
      ? await deps.repo.getFault(p.plant, d.equipmentId, known.faultKey)
      : undefined;
    if (!fault?.notificationId) {
      await deps.repo.saveDowntime(p.plant, d.downtimeId, {
        endedAt: p.occurredAt,
        durationSeconds: seconds,
      });
      return { outcome: 'kept-until-notification-exists' };
    }
    if (fault.status === 'CLOSED') return { outcome: 'already-closed', notificationId: fault.notificationId };
    await deps.maintenance.updateNotification(ctxOf(p), fault.notificationId, {
      downtimeEndedAt: p.occurredAt,
      ...(seconds ? { durationSeconds: seconds } : {}),
    });
    const { rev: _rev, ...rest } = fault;
    await deps.repo.saveFault({ ...rest, status: 'CLOSED', closedAt: p.occurredAt }, fault);
    return { outcome: 'updated', notificationId: fault.notificationId };
  },
});
