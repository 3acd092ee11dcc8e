import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StateMachine } from 'aws-local-stepfunctions';
import type { StateObservation } from './audit';
import { callAwsJson, JSON_SERVICES, ServiceCallError } from './aws-call';
import { accessKeyOf, readBody, sendAwsError, sendJson, targetOperation } from './http';
import type { IamAuthorizer } from './iam';
import type { LambdaService } from './lambda';
import type { Meter } from './metering';
import type { StateMachineModel } from './model';
import { arn } from './naming';
import type { StartupReport } from './report';

const TOKEN_PLACEHOLDER = '__plantsync_local_task_token__';
/** The longest timer Node can set (~24.8 days); stands in for "no timeout" on Task states. */
const MAX_TIMEOUT_SECONDS = 2_147_483;

type Json = unknown;
type StateDef = Record<string, unknown>;

export interface ServiceEndpoints {
  readonly dynamodb: string;
  readonly sqs: string;
  readonly eventbridge?: string;
  readonly stepfunctions: string;
  readonly secretsmanager: string;
}

export interface StepFunctionsDeps {
  readonly lambda: LambdaService;
  readonly iam: IamAuthorizer;
  readonly endpoints: () => ServiceEndpoints;
  readonly log: (line: string) => void;
  readonly meter: Meter;
  readonly report: StartupReport;
  /** Audit hook: a state was left or failed (implemented by RuntimeAudit). */
  readonly audit?: { state(o: StateObservation): void };
}

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface Execution {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  status: ExecutionStatus;
  readonly input: string;
  output?: string;
  error?: string;
  cause?: string;
  readonly startDate: Date;
  stopDate?: Date;
  readonly done: Promise<void>;
  abort?: () => void;
  /** State-level events (entered, failed, retried, caught), for the log and for tests. */
  readonly history: { type: string; state?: string; error?: string; cause?: string; timestamp: number }[];
}

interface PendingToken {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly resolve: (output: Json) => void;
  readonly reject: (error: Error) => void;
  heartbeat?: NodeJS.Timeout;
  readonly heartbeatSeconds?: number;
}

interface Machine {
  readonly model: StateMachineModel;
  readonly machine: StateMachine;
  readonly tasks: Map<string, StateDef>;
  readonly principal: string;
}

class TaskError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

const parseOrUndefined = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/** Principal key a state machine's service calls are signed with (its role is checked by the fronts). */
export const stateMachinePrincipal = (name: string) => `states-${name}`;

/** Runs the app's state machines with aws-local-stepfunctions and serves a Step Functions API subset. */
export class StepFunctionsService {
  readonly machines = new Map<string, Machine>();
  readonly executions = new Map<string, Execution>();
  private readonly tokens = new Map<string, PendingToken>();

  constructor(
    models: readonly StateMachineModel[],
    private readonly deps: StepFunctionsDeps,
  ) {
    for (const model of models) {
      // JSON round trip, not structuredClone: the interpreter checks prototypes, which differ across realms (jest vm).
      const definition = JSON.parse(JSON.stringify(model.definition)) as StateDef;
      const tasks = new Map<string, StateDef>();
      inspectDefinition(definition, tasks, model.id, deps.report);
      let machine: StateMachine;
      try {
        machine = new StateMachine(definition as never, { validationOptions: { checkArn: false } });
      } catch (error) {
        deps.report.add(
          'differs',
          model.id,
          `definition failed local validation, run unvalidated: ${String(error)}`,
        );
        machine = new StateMachine(definition as never, { validationOptions: { noValidate: true } });
      }
      this.machines.set(model.arn, { model, machine, tasks, principal: stateMachinePrincipal(model.name) });
    }
  }

  startExecution(stateMachineArn: string, input: string | undefined, name?: string): Execution {
    const m = this.machines.get(stateMachineArn);
    if (!m)
      throw new TaskError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${stateMachineArn}'`);
    const executionName = name ?? randomUUID();
    const executionArn = arn.execution(m.model.name, executionName);
    const existing = this.executions.get(executionArn);
    if (existing) {
      if (existing.input === (input ?? '{}') && existing.status === 'RUNNING') return existing;
      throw new TaskError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    this.deps.meter.count('stepfunctions', `StartExecution ${m.model.name}`);
    const inputText = input ?? '{}';
    let parsed: Json;
    try {
      parsed = JSON.parse(inputText);
    } catch {
      throw new TaskError('InvalidExecutionInput', 'Invalid State Machine Execution Input: not JSON');
    }
    const startDate = new Date();
    const context = {
      Execution: {
        Id: executionArn,
        Name: executionName,
        RoleArn: m.model.roleArn,
        StartTime: startDate.toISOString(),
      },
      StateMachine: { Id: m.model.arn, Name: m.model.name },
      Task: { Token: TOKEN_PLACEHOLDER },
    };
    const handlers: Record<string, (input: Json) => Promise<Json>> = {};
    for (const [stateName, state] of m.tasks) {
      handlers[stateName] = (taskInput) => this.runTask(m, executionArn, stateName, state, taskInput);
    }
    const run = m.machine.run(parsed as never, {
      overrides: { taskResourceLocalHandlers: handlers as never },
      context,
    });
    const execution: Execution = {
      executionArn,
      stateMachineArn,
      name: executionName,
      status: 'RUNNING',
      input: inputText,
      startDate,
      abort: run.abort,
      history: [],
      done: run.result
        .then(
          (output) => {
            execution.status = 'SUCCEEDED';
            execution.output = JSON.stringify(output ?? null);
          },
          (error: Error) => {
            const inner = (error.cause as Error | undefined) ?? error;
            if (error.name === 'ExecutionAbortedError') execution.status = 'ABORTED';
            else if (error.name === 'ExecutionTimeoutError') {
              execution.status = 'TIMED_OUT';
              execution.error = 'States.Timeout';
            } else {
              execution.status = 'FAILED';
              execution.error = inner.name;
              execution.cause = inner.message;
              this.deps.log(
                `execution ${executionName} of ${m.model.name} failed: ${inner.name}: ${inner.message}`,
              );
            }
          },
        )
        .finally(() => {
          execution.stopDate = new Date();
          this.dropTokens(executionArn);
        }),
    };
    this.executions.set(executionArn, execution);
    void this.record(execution, m.model.name, run.eventLogs as AsyncGenerator<Record<string, unknown>>);
    return execution;
  }

  /** Keeps the interpreter's state events and logs failures, so a stuck or failed run can be explained. */
  private async record(
    execution: Execution,
    machineName: string,
    events: AsyncGenerator<Record<string, unknown>>,
  ): Promise<void> {
    const audit = this.deps.audit;
    // State entered → when, its input, and whether this attempt already failed (a caught failure
    // exits the state afterwards: that exit is not a success of the state).
    const entered = new Map<string, { at: number; input: unknown; failed: boolean }>();
    // Parsed once per execution, only if a state's own input has no correlation id.
    let parsedInput: { value: unknown } | undefined;
    const executionInput = () => {
      parsedInput ??= { value: parseOrUndefined(execution.input) };
      return parsedInput.value;
    };
    try {
      for await (const event of events) {
        const state = (event.state as { name?: string } | undefined)?.name;
        const error = typeof event.Error === 'string' ? event.Error : undefined;
        const cause = event.Cause === undefined ? undefined : String(event.Cause);
        const timestamp = Number(event.timestamp ?? Date.now());
        execution.history.push({
          type: String(event.type),
          ...(state ? { state } : {}),
          ...(error ? { error } : {}),
          ...(cause ? { cause } : {}),
          timestamp,
        });
        if (audit && state)
          this.observeState(audit, machineName, entered, event, state, timestamp, executionInput);
        if (event.type === 'StateFailed' || event.type === 'StateRetried' || event.type === 'StateCaught') {
          this.deps.log(
            `execution ${execution.name} of ${machineName}: ${String(event.type)} in "${state}"` +
              (error ? `: ${error}: ${(cause ?? '').slice(0, 500)}` : ''),
          );
        }
      }
    } catch {
      // The log ends with the execution (including aborts).
    }
  }

  private observeState(
    audit: NonNullable<StepFunctionsDeps['audit']>,
    stateMachine: string,
    entered: Map<string, { at: number; input: unknown; failed: boolean }>,
    event: Record<string, unknown>,
    state: string,
    timestamp: number,
    executionInput: () => unknown,
  ): void {
    const input = (event.state as { input?: unknown }).input;
    // Map iterations run the same states side by side: their events carry the iteration index.
    const key = typeof event.index === 'number' ? `${event.index}:${state}` : state;
    const pending = entered.get(key);
    const since = (p: { at: number } | undefined) => Math.max(0, timestamp - (p?.at ?? timestamp));
    switch (event.type) {
      case 'StateEntered':
        entered.set(key, { at: timestamp, input, failed: false });
        return;
      case 'StateFailed':
        audit.state({
          stateMachine,
          state,
          input: pending?.input ?? input,
          executionInput,
          at: pending?.at ?? timestamp,
          durationMs: since(pending),
          error: {
            name: typeof event.Error === 'string' ? event.Error : 'States.TaskFailed',
            ...(event.Cause === undefined ? {} : { cause: String(event.Cause) }),
          },
        });
        entered.set(key, { at: timestamp, input: pending?.input ?? input, failed: true });
        return;
      case 'StateRetried':
        entered.set(key, { at: timestamp, input: pending?.input ?? input, failed: false });
        return;
      case 'StateExited':
        entered.delete(key);
        if (pending?.failed) return;
        audit.state({
          stateMachine,
          state,
          input: pending?.input ?? input,
          executionInput,
          at: pending?.at ?? timestamp,
          durationMs: since(pending),
        });
        return;
    }
  }

  stopExecution(executionArn: string, error?: string, cause?: string): void {
    const e = this.executions.get(executionArn);
    if (!e) throw new TaskError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    if (e.status !== 'RUNNING') return;
    if (error !== undefined) e.error = error;
    if (cause !== undefined) e.cause = cause;
    e.abort?.();
  }

  /** Settles when every running execution has finished or waits for a task token (for tests and shutdown). */
  async drain(): Promise<void> {
    for (;;) {
      const waiting = new Set([...this.tokens.values()].map((t) => t.executionArn));
      const active = [...this.executions.values()].filter(
        (e) => e.status === 'RUNNING' && !waiting.has(e.executionArn),
      );
      if (active.length === 0) return;
      await Promise.race([
        Promise.allSettled(active.map((e) => e.done)),
        new Promise((r) => setTimeout(r, 25)),
      ]);
    }
  }

  sendTaskSuccess(token: string, output: string): void {
    const pending = this.takeToken(token);
    let parsed: Json;
    try {
      parsed = JSON.parse(output);
    } catch {
      throw new TaskError('InvalidOutput', 'Invalid output: not JSON');
    }
    pending.resolve(parsed);
  }

  sendTaskFailure(token: string, error?: string, cause?: string): void {
    this.takeToken(token).reject(new TaskError(error ?? 'States.TaskFailed', cause ?? ''));
  }

  sendTaskHeartbeat(token: string): void {
    const pending = this.tokens.get(token);
    if (!pending) throw new TaskError('TaskDoesNotExist', 'Task Does Not Exist');
    this.armHeartbeat(token, pending);
  }

  private takeToken(token: string): PendingToken {
    const pending = this.tokens.get(token);
    if (!pending) throw new TaskError('TaskDoesNotExist', 'Task Does Not Exist');
    if (pending.heartbeat) clearTimeout(pending.heartbeat);
    this.tokens.delete(token);
    return pending;
  }

  private armHeartbeat(token: string, pending: PendingToken): void {
    if (pending.heartbeat) clearTimeout(pending.heartbeat);
    if (!pending.heartbeatSeconds) return;
    pending.heartbeat = setTimeout(() => {
      this.tokens.delete(token);
      pending.reject(new TaskError('States.HeartbeatTimeout', 'heartbeat not received in time'));
    }, pending.heartbeatSeconds * 1000);
  }

  private dropTokens(executionArn: string): void {
    for (const [token, pending] of this.tokens) {
      if (pending.executionArn !== executionArn) continue;
      if (pending.heartbeat) clearTimeout(pending.heartbeat);
      this.tokens.delete(token);
    }
  }

  private async runTask(
    m: Machine,
    executionArn: string,
    stateName: string,
    state: StateDef,
    input: Json,
  ): Promise<Json> {
    const resource = String(state.Resource);
    const waitForToken = resource.endsWith('.waitForTaskToken');
    const sync = /\.sync(:2)?$/.exec(resource);
    const base = resource.replace(/\.(waitForTaskToken|sync(:2)?)$/, '');
    let taskInput = input;
    let tokenResult: Promise<Json> | undefined;
    if (waitForToken) {
      const token = randomBytes(48).toString('base64url');
      taskInput = replaceDeep(input, TOKEN_PLACEHOLDER, token);
      tokenResult = new Promise<Json>((resolve, reject) => {
        const pending: PendingToken = {
          executionArn,
          stateMachineArn: m.model.arn,
          resolve,
          reject,
          ...(typeof state.HeartbeatSeconds === 'number' ? { heartbeatSeconds: state.HeartbeatSeconds } : {}),
        };
        this.tokens.set(token, pending);
        this.armHeartbeat(token, pending);
      });
      tokenResult.catch(() => undefined);
    }
    this.deps.meter.count('stepfunctions', 'StateTransition (task)');
    const result = await this.callResource(m, base, taskInput, stateName, Boolean(sync), sync?.[1] === ':2');
    return tokenResult ? tokenResult : result;
  }

  private async callResource(
    m: Machine,
    resource: string,
    input: Json,
    stateName: string,
    sync: boolean,
    syncV2: boolean,
  ): Promise<Json> {
    if (/^arn:aws:lambda:[^:]+:[^:]+:function:/.test(resource)) {
      const payload = await this.invokeLambda(m, resource, input, 'RequestResponse');
      return payload.Payload;
    }
    if (resource === 'arn:aws:states:::lambda:invoke') {
      const params = (input ?? {}) as { FunctionName?: string; Payload?: Json; InvocationType?: string };
      return this.invokeLambda(m, String(params.FunctionName), params.Payload ?? {}, params.InvocationType);
    }
    if (resource === 'arn:aws:states:::states:startExecution') {
      const params = (input ?? {}) as { StateMachineArn?: string; Input?: Json; Name?: string };
      this.authorize(m, 'states:StartExecution', String(params.StateMachineArn), 'Sfn');
      const inputText = typeof params.Input === 'string' ? params.Input : JSON.stringify(params.Input ?? {});
      const child = this.startExecution(String(params.StateMachineArn), inputText, params.Name);
      if (!sync) return { ExecutionArn: child.executionArn, StartDate: child.startDate.toISOString() };
      await child.done;
      if (child.status !== 'SUCCEEDED')
        throw new TaskError('States.TaskFailed', child.cause ?? child.error ?? child.status);
      return {
        ExecutionArn: child.executionArn,
        Output: syncV2 ? JSON.parse(child.output ?? 'null') : child.output,
        Status: child.status,
      };
    }
    const sdk = /^arn:aws:states:::aws-sdk:([a-z0-9]+):([A-Za-z0-9]+)$/.exec(resource);
    const optimized = /^arn:aws:states:::(dynamodb|sqs|events):([A-Za-z0-9]+)$/.exec(resource);
    const match = sdk ?? optimized;
    const service = match ? JSON_SERVICES[match[1] as string] : undefined;
    if (!match || !service)
      throw new TaskError('States.Runtime', `${stateName}: resource ${resource} is not run locally`);
    const operation = (match[2] as string).charAt(0).toUpperCase() + (match[2] as string).slice(1);
    const params = optimized ? optimizeParams(match[1] as string, operation, input) : input;
    const endpoint = this.deps.endpoints()[service.endpoint];
    if (!endpoint)
      throw new TaskError('States.Runtime', `${stateName}: ${service.endpoint} is not running locally`);
    const prefix = sdk ? capitalize(match[1] as string) : service.errorPrefix;
    const out = (await callAwsJson(endpoint, service, operation, params, m.principal, prefix)) as Record<
      string,
      unknown
    >;
    if (optimized && match[1] === 'events' && Number(out.FailedEntryCount ?? 0) > 0) {
      throw new TaskError('EventBridge.FailedEntry', JSON.stringify(out));
    }
    return out;
  }

  private authorize(m: Machine, action: string, resource: string, prefix: string): void {
    const decision = this.deps.iam.authorize(m.principal, action, [resource]);
    if (!decision.allowed) throw new TaskError(`${prefix}.AccessDeniedException`, decision.message);
  }

  private async invokeLambda(m: Machine, functionName: string, payload: Json, invocationType?: string) {
    const fn = this.deps.lambda.get(functionName);
    if (!fn) throw new TaskError('Lambda.ResourceNotFoundException', `Function not found: ${functionName}`);
    this.authorize(m, 'lambda:InvokeFunction', fn.model.arn, 'Lambda');
    if (invocationType === 'Event') {
      fn.invokeAsync(payload);
      return { Payload: '', StatusCode: 202 };
    }
    let result: Awaited<ReturnType<typeof fn.invoke>>;
    try {
      result = await fn.invoke(payload);
    } catch (error) {
      throw new TaskError(`Lambda.${(error as Error).name}`, (error as Error).message);
    }
    if (!result.ok) {
      throw new TaskError(result.error.errorType, JSON.stringify(result.error));
    }
    return {
      ExecutedVersion: '$LATEST',
      Payload: JSON.parse(result.payload) as Json,
      SdkHttpMetadata: { HttpStatusCode: 200 },
      SdkResponseMetadata: { RequestId: result.requestId },
      StatusCode: 200,
    };
  }

  /** The Step Functions API subset, AWS JSON 1.0 (`X-Amz-Target: AWSStepFunctions.<Op>`). */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const op = targetOperation(req) ?? '';
    const body = JSON.parse((await readBody(req)).toString('utf8') || '{}') as Record<
      string,
      string | undefined
    >;
    const key = accessKeyOf(req);
    this.deps.meter.count('stepfunctions', op);
    const auth = (resource: string) => {
      const decision = this.deps.iam.authorize(key, `states:${op}`, [resource]);
      if (!decision.allowed) {
        sendAwsError(res, 400, 'AccessDeniedException', decision.message);
        return false;
      }
      return true;
    };
    const tokenMachine = (token: string | undefined) => this.tokens.get(token ?? '')?.stateMachineArn ?? '*';
    const epoch = (d?: Date) => (d ? d.getTime() / 1000 : undefined);
    const describe = (e: Execution) => ({
      executionArn: e.executionArn,
      stateMachineArn: e.stateMachineArn,
      name: e.name,
      status: e.status,
      startDate: epoch(e.startDate),
      ...(e.stopDate ? { stopDate: epoch(e.stopDate) } : {}),
    });
    try {
      switch (op) {
        case 'StartExecution': {
          if (!auth(String(body.stateMachineArn))) return;
          const e = this.startExecution(String(body.stateMachineArn), body.input, body.name);
          return sendJson(res, 200, { executionArn: e.executionArn, startDate: epoch(e.startDate) });
        }
        case 'DescribeExecution': {
          if (!auth(String(body.executionArn))) return;
          const e = this.executions.get(String(body.executionArn));
          if (!e)
            return sendAwsError(
              res,
              400,
              'ExecutionDoesNotExist',
              `Execution Does Not Exist: '${body.executionArn}'`,
            );
          return sendJson(res, 200, {
            ...describe(e),
            input: e.input,
            ...(e.output !== undefined ? { output: e.output } : {}),
            ...(e.error !== undefined ? { error: e.error } : {}),
            ...(e.cause !== undefined ? { cause: e.cause } : {}),
          });
        }
        case 'ListExecutions': {
          if (!auth(String(body.stateMachineArn))) return;
          const items = [...this.executions.values()]
            .filter((e) => e.stateMachineArn === body.stateMachineArn)
            .filter((e) => !body.statusFilter || e.status === body.statusFilter)
            .sort((a, b) => b.startDate.getTime() - a.startDate.getTime())
            .map(describe);
          return sendJson(res, 200, { executions: items });
        }
        case 'StopExecution': {
          if (!auth(String(body.executionArn))) return;
          this.stopExecution(String(body.executionArn), body.error, body.cause);
          return sendJson(res, 200, { stopDate: Date.now() / 1000 });
        }
        case 'SendTaskSuccess':
          if (!auth(tokenMachine(body.taskToken))) return;
          this.sendTaskSuccess(String(body.taskToken), String(body.output ?? 'null'));
          return sendJson(res, 200, {});
        case 'SendTaskFailure':
          if (!auth(tokenMachine(body.taskToken))) return;
          this.sendTaskFailure(String(body.taskToken), body.error, body.cause);
          return sendJson(res, 200, {});
        case 'SendTaskHeartbeat':
          if (!auth(tokenMachine(body.taskToken))) return;
          this.sendTaskHeartbeat(String(body.taskToken));
          return sendJson(res, 200, {});
        case 'ListStateMachines':
          return sendJson(res, 200, {
            stateMachines: [...this.machines.values()].map((m) => ({
              stateMachineArn: m.model.arn,
              name: m.model.name,
              type: m.model.type,
              creationDate: 0,
            })),
          });
        default:
          return sendAwsError(
            res,
            400,
            'UnknownOperationException',
            `${op} is not supported by the local runtime`,
          );
      }
    } catch (error) {
      if (error instanceof TaskError || error instanceof ServiceCallError) {
        return sendAwsError(res, 400, error.name, error.message);
      }
      throw error;
    }
  }
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Optimized integrations serialize JSON payload fields that the API takes as strings. */
function optimizeParams(service: string, operation: string, input: Json): Json {
  const params = { ...((input ?? {}) as Record<string, unknown>) };
  if (service === 'sqs' && operation === 'SendMessage' && typeof params.MessageBody !== 'string') {
    params.MessageBody = JSON.stringify(params.MessageBody);
  }
  if (service === 'events' && operation === 'PutEvents' && Array.isArray(params.Entries)) {
    params.Entries = (params.Entries as Record<string, unknown>[]).map((e) =>
      typeof e.Detail === 'string' || e.Detail === undefined ? e : { ...e, Detail: JSON.stringify(e.Detail) },
    );
  }
  return params;
}

function replaceDeep(value: Json, from: string, to: string): Json {
  if (typeof value === 'string') return value === from ? to : value.split(from).join(to);
  if (Array.isArray(value)) return value.map((v) => replaceDeep(v, from, to));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceDeep(v, from, to)]));
  }
  return value;
}

const SUPPORTED_RESOURCES = [
  /^arn:aws:lambda:[^:]+:[^:]+:function:[^:]+(:[^:]+)?$/,
  /^arn:aws:states:::lambda:invoke(\.waitForTaskToken)?$/,
  /^arn:aws:states:::dynamodb:(putItem|getItem|updateItem|deleteItem)$/,
  /^arn:aws:states:::events:putEvents(\.waitForTaskToken)?$/,
  /^arn:aws:states:::sqs:sendMessage(\.waitForTaskToken)?$/,
  /^arn:aws:states:::states:startExecution(\.sync(:2)?|\.waitForTaskToken)?$/,
  /^arn:aws:states:::aws-sdk:(dynamodb|sqs|eventbridge|sfn|secretsmanager):[A-Za-z]+(\.waitForTaskToken)?$/,
];

/**
 * Walks a definition (including Parallel branches and Map processors): collects Task states, gives
 * Tasks without a timeout the longest local timer (the interpreter would otherwise stop them at 60 s),
 * and reports what the interpreter cannot run.
 */
function inspectDefinition(
  def: StateDef,
  tasks: Map<string, StateDef>,
  subject: string,
  report: StartupReport,
): void {
  if (def.QueryLanguage === 'JSONata')
    report.add('unsupported', subject, 'QueryLanguage JSONata is not interpreted');
  const states = (def.States ?? {}) as Record<string, StateDef>;
  for (const [name, state] of Object.entries(states)) {
    const where = `${subject} state "${name}"`;
    if (state.QueryLanguage === 'JSONata') report.add('unsupported', where, 'JSONata is not interpreted');
    for (const field of [
      'Assign',
      'Arguments',
      'Output',
      'Credentials',
      'ItemReader',
      'ResultWriter',
      'ItemBatcher',
    ]) {
      if (field in state) report.add('unsupported', where, `${field} is not supported by the interpreter`);
    }
    if ('ToleratedFailurePercentage' in state || 'ToleratedFailureCount' in state) {
      report.add('unsupported', where, 'tolerated failure thresholds are not supported');
    }
    if (state.Type === 'Task') {
      const resource = String(state.Resource ?? '');
      if (!SUPPORTED_RESOURCES.some((r) => r.test(resource))) {
        report.add('unsupported', where, `Task resource ${resource} is not run locally`);
      }
      if (state.TimeoutSeconds === undefined && state.TimeoutSecondsPath === undefined) {
        state.TimeoutSeconds = MAX_TIMEOUT_SECONDS;
      }
      if (
        (state.HeartbeatSeconds !== undefined || state.HeartbeatSecondsPath !== undefined) &&
        !resource.endsWith('.waitForTaskToken')
      ) {
        report.add('differs', where, 'HeartbeatSeconds is only enforced for .waitForTaskToken tasks');
      }
      if (state.HeartbeatSecondsPath !== undefined)
        report.add('unsupported', where, 'HeartbeatSecondsPath is not enforced');
      tasks.set(name, state);
    }
    if (state.Type === 'Parallel') {
      for (const branch of (state.Branches ?? []) as StateDef[])
        inspectDefinition(branch, tasks, subject, report);
    }
    if (state.Type === 'Map') {
      const processor = (state.ItemProcessor ?? state.Iterator) as StateDef | undefined;
      const mode = (processor?.ProcessorConfig as { Mode?: string } | undefined)?.Mode;
      if (mode === 'DISTRIBUTED') report.add('differs', where, 'distributed Map runs inline');
      if (processor) inspectDefinition(processor, tasks, subject, report);
    }
  }
}
