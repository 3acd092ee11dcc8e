import * as z from 'zod';

/**
 * Value rules shared by every canonical event. See docs/events.md "Value rules".
 *
 * - Timestamps: ISO 8601 with an explicit offset (`Z` or `+hh:mm`); a local time without an offset
 *   is ambiguous across plants and is refused.
 * - Quantities: a decimal *string* (up to 15 integer and 6 fraction digits) plus a unit code, so no
 *   quantity ever passes through a binary float (SAP MENGE is DEC 13,3; MES scales vary).
 * - Units: UN/ECE Recommendation 20 common codes, the ISO codes SAP keeps beside its internal units
 *   (T006-ISOCODE). Connectors translate to and from each system's own codes.
 * - Money: a decimal string plus an ISO 4217 currency code.
 */
export const Timestamp = z.iso
  .datetime({ offset: true })
  .describe('ISO 8601 date-time with an explicit offset, e.g. 2026-11-25T06:00:00+01:00');

export const CalendarDate = z.iso.date().describe('ISO 8601 calendar date, e.g. 2026-11-25');

export const Decimal = z
  .string()
  .regex(/^-?\d{1,15}(\.\d{1,6})?$/, 'a decimal number as a string, e.g. "12.500"')
  .describe('Exact decimal as a string: up to 15 integer digits and 6 fraction digits');

export const NonNegativeDecimal = Decimal.refine((v) => !v.startsWith('-'), 'must not be negative');

/** UN/ECE Recommendation 20 codes used across SAP, MES and maintenance payloads. */
export const UNIT_CODES = {
  H87: 'piece',
  C62: 'one (unit)',
  EA: 'each',
  SET: 'set',
  PR: 'pair',
  KGM: 'kilogram',
  GRM: 'gram',
  TNE: 'tonne',
  MTR: 'metre',
  MMT: 'millimetre',
  CMT: 'centimetre',
  MTK: 'square metre',
  MTQ: 'cubic metre',
  LTR: 'litre',
  MLT: 'millilitre',
  SEC: 'second',
  MIN: 'minute',
  HUR: 'hour',
  DAY: 'day',
  KWH: 'kilowatt hour',
  CEL: 'degree Celsius',
  BAR: 'bar',
  HTZ: 'hertz',
  MMS: 'millimetre per second',
  P1: 'percent',
} as const;
export type UnitCode = keyof typeof UNIT_CODES;
export const Unit = z
  .enum(Object.keys(UNIT_CODES) as [UnitCode, ...UnitCode[]])
  .describe('UN/ECE Recommendation 20 unit code');

export const Quantity = z
  .object({ value: NonNegativeDecimal, unit: Unit })
  .describe('A measured amount: exact decimal string and UN/ECE Rec 20 unit');
export type Quantity = z.infer<typeof Quantity>;

/** A signed quantity, for adjustments and corrections. */
export const SignedQuantity = z.object({ value: Decimal, unit: Unit });

export const Money = z.object({
  amount: Decimal,
  currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 currency code'),
});
export type Money = z.infer<typeof Money>;

export const PlantCode = z
  .string()
  .regex(/^[A-Z0-9]{4}$/, 'a 4-character plant code, e.g. "1010"')
  .describe('SAP plant (WERKS), the key every system shares');

/** SAP production order number (AUFNR), kept without leading zeros. */
export const OrderNumber = z.string().regex(/^\d{1,12}$/, 'an SAP order number of up to 12 digits');

/** Routing operation number (VORNR), 4 digits, e.g. "0010". */
export const OperationNumber = z.string().regex(/^\d{4}$/, 'a 4-digit operation number, e.g. "0010"');

export const MaterialNumber = z.string().min(1).max(40);
export const EquipmentId = z.string().min(1).max(40).describe('SAP equipment number (EQUNR)');
export const Identifier = z.string().min(1).max(128);
export const ShortText = z.string().max(200);
export const LongText = z.string().max(4000);
