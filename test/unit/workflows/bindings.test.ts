import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EventData } from '../../../events';
import { MesClient } from '../../../functions/mes/client';
import { bindConnectorPorts, lazyPort } from '../../../functions/workflows/bindings';
import { orNotComparable } from '../../../functions/workflows/domain/reconciliation';
import { type MesOrderClient, mesWorkflowPort } from '../../../functions/workflows/mes-port';
import type { CallContext } from '../../../functions/workflows/ports';

const ctx: CallContext = { correlationId: 'corr-1', plant: '1000' };
const order = {
  orderNumber: '1000123',
  orderType: 'PP01',
  material: { number: 'FG-4711' },
  plannedQuantity: { value: '120', unit: 'H87' },
  plannedStart: '2026-11-25T06:00:00+01:00',
  plannedEnd: '2026-11-25T14:00:00+01:00',
  systemStatus: ['REL'],
  operations: [{ sequence: '0', operationNumber: '0010', description: 'Milling', workCenter: 'MILL01' }],
  components: [],
} as EventData<'ProductionOrderReleased'>;

const recordingClient = () => {
  const calls: unknown[][] = [];
  const record =
    (name: string, result: unknown = { outcome: 'applied' }) =>
    async (...args: unknown[]) => {
      calls.push([name, ...args]);
      return result;
    };
  const client = {
    publishOrder: record('publishOrder'),
    cancelOrder: record('cancelOrder'),
    readProductionStatus: record('readProductionStatus', {
      equipmentId: 'EQ-1',
      state: 'running',
      currentOrder: { orderNumber: '1000123', mesJobId: 'J1' },
      observedAt: '2026-11-25T08:00:00Z',
    }),
    readOrderStatus: record('readOrderStatus', undefined),
    reportEquipmentAvailability: record('reportEquipmentAvailability', undefined),
  } as unknown as MesOrderClient;
  return { client, calls };
};

describe('MES port over the MES client', () => {
  it('publishes a release with the epoch milliseconds of the SAP fact as revision', async () => {
    const { client, calls } = recordingClient();
    const port = mesWorkflowPort({
      clientFor: () => client,
      orderVersion: async () => '2026-11-25T07:00:00+01:00',
    });

    await port.releaseOrder(ctx, order);

    expect(calls).toEqual([
      ['publishOrder', 'release', order, Date.parse('2026-11-25T06:00:00Z'), '2026-11-25T07:00:00+01:00'],
    ]);
  });

  it('sends a change as the full new state with its own revision', async () => {
    const { client, calls } = recordingClient();
    const port = mesWorkflowPort({
      clientFor: () => client,
      orderVersion: async () => '2026-11-25T09:30:00Z',
    });

    await port.changeOrder(ctx, { ...order, changedFields: ['plannedQuantity'] });

    expect(calls[0]?.slice(0, 2)).toEqual(['publishOrder', 'change']);
    expect(calls[0]?.[3]).toBe(Date.parse('2026-11-25T09:30:00Z'));
  });

  it('cancels with the reason and the revision of the cancellation', async () => {
    const { client, calls } = recordingClient();
    const port = mesWorkflowPort({
      clientFor: () => client,
      orderVersion: async () => '2026-11-25T10:00:00Z',
    });

    await port.cancelOrder(ctx, '1000123', 'withdrawn');

    expect(calls).toEqual([
      [
        'cancelOrder',
        { orderNumber: '1000123', systemStatus: [], reason: 'withdrawn' },
        Date.parse('2026-11-25T10:00:00Z'),
        '2026-11-25T10:00:00Z',
      ],
    ]);
  });

  it('retries (TransientError) when the order has no correlation state yet', async () => {
    const { client } = recordingClient();
    const port = mesWorkflowPort({ clientFor: () => client, orderVersion: async () => undefined });

    await expect(port.releaseOrder(ctx, order)).rejects.toMatchObject({ name: 'TransientError' });
  });

  it('maps the MES production status onto the port shape', async () => {
    const { client } = recordingClient();
    const port = mesWorkflowPort({ clientFor: () => client, orderVersion: async () => undefined });

    const status = await port.readProductionStatus(ctx, 'EQ-1');

    expect(status).toEqual({ equipmentId: 'EQ-1', state: 'running', currentOrder: '1000123' });
  });

  it('maps the MES equipment master and order list onto the port records', async () => {
    const client = {
      listEquipment: async () => [
        {
          equipmentId: '10000041',
          description: 'Press',
          workCenter: 'PRESS01',
          active: false,
          available: true,
        },
        { equipmentId: '10000042', line: 'L1', available: false },
      ],
      listOrders: async (filter: string) => [
        { orderNumber: '1000123', status: 'in-execution', mesStatus: `RUNNING:${filter}` },
      ],
    } as unknown as MesOrderClient;
    const port = mesWorkflowPort({ clientFor: () => client, orderVersion: async () => undefined });

    const equipment = await port.listEquipment(ctx);
    const orders = await port.listOrderStatuses(ctx);

    expect(equipment).toEqual([
      { equipmentId: '10000041', description: 'Press', workCenter: 'PRESS01', inactive: true },
      { equipmentId: '10000042' },
    ]);
    expect(orders).toEqual([{ orderNumber: '1000123', status: 'in-execution' }]);
  });

  it('reports a B2MML plant as not comparable instead of an empty list', async () => {
    const b2mml = new MesClient({
      plant: '2000',
      settings: { profile: 'b2mml', endpoint: 'http://127.0.0.1:9/api', b2mmlVersion: 'V0700' },
    });
    const port = mesWorkflowPort({ clientFor: () => b2mml, orderVersion: async () => undefined });

    const listed = await orNotComparable(port.listEquipment(ctx));
    const error = await port.listOrderStatuses(ctx).catch((e: unknown) => e);

    expect(listed).toBeUndefined();
    expect(error).toMatchObject({
      name: 'PermanentError',
      message: expect.stringContaining('b2mml profile'),
    });
  });

  describe('with the real MES client and an MES that is down', () => {
    let server: Server;
    let endpoint: string;
    beforeAll(async () => {
      // Bind and close a port so nothing listens on it.
      server = createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it('fails the release as transient (retried by the workflow), not as a configuration error', async () => {
      const client = new MesClient({
        plant: '1000',
        settings: { profile: 'rest-json', endpoint, b2mmlVersion: 'V0700' },
        maxAttempts: 1,
        timeoutMs: 2000,
      });
      const port = mesWorkflowPort({
        clientFor: () => client,
        orderVersion: async () => '2026-11-25T06:00:00Z',
      });

      await expect(port.releaseOrder(ctx, order)).rejects.toMatchObject({ name: 'TransientError' });
    });
  });
});

describe('connector bindings of the workflows', () => {
  it('builds nothing until a port is called, so an MES task works without SAP settings', async () => {
    const { client, calls } = recordingClient();
    const ports = bindConnectorPorts(
      {},
      { mesClientFor: () => client, orderVersion: async () => '2026-11-25T06:00:00Z' },
    );

    await ports.mes.reportEquipmentAvailability(ctx, 'EQ-1', true, '2026-11-25T08:00:00Z');

    expect(calls).toEqual([['reportEquipmentAvailability', 'EQ-1', true, '2026-11-25T08:00:00Z']]);
  });

  it('reports a missing SAP setting by name on the first SAP call', async () => {
    const ports = bindConnectorPorts({});

    await expect(ports.sap.findOrderOperation(ctx, '1000123', '0010')).rejects.toMatchObject({
      name: 'ConfigError',
      message: expect.stringContaining('SAP_BASE_URL'),
    });
  });

  it('reports missing maintenance settings by name on the first maintenance call', async () => {
    const ports = bindConnectorPorts({});

    await expect(ports.maintenance.listAssets(ctx)).rejects.toMatchObject({
      name: 'ConfigError',
      message: expect.stringContaining('MAINTENANCE_PLANTS'),
    });
  });

  it('builds a lazy port once however many calls it serves', async () => {
    let built = 0;
    const port = lazyPort(() => {
      built += 1;
      return { ping: async () => 'pong' };
    });

    await port.ping();
    await port.ping();

    expect(built).toBe(1);
  });
});
