import { definitionOf } from '../../../events';
import { IdocMalformedXmlError, parseSapMappings, translateSapIdoc } from '../../../functions/sap';
import { fixture } from './fixtures';

describe('translateSapIdoc (CLI)', () => {
  it('returns full canonical events whose detail validates against the catalogue', () => {
    const events = translateSapIdoc(fixture('idoc/loipro01-batch.xml'));

    expect(events.map((e) => e.detailType)).toEqual([
      'ProductionOrderReleased',
      'ProductionOrderChanged',
      'ProductionOrderCancelled',
    ]);
    for (const event of events) {
      expect(event.source).toBe('plantsync.sap');
      expect(
        definitionOf(event.detailType as 'ProductionOrderReleased').detail.safeParse(event.detail).success,
      ).toBe(true);
    }
  });

  it('is deterministic: the same input gives the same output', () => {
    const text = fixture('idoc/matmas05.xml');

    expect(translateSapIdoc(text)).toEqual(translateSapIdoc(text));
    expect(translateSapIdoc(text)[0]?.detail.metadata).toMatchObject({
      correlationId: 'idoc-0000000000300001',
      idempotencyKey: 'sap:idoc:0000000000300001:1010',
      occurredAt: '2026-11-25T07:10:00+00:00',
    });
  });

  it('accepts plants that have no mapping', () => {
    expect(translateSapIdoc(fixture('idoc/matmas05.xml')).map((e) => e.detail.metadata.plant)).toEqual([
      '1010',
      '1710',
      '1010',
    ]);
  });

  it('throws an IdocRejectedError subclass with the reason on bad input', () => {
    expect(() => translateSapIdoc('<not-xml')).toThrow(IdocMalformedXmlError);
  });
});

describe('SAP mapping schema', () => {
  const plant = { plant: '1010', timeZone: 'Europe/Berlin', orderTypes: ['PP01'] };

  it('fills defaults for optional parts', () => {
    const mappings = parseSapMappings({ systemTimeZone: 'UTC', plants: [plant] });

    expect(mappings).toEqual({
      systemTimeZone: 'UTC',
      senders: [],
      plants: [
        {
          ...plant,
          workCenters: {},
          units: {},
          language: 'EN',
          inventoryAdjustment: { increase: '501', decrease: '551' },
        },
      ],
    });
  });

  it('refuses an unknown time zone and an unknown Rec 20 unit, naming both', () => {
    expect(() =>
      parseSapMappings({ systemTimeZone: 'Mars/Olympus', plants: [{ ...plant, units: { ST: 'PIECES' } }] }),
    ).toThrow(/at systemTimeZone[\s\S]*at plants\[0\]\.units\.ST/);
  });

  it('refuses a plant listed twice', () => {
    expect(() => parseSapMappings({ systemTimeZone: 'UTC', plants: [plant, plant] })).toThrow(
      'plant 1010 is listed twice',
    );
  });
});
