import { fitReference } from '../../../functions/sap/adapters/sap-pm-port';
import type { DowntimeIncident } from '../../../local/plant/mes-core';
import { assignNotifications, type NotificationLike } from '../../../local/plant/zero-loss';

const incident = (id: string, startedAt: number, downtimeIds = [`DT-${id}`]): DowntimeIncident => ({
  incidentId: id,
  plant: '2000',
  equipmentId: '20000004',
  line: 'L01',
  reasonCode: 'MECH',
  faultCode: `E-${id}`,
  startedAt,
  downtimeIds,
  flapping: false,
});

describe('attributing maintenance notifications to machine faults', () => {
  it('counts a late notification for the fault that raised it, not for the next fault', () => {
    const first = incident('1', 1_000);
    const second = incident('2', 5_000);
    const late: NotificationLike = { plant: '2000', equipment: '20000004', createdAt: 6_000 };
    const assigned = assignNotifications([first, second], [late]);
    expect(assigned.get(first)).toEqual([late]);
    expect(assigned.get(second)).toEqual([]);
  });

  it("matches SAP's hashed reference and plantsync's full reference to their downtime", () => {
    const first = incident('1', 1_000);
    const second = incident('2', 5_000);
    const sap: NotificationLike = {
      plant: '2000',
      equipment: '20000004',
      createdAt: 9_000,
      externalReference: fitReference('ps-2000-DT-2', 20),
    };
    const maintainx: NotificationLike = {
      plant: '2000',
      createdAt: 9_500,
      externalReference: 'ps-2000-DT-1',
    };
    const assigned = assignNotifications([first, second], [sap, maintainx]);
    expect(assigned.get(first)).toEqual([maintainx]);
    expect(assigned.get(second)).toEqual([sap]);
  });

  it('reports two notifications for one fault as two', () => {
    const only = incident('1', 1_000, ['DT-1a', 'DT-1b']);
    const a: NotificationLike = { plant: '2000', createdAt: 2_000, externalReference: 'ps-2000-DT-1a' };
    const b: NotificationLike = { plant: '2000', createdAt: 3_000, externalReference: 'ps-2000-DT-1b' };
    expect(assignNotifications([only], [a, b]).get(only)).toHaveLength(2);
  });

  it('attributes nothing to a fault that started after the notification', () => {
    const future = incident('1', 10_000);
    const early: NotificationLike = { plant: '2000', equipment: '20000004', createdAt: 2_000 };
    expect(assignNotifications([future], [early]).get(future)).toEqual([]);
  });
});
