import { addDecimals, multiplyDecimal, normalizeDecimal } from '../../../functions/mes/decimal';
import { fromRec20, toRec20, UnknownUnitError } from '../../../functions/mes/units';

describe('MES units', () => {
  it.each([
    ['PCS', 'H87'],
    ['pc', 'H87'],
    ['KG', 'KGM'],
    ['h', 'HUR'],
    ['min', 'MIN'],
    ['%', 'P1'],
    ['KGM', 'KGM'],
  ])('maps %s to the Rec 20 code %s', (mes, rec20) => {
    expect(toRec20(mes, 'q.unit')).toBe(rec20);
  });

  it('rejects an unknown unit naming the field', () => {
    expect(() => toRec20('furlong', 'events[0].quantity.unit')).toThrow(UnknownUnitError);
    expect(() => toRec20('furlong', 'events[0].quantity.unit')).toThrow(
      /events\[0\]\.quantity\.unit: unknown unit "furlong"/,
    );
  });

  it('sends the common MES spelling for a Rec 20 code', () => {
    expect(fromRec20('H87')).toBe('PCS');
    expect(fromRec20('HUR')).toBe('h');
  });
});

describe('decimal quantities', () => {
  it.each([
    [120, '120'],
    ['0120.500', '120.5'],
    ['0.4E1', '4'],
    ['0.48E3', '480'],
    ['1.5e-3', '0.0015'],
    ['-3', '-3'],
    ['-0', '0'],
  ])('normalises %p to %p', (input, expected) => {
    expect(normalizeDecimal(input, 'q')).toBe(expected);
  });

  it.each(['abc', '', '1,5', '1.2.3'])('rejects %p', (input) => {
    expect(() => normalizeDecimal(input, 'q')).toThrow(/is not a decimal number/);
  });

  it('adds and multiplies exactly', () => {
    expect(addDecimals('0.1', '0.2')).toBe('0.3');
    expect(addDecimals('5', '-7.25')).toBe('-2.25');
    expect(multiplyDecimal('2.35', 3600)).toBe('8460');
  });
});
