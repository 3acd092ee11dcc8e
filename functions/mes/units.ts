import type { UnitCode } from '../../events/primitives';
import { UNIT_CODES } from '../../events/primitives';
import { ValidationError } from '../../shared/errors';

/**
 * MES unit strings → UN/ECE Recommendation 20 codes. MES products spell units their own way ("PCS",
 * "pc", "KG", "h", "%"); the canonical events only carry Rec 20 codes, so every inbound unit passes
 * through this table and an unknown unit is refused rather than guessed. Keys are upper-cased.
 * A Rec 20 code itself (e.g. "H87", "KGM") is always accepted.
 */
const MES_TO_REC20: Readonly<Record<string, UnitCode>> = {
  PCS: 'H87',
  PC: 'H87',
  PCE: 'H87',
  PIECE: 'H87',
  PIECES: 'H87',
  ST: 'H87',
  STK: 'H87',
  EACH: 'EA',
  UNIT: 'C62',
  UNITS: 'C62',
  PAIR: 'PR',
  KG: 'KGM',
  G: 'GRM',
  T: 'TNE',
  TON: 'TNE',
  M: 'MTR',
  MM: 'MMT',
  CM: 'CMT',
  M2: 'MTK',
  'M²': 'MTK',
  M3: 'MTQ',
  'M³': 'MTQ',
  L: 'LTR',
  ML: 'MLT',
  S: 'SEC',
  SECOND: 'SEC',
  SECONDS: 'SEC',
  MINUTE: 'MIN',
  MINUTES: 'MIN',
  H: 'HUR',
  HR: 'HUR',
  HRS: 'HUR',
  HOUR: 'HUR',
  HOURS: 'HUR',
  D: 'DAY',
  DAYS: 'DAY',
  C: 'CEL',
  '°C': 'CEL',
  DEGC: 'CEL',
  HZ: 'HTZ',
  'MM/S': 'MMS',
  '%': 'P1',
  PCT: 'P1',
  PERCENT: 'P1',
};

/** Rec 20 → the unit string plantsync sends to an MES (the most common MES spelling). */
const REC20_TO_MES: Readonly<Record<UnitCode, string>> = {
  H87: 'PCS',
  C62: 'UNIT',
  EA: 'EA',
  SET: 'SET',
  PR: 'PR',
  KGM: 'KG',
  GRM: 'G',
  TNE: 'T',
  MTR: 'M',
  MMT: 'MM',
  CMT: 'CM',
  MTK: 'M2',
  MTQ: 'M3',
  LTR: 'L',
  MLT: 'ML',
  SEC: 's',
  MIN: 'min',
  HUR: 'h',
  DAY: 'd',
  KWH: 'kWh',
  CEL: '°C',
  BAR: 'bar',
  HTZ: 'Hz',
  MMS: 'mm/s',
  P1: '%',
};

const isRec20 = (code: string): code is UnitCode => Object.hasOwn(UNIT_CODES, code);

export class UnknownUnitError extends ValidationError {}

/** Maps an MES unit to its Rec 20 code; `where` names the field for the error message. */
export const toRec20 = (mesUnit: string, where: string): UnitCode => {
  const trimmed = mesUnit.trim();
  const upper = trimmed.toUpperCase();
  if (isRec20(upper)) return upper;
  const mapped = MES_TO_REC20[upper];
  if (mapped) return mapped;
  throw new UnknownUnitError(
    `${where}: unknown unit "${trimmed.slice(0, 20)}"; use a UN/ECE Rec 20 code or one of the MES units in docs/connectors/mes.md`,
    { details: { field: where } },
  );
};

export const fromRec20 = (code: UnitCode): string => REC20_TO_MES[code];

/** Rec 20 time units expressed in seconds, for converting durations. */
export const SECONDS_PER: Partial<Record<UnitCode, number>> = { SEC: 1, MIN: 60, HUR: 3600, DAY: 86_400 };
