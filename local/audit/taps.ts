/**
 * Taps: turn what the local runtime observes (a Lambda invocation, a PutEvents entry, a rule
 * delivery, a state entered, a request reaching a simulated system, a message sent to a DLQ) into hops.
 * Each tap understands the shapes AWS uses (EventBridge event, SQS batch, Step Functions task payload,
 * API Gateway proxy event), so the runtime calls one function per observation and never parses
 * payloads itself. A tap returns no hop when it finds no correlation id: nothing is guessed.
 */
import { CAUSATION_HEADER, CORRELATION_HEADER } from '../../shared/correlation';
import { DeadLetterAttribute } from '../../shared/dead-letters';
import { businessKeysOf } from './business-keys';
import { type Hop, type HopKind, hopErrorOf, safeMessage } from './hop';
import { eventHop } from './record';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const parseJson = (text: unknown): unknown => {
  if (typeof text !== 'string') return text;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

const iso = (at: Date | string): string => (typeof at === 'string' ? at : at.toISOString());

interface Timing {
  readonly at: Date | string;
  readonly durationMs?: number;
}

/** The canonical detail inside an EventBridge event, an SQS body holding one, or a detail itself. */
export const canonicalDetailIn = (value: unknown): Record<string, unknown> | undefined => {
  const v = parseJson(value);
  if (!isRecord(v)) return undefined;
  if (isRecord(v.metadata) && typeof v.metadata.correlationId === 'string') return v;
  if (isRecord(v.detail)) return canonicalDetailIn(v.detail);
  return undefined;
};

/** A Step Functions task payload or execution input that names its correlation (TaskBase). */
const payloadHop = (
  kind: HopKind,
  payload: unknown,
  fields: Timing & { component: string; target?: string; error?: unknown },
): Hop | undefined => {
  const detail = canonicalDetailIn(payload);
  if (detail) return eventHop(kind, detail, fields);
  if (!isRecord(payload) || typeof payload.correlationId !== 'string' || !payload.correlationId)
    return undefined;
  const plant =
    typeof payload.plant === 'string' && /^[A-Z0-9]{4}$/.test(payload.plant) ? payload.plant : undefined;
  const keys = businessKeysOf(payload);
  for (const value of Object.values(payload)) if (isRecord(value)) keys.push(...businessKeysOf(value));
  const unique = [...new Map(keys.map((k) => [`${k.kind}:${k.value}`, k])).values()];
  return {
    kind,
    at: iso(fields.at),
    durationMs: Math.max(0, Math.round(fields.durationMs ?? 0)),
    correlationId: payload.correlationId,
    ...(plant ? { plant } : {}),
    component: fields.component,
    ...(fields.target ? { target: fields.target } : {}),
    outcome: fields.error === undefined ? 'ok' : 'error',
    ...(fields.error === undefined ? {} : { error: hopErrorOf(fields.error) }),
    keys: unique,
  };
};

/**
 * One `function-handled` hop per message a Lambda invocation handled: per record of an SQS batch
 * (failed records from `batchItemFailures` are errors), the event of an EventBridge invocation, the
 * payload of a Step Functions task, or the correlation header of an API Gateway request/response.
 */
export const invocationHops = (invocation: {
  readonly functionName: string;
  readonly event: unknown;
  readonly at: Date | string;
  readonly durationMs: number;
  readonly error?: unknown;
  readonly result?: unknown;
}): Hop[] => {
  const { functionName: component, event, error, result } = invocation;
  const timing = { at: invocation.at, durationMs: invocation.durationMs };
  if (isRecord(event) && Array.isArray(event.Records)) {
    const failed = new Set(
      isRecord(result) && Array.isArray(result.batchItemFailures)
        ? result.batchItemFailures.flatMap((f) => (isRecord(f) ? [String(f.itemIdentifier)] : []))
        : [],
    );
    return event.Records.flatMap((record) => {
      if (!isRecord(record)) return [];
      const recordError =
        error ??
        (failed.has(String(record.messageId))
          ? new Error('record reported as a batch item failure')
          : undefined);
      const hop = payloadHop('function-handled', record.body, {
        ...timing,
        component,
        ...(recordError === undefined ? {} : { error: recordError }),
      });
      return hop ? [hop] : [];
    });
  }
  if (isRecord(event) && isRecord(event.requestContext)) {
    const headers = lowerCaseHeaders(event.headers);
    const responseHeaders = isRecord(result) ? lowerCaseHeaders(result.headers) : {};
    const correlationId = headers[CORRELATION_HEADER] ?? responseHeaders[CORRELATION_HEADER];
    if (!correlationId) return [];
    const status = isRecord(result) && typeof result.statusCode === 'number' ? result.statusCode : undefined;
    const failure = error ?? (status !== undefined && status >= 400 ? httpError(status, result) : undefined);
    return [
      {
        kind: 'ingress',
        at: iso(timing.at),
        durationMs: Math.max(0, Math.round(timing.durationMs)),
        correlationId,
        ...(headers[CAUSATION_HEADER] ? { causationId: headers[CAUSATION_HEADER] } : {}),
        component,
        target: `${String(event.httpMethod ?? '')} ${String(event.resource ?? event.path ?? '')}`.trim(),
        outcome: failure === undefined ? 'ok' : 'error',
        ...(failure === undefined ? {} : { error: hopErrorOf(failure) }),
        keys: [],
      },
    ];
  }
  const hop = payloadHop('function-handled', event, {
    ...timing,
    component,
    ...(error === undefined ? {} : { error }),
  });
  return hop ? [hop] : [];
};

const lowerCaseHeaders = (headers: unknown): Record<string, string> =>
  isRecord(headers)
    ? Object.fromEntries(
        Object.entries(headers).flatMap(([k, v]) => (typeof v === 'string' ? [[k.toLowerCase(), v]] : [])),
      )
    : {};

const httpError = (status: number, result: unknown): Error => {
  const body = isRecord(result) ? parseJson(result.body) : undefined;
  const reason = isRecord(body) && typeof body.message === 'string' ? body.message : `HTTP ${status}`;
  return Object.assign(new Error(reason), { name: `Http${status}` });
};

/** `event-published` for one accepted PutEvents entry (its Detail is the canonical detail). */
export const publishedHop = (entry: {
  readonly Detail?: string;
  readonly DetailType?: string;
  readonly producer?: string;
  readonly at: Date | string;
}): Hop | undefined => {
  const detail = canonicalDetailIn(entry.Detail);
  if (!detail) return undefined;
  const metadata = detail.metadata as { producer?: unknown };
  const component = entry.producer ?? (typeof metadata.producer === 'string' ? metadata.producer : 'unknown');
  return eventHop('event-published', detail, {
    component,
    at: entry.at,
    ...(entry.DetailType ? { detailType: entry.DetailType } : {}),
  });
};

/** `rule-delivered` for one delivery attempt of an event to a rule target; `dead-lettered` for its DLQ send. */
export const deliveryHop = (delivery: {
  readonly rule: string;
  readonly targetArn: string;
  readonly event: unknown;
  readonly at: Date | string;
  readonly durationMs?: number;
  readonly error?: unknown;
  readonly deadLetter?: boolean;
}): Hop | undefined => {
  const detail = canonicalDetailIn(delivery.event);
  if (!detail) return undefined;
  const kind: HopKind = delivery.deadLetter ? 'dead-lettered' : 'rule-delivered';
  const target = delivery.targetArn.split(/[:/]/).pop() ?? delivery.targetArn;
  return eventHop(kind, detail, {
    component: delivery.rule,
    at: delivery.at,
    target,
    ...(delivery.durationMs === undefined ? {} : { durationMs: delivery.durationMs }),
    ...(delivery.error === undefined ? {} : { error: delivery.error }),
  });
};

/** `state-transition` for a state entered (and left) by an execution; the input carries the correlation. */
export const stateHop = (transition: {
  readonly stateMachine: string;
  readonly state: string;
  readonly input: unknown;
  readonly at: Date | string;
  readonly durationMs?: number;
  readonly error?: unknown;
}): Hop | undefined =>
  payloadHop('state-transition', transition.input, {
    component: `${transition.stateMachine}/${transition.state}`,
    at: transition.at,
    ...(transition.durationMs === undefined ? {} : { durationMs: transition.durationMs }),
    ...(transition.error === undefined ? {} : { error: transition.error }),
  });

/**
 * `outbound-call` as seen by a simulated system receiving plantsync's request: the correlation headers
 * plantsync sends (shared/correlation.ts) identify the flow. Path only: query strings may hold keys.
 */
export const inboundCallHop = (call: {
  readonly system: string;
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly status: number;
  readonly at: Date | string;
  readonly durationMs: number;
  readonly plant?: string;
}): Hop | undefined => {
  const header = (name: string) => {
    const value = Object.entries(call.headers).find(([k]) => k.toLowerCase() === name)?.[1];
    return Array.isArray(value) ? value[0] : value;
  };
  const correlationId = header(CORRELATION_HEADER);
  if (!correlationId) return undefined;
  const causationId = header(CAUSATION_HEADER);
  const failed = call.status >= 400;
  return {
    kind: 'outbound-call',
    at: iso(call.at),
    durationMs: Math.max(0, Math.round(call.durationMs)),
    correlationId,
    ...(causationId ? { causationId } : {}),
    ...(call.plant ? { plant: call.plant } : {}),
    component: call.system,
    target: `${call.system}: ${call.method.toUpperCase()} ${call.path.split('?')[0]}`,
    outcome: failed ? 'error' : 'ok',
    ...(failed
      ? { error: { name: `Http${call.status}`, message: `${call.system} answered ${call.status}` } }
      : {}),
    keys: [],
  };
};

/** `dead-lettered` for a message sent to a DLQ with plantsync's dead-letter attributes (shared/dead-letters.ts). */
export const deadLetterHop = (letter: {
  readonly queue: string;
  readonly body: string;
  readonly attributes: Readonly<Record<string, string | undefined>>;
  readonly at: Date | string;
}): Hop | undefined => {
  const detail = canonicalDetailIn(letter.body);
  const correlationId =
    (detail?.metadata as { correlationId?: string } | undefined)?.correlationId ??
    letter.attributes[DeadLetterAttribute.correlationId];
  if (!correlationId) return undefined;
  const error = {
    name: (letter.attributes[DeadLetterAttribute.errorName] ?? 'Unknown').slice(0, 80),
    message: safeMessage(letter.attributes[DeadLetterAttribute.errorMessage] ?? 'no reason recorded'),
  };
  const source = letter.attributes[DeadLetterAttribute.sourceQueue];
  const component = source ? (source.split(/[:/]/).pop() ?? source) : letter.queue;
  const base = detail
    ? eventHop('dead-lettered', detail, { component, at: letter.at, target: letter.queue })
    : undefined;
  return {
    ...(base ?? {
      kind: 'dead-lettered' as const,
      at: iso(letter.at),
      durationMs: 0,
      correlationId,
      component,
      target: letter.queue,
      keys: [],
    }),
    outcome: 'error',
    error,
  };
};
