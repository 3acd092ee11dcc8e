import { ValidationError } from '../../shared/errors';

const PLAIN = /^([+-])?(\d*)(?:\.(\d*))?$/;
const SCIENTIFIC = /^([+-])?(\d*)(?:\.(\d*))?[eE]([+-]?\d{1,3})$/;

/**
 * Normalises a quantity as an MES sends it (JSON number, "12.50", B2MML's "0.4E1") into the exact
 * decimal string the canonical events carry, without passing through a binary float: scientific
 * notation is shifted as text. At most 6 fraction digits survive; more is refused, not rounded,
 * because a silently rounded quantity would post a different amount to SAP.
 */
export const normalizeDecimal = (input: string | number, where: string): string => {
  const text = typeof input === 'number' ? numberText(input, where) : input.trim();
  let sign = '';
  let intPart: string;
  let fracPart: string;
  const sci = SCIENTIFIC.exec(text);
  const plain = sci ? undefined : PLAIN.exec(text);
  if (sci) {
    sign = sci[1] === '-' ? '-' : '';
    const digits = `${sci[2] ?? ''}${sci[3] ?? ''}`;
    if (digits === '') throw invalid(where, text);
    const point = (sci[2] ?? '').length + Number(sci[4]);
    const padded = point < 0 ? '0'.repeat(-point) + digits : digits.padEnd(point, '0');
    const at = Math.max(point, 0);
    intPart = padded.slice(0, at);
    fracPart = padded.slice(at);
  } else if (plain) {
    sign = plain[1] === '-' ? '-' : '';
    intPart = plain[2] ?? '';
    fracPart = plain[3] ?? '';
    if (intPart === '' && fracPart === '') throw invalid(where, text);
  } else {
    throw invalid(where, text);
  }
  intPart = intPart.replace(/^0+(?=\d)/, '') || '0';
  fracPart = fracPart.replace(/0+$/, '');
  if (fracPart.length > 6) {
    throw new ValidationError(`${where}: "${text}" has more than 6 decimal places`, {
      details: { field: where },
    });
  }
  if (intPart.length > 15) {
    throw new ValidationError(`${where}: "${text}" has more than 15 integer digits`, {
      details: { field: where },
    });
  }
  const isZero = /^0$/.test(intPart) && fracPart === '';
  return `${isZero ? '' : sign}${intPart}${fracPart ? `.${fracPart}` : ''}`;
};

const numberText = (n: number, where: string): string => {
  if (!Number.isFinite(n)) throw invalid(where, String(n));
  return String(n);
};

const invalid = (where: string, text: string) =>
  new ValidationError(`${where}: "${text.slice(0, 40)}" is not a decimal number`, {
    details: { field: where },
  });

/** Exact sum of decimal strings (as produced by normalizeDecimal). */
export const addDecimals = (...values: readonly string[]): string => {
  const scale = 6;
  let total = 0n;
  for (const v of values) {
    const negative = v.startsWith('-');
    const [i = '0', f = ''] = v.replace(/^-/, '').split('.');
    const units = BigInt(i) * 10n ** BigInt(scale) + BigInt(f.padEnd(scale, '0') || '0');
    total += negative ? -units : units;
  }
  const negative = total < 0n;
  const abs = negative ? -total : total;
  const intPart = (abs / 10n ** BigInt(scale)).toString();
  const frac = (abs % 10n ** BigInt(scale)).toString().padStart(scale, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${intPart}${frac ? `.${frac}` : ''}`;
};

/** Whether a decimal string is negative (used to split signed MES quantities). */
export const isNegative = (value: string): boolean => value.startsWith('-');

/** Exact product of a decimal string and a whole number. */
export const multiplyDecimal = (value: string, factor: number): string => {
  const negative = value.startsWith('-');
  const [i = '0', f = ''] = value.replace(/^-/, '').split('.');
  const units = (BigInt(i) * 1_000_000n + BigInt(f.padEnd(6, '0') || '0')) * BigInt(factor);
  return addDecimals(
    `${negative ? '-' : ''}${units / 1_000_000n}.${(units % 1_000_000n).toString().padStart(6, '0')}`,
  );
};
