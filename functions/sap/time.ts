/**
 * SAP dates (DATS, YYYYMMDD) and times (TIMS, HHMMSS) carry no offset: they are wall-clock values
 * in a known time zone (the plant's for scheduling data, the SAP system's for IDoc creation). This
 * module turns them into ISO 8601 with an explicit offset using only Intl (no tz database package).
 */

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

const formatterFor = (timeZone: string): Intl.DateTimeFormat => {
  let formatter = offsetFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
    offsetFormatters.set(timeZone, formatter);
  }
  return formatter;
};

/** True when Intl knows the IANA zone name. */
export const isValidTimeZone = (timeZone: string): boolean => {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
};

/** Offset of `timeZone` at the instant `epochMs`, in minutes east of UTC. */
export const offsetMinutesAt = (epochMs: number, timeZone: string): number => {
  const part = formatterFor(timeZone)
    .formatToParts(new Date(epochMs))
    .find((p) => p.type === 'timeZoneName')?.value;
  // "GMT" for UTC itself, otherwise "GMT+01:00" / "GMT-05:30".
  const match = /^GMT(?:([+-])(\d{2}):(\d{2}))?$/.exec(part ?? '');
  if (!match) throw new RangeError(`cannot read the offset of time zone ${timeZone}`);
  if (!match[1]) return 0;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === '-' ? -minutes : minutes;
};

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

const formatOffset = (minutes: number): string => {
  if (minutes === 0) return '+00:00';
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
};

/** An SAP initial date: no value. */
export const isInitialSapDate = (date: string | undefined): boolean =>
  date === undefined || date.trim() === '' || /^0+$/.test(date.trim());

export class SapDateTimeError extends Error {
  override readonly name = 'SapDateTimeError';
}

/**
 * `('20261125', '060000', 'Europe/Berlin')` → `'2026-11-25T06:00:00+01:00'`.
 * A wall-clock time that does not exist (spring-forward gap) is moved forward by the gap, and an
 * ambiguous one (fall-back overlap) takes the earlier instant, as most schedulers do.
 */
export const sapDateTimeToIso = (date: string, time: string | undefined, timeZone: string): string => {
  const d = /^(\d{4})(\d{2})(\d{2})$/.exec(date.trim());
  if (!d) throw new SapDateTimeError(`"${date}" is not an SAP date (YYYYMMDD)`);
  const t = /^(\d{2})(\d{2})(\d{2})$/.exec((time ?? '000000').trim() || '000000');
  if (!t) throw new SapDateTimeError(`"${time}" is not an SAP time (HHMMSS)`);
  const [year, month, day] = [Number(d[1]), Number(d[2]), Number(d[3])];
  const [hour, minute, second] = [Number(t[1]), Number(t[2]), Number(t[3])];
  const wallAsUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(wallAsUtc);
  if (
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    throw new SapDateTimeError(`${date} ${time ?? ''} is not a valid calendar date and time`.trim());
  }
  // The zone's offsets on either side of this wall time; at most one transition lies in between.
  const candidates = [...new Set([-12, 12].map((h) => offsetMinutesAt(wallAsUtc + h * 3_600_000, timeZone)))];
  const valid = candidates
    .map((o) => wallAsUtc - o * 60_000)
    .filter((instant) => offsetMinutesAt(instant, timeZone) * 60_000 === wallAsUtc - instant);
  // Overlap: the earlier instant. Gap: interpret with the offset before the jump, i.e. later wall time.
  const instant = valid.length > 0 ? Math.min(...valid) : wallAsUtc - (candidates[0] ?? 0) * 60_000;
  const offset = offsetMinutesAt(instant, timeZone);
  const local = new Date(instant + offset * 60_000);
  return (
    `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}` +
    `T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}${formatOffset(offset)}`
  );
};

/** `'20260101'` → `'2026-01-01'` (calendar date, no zone). */
export const sapDateToIsoDate = (date: string): string => {
  const d = /^(\d{4})(\d{2})(\d{2})$/.exec(date.trim());
  if (!d) throw new SapDateTimeError(`"${date}" is not an SAP date (YYYYMMDD)`);
  const check = new Date(Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3])));
  if (check.getUTCDate() !== Number(d[3])) throw new SapDateTimeError(`${date} is not a valid calendar date`);
  return `${d[1]}-${d[2]}-${d[3]}`;
};

/** ISO instant → SAP date and time in `timeZone` (for outbound postings). */
export const isoToSapDateTime = (iso: string, timeZone: string): { date: string; time: string } => {
  const epoch = Date.parse(iso);
  if (Number.isNaN(epoch)) throw new SapDateTimeError(`"${iso}" is not an ISO 8601 date-time`);
  const local = new Date(epoch + offsetMinutesAt(epoch, timeZone) * 60_000);
  return {
    date: `${pad(local.getUTCFullYear(), 4)}${pad(local.getUTCMonth() + 1)}${pad(local.getUTCDate())}`,
    time: `${pad(local.getUTCHours())}${pad(local.getUTCMinutes())}${pad(local.getUTCSeconds())}`,
  };
};
