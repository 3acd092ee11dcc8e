import { apiConnectors } from '../../../functions/api/bindings';
import type { MaintenanceConnector } from '../../../functions/maintenance/model';
import { ODataClient } from '../../../functions/sap/odata/client';
import { readReleasedOrder } from '../../../functions/sap/postings/released-order';
import { SimulatedSap } from '../../../local/plant/sap';
import { canonicalOrder, manualClock, mappingsFor, masterMap, PLANT_1000, PLANT_2000 } from './helpers';

const SEED = 'sap-released-order';
const masters = masterMap(SEED);
const mappings = mappingsFor([...masters.values()]);
let sap: SimulatedSap;

beforeAll(async () => {
  sap = await new SimulatedSap({
    seed: SEED,
    clock: manualClock(),
    plants: [PLANT_1000, PLANT_2000],
    masterData: masters,
  }).start();
});

afterAll(async () => {
  await sap.stop();
});

const client = () =>
  new ODataClient({
    baseUrl: sap.odataUrl,
    auth: {
      authorization: async () => `Basic ${Buffer.from('PLANTSYNC:sim-password').toString('base64')}`,
      invalidate: () => undefined,
    },
    sleep: async () => undefined,
  });

/** What OData cannot carry (material texts) is left out of the IDoc order; decimals compare by value. */
const comparable = (order: unknown): unknown =>
  JSON.parse(JSON.stringify(order), (key, value) => {
    if (key === 'description' && typeof value === 'string') return undefined;
    if (key === 'value' && typeof value === 'string') return String(Number(value));
    return value;
  });

describe('released order read from the simulated SAP over OData', () => {
  it.each(['1000', '2000'])(
    'assembles plant %s order as the LOIPRO IDoc path translates it',
    async (plant) => {
      const [order] = sap.createOrders(plant, 1);
      if (!order) throw new Error('no order');
      const fromIdoc = canonicalOrder(sap, order, [...masters.values()]);

      const fromOdata = await readReleasedOrder(client(), mappings, plant, order.orderNumber);

      expect(comparable(fromOdata)).toEqual(comparable(fromIdoc));
      expect(fromOdata?.plannedStart).toBe(fromIdoc.plannedStart);
      expect(fromOdata?.operations.length).toBeGreaterThan(0);
    },
  );

  it('keeps the operation texts, which OData carries', async () => {
    const [order] = sap.createOrders('1000', 1);
    if (!order) throw new Error('no order');

    const fromOdata = await readReleasedOrder(client(), mappings, '1000', order.orderNumber);

    expect(fromOdata?.operations.map((o) => o.description)).toEqual(
      order.operations.map((o) => o.description),
    );
  });

  it('answers undefined for an order SAP does not have or one of another plant', async () => {
    const [order] = sap.createOrders('1000', 1);
    if (!order) throw new Error('no order');

    const unknown = await readReleasedOrder(client(), mappings, '1000', '9999999');
    const otherPlant = await readReleasedOrder(client(), mappings, '2000', order.orderNumber);

    expect([unknown, otherPlant]).toEqual([undefined, undefined]);
  });

  it('is what the business API binds for an order release re-drive', async () => {
    const [order] = sap.createOrders('2000', 1);
    if (!order) throw new Error('no order');
    const api = apiConnectors({
      sap: () => ({ client: client(), mappings }),
      mesClientFor: () => {
        throw new Error('the MES is not needed');
      },
      maintenanceFor: () => ({}) as MaintenanceConnector,
    });

    const released = await api.orders.readReleasedOrder(
      { correlationId: 'corr-1', plant: '2000' },
      order.orderNumber,
    );

    expect(released?.orderNumber).toBe(order.orderNumber);
    expect(released?.systemStatus).toContain('REL');
  });
});
