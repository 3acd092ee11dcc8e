import { z } from 'zod';
import { InventoryAdjustmentRequested } from '../../../events';
import { commonTasks } from './common';
import { ctxOf, parsePayload, TaskBase, type TaskFn, type WorkflowDeps } from './deps';

const Adjustment = TaskBase.extend({ adjustment: InventoryAdjustmentRequested.data });
const Await = Adjustment.extend({ taskToken: z.string().min(1) });
const Post = Adjustment.extend({ decision: z.object({ approver: z.string().min(1) }).loose() });
const Mark = Adjustment.extend({ status: z.enum(['REJECTED', 'EXPIRED']) });

export const ADJUSTMENT = (plant: string) => `ADJUSTMENT#${plant}`;

export const inventoryTasks = (deps: WorkflowDeps): Record<string, TaskFn> => ({
  /** new | duplicate: one approval per MES adjustment id. */
  'inventory/record': async (payload) => {
    const p = parsePayload(Adjustment, payload);
    const a = p.adjustment;
    const claimed = await deps.repo.claimOnce(ADJUSTMENT(p.plant), a.adjustmentId, {
      status: 'PENDING',
      material: a.material,
      quantity: a.quantity,
      storageLocation: a.storageLocation,
      reason: a.reason,
      correlationId: p.correlationId,
    });
    return { outcome: claimed ? 'new' : 'duplicate' };
  },

  /** Stores the task token; POST /v1/inventory-adjustments/{id}/approval answers it. */
  'inventory/await-approval': async (payload) => {
    const p = parsePayload(Await, payload);
    await deps.repo.updateClaim(ADJUSTMENT(p.plant), p.adjustment.adjustmentId, {
      status: 'AWAITING_APPROVAL',
      taskToken: p.taskToken,
    });
    return { waiting: true };
  },

  'inventory/post-to-sap': async (payload) => {
    const p = parsePayload(Post, payload);
    const { materialDocument } = await deps.sap.postInventoryAdjustment(ctxOf(p), {
      ...p.adjustment,
      approvedBy: p.decision.approver,
    });
    await deps.repo.updateClaim(ADJUSTMENT(p.plant), p.adjustment.adjustmentId, {
      status: 'POSTED',
      materialDocument,
      taskToken: null,
    });
    return { materialDocument };
  },

  /** Rejected or expired; an expired adjustment is a sync exception for the inventory controller. */
  'inventory/mark': async (payload) => {
    const p = parsePayload(Mark, payload);
    await deps.repo.updateClaim(ADJUSTMENT(p.plant), p.adjustment.adjustmentId, {
      status: p.status,
      taskToken: null,
    });
    if (p.status === 'EXPIRED') {
      const raise = commonTasks(deps)['common/raise-sync-exception'] as TaskFn;
      const raised = (await raise({
        task: 'common/raise-sync-exception',
        correlationId: p.correlationId,
        plant: p.plant,
        kind: 'approval-expired',
        owner: { system: 'sap', role: 'inventory controller' },
        businessKey: { kind: 'adjustment', value: p.adjustment.adjustmentId },
        severity: 'medium',
        reason:
          `Inventory adjustment ${p.adjustment.adjustmentId} was neither approved nor rejected in time; ` +
          'SAP was not touched. Ask MES to raise it again if it still applies.',
      })) as { exceptionId: string };
      return { status: p.status, exceptionId: raised.exceptionId };
    }
    return { status: p.status };
  },
});

export interface ApprovalDecision {
  readonly decision: 'approve' | 'reject';
  readonly approver: string;
  readonly reason?: string;
}

/**
 * Answers the inventory-adjustment execution waiting for approval. Repeating the decision already
 * taken is accepted (idempotent); a different decision after one was taken is a conflict.
 */
export const decideAdjustment = async (
  deps: Pick<WorkflowDeps, 'repo' | 'callbacks'>,
  plant: string,
  adjustmentId: string,
  decision: ApprovalDecision,
): Promise<
  | { outcome: 'decided' | 'already-decided'; status: string }
  | { outcome: 'not-found' }
  | { outcome: 'conflict'; status: string }
> => {
  const claim = await deps.repo.getClaim(ADJUSTMENT(plant), adjustmentId);
  if (!claim) return { outcome: 'not-found' };
  const status = String(claim.status);
  const decided = claim.decision as ApprovalDecision['decision'] | undefined;
  if (decided)
    return decided === decision.decision
      ? { outcome: 'already-decided', status }
      : { outcome: 'conflict', status };
  if (status !== 'AWAITING_APPROVAL' || typeof claim.taskToken !== 'string')
    return { outcome: 'conflict', status };
  await deps.repo.updateClaim(ADJUSTMENT(plant), adjustmentId, {
    decision: decision.decision,
    approver: decision.approver,
    decidedAt: new Date().toISOString(),
  });
  await deps.callbacks.sendTaskSuccess(claim.taskToken, {
    decision: decision.decision,
    approver: decision.approver,
    ...(decision.reason ? { reason: decision.reason } : {}),
  });
  return { outcome: 'decided', status: decision.decision === 'approve' ? 'APPROVED' : 'REJECTED' };
};
