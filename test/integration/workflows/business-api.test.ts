import { route } from '../../../functions/api/handler';
import type {
  EquipmentDirectory,
  OrderSource,
  OrderStatusSources,
  WorkflowStarter,
} from '../../../functions/api/ports';
import { createBusinessApi } from '../../../functions/api/service';
import type { EquipmentRecord, OrderStatusRecord } from '../../../functions/workflows/ports';
import { decideAdjustment } from '../../../functions/workflows/tasks/inventory';
import { deliverAcknowledgement } from '../../../functions/workflows/tasks/order-release';
import type { ApiRequest } from '../../../shared/middleware';
import { detailOf } from './support/events';
import { createWorld, type World } from './support/fakes';
import { type RunResult, runWorkflow, startWorkflow } from './support/harness';

const ORDER = detailOf('ProductionOrderReleased').data;

/** Starts order-release in the local interpreter, as StartExecution would; names are unique. */
class LocalStarter implements WorkflowStarter {
  readonly names = new Set<string>();
  readonly runs: Promise<RunResult>[] = [];
  constructor(private readonly world: World) {}
  async startOrderRelease(name: string, input: unknown) {
    if (this.names.has(name)) return 'already-started' as const;
    this.names.add(name);
    this.runs.push(runWorkflow('order-release', input, this.world));
    return 'started' as const;
  }
}

const setup = (world = createWorld()) => {
  const starter = new LocalStarter(world);
  const sapEquipment = new Map<string, EquipmentRecord>([
    ['10000042', { equipmentId: '10000042', description: 'CNC milling centre DMU 50', workCenter: 'MILL01' }],
  ]);
  const mesEquipment = new Map<string, EquipmentRecord>([
    ['10000042', { equipmentId: '10000042', description: 'DMU50 mill', workCenter: 'MILL01' }],
  ]);
  const statuses: {
    sap: Map<string, OrderStatusRecord['status']>;
    mes: Map<string, OrderStatusRecord['status']>;
  } = {
    sap: new Map([['1000123', 'released']]),
    mes: new Map(),
  };
  const orders: OrderSource = { readReleasedOrder: async (_ctx, n) => (n === '1000123' ? ORDER : undefined) };
  const equipment: EquipmentDirectory = {
    sap: async (_c, id) => sapEquipment.get(id),
    mes: async (_c, id) => mesEquipment.get(id),
    maintenance: async () => {
      throw Object.assign(new Error('maintenance platform down'), { name: 'TransientError' });
    },
  };
  const orderStatus: OrderStatusSources = {
    sap: async (_c, n) => statuses.sap.get(n),
    mes: async (_c, n) => statuses.mes.get(n),
  };
  const api = createBusinessApi({
    repo: world.repo,
    orders,
    workflows: starter,
    equipment,
    orderStatus,
    maintenance: world.maintenance,
    callbacks: world.callbacks,
    now: world.now,
  });
  return { world, api, starter, statuses };
};

const request = (
  method: string,
  path: string,
  body?: unknown,
  extra: Partial<ApiRequest> = {},
): ApiRequest => ({
  method,
  path,
  pathParameters: {},
  query: {},
  headers: {},
  rawBody: body === undefined ? '' : JSON.stringify(body),
  json: (schema) => schema.parse(body),
  ...extra,
});

const ctx = { correlationId: 'corr-api-1', plant: '1010' };

describe('business API: order release', () => {
  it('starts order-release for an order SAP released and the MES acknowledges it', async () => {
    const { world, api, starter } = setup();
    world.mes.onRelease = (c, order) =>
      setImmediate(() => {
        void deliverAcknowledgement(world, c.plant, {
          orderNumber: order.orderNumber,
          mesJobId: 'JOB-9',
          accepted: true,
        });
      });

    const result = await api.releaseOrder(ctx, '1000123', { plant: '1010', requestedBy: 'planner' });
    const [run] = await Promise.all(starter.runs);

    expect(result).toMatchObject({ statusCode: 202, body: { status: 'RELEASE_REQUESTED', started: true } });
    expect(run?.path.at(-1)).toBe('OrderAcknowledged');
    expect(world.mes.released).toEqual([{ orderNumber: '1000123', correlationId: 'corr-api-1' }]);
  });

  it('is idempotent: a repeated request while the order waits for its ack starts nothing', async () => {
    const { world, api, starter } = setup();
    const waiting = startWorkflow('order-release', detailOf('ProductionOrderReleased'), world, {
      AckTimeoutSeconds: '30',
    });
    await new Promise<void>((resolve) => {
      world.mes.onRelease = () => setImmediate(resolve);
    });

    const result = await api.releaseOrder(ctx, '1000123', { plant: '1010', requestedBy: 'planner' });

    expect(result).toMatchObject({ statusCode: 202, body: { status: 'AWAITING_ACK', started: false } });
    expect(starter.runs).toHaveLength(0);
    await deliverAcknowledgement(world, '1010', { orderNumber: '1000123', mesJobId: 'J', accepted: true });
    await waiting.done;
  });

  it('re-drives an order the MES did not acknowledge', async () => {
    const { world, api, starter } = setup();
    await runWorkflow(
      'order-release',
      detailOf('ProductionOrderReleased', {}, { occurredAt: '2026-11-25T06:00:00Z' }),
      world,
    );
    expect(await world.repo.getOrder('1010', '1000123')).toMatchObject({ status: 'NOT_ACKNOWLEDGED' });
    world.mes.onRelease = (c, order) =>
      setImmediate(() => {
        void deliverAcknowledgement(world, c.plant, {
          orderNumber: order.orderNumber,
          mesJobId: 'JOB-R',
          accepted: true,
        });
      });

    const first = await api.releaseOrder(ctx, '1000123', { plant: '1010', requestedBy: 'planner' });
    const again = await api.releaseOrder(ctx, '1000123', { plant: '1010', requestedBy: 'planner' });
    await Promise.all(starter.runs);

    expect(first.body).toMatchObject({ started: true });
    expect(again.body).toMatchObject({ started: false });
    expect(await world.repo.getOrder('1010', '1000123')).toMatchObject({
      status: 'ACKNOWLEDGED',
      mesJobId: 'JOB-R',
    });
  });

  it('answers 404 for an order SAP does not have and 409 for one already acknowledged', async () => {
    const { world, api } = setup();
    await expect(api.releaseOrder(ctx, '999', { plant: '1010', requestedBy: 'p' })).rejects.toMatchObject({
      name: 'NotFoundError',
      httpStatus: 404,
    });
    await world.repo.saveOrder(
      {
        plant: '1010',
        orderNumber: '1000123',
        status: 'ACKNOWLEDGED',
        version: '2026-11-25T07:00:00Z',
        statusSince: '2026-11-25T07:00:00Z',
        releasedAt: '2026-11-25T07:00:00Z',
        correlationId: 'c',
      },
      undefined,
    );

    await expect(api.releaseOrder(ctx, '1000123', { plant: '1010', requestedBy: 'p' })).rejects.toMatchObject(
      {
        httpStatus: 409,
      },
    );
  });
});

describe('business API: status, equipment, work orders, approvals', () => {
  it('shows an order across plantsync, SAP and the MES and whether they agree', async () => {
    const { world, api, statuses } = setup();
    statuses.mes.set('1000123', 'released');
    await world.repo.saveOrder(
      {
        plant: '1010',
        orderNumber: '1000123',
        status: 'ACKNOWLEDGED',
        version: '2026-11-25T07:00:00Z',
        statusSince: '2026-11-25T07:01:00Z',
        releasedAt: '2026-11-25T07:00:00Z',
        correlationId: 'corr-order',
        mesJobId: 'JOB-1',
      },
      undefined,
    );

    const result = await api.orderStatus(ctx, '1000123');

    expect(result).toEqual({
      statusCode: 200,
      body: {
        orderNumber: '1000123',
        plant: '1010',
        plantsync: {
          status: 'ACKNOWLEDGED',
          statusSince: '2026-11-25T07:01:00Z',
          releasedAt: '2026-11-25T07:00:00Z',
          correlationId: 'corr-order',
          mesJobId: 'JOB-1',
        },
        sap: 'released',
        mes: 'released',
        inSync: true,
      },
    });
    await expect(api.orderStatus(ctx, '404404')).rejects.toMatchObject({ httpStatus: 404 });
  });

  it('shows equipment across systems with its differences, and a system that is down as unavailable', async () => {
    const { api } = setup();

    const result = await api.equipment(ctx, '10000042');

    expect(result.body).toMatchObject({
      maintenance: 'unavailable',
      systems: ['sap', 'mes'],
      differences: [
        { field: 'description', values: { sap: 'CNC milling centre DMU 50', mes: 'DMU50 mill' } },
      ],
    });
  });

  it('creates a work order once per Idempotency-Key and replays the answer', async () => {
    const { world, api } = setup();
    const body = {
      plant: '1010',
      equipmentId: '10000042',
      title: 'Check spindle',
      priority: 'high' as const,
    };

    const first = await api.createWorkOrder(ctx, 'key-0000001', body);
    const replay = await api.createWorkOrder(ctx, 'key-0000001', body);

    expect(first).toMatchObject({ statusCode: 201, body: { workOrderId: 'WO-1', replayed: false } });
    expect(replay).toMatchObject({ statusCode: 201, body: { workOrderId: 'WO-1', replayed: true } });
    expect(world.maintenance.workOrders).toHaveLength(1);
    await expect(api.createWorkOrder(ctx, 'key-0000001', { ...body, title: 'Other' })).rejects.toMatchObject({
      httpStatus: 409,
    });
    await expect(api.createWorkOrder(ctx, undefined, body)).rejects.toMatchObject({ httpStatus: 400 });
  });

  it('frees the Idempotency-Key when the maintenance platform fails, so the client can retry', async () => {
    const { world, api } = setup();
    world.maintenance.failures.fail('createWorkOrder', 'TransientError', 1);
    const body = {
      plant: '1010',
      equipmentId: '10000042',
      title: 'Check spindle',
      priority: 'high' as const,
    };

    await expect(api.createWorkOrder(ctx, 'key-0000002', body)).rejects.toMatchObject({
      name: 'TransientError',
    });
    const retry = await api.createWorkOrder(ctx, 'key-0000002', body);

    expect(retry.statusCode).toBe(201);
  });

  it('approves a waiting inventory adjustment, and answers 404 and 409 where it must', async () => {
    const { world, api } = setup();
    const execution = startWorkflow('inventory-adjustment', detailOf('InventoryAdjustmentRequested'), world, {
      ApprovalTimeoutSeconds: '30',
    });
    for (let i = 0; i < 200 && !world.callbacks.isWaiting(execution.token); i++)
      await new Promise((r) => setTimeout(r, 10));

    const result = await api.approveAdjustment(ctx, 'ADJ-1010-000045', {
      decision: 'approve',
      approver: 'j.novak',
    });
    await execution.done;

    expect(result).toMatchObject({ statusCode: 200, body: { status: 'APPROVED' } });
    expect(world.sap.adjustments).toHaveLength(1);
    await expect(
      api.approveAdjustment(ctx, 'ADJ-X', { decision: 'approve', approver: 'a' }),
    ).rejects.toMatchObject({
      httpStatus: 404,
    });
    await expect(
      api.approveAdjustment(ctx, 'ADJ-1010-000045', { decision: 'reject', approver: 'a' }),
    ).rejects.toMatchObject({ httpStatus: 409 });
    expect(
      await decideAdjustment(world, '1010', 'ADJ-1010-000045', { decision: 'approve', approver: 'a' }),
    ).toMatchObject({
      outcome: 'already-decided',
    });
  });
});

describe('business API routing', () => {
  it('routes each capability by method and path and needs a plant on the GET routes', async () => {
    const { api } = setup();

    const status = await route(
      request('GET', '/v1/orders/1000123/status', undefined, { query: { plant: '1010' } }),
      api,
    );
    const equipment = await route(
      request('GET', '/v1/equipment/10000042', undefined, { query: { plant: '1010' } }),
      api,
    );

    expect(status.statusCode).toBe(200);
    expect(equipment.statusCode).toBe(200);
    await expect(route(request('GET', '/v1/equipment/10000042'), api)).rejects.toMatchObject({
      httpStatus: 400,
    });
    await expect(route(request('DELETE', '/v1/equipment/10000042'), api)).rejects.toMatchObject({
      httpStatus: 404,
    });
  });
});
