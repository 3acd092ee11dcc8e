/**
 * The workflow-tasks Lambda (`${WorkflowTasksFunctionArn}` in every ASL file): runs the task named
 * in the payload's `task` field. Errors propagate by class name to the state machine's Retry/Catch.
 */
import { z } from 'zod';
import { loadConfig } from '../../shared/config';
import { sfnTaskHandler } from '../../shared/middleware';
import {
  correlationRepository,
  OwnedEventSink,
  powertoolsMetrics,
  StepFunctionsCallbacks,
  WorkflowConfig,
} from './adapters';
import { bindConnectorPorts } from './bindings';
import { PlantConfigReference, PlantReference } from './plant-reference';
import { createTaskRegistry, dispatchTask, type TaskFn } from './tasks';

const Config = WorkflowConfig.extend({
  PLANTS_JSON: z.string().transform((raw, ctx) => {
    const parsed = z.array(PlantReference).safeParse(JSON.parse(raw));
    if (!parsed.success) {
      ctx.addIssue({ code: 'custom', message: parsed.error.message });
      return z.NEVER;
    }
    return parsed.data;
  }),
});

let registry: Readonly<Record<string, TaskFn>> | undefined;
const tasks = () => {
  if (registry) return registry;
  const config = loadConfig(Config);
  registry = createTaskRegistry({
    repo: correlationRepository(config.CORRELATION_TABLE_NAME),
    events: new OwnedEventSink(config.EVENT_BUS_NAME),
    callbacks: new StepFunctionsCallbacks(),
    metrics: powertoolsMetrics,
    reference: new PlantConfigReference(config.PLANTS_JSON),
    now: () => new Date(),
    ...bindConnectorPorts(),
  });
  return registry;
};

export const handler = sfnTaskHandler(async (input: unknown) => dispatchTask(tasks(), input));
