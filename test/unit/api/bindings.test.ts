import { apiConnectors } from '../../../functions/api/bindings';
import type { MaintenanceConnector } from '../../../functions/maintenance/model';
import type { ODataClient } from '../../../functions/sap/odata/client';
import { SapNotFoundError } from '../../../functions/sap/odata/errors';
import type { SapConnection } from '../../../functions/workflows/bindings';
import type { MesOrderClient } from '../../../functions/workflows/mes-port';
import type { CallContext } from '../../../functions/workflows/ports';
import { PermanentError } from '../../../shared/errors';

const ctx: CallContext = { correlationId: 'corr-1', plant: '1000' };

const sapWith =
  (client: Partial<ODataClient>): (() => SapConnection) =>
  () => ({
    client: client as ODataClient,
    mappings: { systemTimeZone: 'UTC', senders: ['S4H'], plants: [] } as unknown as SapConnection['mappings'],
  });

const mesWith = (client: Partial<MesOrderClient>) => () => client as MesOrderClient;
const maintenanceWith = (assets: { equipmentId: string; description?: string }[]) => () =>
  ({ platform: 'maintainx', listAssets: async () => assets }) as unknown as MaintenanceConnector;

const connectors = (overrides: {
  sap?: Partial<ODataClient>;
  mes?: Partial<MesOrderClient>;
  assets?: { equipmentId: string; description?: string }[];
}) =>
  apiConnectors({
    sap: sapWith(overrides.sap ?? {}),
    mesClientFor: mesWith(overrides.mes ?? {}),
    maintenanceFor: maintenanceWith(overrides.assets ?? []),
  });

describe('business API connector bindings', () => {
  it('reads SAP equipment through the SAP connector and maps it to the cross-system record', async () => {
    const api = connectors({
      sap: {
        list: (async () => [
          {
            Equipment: '10000045',
            EquipmentName: 'CNC mill',
            WorkCenter: 'MILL01',
            EquipmentIsInactive: false,
          },
        ]) as unknown as ODataClient['list'],
      },
    });

    const record = await api.equipment.sap(ctx, '10000045');

    expect(record).toEqual({
      equipmentId: '10000045',
      description: 'CNC mill',
      workCenter: 'MILL01',
      inactive: false,
    });
  });

  it('answers undefined for equipment SAP does not have', async () => {
    const api = connectors({ sap: { list: (async () => []) as unknown as ODataClient['list'] } });

    await expect(api.equipment.sap(ctx, '999')).resolves.toBeUndefined();
  });

  it('reads the SAP order status from the order flags', async () => {
    const api = connectors({
      sap: {
        get: (async () => ({
          data: { ManufacturingOrder: '1000123', OrderIsReleased: 'X', OrderIsPartiallyConfirmed: 'X' },
        })) as unknown as ODataClient['get'],
      },
    });

    await expect(api.orderStatus.sap(ctx, '1000123')).resolves.toBe('in-execution');
  });

  it('answers undefined for an order SAP does not have', async () => {
    const api = connectors({
      sap: {
        get: (async () => {
          throw new SapNotFoundError('no such order');
        }) as unknown as ODataClient['get'],
      },
    });

    await expect(api.orderStatus.sap(ctx, '1')).resolves.toBeUndefined();
  });

  it('reads the MES order status through the MES client', async () => {
    const api = connectors({
      mes: {
        readOrderStatus: async () => ({ orderNumber: '1000123', status: 'completed', mesStatus: 'FINISHED' }),
      },
    });

    await expect(api.orderStatus.mes(ctx, '1000123')).resolves.toBe('completed');
  });

  it('knows MES equipment by its status resource and answers undefined when the MES does not know it', async () => {
    const known = connectors({
      mes: {
        readProductionStatus: async () => ({ equipmentId: 'EQ-1', state: 'idle', observedAt: 'now' }),
      },
    });
    const unknown = connectors({
      mes: {
        readProductionStatus: async () => {
          throw new PermanentError('MES 1000 does not know equipment EQ-9');
        },
      },
    });

    await expect(known.equipment.mes(ctx, 'EQ-1')).resolves.toEqual({ equipmentId: 'EQ-1' });
    await expect(unknown.equipment.mes(ctx, 'EQ-9')).resolves.toBeUndefined();
  });

  it('finds the asset in the plant maintenance platform', async () => {
    const api = connectors({ assets: [{ equipmentId: 'EQ-1', description: 'Mill' }] });

    await expect(api.equipment.maintenance(ctx, 'EQ-1')).resolves.toEqual({
      equipmentId: 'EQ-1',
      description: 'Mill',
    });
    await expect(api.equipment.maintenance(ctx, 'EQ-2')).resolves.toBeUndefined();
  });

  it('reads the released order from SAP, answering none for a plant SAP has no mapping for', async () => {
    const requested: string[] = [];
    const get = async (_service: string, path: string) => {
      requested.push(path);
      throw new Error('not expected');
    };
    const api = connectors({ sap: { get } as unknown as Partial<ODataClient> });

    await expect(api.orders.readReleasedOrder(ctx, '1000123')).resolves.toBeUndefined();
    expect(requested).toEqual([]);
  });
});
