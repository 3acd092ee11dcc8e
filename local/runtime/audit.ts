/**
 * The runtime's audit hooks: each service calls one method per observation, and this turns it into
 * hops with the taps of local/audit. Recording must never break or slow a flow much: every method
 * catches its own errors, reads payloads it already holds (no clones), and parses a JSON text only
 * where the tap needs what is inside it (an SQS body, a PutEvents Detail, a result's batch failures).
 */

import { DeadLetterAttribute as DeadLetterKey } from '../../shared/dead-letters';
import {
  type AuditSink,
  deadLetterHop,
  deliveryHop,
  type Hop,
  invocationHops,
  publishedHop,
  stateHop,
} from '../audit';
import {
  LocalEventBridge,
  type LocalEventBridgeOptions,
  type PutEventsRequestEntry,
  type PutEventsResponse,
} from '../eventbridge';
import type { InvokeResult, LambdaError } from './lambda';

/** What a function reported as thrown, as an Error whose `name` is the thrown error's `name`. */
export const lambdaErrorOf = (error: LambdaError): Error =>
  Object.assign(new Error(error.errorMessage), { name: error.errorType });

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A result payload is parsed only for events whose hops depend on it (batch failures, HTTP status). */
const resultFor = (event: unknown, result: InvokeResult): unknown => {
  if (!result.ok || !isRecord(event)) return undefined;
  if (!Array.isArray(event.Records) && !isRecord(event.requestContext)) return undefined;
  try {
    return JSON.parse(result.payload);
  } catch {
    return undefined;
  }
};

export interface InvocationObservation {
  readonly functionName: string;
  readonly event: unknown;
  readonly at: Date;
  readonly durationMs: number;
  readonly result: InvokeResult;
}

export interface StateObservation {
  readonly stateMachine: string;
  readonly state: string;
  readonly input: unknown;
  /**
   * The execution's input, asked for only when the state's input names no correlation (a state whose
   * input is the previous task's bare result still belongs to the execution's flow).
   */
  readonly executionInput?: () => unknown;
  readonly at: number;
  readonly durationMs: number;
  /** The state's error name and cause, when the state failed. */
  readonly error?: { readonly name: string; readonly cause?: string };
}

/** A Lambda task's cause is the function's error JSON: keep its message, never its stack trace. */
const causeMessage = (cause: string | undefined): string => {
  if (!cause?.startsWith('{')) return cause ?? '';
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    return typeof parsed.errorMessage === 'string' ? parsed.errorMessage : cause;
  } catch {
    return cause;
  }
};

const DEAD_LETTER_MARKER = Buffer.from(DeadLetterKey.errorName);

export class RuntimeAudit {
  /** Hops not recorded because recording threw (a broken sink); the runtime keeps going. */
  failures = 0;

  constructor(
    readonly sink: AuditSink,
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  private record(hops: readonly (Hop | undefined)[]): void {
    for (const hop of hops) {
      if (!hop) continue;
      try {
        this.sink.record(hop);
      } catch (error) {
        this.failed(error);
      }
    }
  }

  private failed(error: unknown): void {
    if (this.failures++ === 0) this.log(`audit: recording a hop failed: ${String(error)}`);
  }

  private safely(observe: () => readonly (Hop | undefined)[]): void {
    try {
      this.record(observe());
    } catch (error) {
      this.failed(error);
    }
  }

  /** A Lambda invocation ended (any trigger: queue, bus, state machine, API, direct). */
  invocation(o: InvocationObservation): void {
    this.safely(() =>
      invocationHops({
        functionName: o.functionName,
        event: o.event,
        at: o.at,
        durationMs: o.durationMs,
        ...(o.result.ok ? {} : { error: lambdaErrorOf(o.result.error) }),
        result: resultFor(o.event, o.result),
      }),
    );
  }

  /** PutEvents accepted an entry. */
  published(entry: { Detail?: string; DetailType?: string }, at: Date): void {
    this.safely(() => [
      publishedHop({
        at,
        ...(entry.Detail === undefined ? {} : { Detail: entry.Detail }),
        ...(entry.DetailType === undefined ? {} : { DetailType: entry.DetailType }),
      }),
    ]);
  }

  /** A rule delivered an event to a target (or failed to), or sent it to the target's DLQ. */
  delivery(d: {
    rule: string;
    targetArn: string;
    event: unknown;
    at: Date;
    durationMs: number;
    error?: unknown;
    deadLetter?: boolean;
  }): void {
    this.safely(() => [deliveryHop(d)]);
  }

  /** An execution left a state, or the state failed. */
  state(o: StateObservation): void {
    const error = o.error
      ? Object.assign(new Error(causeMessage(o.error.cause)), { name: o.error.name || 'Error' })
      : undefined;
    const hop = (input: unknown) =>
      stateHop({
        stateMachine: o.stateMachine,
        state: o.state,
        input,
        at: new Date(o.at),
        durationMs: o.durationMs,
        ...(error ? { error } : {}),
      });
    this.safely(() => [hop(o.input) ?? (o.executionInput ? hop(o.executionInput()) : undefined)]);
  }

  /** An asynchronous invocation gave up and sent its event to the function's DLQ or failure destination. */
  asyncDeadLetter(o: { functionName: string; targetArn: string; body: string; error: LambdaError }): void {
    this.safely(() => [
      deadLetterHop({
        queue: o.targetArn.split(/[:/]/).pop() ?? o.targetArn,
        body: o.body,
        attributes: {
          [DeadLetterKey.errorName]: o.error.errorType,
          [DeadLetterKey.errorMessage]: o.error.errorMessage,
          [DeadLetterKey.sourceQueue]: o.functionName,
        },
        at: new Date(),
      }),
    ]);
  }

  /**
   * An SQS request reached the queue front: a SendMessage carrying plantsync's dead-letter attributes
   * (shared/dead-letters.ts) is a dead letter. Other requests are skipped without parsing the body.
   */
  sqsRequest(operation: string, body: Buffer): void {
    // JSON protocol only (what the SDK v3 sends); the marker check keeps ordinary sends unparsed.
    if (operation !== 'SendMessage' || body[0] !== 0x7b || !body.includes(DEAD_LETTER_MARKER)) return;
    this.safely(() => {
      const input = JSON.parse(body.toString('utf8')) as {
        QueueUrl?: unknown;
        MessageBody?: unknown;
        MessageAttributes?: Record<string, { StringValue?: unknown }>;
      };
      if (typeof input.MessageBody !== 'string') return [];
      const attributes: Record<string, string> = {};
      for (const [k, v] of Object.entries(input.MessageAttributes ?? {}))
        if (typeof v?.StringValue === 'string') attributes[k] = v.StringValue;
      const queueUrl = typeof input.QueueUrl === 'string' ? input.QueueUrl : '';
      return [
        deadLetterHop({
          queue: queueUrl.split('/').filter(Boolean).pop() ?? queueUrl,
          body: input.MessageBody,
          attributes,
          at: new Date(),
        }),
      ];
    });
  }
}

/** The local bus with a hop for every entry PutEvents accepts (recorded before any delivery starts). */
export class AuditedEventBridge extends LocalEventBridge {
  constructor(
    options: LocalEventBridgeOptions,
    private readonly audit: RuntimeAudit,
  ) {
    super(options);
  }

  override putEvents(entries: PutEventsRequestEntry[]): PutEventsResponse {
    const at = new Date();
    const response = super.putEvents(entries);
    response.Entries.forEach((result, i) => {
      const entry = entries[i];
      if (entry && 'EventId' in result) this.audit.published(entry, at);
    });
    return response;
  }
}
