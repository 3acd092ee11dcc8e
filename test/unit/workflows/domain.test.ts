import { decideDowntime, faultKeyOf } from '../../../functions/workflows/domain/downtime-dedup';
import { nextMaintenanceWindow } from '../../../functions/workflows/domain/maintenance-window';
import { decideOrderAction } from '../../../functions/workflows/domain/order-lifecycle';
import { reconcileEquipment, reconcileOrderStatus } from '../../../functions/workflows/domain/reconciliation';
import type { FaultState, OrderState } from '../../../functions/workflows/domain/repository';
import {
  calendarOf,
  PlantConfigReference,
  type PlantReference,
  shiftAt,
  utcOffsetAt,
} from '../../../functions/workflows/plant-reference';
import type { PlantCalendar } from '../../../functions/workflows/ports';

const calendar: PlantCalendar = {
  utcOffset: '+01:00',
  weeklyWindows: [
    { weekday: 3, start: '22:00', end: '02:00' },
    { weekday: 6, start: '22:00', end: '06:00' },
  ],
  blackoutDates: ['2026-11-28'],
};

describe('next maintenance window', () => {
  it('starts at the next window opening in plant-local time', () => {
    expect(nextMaintenanceWindow(calendar, new Date('2026-11-25T08:00:00Z'), 240, 168)).toEqual({
      start: '2026-11-25T22:00:00+01:00',
      end: '2026-11-26T02:00:00+01:00',
    });
  });

  it('starts inside a window that is already open', () => {
    expect(nextMaintenanceWindow(calendar, new Date('2026-11-25T21:30:00Z'), 60, 168)).toEqual({
      start: '2026-11-25T22:30:00+01:00',
      end: '2026-11-25T23:30:00+01:00',
    });
  });

  it('skips a window too short for the work and a blackout date', () => {
    // Wednesday's window has 30 minutes left; Saturday 28 Nov is a blackout; next is Wednesday 2 Dec.
    expect(nextMaintenanceWindow(calendar, new Date('2026-11-26T00:30:00Z'), 120, 400)?.start).toBe(
      '2026-12-02T22:00:00+01:00',
    );
  });

  it('finds none within a horizon that ends before the next window', () => {
    expect(nextMaintenanceWindow(calendar, new Date('2026-11-25T08:00:00Z'), 240, 12)).toBeUndefined();
  });
});

describe('downtime de-duplication', () => {
  const fault = (status: FaultState['status'], closedAt?: string): FaultState => ({
    plant: '1010',
    equipmentId: '10000042',
    faultKey: 'E-1',
    status,
    downtimeId: 'DT-1',
    openedAt: '2026-11-25T07:00:00Z',
    suppressedSignals: 0,
    rev: 1,
    ...(closedAt ? { closedAt } : {}),
  });
  const now = new Date('2026-11-25T08:00:00Z');

  it('identifies a fault by its controller fault code, else by the reason code', () => {
    expect(faultKeyOf({ faultCode: 'E-1', reasonCode: 'MECH' })).toBe('E-1');
    expect(faultKeyOf({ reasonCode: 'MECH' })).toBe('REASON-MECH');
  });

  it.each([
    ['new', undefined, false],
    ['duplicate', fault('OPEN'), false],
    ['duplicate', fault('CREATING'), false],
    ['flapping', fault('CLOSED', '2026-11-25T07:55:00Z'), false],
    ['new', fault('CLOSED', '2026-11-25T07:00:00Z'), false],
    ['planned', undefined, true],
  ] as const)('decides %s', (decision, current, planned) => {
    expect(decideDowntime(current, { planned }, now, 600)).toBe(decision);
  });
});

describe('order lifecycle', () => {
  const state = (status: OrderState['status'], version = '2026-11-25T07:00:00Z'): OrderState => ({
    plant: '1010',
    orderNumber: '1000123',
    status,
    version,
    statusSince: version,
    releasedAt: version,
    correlationId: 'c',
    rev: 1,
  });

  it.each([
    ['release', undefined, 'ProductionOrderReleased', '2026-11-25T07:00:00Z'],
    ['release', undefined, 'ProductionOrderChanged', '2026-11-25T07:00:00Z'],
    ['ignore', undefined, 'ProductionOrderCancelled', '2026-11-25T07:00:00Z'],
    ['ignore', state('AWAITING_ACK'), 'ProductionOrderReleased', '2026-11-25T07:00:00Z'],
    ['change', state('AWAITING_ACK'), 'ProductionOrderChanged', '2026-11-25T07:30:00Z'],
    ['ignore', state('AWAITING_ACK'), 'ProductionOrderChanged', '2026-11-25T06:00:00Z'],
    ['cancel', state('ACKNOWLEDGED'), 'ProductionOrderCancelled', '2026-11-25T08:00:00Z'],
    ['ignore', state('CANCELLED'), 'ProductionOrderReleased', '2026-11-25T08:00:00Z'],
    ['ignore', state('CLOSED'), 'ProductionOrderChanged', '2026-11-25T08:00:00Z'],
    ['release', state('NOT_ACKNOWLEDGED'), 'ProductionOrderReleased', '2026-11-25T08:00:00Z'],
    ['release', state('REFUSED'), 'ProductionOrderReleased', '2026-11-25T08:00:00Z'],
  ] as const)('answers %s for %#', (action, current, eventType, occurredAt) => {
    expect(decideOrderAction(current, eventType, occurredAt).action).toBe(action);
  });
});

describe('reconciliation', () => {
  it('reports no drift and zero variance when the systems agree', () => {
    const records = [{ equipmentId: '1', description: 'Press' }];
    expect(reconcileEquipment({ sap: records, mes: records, maintenance: records })).toEqual({
      compared: 1,
      drifts: [],
      variance: '0.000',
    });
  });

  it('reports a record missing in one system', () => {
    const result = reconcileEquipment({
      sap: [{ equipmentId: '1' }],
      mes: [],
      maintenance: [{ equipmentId: '1' }],
    });
    expect(result.drifts).toEqual([
      { key: '1', differences: [{ field: 'exists', values: { sap: 'yes', mes: 'no', maintenance: 'yes' } }] },
    ]);
  });

  it('compares order status both ways', () => {
    const result = reconcileOrderStatus(
      [{ orderNumber: '1', status: 'released' }],
      [{ orderNumber: '2', status: 'completed' }],
    );
    expect(result).toMatchObject({ compared: 2, variance: '1.000' });
  });
});

describe('plant reference data', () => {
  const plant: PlantReference = {
    code: '1010',
    timeZone: 'Europe/Berlin',
    shifts: [
      { name: 'day', days: ['MON', 'TUE', 'WED', 'THU', 'FRI'], start: '07:00', end: '19:00' },
      { name: 'night', days: ['MON', 'TUE', 'WED', 'THU', 'FRI'], start: '19:00', end: '07:00' },
    ],
    maintenanceWindows: [{ name: 'weekend', days: ['SAT'], start: '06:00', durationMinutes: 720 }],
    blackoutDates: [],
  };

  it('knows the plant offset in winter and in summer', () => {
    expect(utcOffsetAt('Europe/Berlin', new Date('2026-11-25T12:00:00Z'))).toBe('+01:00');
    expect(utcOffsetAt('Europe/Berlin', new Date('2026-07-01T12:00:00Z'))).toBe('+02:00');
  });

  it('finds the shift in plant-local time, including a night shift after midnight', () => {
    expect(shiftAt(plant, new Date('2026-11-25T08:00:00Z'))).toBe('day'); // Wed 09:00 local
    expect(shiftAt(plant, new Date('2026-11-26T02:00:00Z'))).toBe('night'); // Thu 03:00, Wed's night
    expect(shiftAt(plant, new Date('2026-11-29T12:00:00Z'))).toBeUndefined(); // Sunday
  });

  it("reads the plant's SLAs and flapping window from its configuration", async () => {
    const reference = new PlantConfigReference([
      {
        ...plant,
        sla: { orderAckTimeoutSeconds: 900, stuckOrderAfterMinutes: 60 },
        flappingWindowSeconds: 300,
      },
    ]);

    expect(await reference.plantSla({ correlationId: 'c', plant: '1010' })).toEqual({
      orderAckTimeoutSeconds: 900,
      stuckOrderAfterSeconds: 3600,
      flappingWindowSeconds: 300,
    });
    await expect(reference.plantSla({ correlationId: 'c', plant: '9999' })).rejects.toMatchObject({
      name: 'ValidationError',
    });
  });

  it('turns configured windows into weekly windows with an end', () => {
    expect(calendarOf(plant, new Date('2026-11-25T12:00:00Z'))).toEqual({
      utcOffset: '+01:00',
      weeklyWindows: [{ weekday: 6, start: '06:00', end: '18:00' }],
      blackoutDates: [],
    });
  });
});
