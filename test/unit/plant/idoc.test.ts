import { DetailType } from '../../../events';
import { translateIdocs } from '../../../functions/sap/idoc/translate';
import { RealtimeSimClock } from '../../../local/plant/clock';
import { SimulatedSap } from '../../../local/plant/sap';
import { Capture, mappingsFor, masterMap, PLANT_1000, PLANT_2000 } from './helpers';

const SEED = 'idoc-test';
const masters = masterMap(SEED);
const capture = new Capture();
let sap: SimulatedSap;

beforeAll(async () => {
  const url = await capture.start();
  sap = await new SimulatedSap({
    seed: SEED,
    // Fast: retry backoff in simulated time is negligible, the real minimum delay applies.
    clock: new RealtimeSimClock({ speed: 1_000_000 }),
    plants: [PLANT_1000, PLANT_2000],
    masterData: masters,
    idoc: { url: `${url}/v1/sap/idocs`, packetSize: 3 },
  }).start();
});

afterAll(async () => {
  await sap.stop();
  await capture.stop();
});

beforeEach(() => {
  capture.requests.length = 0;
  capture.failFirst = 0;
});

describe('simulated SAP XML-HTTP port', () => {
  it('posts LOIPRO01 packets as text/xml that the SAP connector translates into released orders', async () => {
    const orders = sap.createOrders('1000', 5);

    await sap.sendOrders(orders);

    expect(capture.requests).toHaveLength(2); // packets of 3 and 2
    expect(capture.requests[0]?.headers['content-type']).toContain('text/xml');
    const events = capture.requests.flatMap(
      (r) => translateIdocs(r.body, { mappings: mappingsFor([...masters.values()]) }).events,
    );
    expect(events.map((e) => e.detailType)).toEqual(Array(5).fill(DetailType.ProductionOrderReleased));
    const first = events[0]?.data as { orderNumber: string; operations: unknown[]; components: unknown[] };
    expect(first.orderNumber).toBe(orders[0]?.orderNumber);
    expect(first.operations).toHaveLength(orders[0]?.operations.length ?? -1);
    expect(first.components.length).toBeGreaterThan(0);
  });

  it('resends a packet the ingress refused and marks the IDocs passed to port (03)', async () => {
    const orders = sap.createOrders('2000', 1);
    capture.failFirst = 2;

    await sap.sendOrders(orders);

    expect(capture.requests).toHaveLength(3);
    const record = sap.idocs.find((i) => i.key === orders[0]?.orderNumber);
    expect(record).toEqual(expect.objectContaining({ status: '03', attempts: 3 }));
  });

  it('sends a cancellation as LOIPRO01 with the deletion flag, which the connector reads as cancelled', async () => {
    const orders = sap.createOrders('1000', 1);

    await sap.sendOrders(orders, 'cancelled');

    const [event] = translateIdocs(capture.requests[0]?.body ?? '', {
      mappings: mappingsFor([...masters.values()]),
    }).events;
    expect(event?.detailType).toBe(DetailType.ProductionOrderCancelled);
  });

  it('sends equipment and material master IDocs the connector translates', async () => {
    await sap.sendEquipmentMaster('1000');
    await sap.sendMaterialMaster('1000');

    const events = capture.requests.flatMap(
      (r) => translateIdocs(r.body, { mappings: mappingsFor([...masters.values()]) }).events,
    );
    const equipment = events.filter((e) => e.detailType === DetailType.EquipmentMasterChanged);
    const materials = events.filter((e) => e.detailType === DetailType.MaterialMasterChanged);
    expect(equipment).toHaveLength(masters.get('1000')?.equipment.length ?? -1);
    expect(materials).toHaveLength(masters.get('1000')?.materials.length ?? -1);
  });
});
