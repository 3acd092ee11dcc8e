/**
 * ReferenceDataPort from the plant configuration (PLANTS_JSON, set by infra): shift calendar and
 * maintenance windows in the plant's IANA time zone. The equipment cross-reference uses the SAP
 * equipment number as the shared key until a cross-reference table exists.
 */
import { z } from 'zod';
import { ValidationError } from './errors';
import type { CallContext, PlantCalendar, ReferenceDataPort } from './ports';

const WEEKDAYS = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'] as const;
const Weekday = z.enum(WEEKDAYS);
const Clock = z.string().regex(/^\d{2}:\d{2}$/);

/** The part of infra's plant summary this port reads. */
export const PlantReference = z.object({
  code: z.string(),
  timeZone: z.string(),
  shifts: z.array(z.object({ name: z.string(), days: z.array(Weekday), start: Clock, end: Clock })),
  maintenanceWindows: z.array(
    z.object({ name: z.string(), days: z.array(Weekday), start: Clock, durationMinutes: z.number().int() }),
  ),
  blackoutDates: z.array(z.string()).default([]),
  sla: z
    .object({
      orderAckTimeoutSeconds: z.number().int().positive(),
      stuckOrderAfterMinutes: z.number().int().positive(),
    })
    .partial()
    .optional(),
  flappingWindowSeconds: z.number().int().nonnegative().optional(),
});
export type PlantReference = z.infer<typeof PlantReference>;

/** The zone's UTC offset at an instant, e.g. "+01:00" for Europe/Berlin in winter. */
export const utcOffsetAt = (timeZone: string, at: Date): string => {
  const name =
    new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
      .formatToParts(at)
      .find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  return name === 'GMT' ? '+00:00' : name.slice(3);
};

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const toClock = (minutes: number) =>
  `${String(Math.floor((minutes % 1440) / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** Weekly windows in local time; the offset is the one in force now (a window across a DST switch may shift by an hour). */
export const calendarOf = (plant: PlantReference, now: Date): PlantCalendar => ({
  utcOffset: utcOffsetAt(plant.timeZone, now),
  weeklyWindows: plant.maintenanceWindows.flatMap((w) =>
    w.days.map((day) => ({
      weekday: WEEKDAYS.indexOf(day) + 1,
      start: w.start,
      // A full-day window ends a minute before the next midnight so start and end stay distinct.
      end: toClock(toMinutes(w.start) + Math.min(w.durationMinutes, 1439)),
    })),
  ),
  blackoutDates: plant.blackoutDates,
});

export const shiftAt = (plant: PlantReference, at: Date): string | undefined => {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: plant.timeZone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const day = parts.find((p) => p.type === 'weekday')?.value.toUpperCase() ?? '';
  const minutes =
    Number(parts.find((p) => p.type === 'hour')?.value) * 60 +
    Number(parts.find((p) => p.type === 'minute')?.value);
  const today = WEEKDAYS.indexOf(day as (typeof WEEKDAYS)[number]);
  const yesterday = WEEKDAYS[(today + 6) % 7] as (typeof WEEKDAYS)[number];
  for (const shift of plant.shifts) {
    const start = toMinutes(shift.start);
    const end = toMinutes(shift.end);
    const overnight = end <= start;
    if (
      !overnight &&
      shift.days.includes(day as (typeof WEEKDAYS)[number]) &&
      minutes >= start &&
      minutes < end
    )
      return shift.name;
    if (overnight && shift.days.includes(day as (typeof WEEKDAYS)[number]) && minutes >= start)
      return shift.name;
    if (overnight && shift.days.includes(yesterday) && minutes < end) return shift.name;
  }
  return undefined;
};

export class PlantConfigReference implements ReferenceDataPort {
  private readonly plants: Map<string, PlantReference>;
  constructor(
    plants: readonly PlantReference[],
    private readonly now: () => Date = () => new Date(),
  ) {
    this.plants = new Map(plants.map((p) => [p.code, p]));
  }

  private plant(ctx: CallContext): PlantReference {
    const plant = this.plants.get(ctx.plant);
    if (!plant) throw new ValidationError(`plant ${ctx.plant} is not configured`);
    return plant;
  }

  async equipmentXref(_ctx: CallContext, equipmentId: string) {
    return { sapEquipment: equipmentId };
  }

  async shiftAt(ctx: CallContext, at: string) {
    return shiftAt(this.plant(ctx), new Date(at));
  }

  async plantCalendar(ctx: CallContext) {
    return calendarOf(this.plant(ctx), this.now());
  }

  async plantSla(ctx: CallContext) {
    const plant = this.plant(ctx);
    return {
      ...(plant.sla?.orderAckTimeoutSeconds
        ? { orderAckTimeoutSeconds: plant.sla.orderAckTimeoutSeconds }
        : {}),
      ...(plant.sla?.stuckOrderAfterMinutes
        ? { stuckOrderAfterSeconds: plant.sla.stuckOrderAfterMinutes * 60 }
        : {}),
      ...(plant.flappingWindowSeconds !== undefined
        ? { flappingWindowSeconds: plant.flappingWindowSeconds }
        : {}),
    };
  }
}
