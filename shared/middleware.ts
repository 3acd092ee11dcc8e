/**
 * One middleware stack per kind of handler, written down once.
 *
 * Order (middy runs `before` top-down and `after`/`onError` bottom-up):
 *   1. injectLambdaContext(logger, { resetKeys: true })  function/request fields on every log line
 *   2. logMetrics(metrics, { captureColdStartMetric })    flushes EMF metrics after each invocation
 *   3. captureLambdaHandler(tracer)                       one X-Ray segment per invocation
 * then the kind-specific wrapper below opens the correlation context, validates the input, and maps
 * typed errors at the edge: HTTP statuses for APIs, dead letters with a cause or partial batch
 * failures for queues, sync exceptions for business refusals, error names for Step Functions.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import type {
  APIGatewayProxyEvent,
  APIGatewayProxyResult,
  Context,
  EventBridgeEvent,
  SQSBatchResponse,
  SQSEvent,
  SQSRecord,
} from 'aws-lambda';
import * as z from 'zod';
import { type DetailType, type EventDetail, findDefinition } from '../events/catalogue';
import {
  CORRELATION_HEADER,
  type Correlation,
  correlationFromDetail,
  correlationFromHeaders,
  currentCorrelation,
  newCorrelationId,
  runWithCorrelation,
} from './correlation';
import { type DeadLetterSink, SqsDeadLetterSink } from './dead-letters';
import {
  BusinessRuleError,
  classify,
  describeError,
  PlantsyncError,
  stepFunctionsErrorName,
  UnsupportedMediaTypeError,
  ValidationError,
} from './errors';
import { logger, metrics, tracer } from './observability';
import { EventPublisher } from './publisher';
import { parseStrictJson } from './strict-json';
import { PublishingSyncExceptionSink, type SyncExceptionSink } from './sync-exceptions';

type Handler<E, R> = (event: E, context: Context) => Promise<R>;

const withObservability = <E, R>(handler: Handler<E, R>) =>
  middy<E, R>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .use(captureLambdaHandler(tracer))
    .handler(handler);

const inCorrelation = <T>(correlation: Correlation, fn: () => Promise<T>): Promise<T> =>
  runWithCorrelation(correlation, () => {
    logger.appendKeys({ correlation_id: correlation.correlationId, causation_id: correlation.causationId });
    return fn();
  });

/** A validated canonical event as a handler sees it. */
export interface CanonicalEvent<T extends DetailType = DetailType> {
  readonly detailType: T;
  readonly source: string;
  readonly detail: EventDetail<T>;
}

/** Validates an EventBridge event (or an SQS body holding one) as one of the accepted canonical types. */
export const parseCanonicalEvent = <T extends DetailType>(
  raw: unknown,
  accepted: readonly T[],
): CanonicalEvent<T> => {
  const event = raw as Partial<EventBridgeEvent<string, unknown>> | null;
  const detailType = event?.['detail-type'];
  if (typeof detailType !== 'string' || !accepted.includes(detailType as T)) {
    throw new ValidationError(
      `expected one of ${accepted.join(', ')}, got ${typeof detailType === 'string' ? detailType : 'no detail-type'}`,
    );
  }
  const definition = findDefinition(detailType);
  if (!definition) throw new ValidationError(`unknown event type ${detailType}`);
  const parsed = definition.detail.safeParse(event?.detail);
  if (!parsed.success) throw new ValidationError(`invalid ${detailType}: ${z.prettifyError(parsed.error)}`);
  return {
    detailType: detailType as T,
    source: String(event?.source),
    detail: parsed.data as EventDetail<T>,
  };
};

interface Sinks {
  readonly deadLetters?: DeadLetterSink;
  readonly syncExceptions?: SyncExceptionSink;
}

let defaultSyncExceptions: SyncExceptionSink | undefined;
/** Business refusals become SyncExceptionRaised events on the bus named by EVENT_BUS_NAME. */
const syncExceptionSinkFromEnv = (): SyncExceptionSink | undefined => {
  const busName = process.env.EVENT_BUS_NAME;
  if (!busName) return undefined;
  defaultSyncExceptions ??= new PublishingSyncExceptionSink(
    new EventPublisher({ busName, producer: { system: 'plantsync', name: 'sync-exceptions' } }),
  );
  return defaultSyncExceptions;
};

let defaultDeadLetters: DeadLetterSink | undefined;
const deadLetterSinkFromEnv = (): DeadLetterSink | undefined => {
  const url = process.env.DLQ_URL;
  if (!url) return undefined;
  defaultDeadLetters ??= new SqsDeadLetterSink(new SQSClient({}), url);
  return defaultDeadLetters;
};

const plantOf = (body: unknown): string | undefined => {
  const metadata = (body as { detail?: { metadata?: { plant?: unknown } } } | null)?.detail?.metadata;
  return typeof metadata?.plant === 'string' ? metadata.plant : undefined;
};

/**
 * EventBridge target: validates the event as one of `accepted`, then calls `fn` in the event's
 * correlation. Errors propagate so EventBridge's retry policy and target DLQ apply; business
 * refusals become sync exceptions instead.
 */
export const eventBridgeHandler = <T extends DetailType, R>(
  accepted: readonly T[],
  fn: (event: CanonicalEvent<T>, context: Context) => Promise<R>,
  sinks: Sinks = {},
) =>
  withObservability<EventBridgeEvent<string, unknown>, R | undefined>(async (raw, context) => {
    const event = parseCanonicalEvent(raw, accepted);
    const correlation = correlationFromDetail(event.detail) ?? { correlationId: newCorrelationId() };
    return inCorrelation(correlation, async () => {
      try {
        return await fn(event, context);
      } catch (error) {
        const sink = sinks.syncExceptions ?? syncExceptionSinkFromEnv();
        if (error instanceof BusinessRuleError && sink) {
          await sink.raise(error, { plant: event.detail.metadata.plant });
          logger.warn('business rule refusal raised as sync exception', { error: describeError(error) });
          return undefined;
        }
        throw error;
      }
    });
  });

export interface QueueMessage {
  /** The JSON-parsed body (for a rule target: the whole EventBridge event). */
  readonly body: unknown;
  readonly record: SQSRecord;
}

export interface SqsBatchOptions extends Sinks {
  /** Receives after which a failing message is dead-lettered with its cause (MAX_RECEIVE_COUNT). */
  readonly maxReceiveCount?: number;
}

/**
 * SQS batch consumer with partial batch responses. Per record: open its correlation, run `fn`, and
 * on failure by class: business → sync exception (done); validation/permanent → dead letter with the
 * cause (done); transient/unexpected → batch item failure (SQS retries after the visibility timeout)
 * until the last receive, then dead letter with the cause.
 */
export const sqsBatchHandler = (
  fn: (message: QueueMessage, context: Context) => Promise<void>,
  options: SqsBatchOptions = {},
) => {
  const processor = new BatchProcessor(EventType.SQS);
  const maxReceiveCount = options.maxReceiveCount ?? Number(process.env.MAX_RECEIVE_COUNT ?? 0);
  return withObservability<SQSEvent, SQSBatchResponse>(async (event, context) =>
    processPartialResponse(
      event,
      async (record: SQSRecord) => {
        let body: unknown;
        try {
          body = JSON.parse(record.body);
        } catch {
          body = undefined;
        }
        const correlation = correlationFromDetail((body as { detail?: unknown } | undefined)?.detail) ?? {
          correlationId: record.messageAttributes?.[CORRELATION_HEADER]?.stringValue ?? newCorrelationId(),
          causationId: record.messageId,
        };
        await inCorrelation(correlation, async () => {
          try {
            if (body === undefined) throw new ValidationError('message body is not JSON');
            await fn({ body, record }, context);
          } catch (error) {
            await handleRecordFailure(error, record, body, correlation, maxReceiveCount, options);
          }
        });
      },
      processor,
      // Sequential: records keep their queue order, and the shared logger's correlation keys belong
      // to the one record in flight (parallel records would interleave them).
      { context, throwOnFullBatchFailure: false, processInParallel: false },
    ),
  );
};

const handleRecordFailure = async (
  error: unknown,
  record: SQSRecord,
  body: unknown,
  correlation: Correlation,
  maxReceiveCount: number,
  sinks: Sinks,
): Promise<void> => {
  const kind = classify(error);
  const described = describeError(error);
  const receiveCount = Number(record.attributes?.ApproximateReceiveCount ?? 1);
  const plant = plantOf(body);
  const syncSink = sinks.syncExceptions ?? syncExceptionSinkFromEnv();
  if (error instanceof BusinessRuleError && syncSink && plant) {
    await syncSink.raise(error, { plant });
    logger.warn('business rule refusal raised as sync exception', {
      error: described,
      messageId: record.messageId,
    });
    return;
  }
  const lastReceive = maxReceiveCount > 0 && receiveCount >= maxReceiveCount;
  const deadLetters = sinks.deadLetters ?? deadLetterSinkFromEnv();
  if (deadLetters && (kind === 'validation' || kind === 'permanent' || kind === 'business' || lastReceive)) {
    await deadLetters.send({
      body: record.body,
      error,
      sourceQueueArn: record.eventSourceARN,
      receiveCount,
      correlationId: correlation.correlationId,
    });
    logger.error('message dead-lettered', { error: described, messageId: record.messageId, receiveCount });
    return;
  }
  logger.warn('message failed; SQS will retry it', {
    error: described,
    messageId: record.messageId,
    receiveCount,
  });
  throw error;
};

export interface ApiRequest {
  readonly method: string;
  readonly path: string;
  readonly pathParameters: Readonly<Record<string, string | undefined>>;
  readonly query: Readonly<Record<string, string | undefined>>;
  /** Header names lower-cased. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The body exactly as received (base64 decoded), for signatures and XML. */
  readonly rawBody: string;
  /**
   * Parses the body as JSON and validates it; a ValidationError (400) says what is wrong. Refuses a
   * declared non-JSON content type (415), duplicate keys and `__proto__`/`constructor`/`prototype` keys.
   */
  json<S extends z.ZodType>(schema: S): z.infer<S>;
}

export interface ApiResult {
  readonly statusCode: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

const respond = (result: ApiResult, correlationId: string): APIGatewayProxyResult => ({
  statusCode: result.statusCode,
  headers: { 'content-type': 'application/json', [CORRELATION_HEADER]: correlationId, ...result.headers },
  body: result.body === undefined ? '' : JSON.stringify(result.body),
});

/** Maps a typed error to an HTTP answer with a reason; unexpected errors say nothing internal. */
export const errorResponse = (error: unknown, correlationId: string): APIGatewayProxyResult => {
  if (error instanceof PlantsyncError) {
    const retryAfter =
      'retryAfterMs' in error && typeof error.retryAfterMs === 'number'
        ? { 'retry-after': String(Math.ceil(error.retryAfterMs / 1000)) }
        : undefined;
    return respond(
      {
        statusCode: error.httpStatus,
        body: { error: error.name, message: error.message, correlationId },
        ...(retryAfter ? { headers: retryAfter } : {}),
      },
      correlationId,
    );
  }
  return respond(
    { statusCode: 500, body: { error: 'InternalError', message: 'internal error', correlationId } },
    correlationId,
  );
};

/** The charset parameter of a Content-Type, lower-cased, without quotes. */
const charsetOf = (contentType: string | undefined): string | undefined =>
  /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '')?.[1]?.toLowerCase();

/** Labels of ISO-8859-1 proper (not the WHATWG alias to windows-1252): SAP XML-HTTP ports send it. */
const LATIN1 = new Set([
  'iso-8859-1',
  'iso8859-1',
  'iso_8859-1',
  'latin1',
  'latin-1',
  'l1',
  'cp819',
  'ibm819',
]);
const UTF8 = new Set(['utf-8', 'utf8', 'us-ascii', 'ascii']);

/** Offset of the first byte that does not start or continue a well-formed UTF-8 sequence, or -1. */
export const firstInvalidUtf8Offset = (bytes: Uint8Array): number => {
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i] ?? 0;
    if (b < 0x80) {
      i += 1;
      continue;
    }
    const need = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : 0;
    if (need === 0) return i;
    // The second byte's range excludes overlong forms, surrogates and code points above U+10FFFF.
    const lo = b === 0xe0 ? 0xa0 : b === 0xf0 ? 0x90 : 0x80;
    const hi = b === 0xed ? 0x9f : b === 0xf4 ? 0x8f : 0xbf;
    const second = bytes[i + 1];
    if (second === undefined || second < lo || second > hi) return i;
    for (let k = 2; k <= need; k++) {
      const next = bytes[i + k];
      if (next === undefined || next < 0x80 || next > 0xbf) return i;
    }
    i += need + 1;
  }
  return -1;
};

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The body as text. A base64 body (API Gateway's binary passthrough) is decoded by its declared
 * charset: ISO-8859-1 as Latin-1, otherwise UTF-8 strictly — a byte that is not UTF-8 is refused
 * (400, with its offset) instead of becoming U+FFFD and travelling on as corrupted data.
 */
const decodeBody = (event: APIGatewayProxyEvent, contentType: string | undefined): string => {
  if (event.body == null) return '';
  if (!event.isBase64Encoded) return event.body;
  const bytes = Buffer.from(event.body, 'base64');
  const charset = charsetOf(contentType);
  if (charset && LATIN1.has(charset)) return bytes.toString('latin1');
  if (charset && !UTF8.has(charset)) {
    throw new UnsupportedMediaTypeError(
      `charset "${charset.slice(0, 40)}" is not supported; send UTF-8 or ISO-8859-1`,
    );
  }
  try {
    return strictUtf8.decode(bytes);
  } catch {
    const at = firstInvalidUtf8Offset(bytes);
    const byte = bytes[at] ?? 0;
    throw new ValidationError(
      `body is not valid UTF-8: byte 0x${byte.toString(16).toUpperCase().padStart(2, '0')} at byte offset ${at} (declare charset=iso-8859-1 for Latin-1)`,
    );
  }
};

/** ApiRequest.json: a declared content type must be JSON (application/json or +json); none is accepted. */
const requireJsonContentType = (contentType: string | undefined): void => {
  if (contentType === undefined) return;
  const media = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (media === 'application/json' || media.endsWith('+json')) return;
  throw new UnsupportedMediaTypeError(
    `content type "${media.slice(0, 60)}" is not supported; send application/json`,
  );
};

/** API Gateway proxy integration: request parsing, correlation, typed errors → HTTP statuses. */
export const apiHandler = (fn: (request: ApiRequest, context: Context) => Promise<ApiResult>) =>
  withObservability<APIGatewayProxyEvent, APIGatewayProxyResult>(async (event, context) => {
    const headers = Object.fromEntries(
      Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v ?? undefined]),
    );
    const correlation = correlationFromHeaders(
      headers,
      event.requestContext?.requestId ?? context.awsRequestId,
    );
    return inCorrelation(correlation, async () => {
      try {
        const rawBody = decodeBody(event, headers['content-type']);
        const request: ApiRequest = {
          method: event.httpMethod,
          path: event.path,
          pathParameters: event.pathParameters ?? {},
          query: event.queryStringParameters ?? {},
          headers,
          rawBody,
          json: (schema) => {
            requireJsonContentType(headers['content-type']);
            const value = parseStrictJson(rawBody, { what: 'body' });
            const parsed = schema.safeParse(value);
            if (!parsed.success)
              throw new ValidationError(`invalid request body: ${z.prettifyError(parsed.error)}`);
            return parsed.data;
          },
        };
        return respond(await fn(request, context), correlation.correlationId);
      } catch (error) {
        const response = errorResponse(error, correlation.correlationId);
        const log = response.statusCode >= 500 ? logger.error.bind(logger) : logger.warn.bind(logger);
        log('request refused', {
          status: response.statusCode,
          error: describeError(error),
          path: event.path,
        });
        metrics.addMetric(response.statusCode >= 500 ? 'ApiServerError' : 'ApiClientError', 'Count', 1);
        return response;
      }
    });
  });

/**
 * Step Functions Lambda task: the correlation id comes from the task input (`correlationId` or
 * `metadata.correlationId`, which every state machine passes through). Errors propagate named by
 * their handling class (TransientError, ValidationError, PermanentError, BusinessRuleError) so the
 * state machine's Retry/Catch match subclasses and survive minified bundles.
 */
export const sfnTaskHandler = <I, O>(fn: (input: I, context: Context) => Promise<O>) =>
  withObservability<I, O>(async (input, context) => {
    const carrier = input as { correlationId?: unknown; metadata?: { correlationId?: unknown } } | null;
    const id = carrier?.correlationId ?? carrier?.metadata?.correlationId;
    const correlation =
      typeof id === 'string'
        ? { correlationId: id }
        : (currentCorrelation() ?? { correlationId: newCorrelationId() });
    return inCorrelation(correlation, async () => {
      try {
        return await fn(input, context);
      } catch (error) {
        const name = stepFunctionsErrorName(error);
        if (name && error instanceof Error) error.name = name;
        throw error;
      }
    });
  });
