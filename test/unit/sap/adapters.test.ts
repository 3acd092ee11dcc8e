import type { CreateNotificationCommand, CreateWorkOrderCommand } from '../../../functions/maintenance/model';
import { SapPmConnector } from '../../../functions/maintenance/sap-pm';
import { ODataSapPmAdapter } from '../../../functions/sap/adapters/sap-pm-port';
import { ODataSapWorkflowAdapter, orderStatusOf } from '../../../functions/sap/adapters/workflow-port';
import type { AuthProvider } from '../../../functions/sap/odata/auth';
import { ODataClient } from '../../../functions/sap/odata/client';
import { FakeSapServer } from './fake-sap-server';
import { testMappings } from './fixtures';

const auth: AuthProvider = { authorization: async () => 'Basic dGVzdDp0ZXN0', invalidate: () => undefined };
const plant =
  testMappings.plants[0] ??
  (() => {
    throw new Error('fixture plant');
  })();
const server = new FakeSapServer();
let client: ODataClient;
let counter = 0;
const ctx = { correlationId: 'corr-1', plant: '1010' };

beforeAll(async () => {
  client = new ODataClient({ baseUrl: await server.start(), auth, sleep: async () => undefined });
});
afterAll(async () => {
  await server.stop();
});
beforeEach(() => {
  server.requests.length = 0;
  server.defineSet('API_MAINTNOTIFICATION', 'MaintenanceNotification', {
    keys: ['MaintenanceNotification'],
    onCreate: (body) => ({ ...body, MaintenanceNotification: String(10000000 + ++counter) }),
  });
  server.defineSet('API_MAINTENANCEORDER', 'MaintenanceOrder', {
    keys: ['MaintenanceOrder'],
    onCreate: (body) => ({
      ...body,
      MaintenanceOrder: String(4000000 + ++counter),
      SystemStatusText: 'CRTD',
    }),
  });
  server.defineSet('API_PROD_ORDER_CONFIRMATION_2_SRV', 'ProdnOrdConf2', {
    keys: ['ConfirmationGroup', 'ConfirmationCount'],
    onCreate: (body) => ({ ...body, ConfirmationGroup: '207', ConfirmationCount: String(++counter) }),
  });
});

describe('SAP PM port adapter (functions/maintenance SapPmPort)', () => {
  const adapter = () => new ODataSapPmAdapter(client, plant);

  it('makes the maintenance connector create a notification once for a long reference', async () => {
    const connector = new SapPmConnector(adapter(), {
      notificationType: 'M2',
      orderType: 'PM01',
      planningPlant: '1010',
    });
    const command = {
      externalReference: 'ps-1010-DT-1010-L01-20261125-0007',
      equipmentId: '10000042',
      priority: 'high',
      title: 'Spindle overload',
      downtimeId: 'DT-1010-L01-20261125-0007',
    } as CreateNotificationCommand;

    const first = await connector.createNotification(command);
    const second = await connector.createNotification(command);

    expect(first.created).toBe(true);
    expect(second).toEqual({ id: first.id, created: false });
    const [row] = server.rows('API_MAINTNOTIFICATION', 'MaintenanceNotification');
    expect(String(row?.MaintNotifExtReferenceNumber)).toMatch(/^PS[A-Z2-7]{18}$/);
  });

  it('makes the maintenance connector create an order once, with its reference and OData dates', async () => {
    const connector = new SapPmConnector(adapter(), {
      notificationType: 'M2',
      orderType: 'PM01',
      planningPlant: '1010',
    });
    const command = {
      externalReference: 'ps-1010-ALERT-7781',
      equipmentId: '10000042',
      priority: 'urgent',
      title: 'Replace spindle bearing',
      origin: 'predictive',
      plannedStart: '2026-11-28T22:00:00+01:00',
    } as CreateWorkOrderCommand;

    const first = await connector.createWorkOrder(command);
    const second = await connector.createWorkOrder(command);

    expect(second).toEqual({ id: first.id, created: false });
    expect(server.rows('API_MAINTENANCEORDER', 'MaintenanceOrder')[0]).toMatchObject({
      MaintObjectFreeDefinedAttrib: 'PS-1010-ALERT-7781',
      MaintOrdBasicStartDateTime: `/Date(${Date.parse('2026-11-28T21:00:00Z')}+0000)/`,
      MaintPriority: '1',
    });
  });

  it('calls the release action once and skips it when SAP already shows REL', async () => {
    const calls: string[] = [];
    server.defineFunction('API_MAINTENANCEORDER', 'ReleaseMaintenanceOrder', (params) => {
      const order = String(params.get('MaintenanceOrder')).replace(/'/g, '');
      calls.push(order);
      const row = server
        .rows('API_MAINTENANCEORDER', 'MaintenanceOrder')
        .find((r) => r.MaintenanceOrder === order);
      if (row) row.SystemStatusText = 'REL';
      return {};
    });
    const { MaintenanceOrder } = await adapter().createMaintenanceOrder({
      MaintenanceOrderType: 'PM01',
      MaintenanceOrderDesc: 'Replace bearing',
      Equipment: '10000042',
      MaintenancePlanningPlant: '1010',
      MaintPriority: '2',
      externalReference: 'ps-1010-WO-1',
    });

    await adapter().setMaintenanceOrderPhase(MaintenanceOrder, 'release');
    await adapter().setMaintenanceOrderPhase(MaintenanceOrder, 'release');

    expect(calls).toEqual([MaintenanceOrder]);
  });

  it('sets the malfunction end in plant time under the ETag', async () => {
    const { MaintenanceNotification } = await adapter().createMaintenanceNotification({
      NotificationType: 'M2',
      NotificationText: 'Spindle overload',
      TechnicalObject: '10000042',
      TechObjIsEquipOrFuncnlLoc: 'EAMS_EQUI',
      MaintPriority: '2',
      MaintenancePlanningPlant: '1010',
      MaintNotifExtReferenceNumber: 'DT-7',
    });

    await adapter().setMalfunctionEnd(MaintenanceNotification, '2026-11-25T08:33:00Z');

    expect(server.rows('API_MAINTNOTIFICATION', 'MaintenanceNotification')[0]).toMatchObject({
      MalfunctionEndDate: `/Date(${Date.UTC(2026, 10, 25)})/`,
      MalfunctionEndTime: 'PT09H33M00S',
    });
    expect(server.requestsTo('PATCH', 'MaintenanceNotification')[0]?.headers['if-match']).toMatch(/^W\//);
  });
});

describe('workflow SapPort adapter', () => {
  const adapter = () => new ODataSapWorkflowAdapter(client, testMappings);

  it('finds an order operation, or answers undefined', async () => {
    server.defineSet(
      'API_PRODUCTION_ORDER_2_SRV',
      'A_ProductionOrderOperation_2',
      { keys: ['ManufacturingOrder'] },
      [{ ManufacturingOrder: '1000123', ManufacturingOrderOperation: '0010' }],
    );

    expect(await adapter().findOrderOperation(ctx, '1000123', '0010')).toEqual({
      orderNumber: '1000123',
      operationNumber: '0010',
    });
    expect(await adapter().findOrderOperation(ctx, '1000123', '0020')).toBeUndefined();
  });

  it('posts a confirmation once and names the SAP confirmation', async () => {
    const confirmation = {
      orderNumber: '1000123',
      mesJobId: 'JOB-1',
      confirmationId: 'CONF-1',
      operationNumber: '0010',
      yield: { value: '10', unit: 'H87' as const },
      scrap: { value: '0', unit: 'H87' as const },
      rework: { value: '0', unit: 'H87' as const },
      finalConfirmation: false,
    };
    const target = { orderNumber: '1000123', operationNumber: '0010' };

    const first = await adapter().postConfirmation(ctx, target, confirmation);
    const second = await adapter().postConfirmation(ctx, target, confirmation);

    expect(second).toEqual(first);
    expect(first.sapDocument).toMatch(/^207\/\d+$/);
    expect(server.rows('API_PROD_ORDER_CONFIRMATION_2_SRV', 'ProdnOrdConf2')).toHaveLength(1);
  });

  it('posts the operational impact as a notification with the window as required dates', async () => {
    const impact = {
      alertId: 'ALERT-7781',
      equipmentId: '10000042',
      workOrderId: '5531207',
      start: '2026-11-28T21:00:00Z',
      end: '2026-11-29T01:00:00Z',
    };

    const first = await adapter().postOperationalImpact(ctx, impact);
    const second = await adapter().postOperationalImpact(ctx, impact);

    expect(second).toEqual(first);
    expect(server.rows('API_MAINTNOTIFICATION', 'MaintenanceNotification')[0]).toMatchObject({
      RequiredStartTime: 'PT22H00M00S',
      RequiredEndDate: `/Date(${Date.UTC(2026, 10, 29)})/`,
      MaintenanceObjectIsDown: false,
    });
  });

  it('lists order statuses from the SAP order flags', async () => {
    server.defineSet('API_PRODUCTION_ORDER_2_SRV', 'A_ProductionOrder_2', { keys: ['ManufacturingOrder'] }, [
      { ManufacturingOrder: '1', ProductionPlant: '1010', OrderIsReleased: 'X' },
      {
        ManufacturingOrder: '2',
        ProductionPlant: '1010',
        OrderIsReleased: 'X',
        OrderIsPartiallyConfirmed: 'X',
      },
      {
        ManufacturingOrder: '3',
        ProductionPlant: '1010',
        OrderIsReleased: 'X',
        OrderIsTechnicallyCompleted: 'X',
      },
      { ManufacturingOrder: '4', ProductionPlant: '1010', OrderIsMarkedForDeletion: 'X' },
      { ManufacturingOrder: '5', ProductionPlant: '1010' },
      { ManufacturingOrder: '6', ProductionPlant: '1710', OrderIsReleased: 'X' },
    ]);

    expect(await adapter().listOrderStatuses(ctx)).toEqual([
      { orderNumber: '1', status: 'released' },
      { orderNumber: '2', status: 'in-execution' },
      { orderNumber: '3', status: 'completed' },
      { orderNumber: '4', status: 'cancelled' },
    ]);
    expect(orderStatusOf({ ManufacturingOrder: '9' })).toBeUndefined();
  });
});

describe('inventory adjustment posting', () => {
  beforeEach(() => {
    server.defineSet('API_MATERIAL_DOCUMENT_SRV', 'A_MaterialDocumentHeader', {
      keys: ['MaterialDocumentYear', 'MaterialDocument'],
      onCreate: (body) => ({
        ...body,
        MaterialDocumentYear: '2026',
        MaterialDocument: String(4900000000 + ++counter),
      }),
    });
  });

  it('posts a negative difference once with the decrease movement type and the absolute quantity', async () => {
    const adapter = new ODataSapWorkflowAdapter(client, testMappings);
    const adjustment = {
      adjustmentId: 'ADJ-1010-000045',
      material: 'RM-CAST-22',
      quantity: { value: '-3', unit: 'H87' as const },
      storageLocation: '0001',
      reason: 'Cycle count difference',
      approvedBy: 'j.novak',
    };

    const first = await adapter.postInventoryAdjustment(ctx, adjustment);
    const second = await adapter.postInventoryAdjustment(ctx, adjustment);

    expect(second).toEqual(first);
    const [post] = server.requestsTo('POST', 'A_MaterialDocumentHeader');
    expect(post?.body).toMatchObject({
      GoodsMovementCode: '03',
      ReferenceDocument: 'ADJ-1010-000045',
      to_MaterialDocumentItem: {
        results: [
          {
            GoodsMovementType: '551',
            QuantityInEntryUnit: '3',
            EntryUnit: 'ST',
            MaterialDocumentItemText: 'Cycle count difference (approved by j.novak)',
          },
        ],
      },
    });
  });
});
