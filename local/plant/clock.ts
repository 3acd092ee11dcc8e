/**
 * Simulated time for the plant simulators. Every simulator reads the time and waits through a
 * `SimClock`, never through `Date.now` or `setTimeout` directly, so a plant day runs much faster
 * than real time and a test can step time by hand.
 *
 * - `RealtimeSimClock`: simulated time advances `speed` times faster than real time (default
 *   1 real ms = 60 sim s). Timers are real timers scaled down.
 * - `ManualClock`: time moves only through `advance()`, which fires due timers in time order (ties
 *   in creation order). Deterministic: the same calls give the same sequence.
 */
export interface SimTimer {
  readonly id: number;
  readonly dueAt: number;
}

export interface SimClock {
  /** Simulated time, ms since the Unix epoch. */
  now(): number;
  /** Resolves after `simMs` of simulated time. */
  sleep(simMs: number): Promise<void>;
  setTimeout(callback: () => void, simMs: number): SimTimer;
  clearTimeout(timer: SimTimer | undefined): void;
  /** Simulated ms per real ms. */
  readonly speed: number;
}

/** Simulated time as ISO 8601 with the UTC offset of `timeZone` at that instant, e.g. 2026-11-25T06:02:00+01:00. */
export const isoAt = (ms: number, timeZone = 'UTC'): string => {
  const date = new Date(ms);
  if (timeZone === 'UTC') return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(date);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
  const local = Date.UTC(
    Number(get('year')),
    Number(get('month')) - 1,
    Number(get('day')),
    Number(get('hour')),
    Number(get('minute')),
    Number(get('second')),
  );
  const offsetMinutes = Math.round((local - Math.floor(ms / 1000) * 1000) / 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const offset = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}:${get('second')}${offset}`;
};

export interface RealtimeSimClockOptions {
  /** Simulated time at start, ms since the epoch. @default 2026-11-25T05:00:00Z */
  readonly epoch?: number;
  /** Simulated ms per real ms. @default 60000 (1 real ms = 60 sim s) */
  readonly speed?: number;
  /** Real monotonic clock in ms (tests may inject). @default performance.now */
  readonly realNow?: () => number;
}

export const DEFAULT_SIM_EPOCH = Date.parse('2026-11-25T05:00:00Z');

export class RealtimeSimClock implements SimClock {
  readonly speed: number;
  private readonly epoch: number;
  private readonly realNow: () => number;
  private readonly realStart: number;
  private nextId = 1;
  private readonly handles = new Map<number, ReturnType<typeof setTimeout>>();

  constructor(options: RealtimeSimClockOptions = {}) {
    this.speed = options.speed ?? 60_000;
    if (!(this.speed > 0)) throw new Error(`clock speed must be positive, got ${this.speed}`);
    this.epoch = options.epoch ?? DEFAULT_SIM_EPOCH;
    this.realNow = options.realNow ?? (() => performance.now());
    this.realStart = this.realNow();
  }

  now(): number {
    return Math.floor(this.epoch + (this.realNow() - this.realStart) * this.speed);
  }

  sleep(simMs: number): Promise<void> {
    return new Promise((resolve) => this.setTimeout(resolve, simMs));
  }

  setTimeout(callback: () => void, simMs: number): SimTimer {
    const id = this.nextId++;
    const delay = Math.max(0, simMs) / this.speed;
    const dueAt = this.now() + Math.max(0, simMs);
    const handle = setTimeout(() => {
      this.handles.delete(id);
      callback();
    }, delay);
    this.handles.set(id, handle);
    return { id, dueAt };
  }

  clearTimeout(timer: SimTimer | undefined): void {
    if (!timer) return;
    const handle = this.handles.get(timer.id);
    if (handle !== undefined) clearTimeout(handle);
    this.handles.delete(timer.id);
  }

  /** Cancels every pending timer (plant stop). */
  clearAll(): void {
    for (const handle of this.handles.values()) clearTimeout(handle);
    this.handles.clear();
  }
}

interface ManualTimer extends SimTimer {
  readonly callback: () => void;
}

export class ManualClock implements SimClock {
  readonly speed = Number.POSITIVE_INFINITY;
  private current: number;
  private nextId = 1;
  private timers: ManualTimer[] = [];

  constructor(epoch: number = DEFAULT_SIM_EPOCH) {
    this.current = epoch;
  }

  now(): number {
    return this.current;
  }

  sleep(simMs: number): Promise<void> {
    return new Promise((resolve) => this.setTimeout(resolve, simMs));
  }

  setTimeout(callback: () => void, simMs: number): SimTimer {
    const timer: ManualTimer = { id: this.nextId++, dueAt: this.current + Math.max(0, simMs), callback };
    this.timers.push(timer);
    return timer;
  }

  clearTimeout(timer: SimTimer | undefined): void {
    if (!timer) return;
    this.timers = this.timers.filter((t) => t.id !== timer.id);
  }

  /** Timers not yet fired. */
  get pending(): number {
    return this.timers.length;
  }

  /**
   * Moves time forward by `simMs`, firing due timers in (dueAt, creation) order. Between timers it
   * yields to the event loop so promise continuations (e.g. after `sleep`) run before the next one.
   */
  async advance(simMs: number): Promise<void> {
    const target = this.current + simMs;
    for (;;) {
      await flush();
      const next = this.timers.reduce<ManualTimer | undefined>(
        (best, t) =>
          t.dueAt <= target && (!best || t.dueAt < best.dueAt || (t.dueAt === best.dueAt && t.id < best.id))
            ? t
            : best,
        undefined,
      );
      if (!next) break;
      this.timers = this.timers.filter((t) => t.id !== next.id);
      this.current = Math.max(this.current, next.dueAt);
      next.callback();
    }
    this.current = target;
    await flush();
  }
}

const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};
