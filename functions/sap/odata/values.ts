import { createHash } from 'node:crypto';
import { deterministicUuid } from '../ids';
import { isoToSapDateTime } from '../time';

/**
 * OData V2 (verbose JSON) value formats SAP Gateway uses:
 * Edm.DateTime `/Date(<ms since epoch, UTC midnight for a date>)/`, Edm.Time `PT06H00M00S`,
 * Edm.DateTimeOffset `/Date(<ms>+0000)/`, Edm.Decimal as a string.
 */
export const odataDate = (sapDate: string): string => {
  const ms = Date.UTC(
    Number(sapDate.slice(0, 4)),
    Number(sapDate.slice(4, 6)) - 1,
    Number(sapDate.slice(6, 8)),
  );
  return `/Date(${ms})/`;
};

export const odataTime = (sapTime: string): string =>
  `PT${sapTime.slice(0, 2)}H${sapTime.slice(2, 4)}M${sapTime.slice(4, 6)}S`;

/** An instant as the plant's local date and time, which is what SAP posting dates mean. */
export const odataPlantDateTime = (iso: string, timeZone: string): { date: string; time: string } => {
  const { date, time } = isoToSapDateTime(iso, timeZone);
  return { date: odataDate(date), time: odataTime(time) };
};

/** `/Date(1700000000000)/` or `/Date(1700000000000+0000)/` → ISO instant (undefined when blank). */
export const fromOdataDate = (value: unknown): string | undefined => {
  if (typeof value !== 'string') return undefined;
  const match = /^\/Date\((-?\d+)(?:[+-]\d{4})?\)\/$/.exec(value);
  return match ? new Date(Number(match[1])).toISOString() : undefined;
};

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * A short, deterministic reference for SAP text fields that have no room for the full idempotency
 * key: `PS` + base32 of SHA-256(key), cut to `length` (≥ 12 keeps collisions negligible: 2^50).
 */
export const shortReference = (idempotencyKey: string, length: number): string => {
  if (length < 12) throw new RangeError('a short reference needs at least 12 characters');
  const hash = createHash('sha256').update(idempotencyKey).digest();
  let bits = '';
  for (const byte of hash) bits += byte.toString(2).padStart(8, '0');
  let out = 'PS';
  for (let i = 0; out.length < length && i + 5 <= bits.length; i += 5)
    out += BASE32[Number.parseInt(bits.slice(i, i + 5), 2)];
  return out;
};

/** The Edm.Guid SAP keeps as a confirmation's external key (ExternalSystemConfirmation). */
export const externalGuid = (idempotencyKey: string): string => deterministicUuid(idempotencyKey);
