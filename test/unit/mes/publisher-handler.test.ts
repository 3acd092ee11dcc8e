import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { definitionOf } from '../../../events/catalogue';
import { MesClient } from '../../../functions/mes/client';
import { buildHandler } from '../../../functions/mes-publisher/handler';
import type { DeadLetter } from '../../../shared/dead-letters';

const context = {
  awsRequestId: 'req-1',
  functionName: 'mes-publisher',
  functionVersion: '1',
  invokedFunctionArn: 'arn:aws:lambda:eu-central-1:123456789012:function:mes-publisher',
  memoryLimitInMB: '256',
  getRemainingTimeInMillis: () => 20_000,
} as unknown as Context;

const eventFor = (
  detailType: 'ProductionOrderReleased' | 'ProductionOrderCancelled',
  plant: string,
  orderNumber: string,
) => {
  const definition = definitionOf(detailType);
  return {
    version: '0',
    id: `eb-${orderNumber}`,
    'detail-type': detailType,
    source: 'plantsync.sap',
    time: '2026-11-25T05:00:00Z',
    detail: {
      metadata: {
        eventId: '7f8e3c1a-5b2d-4e6f-9a0b-1c2d3e4f5a6b',
        eventType: detailType,
        schemaVersion: definition.schemaVersion,
        correlationId: `corr-${orderNumber}`,
        idempotencyKey: `sap:idoc:${orderNumber}`,
        plant,
        occurredAt: '2026-11-25T06:00:00+01:00',
        emittedAt: '2026-11-25T06:00:01+01:00',
        producer: 'sap.idoc-ingress',
      },
      data: { ...definition.example, orderNumber },
    },
  };
};

const record = (id: string, body: unknown): SQSRecord =>
  ({
    messageId: id,
    receiptHandle: id,
    body: JSON.stringify(body),
    attributes: { ApproximateReceiveCount: '1' },
    messageAttributes: {},
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-central-1:123456789012:mes-outbound-1010',
  }) as unknown as SQSRecord;

describe('MES publisher handler', () => {
  let server: Server;
  let endpoint: string;
  const seen: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      req.resume();
      req.on('end', () => {
        // Order 1000999 is the one the MES cannot take right now.
        if (req.url?.includes('1000999') || req.headers['idempotency-key']?.toString().includes('1000999')) {
          res.writeHead(503).end();
          return;
        }
        res.writeHead(201, { 'content-type': 'application/json' }).end('{"orderNumber":"x"}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const handler = (deadLetters: DeadLetter[]) =>
    buildHandler(
      {
        plants: new Map([
          ['1010', { profile: 'rest-json' as const, endpoint, b2mmlVersion: 'V0700' as const }],
        ]),
        clientFor: (plant, settings) =>
          new MesClient({ plant, settings, maxAttempts: 2, sleep: async () => undefined, timeoutMs: 2000 }),
      },
      {
        deadLetters: {
          send: async (letter) => {
            deadLetters.push(letter);
          },
        },
      },
    );

  it('reports only the message the MES could not take as a batch item failure', async () => {
    const deadLetters: DeadLetter[] = [];
    const event: SQSEvent = {
      Records: [
        record('m1', eventFor('ProductionOrderReleased', '1010', '1000123')),
        record('m2', eventFor('ProductionOrderReleased', '1010', '1000999')),
        record('m3', eventFor('ProductionOrderCancelled', '1010', '1000124')),
      ],
    };

    const result = (await handler(deadLetters)(event, context)) as SQSBatchResponse;

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm2' }]);
    expect(seen).toEqual(
      expect.arrayContaining([
        'POST /api/v1/production-orders',
        'POST /api/v1/production-orders/1000124/cancel',
      ]),
    );
    expect(deadLetters).toHaveLength(0);
  });

  it('dead-letters a message for a plant without an MES, with the reason, instead of retrying it', async () => {
    const deadLetters: DeadLetter[] = [];

    const result = (await handler(deadLetters)(
      { Records: [record('m9', eventFor('ProductionOrderReleased', '9999', '1000123'))] },
      context,
    )) as SQSBatchResponse;

    expect(result.batchItemFailures).toEqual([]);
    expect(String((deadLetters[0]?.error as Error | undefined)?.message)).toBe(
      'plant 9999 has no MES configured',
    );
  });

  it('dead-letters a message that is not an order event', async () => {
    const deadLetters: DeadLetter[] = [];

    await handler(deadLetters)(
      { Records: [record('m7', { 'detail-type': 'DowntimeStarted', detail: {} })] },
      context,
    );

    expect(String((deadLetters[0]?.error as Error | undefined)?.message)).toContain(
      'expected one of ProductionOrderReleased',
    );
  });
});
