import type { APIGatewayProxyEvent, Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { z } from 'zod';
import { DetailType, definitionOf } from '../../../events';
import { currentCorrelation } from '../../../shared/correlation';
import type { DeadLetter } from '../../../shared/dead-letters';
import {
  BusinessRuleError,
  NotFoundError,
  TransientError,
  UnauthorizedError,
  ValidationError,
} from '../../../shared/errors';
import { apiHandler, eventBridgeHandler, sfnTaskHandler, sqsBatchHandler } from '../../../shared/middleware';

const context = {
  functionName: 'test-fn',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:test-fn',
  memoryLimitInMB: '256',
  awsRequestId: 'req-1',
  logGroupName: '/aws/lambda/test-fn',
  logStreamName: 's',
  getRemainingTimeInMillis: () => 10_000,
  callbackWaitsForEmptyEventLoop: false,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
} as Context;

const downtimeEvent = (correlationId: string) => ({
  version: '0',
  id: 'eb-1',
  'detail-type': 'DowntimeStarted',
  source: 'plantsync.mes',
  account: '000000000000',
  time: '2026-11-25T05:00:00Z',
  region: 'us-east-1',
  resources: [],
  detail: {
    metadata: {
      eventId: '3f1c1d7e-7a4b-4c43-9a4e-2b8d7e6f0a11',
      eventType: 'DowntimeStarted',
      schemaVersion: '1.0',
      correlationId,
      idempotencyKey: 'mes:downtime:DT-1',
      plant: '1010',
      occurredAt: '2026-11-25T06:00:00+01:00',
      emittedAt: '2026-11-25T05:00:01Z',
      producer: 'mes.ingress',
    },
    data: definitionOf(DetailType.DowntimeStarted).example,
  },
});

const sqsRecord = (messageId: string, body: string, receiveCount = 1): SQSRecord => ({
  messageId,
  receiptHandle: `rh-${messageId}`,
  body,
  attributes: {
    ApproximateReceiveCount: String(receiveCount),
    SentTimestamp: '0',
    SenderId: 'x',
    ApproximateFirstReceiveTimestamp: '0',
  },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:orders',
  awsRegion: 'us-east-1',
});

const sinks = () => {
  const deadLetters: DeadLetter[] = [];
  const exceptions: { error: BusinessRuleError; plant: string }[] = [];
  return {
    deadLetters,
    exceptions,
    options: {
      deadLetters: { send: async (letter: DeadLetter) => void deadLetters.push(letter) },
      syncExceptions: {
        raise: async (error: BusinessRuleError, ctx: { plant: string }) =>
          void exceptions.push({ error, plant: ctx.plant }),
      },
    },
  };
};

describe('sqsBatchHandler', () => {
  it('reports only the failed records of a batch and runs each in its own correlation', async () => {
    const seen: string[] = [];
    const { options } = sinks();
    const handler = sqsBatchHandler(
      async ({ body }) => {
        seen.push(currentCorrelation()?.correlationId ?? 'none');
        if (
          (body as { detail: { metadata: { correlationId: string } } }).detail.metadata.correlationId === 'c2'
        ) {
          throw new TransientError('MES timed out');
        }
      },
      { ...options, maxReceiveCount: 5 },
    );
    const event: SQSEvent = {
      Records: [
        sqsRecord('m1', JSON.stringify(downtimeEvent('c1'))),
        sqsRecord('m2', JSON.stringify(downtimeEvent('c2'))),
        sqsRecord('m3', JSON.stringify(downtimeEvent('c3'))),
      ],
    };
    const result = await handler(event, context);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm2' }]);
    expect(seen).toEqual(['c1', 'c2', 'c3']);
  });

  it('dead-letters a permanently bad record at once, with its cause', async () => {
    const { options, deadLetters } = sinks();
    const handler = sqsBatchHandler(async () => {
      throw new ValidationError('unknown unit "PCS"');
    }, options);
    const result = await handler(
      { Records: [sqsRecord('m1', JSON.stringify(downtimeEvent('c1')))] },
      context,
    );
    expect(result.batchItemFailures).toEqual([]);
    expect(deadLetters).toHaveLength(1);
    expect(deadLetters[0]).toMatchObject({
      correlationId: 'c1',
      sourceQueueArn: 'arn:aws:sqs:us-east-1:000000000000:orders',
    });
    expect(deadLetters[0]?.error).toHaveProperty('message', 'unknown unit "PCS"');
  });

  it('dead-letters a body that is not JSON instead of retrying it', async () => {
    const { options, deadLetters } = sinks();
    const handler = sqsBatchHandler(async () => undefined, options);
    const result = await handler({ Records: [sqsRecord('m1', '<not json')] }, context);
    expect(result.batchItemFailures).toEqual([]);
    expect(deadLetters[0]?.error).toHaveProperty('name', 'ValidationError');
  });

  it('retries a transient failure until the last receive, then dead-letters it with its cause', async () => {
    const { options, deadLetters } = sinks();
    const handler = sqsBatchHandler(
      async () => {
        throw new TransientError('SAP 503');
      },
      { ...options, maxReceiveCount: 3 },
    );
    const early = await handler(
      { Records: [sqsRecord('m1', JSON.stringify(downtimeEvent('c1')), 2)] },
      context,
    );
    expect(early.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }]);
    expect(deadLetters).toHaveLength(0);
    const last = await handler(
      { Records: [sqsRecord('m1', JSON.stringify(downtimeEvent('c1')), 3)] },
      context,
    );
    expect(last.batchItemFailures).toEqual([]);
    expect(deadLetters).toHaveLength(1);
    expect(deadLetters[0]?.receiveCount).toBe(3);
  });

  it('raises a business refusal as a sync exception for the event plant', async () => {
    const { options, exceptions, deadLetters } = sinks();
    const refusal = new BusinessRuleError('order 1000123 is locked by user PLANNER1', {
      kind: 'sap-business-rejection',
      owner: { system: 'sap', role: 'production planner' },
      businessKey: { kind: 'order', value: '1000123' },
    });
    const handler = sqsBatchHandler(async () => {
      throw refusal;
    }, options);
    const result = await handler(
      { Records: [sqsRecord('m1', JSON.stringify(downtimeEvent('c1')))] },
      context,
    );
    expect(result.batchItemFailures).toEqual([]);
    expect(exceptions).toEqual([{ error: refusal, plant: '1010' }]);
    expect(deadLetters).toHaveLength(0);
  });
});

describe('eventBridgeHandler', () => {
  it('validates the event and runs the handler in its correlation', async () => {
    const handler = eventBridgeHandler([DetailType.DowntimeStarted], async (event) => ({
      equipment: event.detail.data.equipmentId,
      correlation: currentCorrelation(),
    }));
    const result = await handler(downtimeEvent('corr-7') as never, context);
    expect(result).toEqual({
      equipment: '10000042',
      correlation: { correlationId: 'corr-7', causationId: '3f1c1d7e-7a4b-4c43-9a4e-2b8d7e6f0a11' },
    });
  });

  it('refuses an event type it does not accept and an invalid detail', async () => {
    const handler = eventBridgeHandler([DetailType.DowntimeEnded], async () => 'ran');
    await expect(handler(downtimeEvent('c') as never, context)).rejects.toThrow(
      /expected one of DowntimeEnded/,
    );
    const accepting = eventBridgeHandler([DetailType.DowntimeStarted], async () => 'ran');
    const broken = downtimeEvent('c');
    (broken.detail.data as Record<string, unknown>).equipmentId = undefined;
    await expect(accepting(broken as never, context)).rejects.toThrow(ValidationError);
  });
});

const apiEvent = (overrides: Partial<APIGatewayProxyEvent> = {}): APIGatewayProxyEvent =>
  ({
    httpMethod: 'POST',
    path: '/v1/work-orders',
    headers: { 'Content-Type': 'application/json', 'X-Correlation-Id': 'corr-api' },
    pathParameters: null,
    queryStringParameters: null,
    body: JSON.stringify({ equipmentId: '10000042' }),
    isBase64Encoded: false,
    requestContext: { requestId: 'apigw-req-1' },
    ...overrides,
  }) as APIGatewayProxyEvent;

describe('apiHandler', () => {
  const body = z.object({ equipmentId: z.string() });

  it('parses the body, keeps the correlation id and answers with JSON', async () => {
    const handler = apiHandler(async (request) => ({
      statusCode: 201,
      body: { ...request.json(body), correlation: currentCorrelation()?.correlationId },
    }));
    const response = await handler(apiEvent(), context);
    expect(response.statusCode).toBe(201);
    expect(JSON.parse(response.body)).toEqual({ equipmentId: '10000042', correlation: 'corr-api' });
    expect(response.headers?.['x-correlation-id']).toBe('corr-api');
  });

  it('gives the raw body exactly as sent, decoding base64', async () => {
    const raw = '<?xml version="1.0"?><IDOC/>';
    const handler = apiHandler(async (request) => ({ statusCode: 200, body: { raw: request.rawBody } }));
    const response = await handler(
      apiEvent({ body: Buffer.from(raw).toString('base64'), isBase64Encoded: true }),
      context,
    );
    expect(JSON.parse(response.body).raw).toBe(raw);
  });

  it.each([
    [new ValidationError('plannedQuantity must be a decimal string'), 400, 'ValidationError'],
    [new UnauthorizedError('signature does not match'), 401, 'UnauthorizedError'],
    [new NotFoundError('unknown plant 9999'), 404, 'NotFoundError'],
    [new TransientError('SAP unavailable', { retryAfterMs: 30_000 }), 503, 'TransientError'],
  ])('maps %p to HTTP %i with the reason', async (error, status, name) => {
    const handler = apiHandler(async () => {
      throw error;
    });
    const response = await handler(apiEvent(), context);
    expect(response.statusCode).toBe(status);
    expect(JSON.parse(response.body)).toEqual({
      error: name,
      message: error.message,
      correlationId: 'corr-api',
    });
  });

  it('answers 400 naming the field for an invalid body and 400 for malformed JSON', async () => {
    const handler = apiHandler(async (request) => ({ statusCode: 200, body: request.json(body) }));
    const invalid = await handler(apiEvent({ body: JSON.stringify({ equipmentId: 7 }) }), context);
    expect(invalid.statusCode).toBe(400);
    expect(JSON.parse(invalid.body).message).toMatch(/equipmentId/);
    const malformed = await handler(apiEvent({ body: '{"equipmentId":' }), context);
    expect(malformed.statusCode).toBe(400);
    expect(JSON.parse(malformed.body).message).toMatch(/not valid JSON/);
  });

  const rawOf = apiHandler(async (request) => ({ statusCode: 200, body: { raw: request.rawBody } }));
  const base64Event = (bytes: Buffer, contentType: string) =>
    apiEvent({
      headers: { 'Content-Type': contentType },
      body: bytes.toString('base64'),
      isBase64Encoded: true,
    });

  it('refuses a base64 body with bytes that are not UTF-8, naming the byte offset', async () => {
    const bytes = Buffer.concat([Buffer.from('{"line":"P'), Buffer.from([0xff, 0xfe]), Buffer.from('02"}')]);

    const response = await rawOf(base64Event(bytes, 'application/json'), context);

    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body).message).toBe(
      'body is not valid UTF-8: byte 0xFF at byte offset 10 (declare charset=iso-8859-1 for Latin-1)',
    );
  });

  it('refuses a truncated multi-byte sequence at the offset where it starts', async () => {
    const bytes = Buffer.concat([Buffer.from('<a>Größe'), Buffer.from([0xc3])]);

    const response = await rawOf(base64Event(bytes, 'text/xml; charset=utf-8'), context);

    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body).message).toContain('at byte offset 10');
  });

  it('decodes a base64 body declared ISO-8859-1 as Latin-1', async () => {
    const bytes = Buffer.from('<MATXT>Getriebegehäuse für Größe 3</MATXT>', 'latin1');

    const response = await rawOf(base64Event(bytes, 'text/xml; charset="ISO-8859-1"'), context);

    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body).raw).toBe('<MATXT>Getriebegehäuse für Größe 3</MATXT>');
  });

  it('refuses a charset it cannot decode with 415', async () => {
    const response = await rawOf(
      base64Event(Buffer.from('{}'), 'application/json; charset=shift_jis'),
      context,
    );

    expect(response.statusCode).toBe(415);
    expect(JSON.parse(response.body).message).toContain('charset "shift_jis" is not supported');
  });

  it('refuses duplicated keys in a JSON body, naming the key', async () => {
    const handler = apiHandler(async (request) => ({ statusCode: 200, body: request.json(body) }));

    const response = await handler(apiEvent({ body: '{"equipmentId":"1","equipmentId":"2"}' }), context);

    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body).message).toBe('body: duplicate key "equipmentId" at $.equipmentId');
  });

  it.each([
    ['{"__proto__":{"isAdmin":true},"equipmentId":"1"}', '__proto__', '$.__proto__'],
    ['{"equipmentId":"1","x":{"constructor":{"prototype":{}}}}', 'constructor', '$.x.constructor'],
    ['{"equipmentId":"1","a":[{"prototype":1}]}', 'prototype', '$.a[0].prototype'],
  ])('refuses the prototype key in %s, naming its path', async (json, key, path) => {
    const handler = apiHandler(async (request) => ({ statusCode: 200, body: request.json(body) }));

    const response = await handler(apiEvent({ body: json }), context);

    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body).message).toBe(
      `body: key "${key}" at ${path} is not allowed (prototype key)`,
    );
  });

  it('refuses a JSON body declared as another content type with 415', async () => {
    const handler = apiHandler(async (request) => ({ statusCode: 200, body: request.json(body) }));

    const response = await handler(apiEvent({ headers: { 'Content-Type': 'text/plain' } }), context);

    expect(response.statusCode).toBe(415);
    expect(JSON.parse(response.body).message).toContain('content type "text/plain" is not supported');
  });

  it('hides the details of an unexpected error behind a 500', async () => {
    const handler = apiHandler(async () => {
      throw new Error('connection string postgres://user:secret@db');
    });
    const response = await handler(apiEvent(), context);
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('secret');
  });
});

describe('sfnTaskHandler', () => {
  it('runs the task in the correlation carried by the state input and keeps error names', async () => {
    const handler = sfnTaskHandler(async (input: { correlationId: string }) => ({
      input: input.correlationId,
      ambient: currentCorrelation()?.correlationId,
    }));
    expect(await handler({ correlationId: 'order-1000123' }, context)).toEqual({
      input: 'order-1000123',
      ambient: 'order-1000123',
    });
    const failing = sfnTaskHandler(async () => {
      throw new TransientError('MES 503');
    });
    await expect(failing({}, context)).rejects.toMatchObject({ name: 'TransientError' });
  });
});

describe('sqsBatchHandler record isolation', () => {
  it('processes records one at a time, in queue order', async () => {
    const events: string[] = [];
    const handler = sqsBatchHandler(async ({ body }) => {
      const id = (body as { detail: { metadata: { correlationId: string } } }).detail.metadata.correlationId;
      events.push(`start ${id}`);
      await new Promise((resolve) => setTimeout(resolve, id === 'c1' ? 20 : 1));
      events.push(`end ${id}`);
    });
    await handler(
      {
        Records: [
          sqsRecord('m1', JSON.stringify(downtimeEvent('c1'))),
          sqsRecord('m2', JSON.stringify(downtimeEvent('c2'))),
        ],
      },
      context,
    );
    expect(events).toEqual(['start c1', 'end c1', 'start c2', 'end c2']);
  });
});

describe('sfnTaskHandler error names', () => {
  class SapUnavailableError extends TransientError {}
  class UnknownUnitError extends ValidationError {}
  class Minified extends NotFoundError {}

  it.each([
    [new SapUnavailableError('SAP 503'), 'TransientError'],
    [new UnknownUnitError('unit PCS'), 'ValidationError'],
    [new Minified('no such order'), 'PermanentError'],
    [
      new BusinessRuleError('locked', {
        kind: 'sap-business-rejection',
        owner: { system: 'sap', role: 'planner' },
        businessKey: { kind: 'order', value: '1' },
      }),
      'BusinessRuleError',
    ],
  ])('names %p by its handling class for Retry/Catch', async (error, name) => {
    const handler = sfnTaskHandler(async () => {
      throw error;
    });
    await expect(handler({}, context)).rejects.toMatchObject({ name, message: error.message });
  });

  it('leaves an unknown error its own name', async () => {
    const handler = sfnTaskHandler(async () => {
      throw new RangeError('boom');
    });
    await expect(handler({}, context)).rejects.toMatchObject({ name: 'RangeError' });
  });
});
