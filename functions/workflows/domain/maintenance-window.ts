/**
 * The next valid maintenance window from a plant calendar. Windows are weekly, in plant-local
 * time with a fixed UTC offset; blackout dates (local) have none. Pure and deterministic.
 */
import type { PlantCalendar } from '../ports';

export interface MaintenanceWindow {
  readonly start: string;
  readonly end: string;
}

const offsetMinutes = (offset: string): number => {
  const match = /^([+-])(\d{2}):(\d{2})$/.exec(offset);
  if (!match) throw new RangeError(`invalid UTC offset "${offset}", expected ±HH:MM`);
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === '-' ? -minutes : minutes;
};

const minutesOf = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

/** ISO string in plant-local time with the plant offset, e.g. 2026-11-28T22:00:00+01:00. */
const formatLocal = (utcMs: number, offset: string): string =>
  `${new Date(utcMs + offsetMinutes(offset) * 60_000).toISOString().slice(0, 19)}${offset}`;

export const nextMaintenanceWindow = (
  calendar: PlantCalendar,
  earliest: Date,
  durationMinutes: number,
  horizonHours: number,
): MaintenanceWindow | undefined => {
  const offsetMs = offsetMinutes(calendar.utcOffset) * 60_000;
  const earliestMs = earliest.getTime();
  const latestEndMs = earliestMs + horizonHours * 3_600_000;
  const durationMs = durationMinutes * 60_000;
  // Local midnight of the earliest day, then day by day; one day back for windows passing midnight.
  const localEarliest = new Date(earliestMs + offsetMs);
  const firstDayMs = Date.UTC(
    localEarliest.getUTCFullYear(),
    localEarliest.getUTCMonth(),
    localEarliest.getUTCDate(),
  );
  const days = Math.ceil(horizonHours / 24) + 1;
  const candidates: MaintenanceWindow[] = [];
  for (let d = -1; d <= days; d++) {
    const localDayMs = firstDayMs + d * 86_400_000;
    const localDate = new Date(localDayMs).toISOString().slice(0, 10);
    if (calendar.blackoutDates.includes(localDate)) continue;
    const isoWeekday = ((new Date(localDayMs).getUTCDay() + 6) % 7) + 1;
    for (const window of calendar.weeklyWindows.filter((w) => w.weekday === isoWeekday)) {
      const startMs = localDayMs + minutesOf(window.start) * 60_000 - offsetMs;
      let endMs = localDayMs + minutesOf(window.end) * 60_000 - offsetMs;
      if (endMs <= startMs) endMs += 86_400_000;
      const candidateStart = Math.max(startMs, earliestMs);
      const candidateEnd = candidateStart + durationMs;
      if (candidateEnd <= endMs && candidateEnd <= latestEndMs)
        candidates.push({
          start: formatLocal(candidateStart, calendar.utcOffset),
          end: formatLocal(candidateEnd, calendar.utcOffset),
        });
    }
  }
  return candidates.sort((a, b) => Date.parse(a.start) - Date.parse(b.start))[0];
};
