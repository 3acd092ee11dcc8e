import { definitionOf, type EventData } from '../../../events';
import {
  IdocInvalidValueError,
  IdocMalformedXmlError,
  IdocMissingFieldError,
  IdocMissingSegmentError,
  IdocUnknownTypeError,
} from '../../../functions/sap/errors';
import { translateIdocs } from '../../../functions/sap/idoc/translate';
import { ValidationError } from '../../../shared/errors';
import { fixture, testMappings } from './fixtures';

const options = { mappings: testMappings };
const released = fixture('idoc/loipro01-released.xml');

const rejection = (xml: string): unknown => {
  try {
    translateIdocs(xml, options);
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
};

describe('LOIPRO01 production orders', () => {
  it('translates a released order with all sequences, operations and components', () => {
    const result = translateIdocs(released, options);

    expect(result.events).toHaveLength(1);
    const [event] = result.events;
    expect(event).toMatchObject({
      source: 'plantsync.sap',
      detailType: 'ProductionOrderReleased',
      idempotencyKey: 'sap:idoc:0000000000123456',
      plant: '1010',
      occurredAt: '2026-11-25T05:30:12+01:00',
      sourceRef: { system: 'sap', kind: 'idoc', id: '0000000000123456' },
    });
    const data = event?.data as EventData<'ProductionOrderReleased'>;
    expect(data.orderNumber).toBe('1000123');
    expect(data.plannedQuantity).toEqual({ value: '120.000', unit: 'H87' });
    expect(data.plannedStart).toBe('2026-11-25T06:00:00+01:00');
    expect(data.plannedEnd).toBe('2026-11-25T14:00:00+01:00');
    expect(data.systemStatus).toEqual(['REL', 'PRC', 'MACM']);
    expect(data.operations.map((o) => `${o.sequence}/${o.operationNumber}@${o.workCenter}`)).toEqual([
      '0/0010@MILL01',
      '0/0020@MILL02',
      '0/0030@WASH01',
      '0/0040@QC01',
      '1/0110@PRES01',
      '1/0120@QC01',
    ]);
    expect(data.operations[0]).toMatchObject({
      setupTime: { value: '0.500', unit: 'HUR' },
      machineTime: { value: '2.500', unit: 'HUR' },
    });
    expect(data.operations[3]).not.toHaveProperty('machineTime');
    expect(data.components).toHaveLength(5);
    expect(data.components[1]).toEqual({
      reservationItem: '0002',
      material: { number: '4100', description: 'Bearing bush 22x28x20' },
      requiredQuantity: { value: '240.000', unit: 'H87' },
      operationNumber: '0110',
      storageLocation: '0001',
      batch: 'B260112',
      backflush: true,
    });
    expect(data.components[2]?.requiredQuantity).toEqual({ value: '12.500', unit: 'LTR' });
  });

  it('produces data that satisfies the catalogue schema', () => {
    const [event] = translateIdocs(released, options).events;

    expect(definitionOf('ProductionOrderReleased').data.safeParse(event?.data).success).toBe(true);
  });

  it('decides released, changed, cancelled and skipped per IDoc in one request', () => {
    const result = translateIdocs(fixture('idoc/loipro01-batch.xml'), options);

    expect(
      result.idocs.map((i) => [i.control.docnum, i.events[0]?.detailType ?? `skipped: ${i.skipped}`]),
    ).toEqual([
      ['0000000000123501', 'ProductionOrderReleased'],
      ['0000000000123502', 'ProductionOrderChanged'],
      ['0000000000123503', 'ProductionOrderCancelled'],
      [
        '0000000000123504',
        'skipped: order 1000126 is not released (status CRTD); the MES receives released orders only',
      ],
    ]);
  });

  it('translates a repeated DOCNUM in one request once', () => {
    const result = translateIdocs(fixture('idoc/loipro01-batch.xml'), options);

    expect(result.repeatedDocnums).toEqual(['0000000000123501']);
    expect(result.events.filter((e) => e.idempotencyKey === 'sap:idoc:0000000000123501')).toHaveLength(1);
  });

  it('carries the new state and the progress status on a change', () => {
    const changed = translateIdocs(fixture('idoc/loipro01-batch.xml'), options).events[1];

    expect(changed?.data).toMatchObject({
      plannedQuantity: { value: '150.000', unit: 'H87' },
      systemStatus: ['REL', 'PCNF'],
    });
  });

  it('names the deletion flag as the reason of a cancellation', () => {
    const cancelled = translateIdocs(fixture('idoc/loipro01-batch.xml'), options).events[2];

    expect(cancelled?.data).toEqual({
      orderNumber: '1000125',
      reason: 'deletion flag set in SAP (DLFL)',
      systemStatus: ['REL', 'DLFL'],
    });
  });

  it('treats message function 003 as a cancellation', () => {
    const xml = released.replace('<MESTYP>LOIPRO</MESTYP>', '<MESTYP>LOIPRO</MESTYP><MESFCT>003</MESFCT>');

    expect(translateIdocs(xml, options).events[0]?.detailType).toBe('ProductionOrderCancelled');
  });

  it('treats a released order as changed once execution has begun', () => {
    const xml = released.replace('<STAT>I0340</STAT>', '<STAT>I0010</STAT>');

    expect(translateIdocs(xml, options).events[0]?.detailType).toBe('ProductionOrderChanged');
  });

  it('ignores inactive statuses and user statuses', () => {
    const xml = released
      .replace('<STAT>I0340</STAT>', '<STAT>I0076</STAT><INACT>X</INACT>')
      .replace('<STAT>I0016</STAT>', '<STAT>E0002</STAT>');

    const data = translateIdocs(xml, options).events[0]?.data as EventData<'ProductionOrderReleased'>;
    expect(data.systemStatus).toEqual(['REL']);
  });

  it('skips orders of a plant that has no mapping', () => {
    const xml = released.replace('<WERKS>1010</WERKS>', '<WERKS>9999</WERKS>');

    const [idoc] = translateIdocs(xml, options).idocs;
    expect(idoc?.events).toEqual([]);
    expect(idoc?.skipped).toBe('plant 9999 has no SAP mapping');
  });

  it('skips order types the plant does not send to the MES', () => {
    const xml = released.replace('<AUART>PP01</AUART>', '<AUART>PI01</AUART>');

    expect(translateIdocs(xml, options).idocs[0]?.skipped).toBe(
      'order type PI01 is not sent to the MES in plant 1010',
    );
  });

  it('uses the basic dates when the order was not scheduled', () => {
    const xml = released
      .replace('<GSTRS>20261125</GSTRS>', '')
      .replace('<GLTRS>20261125</GLTRS>', '')
      .replace('<GLTRP>20261126</GLTRP>', '<GLTRP>20261126</GLTRP><GLUZP>220000</GLUZP>');

    const data = translateIdocs(xml, options).events[0]?.data as EventData<'ProductionOrderReleased'>;
    expect(data.plannedStart).toBe('2026-11-25T00:00:00+01:00');
    expect(data.plannedEnd).toBe('2026-11-26T22:00:00+01:00');
  });

  it('reads plant dates in the plant time zone, with summer time', () => {
    const xml = released.replaceAll('20261125', '20260701');

    const data = translateIdocs(xml, options).events[0]?.data as EventData<'ProductionOrderReleased'>;
    expect(data.plannedStart).toBe('2026-07-01T06:00:00+02:00');
  });
});

describe('equipment master IDocs', () => {
  it('translates EQUIPMENT_CREATE01 into a created equipment master', () => {
    const [event] = translateIdocs(fixture('idoc/equipment-create.xml'), options).events;

    expect(event).toMatchObject({
      detailType: 'EquipmentMasterChanged',
      idempotencyKey: 'sap:idoc:0000000000200001',
      plant: '1010',
    });
    expect(event?.data).toEqual({
      equipmentNumber: '10000042',
      change: 'created',
      description: 'CNC milling centre DMU 50',
      category: 'M',
      functionalLocation: '1010-PRD-L01-MILL01',
      workCenter: 'MILL01',
      manufacturer: 'DMG MORI',
      model: 'DMU 50',
      serialNumber: 'SN-778812',
      criticality: 'A',
      validFrom: '2026-01-01',
      inactive: false,
    });
  });

  it('translates several EQUIPMENT_CHANGE01 IDocs into changed equipment masters', () => {
    const result = translateIdocs(fixture('idoc/equipment-change.xml'), options);

    expect(
      result.events.map((e) => [
        (e.data as EventData<'EquipmentMasterChanged'>).equipmentNumber,
        (e.data as EventData<'EquipmentMasterChanged'>).change,
      ]),
    ).toEqual([
      ['10000042', 'changed'],
      ['10000077', 'changed'],
    ]);
  });

  it('rejects an equipment IDoc without its header segment', () => {
    const xml = fixture('idoc/equipment-create.xml').replaceAll('E1EQUIPMENT_CREATE', 'E1SOMETHING_ELSE');

    const error = rejection(xml);
    expect(error).toBeInstanceOf(IdocMissingSegmentError);
    expect((error as Error).message).toBe(
      'IDoc 0000000000200001 (EQUIPMENT_CREATE01): mandatory segment E1EQUIPMENT_CREATE is missing',
    );
  });
});

describe('MATMAS05 material master', () => {
  it('emits one event per mapped plant, keyed by DOCNUM and plant, in the configured language', () => {
    const result = translateIdocs(fixture('idoc/matmas05.xml'), options);

    expect(result.events[0]).toMatchObject({
      detailType: 'MaterialMasterChanged',
      idempotencyKey: 'sap:idoc:0000000000300001:1010',
      plant: '1010',
      data: {
        materialNumber: 'RM-CAST-22',
        description: 'Aluminium casting AlSi10Mg',
        materialType: 'ROH',
        baseUnit: 'H87',
        materialGroup: '001',
        grossWeight: { value: '4.200', unit: 'KGM' },
        netWeight: { value: '3.950', unit: 'KGM' },
        deletionFlag: false,
      },
    });
    expect(result.idocs[0]?.warnings).toEqual(['plants without SAP mapping ignored: 1710']);
  });

  it('falls back to the valuation area, drops zero weights and reads the deletion flag', () => {
    const second = translateIdocs(fixture('idoc/matmas05.xml'), options).events[1];

    expect(second?.data).toEqual({
      materialNumber: '4100',
      description: 'Bearing bush 22x28x20',
      materialType: 'HALB',
      baseUnit: 'H87',
      materialGroup: '002',
      deletionFlag: true,
    });
  });
});

describe('rejections', () => {
  it('rejects malformed XML with line and column', () => {
    const error = rejection(fixture('idoc/matmas05-unescaped-ampersand.xml'));

    expect(error).toBeInstanceOf(IdocMalformedXmlError);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(
      /^malformed XML at line \d+, column \d+: char '&' is not expected/,
    );
  });

  it('rejects a DOCTYPE (entity expansion) before parsing', () => {
    const xml = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>${released.replace(/^<\?xml[^>]*>/, '')}`;

    expect((rejection(xml) as Error).message).toBe('DOCTYPE declarations are not accepted in IDoc XML');
  });

  it('accepts a namespace-prefixed root as sent by middleware', () => {
    const xml = released
      .replace('<LOIPRO01>', '<ns0:LOIPRO01 xmlns:ns0="urn:sap-com:document:sap:idoc:messages">')
      .replace('</LOIPRO01>', '</ns0:LOIPRO01>');

    expect(translateIdocs(xml, options).events).toHaveLength(1);
  });

  it('rejects an empty body', () => {
    expect(rejection('  ')).toBeInstanceOf(IdocMalformedXmlError);
  });

  it('rejects XML without IDOC elements', () => {
    const error = rejection('<LOIPRO01><FOO/></LOIPRO01>');

    expect((error as Error).message).toBe('no IDOC element under the root element <LOIPRO01>');
  });

  it('rejects an unknown IDoc type, naming it', () => {
    const xml = released.replace('<IDOCTYP>LOIPRO01</IDOCTYP>', '<IDOCTYP>ORDERS05</IDOCTYP>');

    const error = rejection(xml);
    expect(error).toBeInstanceOf(IdocUnknownTypeError);
    expect((error as Error).message).toMatch(
      /^IDoc 0000000000123456 \(ORDERS05\): IDoc type ORDERS05 \(message type LOIPRO\) is not translated/,
    );
  });

  it('rejects an IDoc without a control record', () => {
    const xml = released.replace(/<EDI_DC40[\s\S]*<\/EDI_DC40>/, '');

    const error = rejection(xml);
    expect(error).toBeInstanceOf(IdocMissingSegmentError);
    expect((error as Error).message).toContain('mandatory segment EDI_DC40 is missing under IDOC');
  });

  it.each(['DOCNUM', 'IDOCTYP', 'MESTYP', 'SNDPRN', 'CREDAT'])(
    'rejects a control record without %s',
    (name) => {
      const xml = released.replace(new RegExp(`<${name}>[^<]*</${name}>`), '');

      const error = rejection(xml);
      expect(error).toBeInstanceOf(IdocMissingFieldError);
      expect((error as IdocMissingFieldError).location).toMatchObject({ segment: 'EDI_DC40', field: name });
    },
  );

  it('rejects a sender that is not an allowed logical system', () => {
    const xml = released.replace('<SNDPRN>S4HCLNT100</SNDPRN>', '<SNDPRN>ROGUE</SNDPRN>');

    expect((rejection(xml) as Error).message).toContain(
      'sender ROGUE (EDI_DC40/SNDPRN) is not an allowed logical system',
    );
  });

  it('rejects a LOIPRO01 without E1AFKOL', () => {
    const xml = released.replaceAll('E1AFKOL', 'E1XXXXX');

    expect((rejection(xml) as Error).message).toBe(
      'IDoc 0000000000123456 (LOIPRO01): mandatory segment E1AFKOL is missing under IDOC',
    );
  });

  it('rejects a LOIPRO01 without status segments', () => {
    const xml = released.replace(/<E1JSTKL SEGMENT="1">\s*<STAT>\w+<\/STAT>\s*<\/E1JSTKL>/g, '');

    expect(rejection(xml)).toBeInstanceOf(IdocMissingSegmentError);
  });

  it('rejects a released order without operations', () => {
    const xml = released.replace(/<E1AFFLL SEGMENT="1">[\s\S]*?<\/E1AFFLL>/g, '');

    const error = rejection(xml) as IdocMissingSegmentError;
    expect(error.message).toContain('at least one E1AFFLL sequence with an E1AFVOL operation is mandatory');
  });

  it.each([
    ['AUFNR', '<AUFNR>000001000123</AUFNR>'],
    ['MATNR', '<MATNR>FG-4711</MATNR>'],
    ['WERKS', '<WERKS>1010</WERKS>'],
  ])('rejects an order header without %s', (name, element) => {
    const xml = released.replace(element, '');

    const error = rejection(xml) as IdocMissingFieldError;
    expect(error).toBeInstanceOf(IdocMissingFieldError);
    expect(error.location).toEqual({
      docnum: '0000000000123456',
      idocType: 'LOIPRO01',
      segment: 'E1AFKOL',
      field: name,
    });
  });

  it('rejects an operation without a work center', () => {
    const xml = released.replace('<ARBPL>MILL02</ARBPL>', '');

    expect((rejection(xml) as Error).message).toBe(
      'IDoc 0000000000123456 (LOIPRO01): mandatory field E1AFVOL/ARBPL is missing or empty',
    );
  });

  it('rejects a unit without a Rec 20 mapping', () => {
    const xml = released.replace('<MEINS>L</MEINS>', '<MEINS>XYZ</MEINS>');

    const error = rejection(xml);
    expect(error).toBeInstanceOf(IdocInvalidValueError);
    expect((error as Error).message).toContain('unit "XYZ" in E1RESBL/MEINS has no UN/ECE Rec 20 mapping');
  });

  it('accepts a plant-specific unit mapping for an otherwise unknown unit', () => {
    const xml = released.replace('<MEINS>L</MEINS>', '<MEINS>FAS</MEINS>');
    const plant = testMappings.plants[0];
    if (!plant) throw new Error('fixture mapping has a plant');
    const mappings = { ...testMappings, plants: [{ ...plant, units: { FAS: 'LTR' as const } }] };

    expect(translateIdocs(xml, { mappings }).events).toHaveLength(1);
  });

  it('rejects a quantity that is not a number', () => {
    const xml = released.replace('<BMENGE>120.000</BMENGE>', '<BMENGE>12O.000</BMENGE>');

    expect((rejection(xml) as Error).message).toContain(
      '"12O.000" in E1AFKOL/BMENGE is not a decimal number',
    );
  });

  it('rejects an impossible date', () => {
    const xml = released.replace('<GSTRS>20261125</GSTRS>', '<GSTRS>20261131</GSTRS>');

    expect((rejection(xml) as Error).message).toContain(
      'E1AFKOL/GSTRS+GSUZS: 20261131 060000 is not a valid calendar date and time',
    );
  });

  it('rejects the whole request when one IDoc of several is bad', () => {
    const batch = fixture('idoc/loipro01-batch.xml');
    const xml = batch.replace('<AUFNR>000001000125</AUFNR>', '<AUFNR>ABC</AUFNR>');

    expect((rejection(xml) as Error).message).toContain(
      'IDoc 0000000000123503 (LOIPRO01): order number "ABC"',
    );
  });
});
