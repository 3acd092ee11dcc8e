import { z } from 'zod';
import { BusinessKey, SyncExceptionKind, System } from '../../../events';
import { recordKpi } from '../../../shared/kpi-metrics';
import { parsePayload, TaskBase, type TaskFn, type WorkflowDeps } from './deps';

const RaiseSyncException = TaskBase.extend({
  kind: SyncExceptionKind,
  owner: z.object({ system: System, role: z.string().min(1) }),
  businessKey: BusinessKey,
  severity: z.enum(['low', 'medium', 'high']).default('high'),
  reason: z.string().optional(),
  /** The Catch output `{ Error, Cause }` of the failed state, when raised from a catch. */
  error: z.object({ Error: z.string(), Cause: z.string().optional() }).optional(),
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
});

/**
 * The Cause of a Lambda error is a JSON string `{ errorType, errorMessage, trace }` on AWS and the
 * plain message in the local interpreter; the person reading the exception wants the message.
 */
export const causeMessage = (cause: string | undefined): string => {
  if (!cause) return '';
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    return typeof parsed.errorMessage === 'string' ? parsed.errorMessage : cause;
  } catch {
    return cause;
  }
};

export const commonTasks = (deps: WorkflowDeps): Record<string, TaskFn> => ({
  /** Publishes SyncExceptionRaised once per business key and kind (the id is the idempotency key). */
  'common/raise-sync-exception': async (payload) => {
    const p = parsePayload(RaiseSyncException, payload);
    const exceptionId = `SX-${p.plant}-${p.businessKey.value}-${p.kind}`;
    const reason = p.reason ?? (causeMessage(p.error?.Cause) || p.error?.Error || p.kind);
    const details = Object.fromEntries(Object.entries(p.details).map(([k, v]) => [k, String(v)]));
    if (p.error) details.error = p.error.Error;
    await deps.events.publish([
      {
        detailType: 'SyncExceptionRaised',
        data: {
          exceptionId,
          kind: p.kind,
          owner: p.owner,
          businessKey: p.businessKey,
          reason: reason.slice(0, 4000),
          severity: p.severity,
          details,
        },
        plant: p.plant,
        occurredAt: deps.now().toISOString(),
        idempotencyKey: exceptionId,
        correlationId: p.correlationId,
      },
    ]);
    recordKpi(deps.metrics, 'SyncExceptionRaised', 1, p.plant);
    return { exceptionId, kind: p.kind, owner: p.owner };
  },
});
