import { ODataClient } from '../../../functions/sap/odata/client';
import { postProductionConfirmation } from '../../../functions/sap/postings/confirmation';
import { postGoodsMovement } from '../../../functions/sap/postings/goods-movement';
import { createMaintenanceNotification } from '../../../functions/sap/postings/maintenance';
import { readProductionOrder } from '../../../functions/sap/postings/production-order';
import { SimulatedSap } from '../../../local/plant/sap';
import { manualClock, mappingsFor, masterMap, PLANT_1000, PLANT_2000 } from './helpers';

const SEED = 'sap-postings';
const masters = masterMap(SEED);
const mappings = mappingsFor([...masters.values()]);
const plant1000 = mappings.plants.find((p) => p.plant === '1000') ?? (undefined as never);
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

describe('simulated SAP against the SAP posting connector', () => {
  it('posts a confirmation once: a repeat finds it by its external key and posts nothing', async () => {
    const [order] = sap.createOrders('1000', 1);
    const confirmation = {
      orderNumber: order?.orderNumber ?? '',
      mesJobId: 'JOB-1',
      operationNumber: order?.operations[0]?.operationNumber ?? '',
      confirmationId: 'CONF-1000-000001',
      yield: { value: '95', unit: 'H87' as const },
      scrap: { value: '5', unit: 'H87' as const },
      rework: { value: '0', unit: 'H87' as const },
      finalConfirmation: true,
    };
    const posting = { confirmation, occurredAt: '2026-11-25T08:00:00+01:00', plant: plant1000 };

    const first = await postProductionConfirmation(client(), posting);
    const second = await postProductionConfirmation(client(), posting);

    expect([first.status, second.status]).toEqual(['posted', 'already-posted']);
    expect(sap.records.confirmations).toHaveLength(1);
    expect(sap.records.confirmedTotals(confirmation.orderNumber, confirmation.operationNumber)).toEqual({
      yield: 95,
      scrap: 5,
      rework: 0,
      final: true,
    });
  });

  it('serves a production order with its system statuses as the connector reads them', async () => {
    const [order] = sap.createOrders('1000', 1);

    const state = await readProductionOrder(client(), order?.orderNumber ?? '');

    expect(state).toEqual(
      expect.objectContaining({
        orderNumber: order?.orderNumber,
        released: true,
        closedForExecution: false,
        systemStatus: ['REL'],
      }),
    );
  });

  it('records a goods issue posted as a material document once', async () => {
    const [order] = sap.createOrders('1000', 1);
    const component = order?.components[0];
    const movement = {
      movementId: 'MM-1000-000001',
      orderNumber: order?.orderNumber ?? '',
      movement: 'goods-issue' as const,
      material: component?.material.number ?? '',
      quantity: { value: component?.quantity ?? '1', unit: 'H87' as const },
      storageLocation: '0001',
      reversal: false,
    };
    const posting = {
      movement,
      occurredAt: '2026-11-25T08:00:00+01:00',
      plant: { ...plant1000, defaultStorageLocation: '0001' },
    };

    await postGoodsMovement(client(), posting);
    await postGoodsMovement(client(), posting);

    expect(sap.records.materialDocuments).toHaveLength(1);
    expect(sap.records.materialDocuments[0]?.items[0]).toEqual(
      expect.objectContaining({ movementType: '261', orderNumber: order?.orderNumber }),
    );
  });

  it('records a notification with required dates (the connector posts operational impact this way)', async () => {
    const equipmentId = masters.get('1000')?.equipment[0]?.equipmentId ?? '';
    const plant = { ...plant1000, maintenance: { notificationType: 'M2', orderType: 'PM01' } };

    await createMaintenanceNotification(client(), {
      idempotencyKey: 'sap-operational-impact:1000:ALERT-1',
      plant,
      equipmentId,
      title: 'Planned maintenance',
      priority: 'high',
      breakdown: false,
      requiredStart: '2026-11-28T06:00:00+01:00',
      requiredEnd: '2026-11-28T10:00:00+01:00',
    });

    expect(sap.records.notifications).toHaveLength(1);
    expect(sap.records.operationalImpacts).toEqual([
      expect.objectContaining({ source: 'notification', equipment: equipmentId }),
    ]);
  });
});
