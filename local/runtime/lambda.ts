import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { LAMBDA_WORKER_SOURCE } from './lambda-worker';
import type { Meter } from './metering';
import type { FunctionModel } from './model';
import { localEnv } from './naming';

export interface LambdaError {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly trace?: string[];
}

export type InvokeResult =
  | { readonly ok: true; readonly payload: string; readonly requestId: string }
  | { readonly ok: false; readonly error: LambdaError; readonly requestId: string };

/** Thrown by a synchronous invoke when reserved concurrency is used up (Lambda's 429). */
export class TooManyRequestsError extends Error {
  override readonly name = 'TooManyRequestsException';
}

/** Where asynchronous-invocation results go: an SQS/SNS/Lambda/EventBridge ARN. */
export type DestinationSender = (
  targetArn: string,
  body: string,
  attributes?: Record<string, string>,
) => Promise<void>;

export interface LambdaServiceOptions {
  /** Extra environment every function gets: endpoints, region (computed by the runtime). */
  readonly baseEnvironment: Record<string, string>;
  readonly log: (line: string) => void;
  readonly meter: Meter;
  /** Concurrent environments per function when it has no reserved concurrency (AWS: account-wide 1000). */
  readonly defaultConcurrency: number;
  /** Pauses between asynchronous-invocation attempts (AWS: about 1 and 2 minutes). */
  readonly asyncRetryDelaysMs: readonly number[];
  readonly sendToDestination: DestinationSender;
  /** Audit hooks: every finished invocation and every async dead letter (see ./audit). */
  readonly audit?: LambdaAuditHooks;
}

/** What the Lambda service tells the audit trail (implemented by RuntimeAudit). */
export interface LambdaAuditHooks {
  invocation(o: {
    functionName: string;
    event: unknown;
    at: Date;
    durationMs: number;
    result: InvokeResult;
  }): void;
  asyncDeadLetter(o: { functionName: string; targetArn: string; body: string; error: LambdaError }): void;
}

interface Environment {
  readonly worker: Worker;
  busy: boolean;
  pending?: {
    requestId: string;
    resolve: (r: InvokeResult) => void;
    timer: NodeJS.Timeout;
  };
}

/** One function: a pool of worker-thread execution environments limited by its concurrency. */
export class LocalFunction {
  private readonly environments: Environment[] = [];
  private readonly waiters: (() => void)[] = [];
  private readonly file: string;
  private readonly exportName: string;
  private stopped = false;
  private readonly asyncInFlight = new Set<Promise<void>>();

  constructor(
    readonly model: FunctionModel,
    private readonly options: LambdaServiceOptions,
  ) {
    const [modulePath, exportName] = splitHandler(model.handler);
    this.exportName = exportName;
    const candidates = ['.mjs', '.js', '.cjs'].map((ext) => join(model.codeDir, `${modulePath}${ext}`));
    this.file = candidates.find((c) => existsSync(c)) ?? (candidates[0] as string);
  }

  /** Concurrency limit: reserved concurrency if set, else the local default. */
  get concurrency(): number {
    return this.model.reservedConcurrency ?? this.options.defaultConcurrency;
  }

  /** Synchronous (RequestResponse) invoke. Over reserved concurrency it throttles; otherwise it waits. */
  async invoke(event: unknown, opts: { throttle?: boolean } = {}): Promise<InvokeResult> {
    const throttle = opts.throttle ?? this.model.reservedConcurrency !== undefined;
    const env = await this.acquire(throttle);
    this.options.meter.count('lambda', `Invoke ${this.model.name}`);
    return this.observed(event, await this.timedRun(env, event));
  }

  /** Runs one invocation and keeps its start and wall time for the audit trail. */
  private async timedRun(env: Environment, event: unknown) {
    const at = new Date();
    const result = await this.run(env, JSON.stringify(event));
    return { at, durationMs: Date.now() - at.getTime(), result };
  }

  private observed(
    event: unknown,
    run: { at: Date; durationMs: number; result: InvokeResult },
  ): InvokeResult {
    this.options.audit?.invocation({ functionName: this.model.name, event, ...run });
    return run.result;
  }

  /**
   * Asynchronous (Event) invoke: accepted at once; runs with retries (MaximumRetryAttempts, default 2),
   * then goes to the on-failure destination or dead-letter queue if configured.
   */
  invokeAsync(event: unknown): void {
    const job = this.runAsync(event).finally(() => this.asyncInFlight.delete(job));
    this.asyncInFlight.add(job);
  }

  /** Waits until every accepted asynchronous invocation has finished (including retries). */
  async drainAsync(): Promise<void> {
    while (this.asyncInFlight.size > 0) await Promise.allSettled([...this.asyncInFlight]);
  }

  private async runAsync(event: unknown): Promise<void> {
    const attempts = 1 + this.model.maximumRetryAttempts;
    let last: InvokeResult | undefined;
    for (let attempt = 1; attempt <= attempts && !this.stopped; attempt++) {
      const env = await this.acquire(false);
      this.options.meter.count('lambda', `Invoke ${this.model.name} (async)`);
      last = this.observed(event, await this.timedRun(env, event));
      if (last.ok) {
        if (this.model.onSuccessDestination) {
          await this.options.sendToDestination(
            this.model.onSuccessDestination,
            JSON.stringify(this.record(event, last, 'Success', attempt)),
          );
        }
        return;
      }
      this.options.log(
        `${this.model.name}: async attempt ${attempt}/${attempts} failed: ${last.error.errorType}: ${last.error.errorMessage}`,
      );
      const delay =
        this.options.asyncRetryDelaysMs[attempt - 1] ?? this.options.asyncRetryDelaysMs.at(-1) ?? 0;
      if (attempt < attempts) await new Promise((r) => setTimeout(r, delay));
    }
    if (!last || last.ok || this.stopped) return;
    const deadLettered = (targetArn: string, body: string) =>
      this.options.audit?.asyncDeadLetter({
        functionName: this.model.name,
        targetArn,
        body,
        error: (last as { error: LambdaError }).error,
      });
    if (this.model.onFailureDestination) {
      await this.options.sendToDestination(
        this.model.onFailureDestination,
        JSON.stringify(this.record(event, last, 'RetriesExhausted', attempts)),
      );
      deadLettered(this.model.onFailureDestination, JSON.stringify(event));
    } else if (this.model.deadLetterTargetArn) {
      const body = JSON.stringify(event);
      await this.options.sendToDestination(this.model.deadLetterTargetArn, body, {
        RequestID: last.requestId,
        ErrorCode: '200',
        ErrorMessage: last.error.errorMessage,
      });
      deadLettered(this.model.deadLetterTargetArn, body);
    } else {
      this.options.log(
        `${this.model.name}: async event dropped after ${attempts} attempts (no DLQ or destination)`,
      );
    }
  }

  private record(event: unknown, result: InvokeResult, condition: string, attempts: number) {
    return {
      version: '1.0',
      timestamp: new Date().toISOString(),
      requestContext: {
        requestId: result.requestId,
        functionArn: `${this.model.arn}:$LATEST`,
        condition,
        approximateInvokeCount: attempts,
      },
      requestPayload: event,
      responseContext: {
        statusCode: 200,
        executedVersion: '$LATEST',
        ...(result.ok ? {} : { functionError: 'Unhandled' }),
      },
      responsePayload: result.ok ? JSON.parse(result.payload) : result.error,
    };
  }

  private async acquire(throttle: boolean): Promise<Environment> {
    for (;;) {
      if (this.stopped) throw new Error(`function ${this.model.name} is stopped`);
      const idle = this.environments.find((e) => !e.busy);
      if (idle) {
        idle.busy = true;
        return idle;
      }
      if (this.environments.length < this.concurrency) {
        const env = this.spawn();
        env.busy = true;
        return env;
      }
      if (throttle) {
        this.options.meter.count('lambda', `Throttled ${this.model.name}`);
        throw new TooManyRequestsError('Rate Exceeded.');
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  private release(env: Environment): void {
    env.busy = false;
    this.waiters.shift()?.();
  }

  private spawn(): Environment {
    const { model } = this;
    const logStreamName = `${new Date().toISOString().slice(0, 10).replace(/-/g, '/')}/[$LATEST]${randomUUID().replace(/-/g, '')}`;
    const environment: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      LANG: 'en_US.UTF-8',
      TZ: ':UTC',
      ...model.environment,
      ...this.options.baseEnvironment,
      AWS_REGION: localEnv.region,
      AWS_DEFAULT_REGION: localEnv.region,
      AWS_ACCESS_KEY_ID: model.name,
      AWS_SECRET_ACCESS_KEY: 'local-secret-not-checked',
      AWS_LAMBDA_FUNCTION_NAME: model.name,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(model.memoryMb),
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${model.name}`,
      AWS_LAMBDA_LOG_STREAM_NAME: logStreamName,
      AWS_EXECUTION_ENV: `AWS_Lambda_${model.runtime}`,
      LAMBDA_TASK_ROOT: model.codeDir,
      _HANDLER: model.handler,
    };
    const worker = new Worker(LAMBDA_WORKER_SOURCE, {
      eval: true,
      env: environment,
      stdout: true,
      stderr: true,
      workerData: {
        file: this.file,
        exportName: this.exportName,
        handler: model.handler,
        functionName: model.name,
        functionArn: model.arn,
        memoryMb: model.memoryMb,
        logStreamName,
      },
      resourceLimits: { maxOldGenerationSizeMb: Math.max(64, model.memoryMb) },
    });
    const env: Environment = { worker, busy: false };
    const forward = (stream: NodeJS.ReadableStream) => {
      let buffered = '';
      stream.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('utf8');
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) if (line.trim()) this.options.log(`[${model.name}] ${line}`);
      });
    };
    forward(worker.stdout);
    forward(worker.stderr);
    worker.on('message', (msg: { requestId: string; ok: boolean; payload?: string; error?: LambdaError }) => {
      const pending = env.pending;
      if (!pending || pending.requestId !== msg.requestId) return;
      clearTimeout(pending.timer);
      env.pending = undefined;
      this.release(env);
      pending.resolve(
        msg.ok
          ? { ok: true, payload: msg.payload ?? 'null', requestId: msg.requestId }
          : { ok: false, error: msg.error as LambdaError, requestId: msg.requestId },
      );
    });
    const fail = (error: LambdaError) => {
      this.discard(env);
      const pending = env.pending;
      env.pending = undefined;
      if (pending) {
        clearTimeout(pending.timer);
        pending.resolve({ ok: false, error, requestId: pending.requestId });
      }
    };
    worker.on('error', (error: Error) =>
      fail({
        errorType: error.name || 'Runtime.ExitError',
        errorMessage: error.message,
        trace: error.stack?.split('\n'),
      }),
    );
    worker.on('exit', (code) => {
      if (env.pending)
        fail({ errorType: 'Runtime.ExitError', errorMessage: `RequestId: exited with code ${code}` });
      else this.discard(env);
    });
    this.environments.push(env);
    return env;
  }

  private discard(env: Environment): void {
    const i = this.environments.indexOf(env);
    if (i >= 0) {
      this.environments.splice(i, 1);
      this.waiters.shift()?.();
    }
  }

  private run(env: Environment, event: string): Promise<InvokeResult> {
    const started = Date.now();
    return this.runOnce(env, event).finally(() => {
      // Billed duration: wall time rounded up to the millisecond, times memory (GB-ms).
      const ms = Math.max(1, Date.now() - started);
      this.options.meter.count('lambda-gb-ms', this.model.name, (ms * this.model.memoryMb) / 1024);
    });
  }

  private runOnce(env: Environment, event: string): Promise<InvokeResult> {
    const requestId = randomUUID();
    const timeoutMs = this.model.timeoutSeconds * 1000;
    const traceId = `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomUUID().replace(/-/g, '').slice(0, 24)};Parent=${randomUUID().replace(/-/g, '').slice(0, 16)};Sampled=0`;
    return new Promise<InvokeResult>((resolve) => {
      const timer = setTimeout(() => {
        // The environment is torn down, as Lambda does after a timeout; the next invoke cold-starts.
        env.pending = undefined;
        this.discard(env);
        void env.worker.terminate();
        this.options.log(
          `${this.model.name}: ${requestId} Task timed out after ${this.model.timeoutSeconds}.00 seconds`,
        );
        resolve({
          ok: false,
          requestId,
          error: {
            errorType: 'Sandbox.Timedout',
            errorMessage: `${requestId} Error: Task timed out after ${this.model.timeoutSeconds}.00 seconds`,
          },
        });
      }, timeoutMs);
      env.pending = { requestId, resolve, timer };
      env.worker.postMessage({ requestId, event, deadline: Date.now() + timeoutMs, traceId });
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const w of this.waiters.splice(0)) w();
    await Promise.all(this.environments.splice(0).map((e) => e.worker.terminate()));
  }
}

function splitHandler(handler: string): [string, string] {
  const i = handler.lastIndexOf('.');
  return i < 0 ? [handler, 'handler'] : [handler.slice(0, i), handler.slice(i + 1)];
}

/** All functions of the app, by name and ARN. */
export class LambdaService {
  readonly functions = new Map<string, LocalFunction>();

  constructor(
    models: readonly FunctionModel[],
    private readonly options: LambdaServiceOptions,
  ) {
    for (const m of models) this.functions.set(m.name, new LocalFunction(m, options));
  }

  /** By name, ARN or qualified ARN. */
  get(nameOrArn: string): LocalFunction | undefined {
    const match = /:function:([^:]+)/.exec(nameOrArn);
    return this.functions.get(match?.[1] ?? nameOrArn);
  }

  async drainAsync(): Promise<void> {
    await Promise.all([...this.functions.values()].map((f) => f.drainAsync()));
  }

  async stop(): Promise<void> {
    await Promise.all([...this.functions.values()].map((f) => f.stop()));
  }

  get log(): (line: string) => void {
    return this.options.log;
  }
}
