import { meterInterface } from '../../../shared/kpi-metrics';
import { ValidationError } from '../errors';
import { commonTasks } from './common';
import { completionTasks } from './completion';
import type { TaskFn, WorkflowDeps } from './deps';
import { downtimeTasks } from './downtime';
import { executionToSapTasks } from './execution-to-sap';
import { inventoryTasks } from './inventory';
import { orderReleaseTasks } from './order-release';
import { predictiveTasks } from './predictive';
import { scheduledTasks } from './scheduled';

export type { TaskFn, WorkflowDeps } from './deps';

/**
 * The connector ports counted per call for the integration failure rate KPI
 * (SapCall*, MesCall*, MaintenanceCall* in shared/kpi-metrics).
 */
export const meteredDeps = (deps: WorkflowDeps): WorkflowDeps => ({
  ...deps,
  sap: meterInterface(deps.sap, 'sap', deps.metrics),
  mes: meterInterface(deps.mes, 'mes', deps.metrics),
  maintenance: meterInterface(deps.maintenance, 'maintenance', deps.metrics),
});

/** Every workflow task by the name the ASL passes in `task`. */
export const createTaskRegistry = (unmetered: WorkflowDeps): Readonly<Record<string, TaskFn>> => {
  const deps = meteredDeps(unmetered);
  return {
    ...commonTasks(deps),
    ...orderReleaseTasks(deps),
    ...executionToSapTasks(deps),
    ...downtimeTasks(deps),
    ...predictiveTasks(deps),
    ...completionTasks(deps),
    ...scheduledTasks(deps),
    ...inventoryTasks(deps),
  };
};

/** Runs the task named in the payload; an unknown name is a permanent ValidationError. */
export const dispatchTask = async (registry: Readonly<Record<string, TaskFn>>, payload: unknown) => {
  const name =
    typeof payload === 'object' && payload !== null ? (payload as { task?: unknown }).task : undefined;
  const task = typeof name === 'string' ? registry[name] : undefined;
  if (!task) throw new ValidationError(`unknown workflow task "${String(name)}"`);
  return task(payload);
};
