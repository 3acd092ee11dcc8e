import { jest } from '@jest/globals';
import type { SQSEvent } from 'aws-lambda';
import type { DetailType } from '../../../events';
import type { AuthProvider } from '../../../functions/sap/odata/auth';
import { ODataClient } from '../../../functions/sap/odata/client';
import { createPosterHandler } from '../../../functions/sap-poster/handler';
import type { PosterDeps } from '../../../functions/sap-poster/post';
import type { DeadLetterSink } from '../../../shared/dead-letters';
import { EventPublisher } from '../../../shared/publisher';
import type { SyncExceptionSink } from '../../../shared/sync-exceptions';
import { lambdaContext } from '../sap/doubles';
import { FakeSapServer } from '../sap/fake-sap-server';
import { testMappings } from '../sap/fixtures';

const auth: AuthProvider = { authorization: async () => 'Basic dGVzdDp0ZXN0', invalidate: () => undefined };
const server = new FakeSapServer();
let deps: PosterDeps;
let counter = 0;
const syncExceptions: SyncExceptionSink = { raise: async () => undefined };
const deadLetters = { send: async () => undefined } as unknown as DeadLetterSink;

beforeAll(async () => {
  const baseUrl = await server.start();
  deps = { client: new ODataClient({ baseUrl, auth, sleep: async () => undefined }), mappings: testMappings };
});
afterAll(async () => {
  await server.stop();
});
beforeEach(() => {
  server.requests.length = 0;
  server.defineSet('API_PROD_ORDER_CONFIRMATION_2_SRV', 'ProdnOrdConf2', {
    keys: ['ConfirmationGroup', 'ConfirmationCount'],
    onCreate: (body) => ({ ...body, ConfirmationGroup: '207', ConfirmationCount: String(++counter) }),
  });
});

const publisher = new EventPublisher({
  busName: 'test',
  producer: { system: 'mes', name: 'test' },
  client: { send: async () => ({}) },
});

const canonical = (detailType: DetailType, data: unknown, idempotencyKey: string) => {
  const { event } = publisher.build({
    detailType,
    data,
    plant: '1010',
    occurredAt: '2026-11-25T13:40:00+01:00',
    idempotencyKey,
  });
  return {
    version: '0',
    id: event.eventId,
    'detail-type': event.detailType,
    source: event.source,
    detail: event.detail,
  };
};

const sqs = (body: unknown): SQSEvent => ({
  Records: [
    {
      messageId: 'm-0',
      receiptHandle: 'rh-0',
      body: JSON.stringify(body),
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: '0',
        SenderId: 'x',
        ApproximateFirstReceiveTimestamp: '0',
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:sap-poster.fifo',
      awsRegion: 'us-east-1',
    },
  ],
});

const confirmation = (id: string) =>
  canonical(
    'ProductionConfirmed',
    {
      orderNumber: '1000123',
      mesJobId: 'JOB-1010-000871',
      confirmationId: id,
      operationNumber: '0010',
      yield: { value: '118', unit: 'H87' },
      scrap: { value: '2', unit: 'H87' },
      rework: { value: '0', unit: 'H87' },
      finalConfirmation: false,
    },
    `mes:conf:${id}`,
  );

/** The KPI metrics (name, unit, plant) of every EMF document written while `run` runs. */
const emittedKpis = async (run: () => Promise<unknown>) => {
  const lines: string[] = [];
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    await run();
  } finally {
    write.mockRestore();
  }
  return lines
    .flatMap((l) => l.split('\n'))
    .filter((l) => l.includes('"_aws"'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((d) => typeof d.plant === 'string')
    .flatMap((d) =>
      (
        d._aws as { CloudWatchMetrics: { Metrics: { Name: string; Unit: string }[] }[] }
      ).CloudWatchMetrics.flatMap((c) =>
        c.Metrics.map((m) => ({ name: m.Name, unit: m.Unit, plant: d.plant, value: d[m.Name] })),
      ),
    );
};

const poster = () => createPosterHandler(() => deps, { syncExceptions, deadLetters, maxReceiveCount: 3 });

describe('SAP poster KPI metrics', () => {
  it('emits ConfirmationPosted and SapCallSucceeded for the plant of a posted confirmation', async () => {
    const kpis = await emittedKpis(() => poster()(sqs(confirmation('CONF-M-1')), lambdaContext()));

    expect(kpis).toEqual(
      expect.arrayContaining([
        { name: 'SapCallSucceeded', unit: 'Count', plant: '1010', value: 1 },
        { name: 'ConfirmationPosted', unit: 'Count', plant: '1010', value: 1 },
      ]),
    );
  });

  it('emits ConfirmationRejected when SAP refuses the confirmation', async () => {
    server.fail({
      status: 400,
      body: { error: { code: 'RU/505', message: { lang: 'en', value: 'Order 1000123 is locked' } } },
      when: (r) => r.method === 'POST',
    });

    const kpis = await emittedKpis(() => poster()(sqs(confirmation('CONF-M-2')), lambdaContext()));

    expect(kpis).toEqual(
      expect.arrayContaining([{ name: 'ConfirmationRejected', unit: 'Count', plant: '1010', value: 1 }]),
    );
    expect(kpis.filter((k) => k.name === 'ConfirmationPosted')).toEqual([]);
  });

  it('counts SapCallFailed when SAP stays unavailable', async () => {
    server.fail({ status: 503 }, 4);

    const kpis = await emittedKpis(() => poster()(sqs(confirmation('CONF-M-3')), lambdaContext()));

    expect(kpis).toEqual(
      expect.arrayContaining([{ name: 'SapCallFailed', unit: 'Count', plant: '1010', value: 1 }]),
    );
  });
});
