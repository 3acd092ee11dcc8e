import type { SQSEvent } from 'aws-lambda';
import type { DetailType } from '../../../events';
import type { AuthProvider } from '../../../functions/sap/odata/auth';
import { ODataClient } from '../../../functions/sap/odata/client';
import { createMaintenanceTaskHandler, createPosterHandler } from '../../../functions/sap-poster/handler';
import type { PosterDeps } from '../../../functions/sap-poster/post';
import type { DeadLetterSink } from '../../../shared/dead-letters';
import type { BusinessRuleError } from '../../../shared/errors';
import { EventPublisher } from '../../../shared/publisher';
import type { SyncExceptionSink } from '../../../shared/sync-exceptions';
import { lambdaContext } from './doubles';
import { FakeSapServer } from './fake-sap-server';
import { testMappings } from './fixtures';

const auth: AuthProvider = { authorization: async () => 'Basic dGVzdDp0ZXN0', invalidate: () => undefined };
const server = new FakeSapServer();
let deps: PosterDeps;
let counter = 0;

const raised: BusinessRuleError[] = [];
const syncExceptions: SyncExceptionSink = {
  raise: async (error) => {
    raised.push(error);
  },
};
const deadLettered: unknown[] = [];
const deadLetters: DeadLetterSink = {
  send: async (letter) => {
    deadLettered.push(letter);
  },
} as DeadLetterSink;

beforeAll(async () => {
  const baseUrl = await server.start();
  deps = { client: new ODataClient({ baseUrl, auth, sleep: async () => undefined }), mappings: testMappings };
});
afterAll(async () => {
  await server.stop();
});
beforeEach(() => {
  raised.length = 0;
  deadLettered.length = 0;
  server.requests.length = 0;
  server.defineSet('API_PROD_ORDER_CONFIRMATION_2_SRV', 'ProdnOrdConf2', {
    keys: ['ConfirmationGroup', 'ConfirmationCount'],
    onCreate: (body) => ({ ...body, ConfirmationGroup: '207', ConfirmationCount: String(++counter) }),
  });
  server.defineSet('API_MATERIAL_DOCUMENT_SRV', 'A_MaterialDocumentHeader', {
    keys: ['MaterialDocumentYear', 'MaterialDocument'],
    onCreate: (body) => ({
      ...body,
      MaterialDocumentYear: '2026',
      MaterialDocument: String(4900000000 + ++counter),
    }),
  });
});

const mesPublisher = new EventPublisher({
  busName: 'test',
  producer: { system: 'mes', name: 'test' },
  client: { send: async () => ({}) },
});

const canonical = (detailType: DetailType, data: unknown, idempotencyKey: string, plant = '1010') => {
  const { event } = mesPublisher.build({
    detailType,
    data,
    plant,
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

const sqs = (...bodies: unknown[]): SQSEvent => ({
  Records: bodies.map((body, i) => ({
    messageId: `m-${i}`,
    receiptHandle: `rh-${i}`,
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
  })),
});

const confirmed = canonical(
  'ProductionConfirmed',
  {
    orderNumber: '1000123',
    mesJobId: 'JOB-1010-000871',
    confirmationId: 'CONF-1010-000871-0010-01',
    operationNumber: '0010',
    yield: { value: '118', unit: 'H87' },
    scrap: { value: '2', unit: 'H87' },
    rework: { value: '0', unit: 'H87' },
    finalConfirmation: false,
  },
  'mes:conf:CONF-1010-000871-0010-01',
);

const poster = () => createPosterHandler(() => deps, { syncExceptions, deadLetters, maxReceiveCount: 3 });

describe('SAP poster', () => {
  it('posts a confirmation and a goods movement from one batch', async () => {
    const movement = canonical(
      'MaterialMovementRecorded',
      {
        movementId: 'MM-1010-000871-01',
        orderNumber: '1000123',
        movement: 'goods-issue',
        material: 'RM-CAST-22',
        quantity: { value: '120', unit: 'H87' },
        storageLocation: '0001',
      },
      'mes:mm:MM-1010-000871-01',
    );

    const result = await poster()(sqs(confirmed, movement), lambdaContext());

    expect(result).toEqual({ batchItemFailures: [] });
    expect(server.rows('API_PROD_ORDER_CONFIRMATION_2_SRV', 'ProdnOrdConf2')).toHaveLength(1);
    expect(server.rows('API_MATERIAL_DOCUMENT_SRV', 'A_MaterialDocumentHeader')).toHaveLength(1);
  });

  it('does not post a redelivered confirmation twice', async () => {
    await poster()(sqs(confirmed), lambdaContext());

    await poster()(sqs(confirmed), lambdaContext());

    expect(server.rows('API_PROD_ORDER_CONFIRMATION_2_SRV', 'ProdnOrdConf2')).toHaveLength(1);
  });

  it('raises a sync exception owned by SAP when SAP refuses the confirmation', async () => {
    server.fail({
      status: 400,
      body: {
        error: { code: 'RU/505', message: { lang: 'en', value: 'Order 1000123 is locked by PLANNER1' } },
      },
      when: (r) => r.method === 'POST',
    });

    const result = await poster()(sqs(confirmed), lambdaContext());

    expect(result).toEqual({ batchItemFailures: [] });
    expect(raised.map((e) => [e.rule.kind, e.rule.owner.system, e.message])).toEqual([
      ['sap-business-rejection', 'sap', 'SAP refused: Order 1000123 is locked by PLANNER1'],
    ]);
  });

  it('reports a batch item failure when SAP stays unavailable, so SQS retries it', async () => {
    server.fail({ status: 503 }, 4);

    const result = await poster()(sqs(confirmed), lambdaContext());

    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-0' }] });
  });

  it('raises a mapping-missing exception for a plant without SAP mapping', async () => {
    const elsewhere = canonical('ProductionConfirmed', confirmed.detail.data, 'mes:conf:X', '2020');

    await poster()(sqs(elsewhere), lambdaContext());

    expect(raised[0]?.rule).toMatchObject({ kind: 'mapping-missing', owner: { system: 'plantsync' } });
  });

  it('dead-letters an event type it does not post', async () => {
    const other = canonical(
      'DowntimeStarted',
      { downtimeId: 'DT-1', equipmentId: '10000042', reasonCode: 'MECH' },
      'mes:dt:1',
    );

    await poster()(sqs(other), lambdaContext());

    expect(deadLettered).toHaveLength(1);
  });
});

describe('SAP poster: maintenance records of other platforms', () => {
  const maintenancePublisher = new EventPublisher({
    busName: 'test',
    producer: { system: 'maintenance', name: 'test' },
    client: { send: async () => ({}) },
  });
  const notification = (platform: string) => {
    const { event } = maintenancePublisher.build({
      detailType: 'MaintenanceNotificationCreated',
      data: {
        notificationId: '884213',
        externalReference: 'ps-1010-DT-1010-L01-20261125-0007',
        platform,
        equipmentId: '10000042',
        downtimeId: 'DT-1010-L01-20261125-0007',
        priority: 'high',
        title: 'Spindle overload on CNC milling centre DMU 50',
      },
      plant: '1010',
      occurredAt: '2026-11-25T09:12:00+01:00',
      idempotencyKey: `maintenance:${platform}:884213`,
    });
    return { 'detail-type': event.detailType, source: event.source, detail: event.detail };
  };

  beforeEach(() => {
    server.defineSet('API_MAINTNOTIFICATION', 'MaintenanceNotification', {
      keys: ['MaintenanceNotification'],
      onCreate: (body) => ({ ...body, MaintenanceNotification: String(10000000 + ++counter) }),
    });
  });

  it('references a MaintainX notification in SAP PM once', async () => {
    await poster()(sqs(notification('maintainx')), lambdaContext());
    await poster()(sqs(notification('maintainx')), lambdaContext());

    const rows = server.rows('API_MAINTNOTIFICATION', 'MaintenanceNotification');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      MaintNotifLongTextForEdit: 'maintainx notification 884213',
      MaintenanceObjectIsDown: true,
    });
  });

  it('leaves SAP PM notifications alone', async () => {
    await poster()(sqs(notification('sap-pm')), lambdaContext());

    expect(server.rows('API_MAINTNOTIFICATION', 'MaintenanceNotification')).toHaveLength(0);
  });
});

describe('SAP maintenance task', () => {
  it('creates a notification idempotently through the task input', async () => {
    server.defineSet('API_MAINTNOTIFICATION', 'MaintenanceNotification', {
      keys: ['MaintenanceNotification'],
      onCreate: (body) => ({ ...body, MaintenanceNotification: String(10000000 + ++counter) }),
    });
    const task = createMaintenanceTaskHandler(() => deps);
    const input = {
      action: 'createNotification' as const,
      correlationId: 'corr-1',
      plant: '1010',
      idempotencyKey: 'analytics:alert:7781',
      equipmentId: '10000042',
      title: 'Bearing temperature trend',
      priority: 'medium' as const,
    };

    const first = await task(input, lambdaContext());
    const second = await task(input, lambdaContext());

    expect(first).toMatchObject({ status: 'posted' });
    expect(second).toMatchObject({ status: 'already-posted' });
  });

  it('refuses an invalid task input', async () => {
    const task = createMaintenanceTaskHandler(() => deps);

    await expect(task({ action: 'createOrder', plant: '1010' } as never, lambdaContext())).rejects.toThrow(
      'invalid SAP task',
    );
  });
});
