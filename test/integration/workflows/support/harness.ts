/**
 * Runs a workflow's ASL file in aws-local-stepfunctions with every Task state bound to a local
 * handler: Lambda tasks go to the task registry (as the workflow-tasks Lambda would), the
 * `.waitForTaskToken` task waits for a SendTaskSuccess on the fake callbacks, and the dead-letter
 * SQS task is captured. A Task state with any other resource makes the harness throw, so nothing
 * can ever reach real AWS.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { StateMachine } from 'aws-local-stepfunctions';
import { createTaskRegistry, dispatchTask } from '../../../../functions/workflows/tasks';
import type { World } from './fakes';

const require = createRequire(import.meta.url);
const aslValidator = require('asl-validator') as (definition: unknown) => {
  isValid: boolean;
  errorsText: (separator?: string) => string;
};

export const WORKFLOWS = [
  'order-release',
  'execution-to-sap',
  'downtime-to-maintenance',
  'predictive-maintenance',
  'maintenance-completion',
  'stuck-order-sweeper',
  'reconciliation',
  'inventory-adjustment',
] as const;
export type WorkflowName = (typeof WORKFLOWS)[number];

export const TASKS_FUNCTION_ARN =
  'arn:aws:lambda:eu-central-1:123456789012:function:plantsync-workflow-tasks';
export const DEAD_LETTER_QUEUE_URL =
  'https://sqs.eu-central-1.amazonaws.com/123456789012/plantsync-workflows-dlq';

/** What CDK's definitionSubstitutions fill in; tests use short timeouts. */
export const TEST_SUBSTITUTIONS: Readonly<Record<string, string>> = {
  WorkflowTasksFunctionArn: TASKS_FUNCTION_ARN,
  DeadLetterQueueUrl: DEAD_LETTER_QUEUE_URL,
  AckTimeoutSeconds: '1',
  AckMaxAttempts: '2',
  FlappingWindowSeconds: '600',
  MaintenanceDurationMinutes: '240',
  MaintenanceHorizonHours: '168',
  OrderSlaSeconds: '3600',
  ApprovalTimeoutSeconds: '1',
};

const machinePath = (name: WorkflowName) =>
  fileURLToPath(new URL(`../../../../state-machines/${name}.asl.json`, import.meta.url));

export const readRawDefinition = (name: WorkflowName): string => readFileSync(machinePath(name), 'utf8');

/** Substitutes `${Name}` the way CDK's definitionSubstitutions do; a missing value is an error. */
export const substitute = (raw: string, values: Readonly<Record<string, string>>): string =>
  raw.replace(/\$\{([A-Za-z0-9]+)\}/g, (_m, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`no substitution for \${${key}}`);
    return value;
  });

export const loadDefinition = (
  name: WorkflowName,
  overrides: Readonly<Record<string, string>> = {},
): Record<string, unknown> =>
  JSON.parse(substitute(readRawDefinition(name), { ...TEST_SUBSTITUTIONS, ...overrides }));

export const validateDefinition = (definition: unknown): { isValid: boolean; errors: string } => {
  const result = aslValidator(definition);
  return { isValid: result.isValid, errors: result.isValid ? '' : result.errorsText('\n') };
};

interface StateDef {
  Type: string;
  Resource?: string;
  States?: Record<string, StateDef>;
  ItemProcessor?: { States: Record<string, StateDef> };
  Iterator?: { States: Record<string, StateDef> };
  Branches?: { States: Record<string, StateDef> }[];
}

/** Every Task state, nested ones in Map and Parallel states included. */
export const taskStates = (states: Record<string, StateDef>): { name: string; resource: string }[] =>
  Object.entries(states).flatMap(([name, state]) => [
    ...(state.Type === 'Task' ? [{ name, resource: String(state.Resource) }] : []),
    ...(state.ItemProcessor ? taskStates(state.ItemProcessor.States) : []),
    ...(state.Iterator ? taskStates(state.Iterator.States) : []),
    ...(state.Branches ?? []).flatMap((b) => taskStates(b.States)),
  ]);

export interface RunResult {
  readonly status: 'SUCCEEDED' | 'FAILED';
  readonly output?: Record<string, unknown>;
  readonly error?: string;
  readonly errorMessage?: string;
  /** Names of the states entered, in order (Map iterations and Parallel branches included). */
  readonly path: string[];
  /** Names of the states retried, once per retry. */
  readonly retried: string[];
  /** Messages sent to the dead-letter queue. */
  readonly deadLetters: Record<string, unknown>[];
  /** Payloads each Lambda task got, by state name (to check the correlation id travels). */
  readonly taskPayloads: { state: string; payload: Record<string, unknown> }[];
}

type Handler = (input: unknown) => Promise<unknown>;

let executionCounter = 0;

/** Builds a local handler for every Task state; throws for a Task it cannot bind. */
export const localHandlers = (
  definition: Record<string, unknown>,
  world: World,
  sink: { deadLetters: Record<string, unknown>[]; taskPayloads: RunResult['taskPayloads'] },
  token: string,
): Record<string, Handler> => {
  const registry = createTaskRegistry(world);
  const handlers: Record<string, Handler> = {};
  for (const { name, resource } of taskStates(definition.States as Record<string, StateDef>)) {
    if (resource === TASKS_FUNCTION_ARN) {
      handlers[name] = async (input) => {
        sink.taskPayloads.push({ state: name, payload: input as Record<string, unknown> });
        return dispatchTask(registry, input);
      };
    } else if (resource === 'arn:aws:states:::lambda:invoke.waitForTaskToken') {
      handlers[name] = async (input) => {
        const { FunctionName, Payload } = input as { FunctionName: string; Payload: Record<string, unknown> };
        if (FunctionName !== TASKS_FUNCTION_ARN) throw new Error(`unexpected function ${FunctionName}`);
        sink.taskPayloads.push({ state: name, payload: Payload });
        const settled = world.callbacks.wait(token);
        await dispatchTask(registry, Payload);
        return settled;
      };
    } else if (resource === 'arn:aws:states:::sqs:sendMessage') {
      handlers[name] = async (input) => {
        const { QueueUrl, MessageBody } = input as { QueueUrl: string; MessageBody: Record<string, unknown> };
        if (QueueUrl !== DEAD_LETTER_QUEUE_URL) throw new Error(`unexpected queue ${QueueUrl}`);
        sink.deadLetters.push(MessageBody);
        return { MessageId: `dlq-${sink.deadLetters.length}` };
      };
    } else {
      throw new Error(
        `Task state "${name}" has resource ${resource} with no local handler; refusing to call AWS`,
      );
    }
  }
  return handlers;
};

export interface Execution {
  readonly token: string;
  readonly done: Promise<RunResult>;
}

/** Starts an execution; `done` settles with what happened (never rejects on a workflow failure). */
export const startWorkflow = (
  name: WorkflowName,
  input: unknown,
  world: World,
  substitutions: Readonly<Record<string, string>> = {},
): Execution => {
  const definition = loadDefinition(name, substitutions);
  executionCounter += 1;
  const token = `task-token-${name}-${executionCounter}`;
  const sink = {
    deadLetters: [] as Record<string, unknown>[],
    taskPayloads: [] as RunResult['taskPayloads'],
  };
  const handlers = localHandlers(definition, world, sink, token);
  const zeroRetryWaits = Object.fromEntries(Object.keys(handlers).map((k) => [k, 0]));
  const machine = new StateMachine(definition as never, {
    validationOptions: { checkArn: true, checkPaths: true },
  });
  const execution = machine.run(input as never, {
    overrides: { taskResourceLocalHandlers: handlers as never, retryIntervalOverrides: zeroRetryWaits },
    context: {
      Execution: { Id: `arn:aws:states:eu-central-1:123456789012:execution:${name}:run-${executionCounter}` },
      Task: { Token: token },
    },
  });
  const path: string[] = [];
  const retried: string[] = [];
  const logging = (async () => {
    for await (const event of execution.eventLogs) {
      const e = event as { type: string; state?: { name: string } };
      if (e.type === 'StateEntered' && e.state) path.push(e.state.name);
      if (e.type === 'StateRetried' && e.state) retried.push(e.state.name);
    }
  })();
  const done = execution.result.then(
    async (output: unknown) => {
      await logging;
      return {
        status: 'SUCCEEDED' as const,
        output: output as Record<string, unknown>,
        path,
        retried,
        ...sink,
      };
    },
    async (error: unknown) => {
      await logging.catch(() => undefined);
      // ExecutionError wraps what failed the execution: a Fail state's Error, or a runtime error.
      const cause = ((error as Error).cause ?? error) as Error;
      return {
        status: 'FAILED' as const,
        error: cause.name,
        errorMessage: cause.message,
        path,
        retried,
        ...sink,
      };
    },
  );
  return { token, done };
};

export const runWorkflow = (
  name: WorkflowName,
  input: unknown,
  world: World,
  substitutions: Readonly<Record<string, string>> = {},
): Promise<RunResult> => startWorkflow(name, input, world, substitutions).done;
