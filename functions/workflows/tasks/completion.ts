import { WorkOrderCompleted } from '../../../events';
import { recordKpi } from '../../../shared/kpi-metrics';
import { ctxOf, parsePayload, TaskBase, type TaskFn, type WorkflowDeps } from './deps';

const Completion = TaskBase.extend({ completion: WorkOrderCompleted.data });
const COMPLETION = (plant: string) => `COMPLETION#${plant}`;

export const completionTasks = (deps: WorkflowDeps): Record<string, TaskFn> => ({
  /**
   * new | duplicate (same completion again) | stale (an older completion of a re-opened work order
   * arriving after the newer one was posted). A newer completion of a re-opened order is new.
   */
  'completion/claim': async (payload) => {
    const p = parsePayload(Completion, payload);
    const { workOrderId, completedAt } = p.completion;
    if (await deps.repo.claimOnce(COMPLETION(p.plant), workOrderId, { completedAt, status: 'CLAIMED' }))
      return { outcome: 'new' };
    const claim = await deps.repo.getClaim(COMPLETION(p.plant), workOrderId);
    const previous = Date.parse(String(claim?.completedAt));
    const current = Date.parse(completedAt);
    if (current === previous)
      return claim?.status === 'POSTED' ? { outcome: 'duplicate' } : { outcome: 'new' };
    if (current < previous) return { outcome: 'stale' };
    await deps.repo.updateClaim(COMPLETION(p.plant), workOrderId, { completedAt, status: 'CLAIMED' });
    return { outcome: 'new' };
  },

  /** Labour, parts and cost to SAP; the port keys the posting by work order and completion time. */
  'completion/post-to-sap': async (payload) => {
    const p = parsePayload(Completion, payload);
    const { sapDocument } = await deps.sap.postMaintenanceCompletion(ctxOf(p), p.completion);
    await deps.repo.updateClaim(COMPLETION(p.plant), p.completion.workOrderId, {
      status: 'POSTED',
      sapDocument,
    });
    recordKpi(deps.metrics, 'WorkOrderCompletionPosted', 1, p.plant);
    return { sapDocument };
  },

  'completion/report-availability': async (payload) => {
    const p = parsePayload(Completion, payload);
    const c = p.completion;
    await deps.mes.reportEquipmentAvailability(ctxOf(p), c.equipmentId, c.equipmentAvailable, c.completedAt);
    return { reported: true, available: c.equipmentAvailable };
  },
});
