import type { EventData } from '../../../events';
import type { AuthProvider } from '../../../functions/sap/odata/auth';
import { ODataClient } from '../../../functions/sap/odata/client';
import { SapUnavailableError } from '../../../functions/sap/odata/errors';
import { externalGuid } from '../../../functions/sap/odata/values';
import { postProductionConfirmation } from '../../../functions/sap/postings/confirmation';
import { readEquipment } from '../../../functions/sap/postings/equipment';
import { postGoodsMovement } from '../../../functions/sap/postings/goods-movement';
import {
  createMaintenanceNotification,
  createMaintenanceOrder,
  readMaintenanceOrder,
  updateMaintenanceOrder,
} from '../../../functions/sap/postings/maintenance';
import { readProductionOrder } from '../../../functions/sap/postings/production-order';
import { BusinessRuleError } from '../../../shared/errors';
import { FakeSapServer } from './fake-sap-server';
import { testMappings } from './fixtures';

const auth: AuthProvider = { authorization: async () => 'Basic dGVzdDp0ZXN0', invalidate: () => undefined };
const plant =
  testMappings.plants[0] ??
  (() => {
    throw new Error('fixture plant');
  })();
const server = new FakeSapServer();
let baseUrl = '';
const client = (fetchImpl?: typeof fetch) =>
  new ODataClient({
    baseUrl,
    auth,
    sleep: async () => undefined,
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  });

let counter = 0;
beforeAll(async () => {
  baseUrl = await server.start();
});
afterAll(async () => {
  await server.stop();
});
beforeEach(() => {
  server.requests.length = 0;
  server.defineSet('API_PROD_ORDER_CONFIRMATION_2_SRV', 'ProdnOrdConf2', {
    keys: ['ConfirmationGroup', 'ConfirmationCount'],
    onCreate: (body) => ({
      ...body,
      ConfirmationGroup: '207',
      ConfirmationCount: String(++counter),
      IsReversed: false,
    }),
  });
  server.defineSet('API_MATERIAL_DOCUMENT_SRV', 'A_MaterialDocumentHeader', {
    keys: ['MaterialDocumentYear', 'MaterialDocument'],
    onCreate: (body) => ({
      ...body,
      MaterialDocumentYear: '2026',
      MaterialDocument: String(4900000000 + ++counter),
    }),
  });
  server.defineSet('API_MAINTNOTIFICATION', 'MaintenanceNotification', {
    keys: ['MaintenanceNotification'],
    onCreate: (body) => ({ ...body, MaintenanceNotification: String(10000000 + ++counter) }),
  });
  server.defineSet('API_MAINTENANCEORDER', 'MaintenanceOrder', {
    keys: ['MaintenanceOrder'],
    onCreate: (body) => ({ ...body, MaintenanceOrder: String(4000000 + ++counter) }),
  });
});

const confirmation: EventData<'ProductionConfirmed'> = {
  orderNumber: '1000123',
  mesJobId: 'JOB-1010-000871',
  confirmationId: 'CONF-1010-000871-0010-01',
  operationNumber: '0010',
  workCenter: 'MILL01',
  yield: { value: '118', unit: 'H87' },
  scrap: { value: '2', unit: 'H87' },
  rework: { value: '0', unit: 'H87' },
  scrapReason: 'S01',
  finalConfirmation: true,
  machineTime: { value: '2.350', unit: 'HUR' },
};
const confirmationPosting = {
  confirmation,
  idempotencyKey: 'mes:conf:CONF-1010-000871-0010-01',
  occurredAt: '2026-11-25T13:40:00Z',
  plant,
};

describe('production order confirmation', () => {
  it('posts ProdnOrdConf2 with the external key, SAP units and the plant-local posting date', async () => {
    const outcome = await postProductionConfirmation(client(), confirmationPosting);

    expect(outcome.status).toBe('posted');
    const [post] = server.requestsTo('POST', 'ProdnOrdConf2');
    expect(post?.body).toMatchObject({
      OrderID: '1000123',
      OrderOperation: '0010',
      ConfirmationText: 'plantsync CONF-1010-000871-0010-01',
      ExternalSystemConfirmation: externalGuid('mes:conf:CONF-1010-000871-0010-01'),
      ConfirmationUnit: 'ST',
      ConfirmationYieldQuantity: '118',
      ConfirmationScrapQuantity: '2',
      VarianceReasonCode: 'S01',
      IsFinalConfirmation: true,
      OpConfirmedWorkQuantity2: '2.350',
      OpWorkQuantityUnit2: 'H',
      PostingDate: `/Date(${Date.UTC(2026, 10, 25)})/`,
      ConfirmedExecutionEndTime: 'PT14H40M00S',
    });
  });

  it('does not post twice when the same confirmation is retried', async () => {
    await postProductionConfirmation(client(), confirmationPosting);

    const again = await postProductionConfirmation(client(), confirmationPosting);

    expect(again.status).toBe('already-posted');
    expect(server.rows('API_PROD_ORDER_CONFIRMATION_2_SRV', 'ProdnOrdConf2')).toHaveLength(1);
    expect(server.requestsTo('POST', 'ProdnOrdConf2')).toHaveLength(1);
  });

  it('posts once when SAP committed but the answer was lost and the posting is retried', async () => {
    const losesAnswer: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (init?.method === 'POST') throw new DOMException('timeout', 'TimeoutError');
      return response;
    };
    await expect(postProductionConfirmation(client(losesAnswer), confirmationPosting)).rejects.toBeInstanceOf(
      SapUnavailableError,
    );

    const retry = await postProductionConfirmation(client(), confirmationPosting);

    expect(retry.status).toBe('already-posted');
    expect(server.rows('API_PROD_ORDER_CONFIRMATION_2_SRV', 'ProdnOrdConf2')).toHaveLength(1);
  });

  it('posts a different confirmation of the same operation', async () => {
    await postProductionConfirmation(client(), confirmationPosting);

    const second = await postProductionConfirmation(client(), {
      ...confirmationPosting,
      idempotencyKey: 'mes:conf:CONF-1010-000871-0010-02',
      confirmation: { ...confirmation, confirmationId: 'CONF-1010-000871-0010-02' },
    });

    expect(second.status).toBe('posted');
    expect(server.rows('API_PROD_ORDER_CONFIRMATION_2_SRV', 'ProdnOrdConf2')).toHaveLength(2);
  });

  it('turns an SAP business refusal into a business rule error owned by SAP', async () => {
    server.fail({
      status: 400,
      body: {
        error: { code: 'RU/505', message: { lang: 'en', value: 'Order 1000123 is locked by PLANNER1' } },
      },
      when: (r) => r.method === 'POST',
    });

    const error = await postProductionConfirmation(client(), confirmationPosting).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(BusinessRuleError);
    expect((error as BusinessRuleError).rule).toEqual({
      kind: 'sap-business-rejection',
      owner: { system: 'sap', role: 'production controller' },
      businessKey: { kind: 'order', value: '1000123' },
    });
    expect((error as Error).message).toBe('SAP refused: Order 1000123 is locked by PLANNER1');
  });
});

describe('goods movements', () => {
  const issue: EventData<'MaterialMovementRecorded'> = {
    movementId: 'MM-1010-000871-01',
    orderNumber: '1000123',
    mesJobId: 'JOB-1010-000871',
    movement: 'goods-issue',
    material: 'RM-CAST-22',
    quantity: { value: '120', unit: 'H87' },
    storageLocation: '0001',
    reversal: false,
  };

  it('posts a goods issue to the order with movement type 261', async () => {
    const outcome = await postGoodsMovement(client(), {
      movement: issue,
      idempotencyKey: 'mes:mm:MM-1010-000871-01',
      occurredAt: '2026-11-25T07:00:00Z',
      plant,
    });

    expect(outcome.status).toBe('posted');
    const [post] = server.requestsTo('POST', 'A_MaterialDocumentHeader');
    expect(post?.body).toMatchObject({
      GoodsMovementCode: '03',
      MaterialDocumentHeaderText: expect.stringMatching(/^PS[A-Z2-7]{23}$/),
      to_MaterialDocumentItem: {
        results: [
          {
            Material: 'RM-CAST-22',
            Plant: '1010',
            StorageLocation: '0001',
            GoodsMovementType: '261',
            ManufacturingOrder: '1000123',
            EntryUnit: 'ST',
            QuantityInEntryUnit: '120',
          },
        ],
      },
    });
  });

  it('posts a goods receipt for the order with movement type 101 and reference type F', async () => {
    await postGoodsMovement(client(), {
      movement: {
        ...issue,
        movementId: 'MM-GR-1',
        movement: 'goods-receipt',
        material: 'FG-4711',
        storageLocation: '0004',
      },
      idempotencyKey: 'mes:mm:MM-GR-1',
      occurredAt: '2026-11-25T13:00:00Z',
      plant,
    });

    const body = server.requestsTo('POST', 'A_MaterialDocumentHeader')[0]?.body as
      | { to_MaterialDocumentItem: { results: unknown[] } }
      | undefined;
    const item = body?.to_MaterialDocumentItem.results[0];
    expect(item).toMatchObject({
      GoodsMovementType: '101',
      GoodsMovementRefDocType: 'F',
      ManufacturingOrderItem: '1',
    });
  });

  it('does not post the same movement twice', async () => {
    const posting = {
      movement: issue,
      idempotencyKey: 'mes:mm:MM-1010-000871-01',
      occurredAt: '2026-11-25T07:00:00Z',
      plant,
    };
    await postGoodsMovement(client(), posting);

    const again = await postGoodsMovement(client(), posting);

    expect(again).toMatchObject({ status: 'already-posted', document: { MaterialDocumentYear: '2026' } });
    expect(server.rows('API_MATERIAL_DOCUMENT_SRV', 'A_MaterialDocumentHeader')).toHaveLength(1);
  });
});

describe('maintenance postings', () => {
  const request = {
    idempotencyKey: 'mes:downtime:DT-1010-L01-20261125-0007',
    plant,
    equipmentId: '10000042',
    title: 'Spindle overload on CNC milling centre DMU 50',
    priority: 'high' as const,
    malfunctionStart: '2026-11-25T08:12:00Z',
    breakdown: true,
  };

  it('creates a notification once, keyed by the external reference number', async () => {
    const first = await createMaintenanceNotification(client(), request);
    const second = await createMaintenanceNotification(client(), request);

    expect(first.status).toBe('posted');
    expect(second).toMatchObject({ status: 'already-posted', externalReference: first.externalReference });
    expect(first.externalReference).toMatch(/^PS[A-Z2-7]{18}$/);
    expect(server.requestsTo('POST', 'MaintenanceNotification')[0]?.body).toMatchObject({
      NotificationType: 'M2',
      NotificationText: 'Spindle overload on CNC milling centre D',
      MaintPriority: '2',
      TechnicalObject: '10000042',
      TechObjIsEquipOrFuncnlLoc: 'EAMS_EQUI',
      MaintenancePlanningPlant: '1010',
      MainWorkCenter: 'MECH',
      MalfunctionStartTime: 'PT09H12M00S',
      MaintenanceObjectIsDown: true,
    });
    expect(server.rows('API_MAINTNOTIFICATION', 'MaintenanceNotification')).toHaveLength(1);
  });

  it('creates one maintenance order per notification and updates it under its ETag', async () => {
    const orderRequest = {
      plant,
      notification: '10000001',
      equipmentId: '10000042',
      description: 'Replace spindle bearing',
      priority: 'urgent' as const,
    };
    const created = await createMaintenanceOrder(client(), orderRequest);
    const again = await createMaintenanceOrder(client(), orderRequest);

    await updateMaintenanceOrder(client(), created.document.MaintenanceOrder, {
      MaintenanceOrderDesc: 'Replace spindle bearing (2 pcs)',
    });

    expect(again.status).toBe('already-posted');
    const { data } = await readMaintenanceOrder(client(), created.document.MaintenanceOrder);
    expect(data).toMatchObject({
      MaintenanceOrderType: 'PM01',
      MaintPriority: '1',
      MaintenanceOrderDesc: 'Replace spindle bearing (2 pcs)',
    });
    expect(server.requestsTo('PATCH', 'MaintenanceOrder')[0]?.headers['if-match']).toMatch(/^W\//);
  });
});

describe('reads', () => {
  it('reads a production order with its system statuses', async () => {
    server.defineSet('API_PRODUCTION_ORDER_2_SRV', 'A_ProductionOrder_2', { keys: ['ManufacturingOrder'] }, [
      {
        ManufacturingOrder: '1000123',
        ManufacturingOrderType: 'PP01',
        ProductionPlant: '1010',
        Material: 'FG-4711',
        TotalQuantity: '120',
        ProductionUnit: 'ST',
        MfgOrderConfirmedYieldQty: '118',
        OrderIsReleased: 'X',
        OrderIsTechnicallyCompleted: '',
      },
    ]);
    server.defineSet(
      'API_PRODUCTION_ORDER_2_SRV',
      'A_ProductionOrderStatus_2',
      { keys: ['ManufacturingOrder'] },
      [
        { ManufacturingOrder: '1000123', StatusCode: 'I0002', StatusShortName: 'REL', IsUserStatus: false },
        { ManufacturingOrder: '1000123', StatusCode: 'I0010', StatusShortName: 'PCNF', IsUserStatus: false },
        { ManufacturingOrder: '1000123', StatusCode: 'E0001', StatusShortName: 'INIT', IsUserStatus: true },
      ],
    );

    const order = await readProductionOrder(client(), '1000123');

    expect(order).toEqual({
      orderNumber: '1000123',
      orderType: 'PP01',
      plant: '1010',
      material: 'FG-4711',
      totalQuantity: '120',
      unit: 'ST',
      confirmedYield: '118',
      systemStatus: ['REL', 'PCNF'],
      released: true,
      closedForExecution: false,
    });
  });

  it('reads the current validity period of an equipment', async () => {
    server.defineSet('API_EQUIPMENT', 'Equipment', { keys: ['Equipment'] }, [
      { Equipment: '10000042', ValidityEndDate: '/Date(1767139200000)/', EquipmentName: 'CNC DMU 50 (old)' },
      {
        Equipment: '10000042',
        ValidityEndDate: '/Date(253402214400000)/',
        ValidityStartDate: '/Date(1767225600000)/',
        EquipmentName: 'CNC milling centre DMU 50',
        EquipmentCategory: 'M',
        MaintenancePlant: '1010',
        AssetManufacturerName: 'DMG MORI',
        ABCIndicator: 'A',
        EquipmentIsInactive: false,
      },
    ]);

    const equipment = await readEquipment(client(), '10000042');

    expect(equipment).toMatchObject({
      equipmentNumber: '10000042',
      description: 'CNC milling centre DMU 50',
      plant: '1010',
      criticality: 'A',
      validFrom: '2026-01-01',
      inactive: false,
    });
  });
});
