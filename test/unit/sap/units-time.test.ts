import { isoToSapDateTime, sapDateTimeToIso, sapDateToIsoDate } from '../../../functions/sap/time';
import { isoUnitToSap, sapUnitToIso } from '../../../functions/sap/units';

describe('SAP units to UN/ECE Rec 20', () => {
  it.each([
    ['ST', 'H87'],
    ['PC', 'H87'],
    ['KG', 'KGM'],
    ['M', 'MTR'],
    ['MIN', 'MIN'],
    ['H', 'HUR'],
    ['L', 'LTR'],
    ['KGM', 'KGM'],
    ['EA', 'EA'],
  ])('maps %s to %s', (sap, iso) => {
    expect(sapUnitToIso(sap)).toBe(iso);
  });

  it('returns undefined for a unit it cannot map', () => {
    expect(sapUnitToIso('XYZ')).toBeUndefined();
  });

  it('lets a plant override win over the built-in table', () => {
    expect(sapUnitToIso('ST', { ST: 'C62' })).toBe('C62');
  });

  it('maps ISO codes back to SAP units, plant overrides first', () => {
    expect(isoUnitToSap('H87')).toBe('ST');
    expect(isoUnitToSap('HUR')).toBe('H');
    expect(isoUnitToSap('LTR', { FAS: 'LTR' })).toBe('FAS');
  });
});

describe('SAP dates and times to ISO 8601', () => {
  it('adds the winter offset of the plant zone', () => {
    expect(sapDateTimeToIso('20261125', '060000', 'Europe/Berlin')).toBe('2026-11-25T06:00:00+01:00');
  });

  it('adds the summer offset of the plant zone', () => {
    expect(sapDateTimeToIso('20260701', '060000', 'Europe/Berlin')).toBe('2026-07-01T06:00:00+02:00');
  });

  it('handles zones west of UTC and half-hour offsets', () => {
    expect(sapDateTimeToIso('20261125', '235959', 'America/Los_Angeles')).toBe('2026-11-25T23:59:59-08:00');
    expect(sapDateTimeToIso('20261125', '060000', 'Asia/Kolkata')).toBe('2026-11-25T06:00:00+05:30');
  });

  it('moves a wall time inside the spring-forward gap past the gap', () => {
    expect(sapDateTimeToIso('20260329', '023000', 'Europe/Berlin')).toBe('2026-03-29T03:30:00+02:00');
  });

  it('takes the earlier instant of an ambiguous fall-back wall time', () => {
    expect(sapDateTimeToIso('20261025', '023000', 'Europe/Berlin')).toBe('2026-10-25T02:30:00+02:00');
  });

  it('reads a missing time as midnight', () => {
    expect(sapDateTimeToIso('20261125', undefined, 'UTC')).toBe('2026-11-25T00:00:00+00:00');
  });

  it('refuses a date that does not exist', () => {
    expect(() => sapDateTimeToIso('20260230', '000000', 'UTC')).toThrow('not a valid calendar date');
  });

  it('converts a calendar date', () => {
    expect(sapDateToIsoDate('20260101')).toBe('2026-01-01');
  });

  it('converts an instant back into plant wall-clock date and time', () => {
    expect(isoToSapDateTime('2026-11-25T05:00:00Z', 'Europe/Berlin')).toEqual({
      date: '20261125',
      time: '060000',
    });
  });
});
