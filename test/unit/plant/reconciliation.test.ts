import { MesClient } from '../../../functions/mes/client';
import { MesPlantSettings } from '../../../functions/mes/config';
import { ODataSapWorkflowAdapter } from '../../../functions/sap/adapters/workflow-port';
import { ODataClient } from '../../../functions/sap/odata/client';
import { reconcileEquipment, reconcileOrderStatus } from '../../../functions/workflows/domain/reconciliation';
import { mesWorkflowPort } from '../../../functions/workflows/mes-port';
import type { CallContext } from '../../../functions/workflows/ports';
import { SimulatedRestMes } from '../../../local/plant/mes-rest';
import { SimulatedSap } from '../../../local/plant/sap';
import {
  Capture,
  canonicalOrder,
  manualClock,
  mappingsFor,
  masterMap,
  PLANT_1000,
  PLANT_2000,
} from './helpers';

const SEED = 'reconciliation';
const masters = masterMap(SEED);
const master1000 = masters.get('1000') ?? (undefined as never);
const ingress = new Capture();
const clock = manualClock();
const ctx: CallContext = { correlationId: 'corr-recon', plant: '1000' };
let sap: SimulatedSap;
let mes: SimulatedRestMes;

beforeAll(async () => {
  const url = await ingress.start();
  sap = await new SimulatedSap({
    seed: SEED,
    clock,
    plants: [PLANT_1000, PLANT_2000],
    masterData: masters,
  }).start();
  mes = await new SimulatedRestMes({
    seed: SEED,
    clock,
    ingressUrl: `${url}/v1/mes/events`,
    master: master1000,
  }).start();
});

afterAll(async () => {
  await mes.stop();
  await sap.stop();
  await ingress.stop();
});

const sapPort = () =>
  new ODataSapWorkflowAdapter(
    new ODataClient({
      baseUrl: sap.odataUrl,
      auth: {
        authorization: async () => `Basic ${Buffer.from('PLANTSYNC:sim-password').toString('base64')}`,
        invalidate: () => undefined,
      },
      sleep: async () => undefined,
    }),
    mappingsFor([...masters.values()]),
  );

const mesClient = () =>
  new MesClient({
    plant: '1000',
    settings: MesPlantSettings.parse({ profile: 'rest-json', endpoint: mes.endpoint }),
    sleep: async () => undefined,
    pageSize: 2,
  });

const mesPort = () => mesWorkflowPort({ clientFor: mesClient, orderVersion: async () => undefined });

describe('reconciliation of the simulated SAP and REST MES through the connectors', () => {
  it('finds no equipment drift between SAP and the MES when both hold the same master', async () => {
    const result = reconcileEquipment({
      sap: await sapPort().listEquipment(ctx),
      mes: await mesPort().listEquipment(ctx),
    });

    expect(result).toEqual({ compared: master1000.equipment.length, drifts: [], variance: '0.000' });
  });

  it('reports an order SAP released but the MES never received as order-status drift', async () => {
    const [handedOver, missing] = sap.createOrders('1000', 2);
    if (!handedOver || !missing) throw new Error('no orders');
    await mesClient().publishOrder(
      'release',
      canonicalOrder(sap, handedOver, [...masters.values()]),
      1,
      '2026-11-25T05:00:00Z',
    );

    const result = reconcileOrderStatus(
      await sapPort().listOrderStatuses(ctx),
      await mesPort().listOrderStatuses(ctx),
    );

    expect(result.drifts).toEqual([
      {
        key: missing.orderNumber,
        differences: [{ field: 'status', values: { sap: 'released', mes: null } }],
      },
    ]);
    expect(result.compared).toBe(2);
  });
});
