import {
  type CreateWorkOrderCommand,
  MaintainxClient,
  RestTransport,
  TenantRateLimiter,
} from '../../../functions/maintenance';
import { PermanentError, TransientError } from '../../../shared/errors';
import { API_TOKEN, FakeMaintainx, fixtureJson } from './fake-maintainx';
import { FakeClock } from './fake-server';

const mx = new FakeMaintainx();
beforeAll(() => mx.start());
afterAll(() => mx.stop());
beforeEach(() => {
  mx.requests.length = 0;
  mx.workOrders.clear();
  mx.workRequests.clear();
});

const config = {
  referenceField: 'plantsync reference',
  equipmentField: 'SAP Equipment',
  assets: { '10000042': 42 },
};

const client = (token = API_TOKEN) => {
  const clock = new FakeClock();
  return new MaintainxClient(
    new RestTransport({
      baseUrl: `${mx.baseUrl}/v1`,
      tenant: 'mx-org-321',
      rateLimit: { requestsPerSecond: 50, burst: 50 },
      limiter: new TenantRateLimiter({ clock, sleep: clock.sleep }),
      headers: async () => ({ authorization: `Bearer ${token}` }),
      clock,
      sleep: clock.sleep,
    }),
    config,
  );
};

const command: CreateWorkOrderCommand = {
  kind: 'createWorkOrder',
  plant: '1010',
  externalReference: 'ps-1010-ALERT-7781',
  equipmentId: '10000042',
  priority: 'urgent',
  title: 'Replace spindle bearing (predicted failure)',
  description: 'Vibration trend above 7.1 mm/s on spindle housing.',
  origin: 'predictive',
  plannedStart: '2026-11-28T22:00:00+01:00',
  plannedEnd: '2026-11-29T02:00:00+01:00',
};

describe('MaintainX client (OpenAPI paths, fields and bearer auth)', () => {
  it('creates a work order with POST /workorders, the reference in externalData and the custom field', async () => {
    const result = await client().createWorkOrder(command);

    expect(result).toEqual({ id: '5531207', created: true });
    const post = mx.requests.find((r) => r.method === 'POST');
    expect(post?.path).toBe('/v1/workorders');
    expect(post?.headers.authorization).toBe(`Bearer ${API_TOKEN}`);
    expect(post?.body).toEqual({
      title: 'Replace spindle bearing (predicted failure)',
      description: 'Vibration trend above 7.1 mm/s on spindle housing.',
      priority: 'HIGH',
      assetId: 42,
      dueDate: '2026-11-29T02:00:00+01:00',
      startDate: '2026-11-28T22:00:00+01:00',
      externalData: { plantsyncReference: 'ps-1010-ALERT-7781' },
      extraFields: { 'plantsync reference': 'ps-1010-ALERT-7781', 'SAP Equipment': '10000042' },
    });
  });

  it('looks the reference up by title before creating, so a repeated create returns the first work order', async () => {
    const first = await client().createWorkOrder(command);

    const second = await client().createWorkOrder(command);

    expect(second).toEqual({ id: first.id, created: false });
    expect(mx.workOrders.size).toBe(1);
    expect(mx.requests.filter((r) => r.method === 'GET')[0]?.query.get('title')).toBe(command.title);
  });

  it('makes one work order when the create response is lost and the create is retried', async () => {
    mx.loseNextCreateResponse = 504;

    const lost = await client()
      .createWorkOrder(command)
      .catch((e: unknown) => e);
    const retried = await client().createWorkOrder(command);

    expect(lost).toBeInstanceOf(TransientError);
    expect(mx.workOrders.size).toBe(1);
    expect(retried).toEqual({ id: String([...mx.workOrders.keys()][0]), created: false });
  });

  it('does not mistake a same-titled work order of another reference for its own', async () => {
    await client().createWorkOrder({ ...command, externalReference: 'ps-1010-ALERT-0001' });

    const result = await client().createWorkOrder(command);

    expect(result.created).toBe(true);
    expect(mx.workOrders.size).toBe(2);
  });

  it('creates a work request (notification) idempotently by the reference custom field', async () => {
    const notification = {
      kind: 'createNotification' as const,
      plant: '1010',
      externalReference: 'ps-1010-DT-1010-L01-20261125-0007',
      equipmentId: '10000042',
      priority: 'high' as const,
      title: 'Spindle overload on CNC milling centre DMU 50',
      context: {},
    };

    const first = await client().createNotification(notification);
    const again = await client().createNotification(notification);

    expect(first.created).toBe(true);
    expect(again).toEqual({ id: first.id, created: false });
    expect(mx.requests.find((r) => r.method === 'POST')?.body).toEqual({
      title: 'Spindle overload on CNC milling centre DMU 50',
      priority: 'HIGH',
      assetId: 42,
      extraFields: {
        'plantsync reference': 'ps-1010-DT-1010-L01-20261125-0007',
        'SAP Equipment': '10000042',
      },
    });
  });

  it('updates fields with PATCH /workorders/{id} and the status with PATCH /workorders/{id}/status', async () => {
    const { id } = await client().createWorkOrder(command);

    await client().updateWorkOrder({
      kind: 'updateWorkOrder',
      plant: '1010',
      workOrderId: id,
      status: 'on-hold',
      priority: 'low',
    });

    const patches = mx.requests.filter((r) => r.method === 'PATCH').map((r) => [r.path, r.body]);
    expect(patches).toEqual([
      [`/v1/workorders/${id}`, { priority: 'LOW' }],
      [`/v1/workorders/${id}/status`, { status: 'ON_HOLD' }],
    ]);
  });

  it('reads a work order status back in canonical terms with equipment and reference', async () => {
    const stored = fixtureJson<{ workOrder: Record<string, unknown> }>('maintainx/work-order.json').workOrder;
    mx.workOrders.set(5531207, stored as never);

    const state = await client().getWorkOrder('5531207');

    expect(state).toEqual({
      id: '5531207',
      status: 'in-progress',
      platformStatus: 'IN_PROGRESS',
      equipmentId: '10000042',
      title: 'Replace spindle bearing (predicted failure)',
      externalReference: 'ps-1010-ALERT-7781',
    });
  });

  it('appends the downtime end to the work request once, however often it is sent', async () => {
    mx.workRequests.set(9001, {
      id: 9001,
      title: 'Spindle overload',
      description: 'Reported by MES',
      extraFields: {},
    });
    const update = { downtimeEndedAt: '2026-11-25T07:42:00+01:00', durationSeconds: '5520' };

    await client().updateNotification('9001', update);
    await client().updateNotification('9001', update);

    expect(mx.workRequests.get(9001)?.description).toBe(
      'Reported by MES\nDowntime ended 2026-11-25T07:42:00+01:00 after 5520 s (plantsync)',
    );
    expect(mx.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1);
  });

  it('lists the assets that map to SAP equipment across cursor pages', async () => {
    const assets = await client().listAssets();

    expect(assets).toEqual([{ equipmentId: '10000042', description: 'CNC milling centre DMU 50' }]);
    expect(mx.requests.map((r) => r.query.get('cursor'))).toEqual([null, 'page-2']);
  });

  it('refuses a bad token permanently (401 is not retried)', async () => {
    const error = await client('wrong')
      .getWorkOrder('1')
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toMatch(/answered 401/);
  });
});
