import type { SimClock } from './clock';
import { isoAt } from './clock';
import { json, type SimRequest, type SimResponse, type SimServer, startServer } from './http';
import type { SimPlantMasterData } from './master-data';
import { Random } from './random';

/**
 * A simpler simulated maintenance tool for the generic REST profile (functions/maintenance/generic-rest.ts):
 * one `records` resource for requests and work orders (`{ "data": record }` envelopes), API-key auth,
 * a per-tenant rate limit with 429 + Retry-After, 500s on a switch, and technicians who take a work
 * order through assigned → in_progress → completed on simulated time. It has no webhooks: plantsync
 * reads the state back (`getWorkOrder`). `genericMappingFor(url)` is the connector mapping that fits.
 */

export type GenericState = 'new' | 'assigned' | 'in_progress' | 'on_hold' | 'completed' | 'cancelled';

export interface GenericRecord {
  readonly id: string;
  readonly type: 'request' | 'work-order';
  title: string;
  description: string | null;
  priority: number;
  asset: { tag: string };
  state: GenericState;
  externalRef: string | null;
  schedule: { start: string | null; end: string | null };
  downtime: { endedAt: string | null; seconds: string | null };
  labourHours: number;
  createdAt: string;
  updatedAt: string;
}

export interface GenericRecords {
  readonly records: GenericRecord[];
  /** Records created with a reference another record already had. */
  readonly duplicates: { readonly externalRef: string; readonly ids: readonly string[] }[];
  readonly throttled: number[];
  requests: number;
}

export interface SimulatedGenericMaintenanceOptions {
  /** Fixed loopback port (the platform's configuration names it). @default 0, ephemeral */
  readonly port?: number;
  readonly seed: string | number;
  readonly clock: SimClock;
  readonly master: SimPlantMasterData;
  /** @default derived from the seed */
  readonly apiKey?: string;
  readonly rateLimit?: { readonly rps: number; readonly burst: number };
  /** Real clock for the rate limit. @default Date.now */
  readonly realNow?: () => number;
}

const STATES: readonly GenericState[] = [
  'new',
  'assigned',
  'in_progress',
  'on_hold',
  'completed',
  'cancelled',
];

/** The connector mapping (GenericRestMapping input) for this simulator at `baseUrl`. */
export const genericMappingFor = (baseUrl: string) => ({
  baseUrl,
  authHeader: 'x-api-key',
  authPrefix: '',
  operations: {
    createNotification: { method: 'POST' as const, path: '/records' },
    createWorkOrder: { method: 'POST' as const, path: '/records' },
    updateWorkOrder: { method: 'PATCH' as const, path: '/records/{id}' },
    getWorkOrder: { method: 'GET' as const, path: '/records/{id}' },
    findByExternalReference: { method: 'GET' as const, path: '/records?externalRef={externalReference}' },
    updateNotification: { method: 'PATCH' as const, path: '/records/{id}' },
    listAssets: { method: 'GET' as const, path: '/assets' },
  },
  fields: {
    id: 'id',
    status: 'state',
    equipment: 'asset.tag',
    priority: 'priority',
    title: 'title',
    description: 'description',
    externalReference: 'externalRef',
    plannedStart: 'schedule.start',
    plannedEnd: 'schedule.end',
    recordType: 'type',
    downtimeEndedAt: 'downtime.endedAt',
    downtimeDurationSeconds: 'downtime.seconds',
  },
  assets: { listPath: 'data', equipment: 'tag', description: 'name' },
  recordPath: 'data',
  listPath: 'data',
  recordTypes: { notification: 'request', workOrder: 'work-order' },
  statusMap: {
    new: 'open' as const,
    assigned: 'open' as const,
    in_progress: 'in-progress' as const,
    on_hold: 'on-hold' as const,
    completed: 'done' as const,
    cancelled: 'cancelled' as const,
  },
  priorityMap: { low: 4, medium: 3, high: 2, urgent: 1 },
});

export class SimulatedGenericMaintenance {
  readonly records: GenericRecords = { records: [], duplicates: [], throttled: [], requests: 0 };
  readonly apiKey: string;
  private server: SimServer | undefined;
  private tokens: number;
  private refilledAt: number;
  private errorRate = 0;
  private stopped = false;
  private readonly random: Random;
  private readonly realNow: () => number;
  private next = 1;

  constructor(private readonly options: SimulatedGenericMaintenanceOptions) {
    this.random = new Random(options.seed).fork(`generic:${options.master.plant}`);
    this.apiKey = options.apiKey ?? `gen-${this.random.hex(24)}`;
    this.realNow = options.realNow ?? Date.now;
    this.tokens = options.rateLimit?.burst ?? 10;
    this.refilledAt = this.realNow();
  }

  async start(): Promise<this> {
    this.server = await startServer((request) => this.handle(request), this.options.port);
    return this;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.server?.close();
  }

  /** The mapping's `baseUrl`. */
  get url(): string {
    if (!this.server) throw new Error('the simulated maintenance tool is not started');
    return `${this.server.url}/api/v2`;
  }

  setErrorRate(rate: number): void {
    this.errorRate = rate;
  }

  private now(): string {
    return isoAt(this.options.clock.now(), this.options.master.timeZone);
  }

  private later(ms: number, fn: () => void): void {
    if (this.stopped) return;
    this.options.clock.setTimeout(() => {
      if (!this.stopped) fn();
    }, ms);
  }

  private handle(request: SimRequest): SimResponse {
    this.records.requests++;
    if (request.headers['x-api-key'] !== this.apiKey) return json(401, { error: 'invalid API key' });
    const limit = this.options.rateLimit ?? { rps: 5, burst: 10 };
    const realNow = this.realNow();
    this.tokens = Math.min(limit.burst, this.tokens + ((realNow - this.refilledAt) / 1000) * limit.rps);
    this.refilledAt = realNow;
    if (this.tokens < 1) {
      this.records.throttled.push(this.options.clock.now());
      return json(
        429,
        { error: 'rate limited' },
        { 'retry-after': String(Math.max(1, Math.ceil(1 / limit.rps))) },
      );
    }
    this.tokens -= 1;
    if (this.errorRate > 0 && this.random.chance(this.errorRate))
      return json(500, { error: 'internal error' });
    const path = request.url.pathname.replace(/^\/api\/v2/, '').replace(/\/+$/, '');
    let body: Record<string, unknown> = {};
    try {
      const parsed: unknown = request.body ? JSON.parse(request.body) : {};
      body = ((parsed as { data?: unknown }).data ?? parsed) as Record<string, unknown>;
    } catch {
      return json(400, { error: 'body is not JSON' });
    }
    if (path === '/assets' && request.method === 'GET') {
      return json(200, {
        data: this.options.master.equipment.map((e) => ({ tag: e.equipmentId, name: e.description })),
      });
    }
    if (path === '/records' && request.method === 'GET') {
      const ref = request.url.searchParams.get('externalRef');
      return json(200, { data: this.records.records.filter((r) => ref === null || r.externalRef === ref) });
    }
    if (path === '/records' && request.method === 'POST') return this.create(body);
    const m = /^\/records\/([^/]+)$/.exec(path);
    const record = m ? this.records.records.find((r) => r.id === decodeURIComponent(m[1] ?? '')) : undefined;
    if (!record) return json(404, { error: 'not found' });
    if (request.method === 'GET') return json(200, { data: record });
    if (request.method === 'PATCH') {
      if (typeof body.title === 'string') record.title = body.title;
      if (typeof body.description === 'string') record.description = body.description;
      if (typeof body.priority === 'number') record.priority = body.priority;
      if (typeof body.state === 'string' && STATES.includes(body.state as GenericState))
        record.state = body.state as GenericState;
      const schedule = body.schedule as { start?: string; end?: string } | undefined;
      if (schedule?.start) record.schedule.start = schedule.start;
      if (schedule?.end) record.schedule.end = schedule.end;
      const downtime = body.downtime as { endedAt?: string; seconds?: string } | undefined;
      if (downtime?.endedAt) record.downtime.endedAt = downtime.endedAt;
      if (downtime?.seconds) record.downtime.seconds = String(downtime.seconds);
      record.updatedAt = this.now();
      return json(200, { data: record });
    }
    return json(405, { error: 'method not allowed' });
  }

  private create(body: Record<string, unknown>): SimResponse {
    const type = body.type === 'request' ? 'request' : 'work-order';
    const tag = (body.asset as { tag?: unknown } | undefined)?.tag;
    if (typeof body.title !== 'string' || typeof tag !== 'string')
      return json(422, { error: 'title and asset.tag are required' });
    if (!this.options.master.equipment.some((e) => e.equipmentId === tag))
      return json(422, { error: `unknown asset ${tag}` });
    const externalRef = typeof body.externalRef === 'string' ? body.externalRef : null;
    const id = `${type === 'request' ? 'RQ' : 'WO'}-${this.options.master.plant}-${String(this.next++).padStart(5, '0')}`;
    const earlier = externalRef ? this.records.records.filter((r) => r.externalRef === externalRef) : [];
    if (externalRef && earlier.length > 0)
      this.records.duplicates.push({ externalRef, ids: [...earlier.map((r) => r.id), id] });
    const schedule = (body.schedule ?? {}) as { start?: string; end?: string };
    const record: GenericRecord = {
      id,
      type,
      title: body.title,
      description: typeof body.description === 'string' ? body.description : null,
      priority: typeof body.priority === 'number' ? body.priority : 3,
      asset: { tag },
      state: 'new',
      externalRef,
      schedule: { start: schedule.start ?? null, end: schedule.end ?? null },
      downtime: { endedAt: null, seconds: null },
      labourHours: 0,
      createdAt: this.now(),
      updatedAt: this.now(),
    };
    this.records.records.push(record);
    if (type === 'work-order') this.technician(record);
    return json(201, { data: record });
  }

  private technician(record: GenericRecord): void {
    const random = new Random(this.options.seed).fork(`generic:wo:${record.id}`);
    const step = (state: GenericState, after: number, then?: () => void) =>
      this.later(after, () => {
        if (record.state === 'cancelled' || record.state === 'completed') return;
        record.state = state;
        record.updatedAt = this.now();
        then?.();
      });
    step('assigned', random.int(2, 10) * 60_000, () =>
      step('in_progress', random.int(5, 30) * 60_000, () => {
        const repair = random.int(30, 180) * 60_000;
        step('completed', repair, () => {
          record.labourHours = Math.round((repair / 3_600_000) * 100) / 100;
        });
      }),
    );
  }
}
