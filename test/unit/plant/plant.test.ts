import type { EventData } from '../../../events';
import { MesClient } from '../../../functions/mes/client';
import { MesPlantSettings } from '../../../functions/mes/config';
import { translateIdocs } from '../../../functions/sap/idoc/translate';
import { ODataClient } from '../../../functions/sap/odata/client';
import { generateMasterData, generateOrders } from '../../../local/plant/master-data';
import { type SimulatedPlant, startSimulatedPlant } from '../../../local/plant/plant';
import { checkZeroLoss } from '../../../local/plant/zero-loss';
import { Capture, manualClock, mappingsFor, PLANT_1000, PLANT_2000 } from './helpers';

const SEED = 'plant-test';
const capture = new Capture();
const clock = manualClock();
let plant: SimulatedPlant;

beforeAll(async () => {
  const url = await capture.start();
  plant = await startSimulatedPlant({
    seed: SEED,
    plants: [PLANT_1000, PLANT_2000],
    clock,
    machineFaults: false,
    ingress: {
      sapIdocUrl: `${url}/v1/sap/idocs`,
      mesUrl: (code) => `${url}/v1/mes/${code}/events`,
      webhookUrl: (tool, code) => `${url}/webhooks/${tool}/${code}`,
    },
  });
});

afterAll(async () => {
  await plant.stop();
  await capture.stop();
});

const sapClient = () =>
  new ODataClient({
    baseUrl: plant.urls.sapOdata,
    auth: {
      authorization: async () => `Basic ${Buffer.from('PLANTSYNC:sim-password').toString('base64')}`,
      invalidate: () => undefined,
    },
    sleep: async () => undefined,
  });

/** Stands in for plantsync: IDoc → canonical order → MES, as the connectors would do it. */
const handOrdersToMes = async (code: '1000' | '2000') => {
  const idocs = capture.requests.filter((r) => r.url.pathname === '/v1/sap/idocs');
  const events = idocs.flatMap(
    (r) => translateIdocs(r.body, { mappings: mappingsFor([...plant.masterData.values()]) }).events,
  );
  const client = new MesClient({
    plant: code,
    settings: MesPlantSettings.parse({
      profile: code === '1000' ? 'rest-json' : 'b2mml',
      endpoint: plant.urls.mes[code],
    }),
    sleep: async () => undefined,
  });
  for (const event of events.filter((e) => e.plant === code)) {
    await client.publishOrder(
      'release',
      event.data as EventData<'ProductionOrderReleased'>,
      1,
      event.occurredAt,
    );
  }
};

describe('startSimulatedPlant', () => {
  it('starts SAP, one MES per plant in its profile and MaintainX, and reports their URLs', () => {
    expect(plant.urls.sapOdata).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/sap\/opu\/odata\/sap$/);
    expect(plant.urls.mes['1000']).toMatch(/\/api$/);
    expect(plant.urls.mes['2000']).toMatch(/\/b2mml$/);
    expect(plant.urls.maintenance['1000']).toBe(plant.maintainx?.url);
    expect(plant.urls.maintenance['2000']).toBe(plant.urls.sapOdata);
  });

  it('generates the same orders from the same seed', () => {
    const master = generateMasterData(SEED, PLANT_1000);
    const options = { count: 20, firstNumber: 1_000_000, startAt: Date.parse('2026-11-25T05:00:00Z') };

    expect(generateOrders(SEED, master, options)).toEqual(generateOrders(SEED, master, options));
    expect(generateOrders('other', master, options)).not.toEqual(generateOrders(SEED, master, options));
  });

  it('finds lost confirmations and downtimes from the systems records, and passes once they arrive', async () => {
    await plant.releaseOrders('1000', 2);
    await plant.releaseOrders('2000', 2);
    await handOrdersToMes('1000');
    await handOrdersToMes('2000');
    const mes1000 = plant.mes.get('1000');
    const incident = mes1000?.core.fault(mes1000.core.machines.keys().next().value ?? '', { flapping: true });
    await clock.advance(2 * 24 * 3_600_000);
    await plant.idle();

    const before = checkZeroLoss(plant);

    expect(before.ordersSent).toBe(4);
    expect(before.ordersMissingInMes).toEqual([]);
    expect(before.confirmationsMismatched.length).toBe(before.operationsReported);
    expect(before.incidentsWithoutNotification.map((i) => i.incidentId)).toEqual([incident?.incidentId]);
    expect(before.ok).toBe(false);

    // Act as plantsync: post every confirmation to SAP, raise one notification for the fault.
    const odata = sapClient();
    for (const mes of plant.mes.values()) {
      for (const op of mes.records.operations) {
        await odata.create('API_PROD_ORDER_CONFIRMATION_2_SRV', 'ProdnOrdConf2', {
          OrderID: op.orderNumber,
          OrderOperation: op.operationNumber,
          ConfirmationYieldQuantity: String(op.good),
          ConfirmationScrapQuantity: String(op.scrap),
          ConfirmationReworkQuantity: String(op.rework),
          IsFinalConfirmation: true,
          ConfirmationText: `${op.orderNumber}/${op.operationNumber}`,
        });
      }
    }
    const config = plant.maintainx?.configFor('1000');
    await fetch(`${config?.baseUrl}/workrequests`, {
      method: 'POST',
      headers: { authorization: `Bearer ${config?.apiToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        title: 'Machine fault',
        assetId: config?.assets[incident?.equipmentId ?? ''],
        extraFields: { [config?.referenceField ?? '']: `downtime:1000:${incident?.downtimeIds[0]}` },
      }),
    });

    const after = checkZeroLoss(plant);
    expect(after).toEqual(
      expect.objectContaining({ ok: true, confirmationsMismatched: [], incidentsWithoutNotification: [] }),
    );
  });

  it('counts an SAP notification with the equipment down as the notification of a fault, not a planned-window one', async () => {
    const mes2000 = plant.mes.get('2000');
    const equipment = mes2000?.core.machines.keys().next().value ?? '';
    mes2000?.core.fault(equipment, { flapping: false, repairMs: 10 * 60_000 });
    await clock.advance(3_600_000);
    await plant.idle();
    const odata = sapClient();
    const notification = (down: boolean, reference: string) =>
      odata.create('API_MAINTNOTIFICATION', 'MaintenanceNotification', {
        NotificationType: 'M2',
        NotificationText: down ? 'Machine fault' : 'Planned maintenance',
        TechnicalObject: equipment,
        TechObjIsEquipOrFuncnlLoc: 'EAMS_EQUI',
        MaintPriority: '2',
        MaintenancePlanningPlant: '2000',
        MaintNotifExtReferenceNumber: reference,
        MaintenanceObjectIsDown: down,
        ...(down
          ? {}
          : { RequiredStartDate: '/Date(1764568800000)/', RequiredEndDate: '/Date(1764583200000)/' }),
      });

    await notification(false, 'IMPACT-1');
    const beforeDown = checkZeroLoss(plant);
    await notification(true, 'DOWN-1');
    const after = checkZeroLoss(plant);

    expect(beforeDown.incidentsWithoutNotification.map((i) => i.equipmentId)).toEqual([equipment]);
    expect(after.ok).toBe(true);
  });
});
