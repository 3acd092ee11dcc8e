import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import {
  connectorFactory,
  type EgressDeps,
  type MaintenancePlants,
  TenantRateLimiter,
} from '../../../functions/maintenance';
import { createHandler, depsFromEnv } from '../../../functions/maintenance-egress/handler';
import type { DeadLetter } from '../../../shared/dead-letters';
import { ConfigError } from '../../../shared/errors';
import type { PublishRequest } from '../../../shared/publisher';
import { API_TOKEN, FakeMaintainx } from './fake-maintainx';
import { FakeClock } from './fake-server';

const mx = new FakeMaintainx();
beforeAll(() => mx.start());
afterAll(() => mx.stop());
beforeEach(() => {
  mx.requests.length = 0;
  mx.queued.length = 0;
  mx.workOrders.clear();
});

const context = {
  functionName: 'maintenance-egress',
  awsRequestId: 'req-1',
  getRemainingTimeInMillis: () => 30_000,
} as Context;

const plants = (rateLimit = { requestsPerSecond: 50, burst: 50 }): MaintenancePlants => ({
  '1010': {
    platform: 'maintainx',
    baseUrl: `${mx.baseUrl}/v1`,
    apiTokenSecretName: 'plantsync/test/1010/maintainx-api',
    webhookSecretName: 'plantsync/test/1010/maintainx-webhook',
    tenant: 'mx-org-321',
    rateLimit,
    currency: 'EUR',
    referenceField: 'plantsync reference',
    assets: { '10000042': 42 },
    partUnit: 'H87',
  },
});

const setup = (
  options: { rateLimit?: { requestsPerSecond: number; burst: number }; maxWaitMs?: number } = {},
) => {
  const clock = new FakeClock();
  const published: PublishRequest[] = [];
  const deadLetters: DeadLetter[] = [];
  const deps: EgressDeps = {
    connectorFor: connectorFactory({
      plants: plants(options.rateLimit),
      secret: async () => API_TOKEN,
      limiter: new TenantRateLimiter({ clock, sleep: clock.sleep, maxWaitMs: options.maxWaitMs ?? 5_000 }),
      clock,
      sleep: clock.sleep,
      random: () => 0.5,
      maxRetryWaitMs: 10_000,
    }),
    publish: async (requests) => void published.push(...requests),
    now: () => new Date(clock.t),
    log: { info: () => undefined },
  };
  const handler = createHandler(() => deps, {
    deadLetters: { send: async (letter) => void deadLetters.push(letter) },
    maxReceiveCount: 5,
  });
  return { handler, published, deadLetters, clock };
};

const record = (messageId: string, body: unknown): SQSRecord => ({
  messageId,
  receiptHandle: `rh-${messageId}`,
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
  eventSourceARN: 'arn:aws:sqs:eu-central-1:000000000000:maintenance-egress',
  awsRegion: 'eu-central-1',
});

const batch = (...records: SQSRecord[]): SQSEvent => ({ Records: records });

const errorOf = (letters: DeadLetter[]): Error => {
  const [letter] = letters;
  if (!letter) throw new Error('no dead letter');
  return letter.error as Error;
};

const createWorkOrder = (ref = 'ps-1010-ALERT-7781') => ({
  kind: 'createWorkOrder',
  plant: '1010',
  externalReference: ref,
  equipmentId: '10000042',
  priority: 'high',
  title: `Replace spindle bearing ${ref}`,
  origin: 'predictive',
  correlationId: 'corr-alert-7781',
});

describe('maintenance egress (SQS → MaintainX)', () => {
  it('creates the work order and publishes WorkOrderCreated with the key the webhook uses too', async () => {
    const { handler, published } = setup();

    const response = await handler(batch(record('m1', createWorkOrder())), context);

    expect(response).toEqual({ batchItemFailures: [] });
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({
      detailType: 'WorkOrderCreated',
      plant: '1010',
      idempotencyKey: 'maintenance:maintainx:1010:wo:5531207:created',
      data: { workOrderId: '5531207', externalReference: 'ps-1010-ALERT-7781', platform: 'maintainx' },
    });
  });

  it('leaves a message whose create response was lost in the queue, and its redelivery makes no second work order', async () => {
    const { handler, published } = setup();
    mx.loseNextCreateResponse = 504;

    const first = await handler(batch(record('m1', createWorkOrder())), context);
    const redelivery = await handler(batch(record('m1', createWorkOrder())), context);

    expect(first).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
    expect(redelivery).toEqual({ batchItemFailures: [] });
    expect(mx.workOrders.size).toBe(1);
    expect(published.map((p) => p.detailType)).toEqual(['WorkOrderCreated']);
  });

  it('buffers in the queue when MaintainX says 429 with a Retry-After beyond the wait budget', async () => {
    const { handler, deadLetters } = setup();
    mx.queued.push({ status: 429, headers: { 'retry-after': '60' }, body: { error: 'Too many requests' } });

    const response = await handler(batch(record('m1', createWorkOrder())), context);

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
    expect(deadLetters).toEqual([]);
    expect(mx.workOrders.size).toBe(0);
  });

  it('keeps later messages of a batch in the queue once the tenant rate limit is exhausted', async () => {
    const { handler, deadLetters } = setup({
      rateLimit: { requestsPerSecond: 0.01, burst: 4 },
      maxWaitMs: 1_000,
    });

    // Each create costs two calls (lookup, create); a burst of 4 cannot serve three messages.
    const response = await handler(
      batch(
        record('m1', createWorkOrder('r1')),
        record('m2', createWorkOrder('r2')),
        record('m3', createWorkOrder('r3')),
      ),
      context,
    );

    const failed = response.batchItemFailures.length;
    expect(failed).toBeGreaterThanOrEqual(1);
    expect(mx.workOrders.size).toBe(3 - failed);
    expect(mx.requests).toHaveLength(4);
    expect(deadLetters).toEqual([]);
  });

  it('dead-letters a permanent 4xx refusal with the reason instead of retrying it', async () => {
    const { handler, deadLetters } = setup();
    mx.queued.push({ status: 200, body: { workOrders: [], nextCursor: null } });
    mx.queued.push({ status: 400, body: { errors: [{ error: 'assetId 42 does not exist' }] } });

    const response = await handler(batch(record('m1', createWorkOrder())), context);

    expect(response).toEqual({ batchItemFailures: [] });
    expect(deadLetters).toHaveLength(1);
    expect(errorOf(deadLetters).name).toBe('PermanentError');
    expect(errorOf(deadLetters).message).toBe('POST /workorders answered 400: assetId 42 does not exist');
  });

  it('dead-letters an invalid command with what is wrong', async () => {
    const { handler, deadLetters } = setup();

    await handler(batch(record('m1', { ...createWorkOrder(), priority: 'whenever' })), context);

    expect(errorOf(deadLetters).name).toBe('ValidationError');
    expect(errorOf(deadLetters).message).toMatch(/priority/);
  });

  it('dead-letters a command for a plant without a maintenance platform', async () => {
    const { handler, deadLetters } = setup();

    await handler(batch(record('m1', { ...createWorkOrder(), plant: '2020' })), context);

    expect(errorOf(deadLetters).message).toBe('plant 2020 has no maintenance platform configured');
  });
});

describe('maintenance egress wiring', () => {
  const sapPmPlants = JSON.stringify({
    '2000': { platform: 'sap-pm', notificationType: 'M1', orderType: 'PM01', planningPlant: '2000' },
  });

  it('refuses to start when a plant is on SAP PM but the SAP settings are missing', () => {
    expect(() => depsFromEnv({ EVENT_BUS_NAME: 'bus', MAINTENANCE_PLANTS: sapPmPlants })).toThrow(
      ConfigError,
    );
  });

  it("serves SAP PM plants through the SAP connector's OData adapter", () => {
    const deps = depsFromEnv({
      EVENT_BUS_NAME: 'bus',
      MAINTENANCE_PLANTS: sapPmPlants,
      SAP_BASE_URL: 'http://127.0.0.1:1/sap/opu/odata/sap',
      SAP_SECRET_ID: 'plantsync/test/sap',
      SAP_MAPPINGS: JSON.stringify({
        systemTimeZone: 'Europe/Berlin',
        plants: [{ plant: '2000', timeZone: 'Europe/Lisbon', orderTypes: ['PP01'] }],
      }),
    });

    expect(deps.connectorFor('2000').platform).toBe('sap-pm');
    expect(() => deps.connectorFor('3000')).toThrow('plant 3000 has no maintenance platform configured');
  });
});
