import { MesClient } from '../../../functions/mes/client';
import { MesPlantSettings } from '../../../functions/mes/config';
import { SimulatedB2mmlMes } from '../../../local/plant/mes-b2mml';
import { SimulatedRestMes } from '../../../local/plant/mes-rest';
import { SimulatedSap } from '../../../local/plant/sap';
import { Capture, canonicalOrder, manualClock, masterMap, PLANT_1000, PLANT_2000 } from './helpers';

const SEED = 'mes-client';
const masters = masterMap(SEED);
const ingress = new Capture();
const clock = manualClock();
const sap = new SimulatedSap({ seed: SEED, clock, plants: [PLANT_1000, PLANT_2000], masterData: masters });
let rest: SimulatedRestMes;
let b2mml: SimulatedB2mmlMes;

beforeAll(async () => {
  const url = await ingress.start();
  const common = { seed: SEED, clock, ingressUrl: `${url}/v1/mes/events` };
  rest = await new SimulatedRestMes({
    ...common,
    master: masters.get('1000') ?? (undefined as never),
  }).start();
  b2mml = await new SimulatedB2mmlMes({
    ...common,
    master: masters.get('2000') ?? (undefined as never),
  }).start();
});

afterAll(async () => {
  await rest.stop();
  await b2mml.stop();
  await ingress.stop();
});

const clientFor = (plant: '1000' | '2000') =>
  new MesClient({
    plant,
    settings: MesPlantSettings.parse({
      profile: plant === '1000' ? 'rest-json' : 'b2mml',
      endpoint: plant === '1000' ? rest.endpoint : b2mml.endpoint,
    }),
    sleep: async () => undefined,
  });

describe.each(['1000', '2000'] as const)(
  'simulated MES of plant %s against the MES connector client',
  (plant) => {
    const mes = () => (plant === '1000' ? rest : b2mml);

    it('takes a release, keeps the highest revision and answers a stale one as superseded', async () => {
      const [order] = sap.createOrders(plant, 1);
      if (!order) throw new Error('no order');
      const canonical = canonicalOrder(sap, order, [...masters.values()]);
      const client = clientFor(plant);

      const released = await client.publishOrder('release', canonical, 2, '2026-11-25T05:00:00Z');
      const resent = await client.publishOrder('release', canonical, 2, '2026-11-25T05:00:00Z');
      const stale = await client.publishOrder(
        'change',
        { ...canonical, changedFields: [] },
        1,
        '2026-11-25T05:00:00Z',
      );

      expect([released.outcome, resent.outcome, stale.outcome]).toEqual(['applied', 'applied', 'superseded']);
      expect(mes().records.orders.get(order.orderNumber)?.duplicates).toBe(1);
      expect((await client.readOrderStatus(order.orderNumber))?.status).toBe('released');
    });

    it('answers production status and takes equipment availability', async () => {
      const equipmentId = masters.get(plant)?.equipment[0]?.equipmentId ?? '';
      const client = clientFor(plant);

      await client.reportEquipmentAvailability(equipmentId, false, '2026-11-25T06:00:00Z');
      const status = await client.readProductionStatus({ equipmentId });

      expect(status.state).toBe('maintenance');
    });

    it('cancels an order', async () => {
      const [order] = sap.createOrders(plant, 1);
      if (!order) throw new Error('no order');
      const client = clientFor(plant);
      await client.publishOrder(
        'release',
        canonicalOrder(sap, order, [...masters.values()]),
        1,
        '2026-11-25T05:00:00Z',
      );

      await client.cancelOrder(
        { orderNumber: order.orderNumber, reason: 'deleted in SAP', systemStatus: ['DLFL'] },
        2,
        '2026-11-25T05:00:00Z',
      );

      expect(mes().records.orders.get(order.orderNumber)?.status).toBe('cancelled');
    });
  },
);

describe('simulated REST MES list resources against the MES connector client', () => {
  it('pages the equipment master as the MES knows it', async () => {
    const client = new MesClient({
      plant: '1000',
      settings: MesPlantSettings.parse({ profile: 'rest-json', endpoint: rest.endpoint }),
      sleep: async () => undefined,
      pageSize: 1,
    });
    const master = masters.get('1000')?.equipment ?? [];

    const listed = await client.listEquipment();

    expect(listed.map((e) => e.equipmentId)).toEqual(master.map((e) => e.equipmentId).sort());
    expect(listed[0]).toMatchObject({ active: true, description: expect.any(String) });
  });

  it('lists every order it holds, cancelled ones included, and only open ones when asked', async () => {
    const [open, cancelled] = sap.createOrders('1000', 2);
    if (!open || !cancelled) throw new Error('no orders');
    const client = clientFor('1000');
    for (const order of [open, cancelled])
      await client.publishOrder(
        'release',
        canonicalOrder(sap, order, [...masters.values()]),
        1,
        '2026-11-25T05:00:00Z',
      );
    await client.cancelOrder(
      { orderNumber: cancelled.orderNumber, systemStatus: ['DLFL'] },
      2,
      '2026-11-25T05:00:00Z',
    );

    const all = await client.listOrders('all');
    const openOnly = await client.listOrders('open');

    expect(all).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ orderNumber: open.orderNumber, status: 'released' }),
        expect.objectContaining({ orderNumber: cancelled.orderNumber, status: 'cancelled' }),
      ]),
    );
    expect(openOnly.map((o) => o.orderNumber)).toContain(open.orderNumber);
    expect(openOnly.map((o) => o.orderNumber)).not.toContain(cancelled.orderNumber);
  });

  it('answers 400 to an unknown status filter', async () => {
    const response = await fetch(`${rest.endpoint}/v1/production-orders?status=paused`);

    expect(response.status).toBe(400);
  });
});
