import {
  fromSapOrderStatus,
  type SapMaintenanceOrder,
  SapPmConnector,
  type SapPmPort,
} from '../../../functions/maintenance';
import { fixtureJson } from './fake-maintainx';

/** Stands in for the SAP connector's API_MAINTNOTIFICATION / API_MAINTENANCEORDER operations. */
class FakeSapPm implements SapPmPort {
  readonly notifications = new Map<string, Record<string, unknown>>();
  readonly orders = new Map<string, SapMaintenanceOrder & { externalReference?: string }>();
  readonly calls: string[] = [];

  async createMaintenanceNotification(input: Parameters<SapPmPort['createMaintenanceNotification']>[0]) {
    this.calls.push('createMaintenanceNotification');
    const key = String(10000020 + this.notifications.size + 1);
    this.notifications.set(key, { ...input, MaintenanceNotification: key });
    return { MaintenanceNotification: key };
  }
  async findMaintenanceNotificationByExtReference(reference: string) {
    const hit = [...this.notifications.values()].find((n) => n.MaintNotifExtReferenceNumber === reference);
    return hit ? { MaintenanceNotification: String(hit.MaintenanceNotification) } : undefined;
  }
  async createMaintenanceOrder(input: Parameters<SapPmPort['createMaintenanceOrder']>[0]) {
    this.calls.push('createMaintenanceOrder');
    const key = String(4000001 + this.orders.size);
    this.orders.set(key, {
      MaintenanceOrder: key,
      MaintenanceOrderDesc: input.MaintenanceOrderDesc,
      Equipment: input.Equipment,
      SystemStatusText: 'CRTD',
      externalReference: input.externalReference,
    });
    return { MaintenanceOrder: key };
  }
  async findMaintenanceOrderByReference(reference: string) {
    const hit = [...this.orders.values()].find((o) => o.externalReference === reference);
    return hit ? { MaintenanceOrder: hit.MaintenanceOrder } : undefined;
  }
  async updateMaintenanceOrder(order: string, changes: object) {
    this.calls.push(`update ${order} ${JSON.stringify(changes)}`);
  }
  async setMaintenanceOrderPhase(order: string, phase: string) {
    this.calls.push(`phase ${order} ${phase}`);
  }
  async setMalfunctionEnd(notification: string, endedAt: string) {
    this.calls.push(`malfunction-end ${notification} ${endedAt}`);
  }
  async listEquipment() {
    return [{ Equipment: '217100002', EquipmentName: 'Pump' }];
  }
  async getMaintenanceOrder(order: string) {
    const hit = this.orders.get(order);
    if (!hit) throw new Error('not found');
    return hit;
  }
}

const config = { notificationType: 'M1', orderType: 'PM01', planningPlant: '1010' };

describe('SAP PM profile through the SAP connector port', () => {
  it('creates a notification with SAP field names and the reference in MaintNotifExtReferenceNumber', async () => {
    const sap = new FakeSapPm();

    const result = await new SapPmConnector(sap, config).createNotification({
      kind: 'createNotification',
      plant: '1010',
      externalReference: 'ps-1010-DT-0007',
      equipmentId: '10000042',
      priority: 'urgent',
      title: 'Spindle overload on CNC milling centre DMU 50 (line L01)',
      downtimeId: 'DT-1010-L01-20261125-0007',
      context: {},
    });

    expect(result.created).toBe(true);
    expect(sap.notifications.get(result.id)).toMatchObject({
      NotificationType: 'M1',
      NotificationText: 'Spindle overload on CNC milling centre D',
      TechnicalObject: '10000042',
      TechObjIsEquipOrFuncnlLoc: 'EAMS_EQUI',
      MaintPriority: '1',
      MaintenancePlanningPlant: '1010',
      MaintNotifExtReferenceNumber: 'ps-1010-DT-0007',
      MaintenanceObjectIsDown: true,
    });
  });

  it('creates a maintenance order once per reference', async () => {
    const sap = new FakeSapPm();
    const connector = new SapPmConnector(sap, config);
    const command = {
      kind: 'createWorkOrder' as const,
      plant: '1010',
      externalReference: 'ps-1010-ALERT-7781',
      equipmentId: '10000042',
      priority: 'high' as const,
      title: 'Replace spindle bearing',
      origin: 'predictive' as const,
    };

    const first = await connector.createWorkOrder(command);
    const second = await connector.createWorkOrder(command);

    expect(second).toEqual({ id: first.id, created: false });
    expect(sap.calls.filter((c) => c === 'createMaintenanceOrder')).toHaveLength(1);
  });

  it('drives a status change as an order phase', async () => {
    const sap = new FakeSapPm();

    await new SapPmConnector(sap, config).updateWorkOrder({
      kind: 'updateWorkOrder',
      plant: '1010',
      workOrderId: '4000001',
      status: 'done',
    });

    expect(sap.calls).toEqual(['phase 4000001 technically-complete']);
  });

  it('records a downtime end as the notification malfunction end, and lists SAP equipment as assets', async () => {
    const sap = new FakeSapPm();
    const connector = new SapPmConnector(sap, config);

    await connector.updateNotification('10000021', { downtimeEndedAt: '2026-11-25T07:42:00+01:00' });

    expect(sap.calls).toEqual(['malfunction-end 10000021 2026-11-25T07:42:00+01:00']);
    expect(await connector.listAssets()).toEqual([{ equipmentId: '217100002', description: 'Pump' }]);
  });

  it('reads the sandbox maintenance order (REL ...) as in progress', async () => {
    const order = fixtureJson<SapMaintenanceOrder>('sap-pm/maintenance-order.json');

    expect(fromSapOrderStatus(order)).toBe('in-progress');
    expect(fromSapOrderStatus({ ...order, SystemStatusText: 'REL  TECO' })).toBe('done');
    expect(fromSapOrderStatus({ MaintenanceOrder: '1', MaintOrdProcessPhaseCode: '06' })).toBe('cancelled');
  });
});
