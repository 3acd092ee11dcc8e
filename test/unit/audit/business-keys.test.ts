import { definitionOf } from '../../../events';
import { businessKeysOf } from '../../../local/audit';

const detailOf = (detailType: Parameters<typeof definitionOf>[0]) => ({
  metadata: { correlationId: 'c-1', eventType: detailType },
  data: definitionOf(detailType).example,
});

describe('businessKeysOf', () => {
  it('takes the order number and MES job id from an MES event', () => {
    expect(businessKeysOf(detailOf('ProductionConfirmed'))).toEqual([
      { kind: 'order', value: '1000123' },
      { kind: 'mes-job', value: 'JOB-1010-000871' },
    ]);
  });

  it('takes the notification, equipment, downtime and the order from the context of a notification', () => {
    expect(businessKeysOf(detailOf('MaintenanceNotificationCreated'))).toEqual(
      expect.arrayContaining([
        { kind: 'notification', value: '884213' },
        { kind: 'equipment', value: '10000042' },
        { kind: 'downtime', value: 'DT-1010-L01-20261125-0007' },
        { kind: 'order', value: '1000123' },
      ]),
    );
  });

  it('reads the SAP equipment number of an equipment master change as an equipment key', () => {
    expect(businessKeysOf(detailOf('EquipmentMasterChanged'))).toEqual([
      { kind: 'equipment', value: '10000042' },
    ]);
  });

  it('reads the business key of a sync exception', () => {
    expect(businessKeysOf(detailOf('SyncExceptionRaised'))).toEqual([{ kind: 'order', value: '1000123' }]);
  });

  it('takes the work order and equipment from a completed work order', () => {
    expect(businessKeysOf(detailOf('WorkOrderCompleted'))).toEqual([
      { kind: 'work-order', value: '5531207' },
      { kind: 'equipment', value: '10000042' },
    ]);
  });

  it('accepts bare event data as well as a full detail', () => {
    expect(businessKeysOf({ orderNumber: '42', mesJobId: 'J-1' })).toEqual([
      { kind: 'order', value: '42' },
      { kind: 'mes-job', value: 'J-1' },
    ]);
  });

  it('returns no keys for something that is not an object', () => {
    expect(businessKeysOf('ProductionOrderReleased')).toEqual([]);
    expect(businessKeysOf(null)).toEqual([]);
  });
});
