import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Per-plant schedules that start a workflow (EventBridge Scheduler, plant-local time). */
export type WorkflowSchedule =
  /** The plant's `reconciliationCron`. */
  | 'plant-reconciliation'
  /** Every five minutes. */
  | 'plant-sweep';

export interface WorkflowSpec {
  readonly type: 'STANDARD' | 'EXPRESS';
  /** Why this type: Standard runs exactly once and may wait up to a year; Express is at-least-once and ≤ 5 minutes. */
  readonly reason: string;
  /** Whole-execution timeout. */
  readonly timeoutSeconds: number;
  /** Definition file relative to the repository root. @default state-machines/<name>.asl.json */
  readonly definition?: string;
  /** Started per plant on a schedule instead of (or as well as) by bus rules. @default - none */
  readonly schedule?: WorkflowSchedule;
}

/** Every workflow, its type and the reason for it. Definitions live in `state-machines/`. */
export const workflowRegistry = {
  'order-release': {
    type: 'STANDARD',
    reason:
      'it waits (task token) for the MES acknowledgement up to the plant SLA, longer than Express allows, ' +
      'and must run exactly once per released order',
    timeoutSeconds: 7 * 24 * 3600,
  },
  'execution-to-sap': {
    type: 'EXPRESS',
    reason:
      'one short run per MES confirmation or movement at shop-floor volume; facts for unknown orders are parked ' +
      'in the table (no waiting), and every SAP posting is idempotent, so at-least-once is safe',
    timeoutSeconds: 300,
  },
  'downtime-to-maintenance': {
    type: 'EXPRESS',
    reason:
      'a burst of downtime signals per fault, each a few seconds of work; flapping is absorbed by a claim in the ' +
      'table, not by waiting, and notification creation is idempotent',
    timeoutSeconds: 300,
  },
  'predictive-maintenance': {
    type: 'STANDARD',
    reason: 'it may wait for a maintenance window and its compensation must run exactly once',
    timeoutSeconds: 14 * 24 * 3600,
  },
  'maintenance-completion': {
    type: 'STANDARD',
    reason:
      'labour, parts and cost postings to SAP must run exactly once and SAP may be slow or down for hours',
    timeoutSeconds: 24 * 3600,
  },
  'inventory-adjustment': {
    type: 'STANDARD',
    reason: 'it waits for a human approval through POST /v1/inventory-adjustments/{id}/approval',
    timeoutSeconds: 7 * 24 * 3600,
  },
  reconciliation: {
    type: 'STANDARD',
    reason: 'a nightly run per plant that pages through whole master-data sets and can exceed five minutes',
    timeoutSeconds: 2 * 3600,
    schedule: 'plant-reconciliation',
  },
  'stuck-order-sweeper': {
    type: 'EXPRESS',
    reason: 'a short query of the byStatusAge index every few minutes; raising the exception is idempotent',
    timeoutSeconds: 300,
    schedule: 'plant-sweep',
  },
} as const satisfies Record<string, WorkflowSpec>;

export type WorkflowName = keyof typeof workflowRegistry;
export type WorkflowRegistry = Readonly<Record<string, WorkflowSpec>>;

export interface ResolvedWorkflow {
  readonly name: string;
  readonly definitionFile: string;
  readonly spec: WorkflowSpec;
}

export const resolveWorkflows = (
  registry: WorkflowRegistry,
  root: string,
): { readonly ready: readonly ResolvedWorkflow[]; readonly pending: readonly string[] } => {
  const ready: ResolvedWorkflow[] = [];
  const pending: string[] = [];
  for (const [name, spec] of Object.entries(registry)) {
    const definitionFile = join(root, spec.definition ?? join('state-machines', `${name}.asl.json`));
    if (existsSync(definitionFile)) ready.push({ name, definitionFile, spec });
    else pending.push(name);
  }
  return { ready, pending };
};
