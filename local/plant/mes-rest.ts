import {
  CancelOrderRequest,
  MES_LIST_MAX_PAGE_SIZE,
  ProductionOrderRequest,
} from '../../functions/mes/json/wire';
import type { SimClock } from './clock';
import { json, type SimRequest, type SimResponse, type SimServer, startServer } from './http';
import type { SimPlantMasterData } from './master-data';
import {
  MesCore,
  type MesFactInput,
  type MesOrder,
  type MesSettings,
  type RenderedMessage,
} from './mes-core';
import { Random } from './random';

/**
 * A simulated MES speaking the REST/JSON profile (functions/mes/json/wire.ts): it takes production
 * orders on `/api/v1/production-orders`, answers status queries, and posts its execution events to
 * plantsync's MES ingress as `{ "events": [...] }`.
 */

export interface MesFaultSettings {
  /** Share of requests from plantsync answered 500. @default 0 */
  readonly errorRate?: number;
  /** Every request answered 503 (MES down). */
  readonly down?: boolean;
}

export interface SimulatedMesOptions {
  /** Fixed loopback port (the platform's configuration names it). @default 0, ephemeral */
  readonly port?: number;
  readonly seed: string | number;
  readonly clock: SimClock;
  readonly master: SimPlantMasterData;
  readonly ingressUrl: string;
  readonly ingressHeaders?: () => Record<string, string>;
  /** When set, requests must carry `authorization: Bearer <key>` or `x-api-key: <key>`. */
  readonly apiKey?: string;
  readonly settings?: MesSettings;
  readonly faults?: MesFaultSettings;
}

const hoursToMs = (q: { value: string; unit: string } | undefined): number => {
  if (!q) return 0;
  const v = Number(q.value);
  if (!Number.isFinite(v)) return 0;
  const unit = q.unit.toUpperCase();
  const factor =
    unit === 'MIN'
      ? 60_000
      : unit === 'S' || unit === 'SEC'
        ? 1000
        : unit === 'D' || unit === 'DAY'
          ? 86_400_000
          : 3_600_000;
  return v * factor;
};

/** Renders facts as REST/JSON wire events (one event per fact). */
export const renderJsonFact = (core: MesCore, fact: MesFactInput): RenderedMessage[] => {
  const plant = core.plant;
  const occurredAt = core.iso();
  const eventId = core.ids.next('EVT');
  const base = { eventId, plant, occurredAt };
  const one = (
    event: Record<string, unknown>,
    refs: { orderNumber?: string; operationNumber?: string; equipmentId?: string; downtimeId?: string },
  ) => [
    {
      contentType: 'application/json' as const,
      body: event,
      record: {
        id: eventId,
        format: 'json' as const,
        kind: fact.kind,
        plant,
        occurredAt,
        payload: event,
        ...refs,
      },
    },
  ];
  const q = (value: number, unit: string) => ({ value: String(value), unit });
  switch (fact.kind) {
    case 'order.acknowledged':
      return one(
        {
          ...base,
          eventType: fact.kind,
          orderNumber: fact.order.orderNumber,
          jobId: fact.jobId,
          accepted: fact.accepted,
          ...(fact.line ? { line: fact.line } : {}),
          ...(fact.reason ? { reason: fact.reason } : {}),
        },
        { orderNumber: fact.order.orderNumber },
      );
    case 'operation.started':
      return one(
        {
          ...base,
          eventType: fact.kind,
          orderNumber: fact.order.orderNumber,
          jobId: fact.jobId,
          operationNumber: fact.operationNumber,
          workCenter: fact.workCenter,
          ...(fact.equipmentId ? { equipmentId: fact.equipmentId } : {}),
        },
        {
          orderNumber: fact.order.orderNumber,
          operationNumber: fact.operationNumber,
          ...(fact.equipmentId ? { equipmentId: fact.equipmentId } : {}),
        },
      );
    case 'operation.completed':
      return one(
        {
          ...base,
          eventType: fact.kind,
          orderNumber: fact.order.orderNumber,
          jobId: fact.jobId,
          operationNumber: fact.operationNumber,
          workCenter: fact.workCenter,
          ...(fact.equipmentId ? { equipmentId: fact.equipmentId } : {}),
          yield: q(fact.good, fact.order.unit),
          scrap: q(fact.scrap, fact.order.unit),
        },
        {
          orderNumber: fact.order.orderNumber,
          operationNumber: fact.operationNumber,
          ...(fact.equipmentId ? { equipmentId: fact.equipmentId } : {}),
        },
      );
    case 'production.confirmed':
      return one(
        {
          ...base,
          eventType: fact.kind,
          orderNumber: fact.order.orderNumber,
          jobId: fact.jobId,
          confirmationId: fact.confirmationId,
          operationNumber: fact.operationNumber,
          workCenter: fact.workCenter,
          ...(fact.equipmentId ? { equipmentId: fact.equipmentId } : {}),
          good: q(fact.good, fact.order.unit),
          scrap: q(fact.scrap, fact.order.unit),
          rework: q(fact.rework, fact.order.unit),
          ...(fact.scrapReason ? { scrapReason: fact.scrapReason } : {}),
          final: fact.final,
          machineTime: q(fact.machineHours, 'h'),
        },
        {
          orderNumber: fact.order.orderNumber,
          operationNumber: fact.operationNumber,
          ...(fact.equipmentId ? { equipmentId: fact.equipmentId } : {}),
        },
      );
    case 'material.consumed':
    case 'material.produced':
      return one(
        {
          ...base,
          eventType: fact.kind,
          movementId: fact.movementId,
          orderNumber: fact.order.orderNumber,
          jobId: fact.jobId,
          material: fact.material,
          quantity: q(fact.quantity, fact.unit),
          ...(fact.storageLocation ? { storageLocation: fact.storageLocation } : {}),
          ...('batch' in fact && fact.batch ? { batch: fact.batch } : {}),
        },
        {
          orderNumber: fact.order.orderNumber,
          ...('operationNumber' in fact ? { operationNumber: fact.operationNumber } : {}),
        },
      );
    case 'downtime.started':
      return one(
        {
          ...base,
          eventType: fact.kind,
          downtimeId: fact.downtimeId,
          equipmentId: fact.equipment.equipmentId,
          line: fact.equipment.line,
          reason: { code: fact.reasonCode, text: fact.reasonText },
          faultCode: fact.faultCode,
          planned: false,
        },
        { equipmentId: fact.equipment.equipmentId, downtimeId: fact.downtimeId },
      );
    case 'downtime.ended':
      return one(
        {
          ...base,
          eventType: fact.kind,
          downtimeId: fact.downtimeId,
          equipmentId: fact.equipment.equipmentId,
          line: fact.equipment.line,
          reason: { code: fact.reasonCode },
          startedAt: core.iso(fact.startedAt),
        },
        { equipmentId: fact.equipment.equipmentId, downtimeId: fact.downtimeId },
      );
    case 'machine.state-changed':
      return one(
        {
          ...base,
          eventType: fact.kind,
          equipmentId: fact.equipment.equipmentId,
          line: fact.equipment.line,
          state: fact.state,
          previousState: fact.previousState,
        },
        { equipmentId: fact.equipment.equipmentId },
      );
  }
};

const wireOrder = (body: ProductionOrderRequest): MesOrder => ({
  orderNumber: body.orderNumber.replace(/^0+(?=\d)/, ''),
  revision: body.revision,
  plant: body.plant,
  material: body.material.number,
  quantity: Number(body.quantity.value),
  unit: body.quantity.unit,
  operations: body.operations.map((op) => ({
    operationNumber: op.operationNumber,
    workCenter: op.workCenter,
    description: op.description,
    plannedMs: hoursToMs(op.setupTime) + hoursToMs(op.machineTime) || undefined,
  })) as MesOrder['operations'],
  components: body.components.map((c) => ({
    material: c.material.number,
    quantity: Number(c.quantity.value),
    unit: c.quantity.unit,
    backflush: c.backflush,
    ...(c.operationNumber ? { operationNumber: c.operationNumber } : {}),
    ...(c.storageLocation ? { storageLocation: c.storageLocation } : {}),
    ...(c.batch ? { batch: c.batch } : {}),
  })),
});

/** Shared HTTP guard of both MES profiles: availability, injected 500s, API key. */
export class MesFaultSwitch {
  private settings: Required<MesFaultSettings>;
  private readonly random: Random;

  constructor(seed: string | number, plant: string, settings: MesFaultSettings = {}) {
    this.settings = { errorRate: 0, down: false, ...settings };
    this.random = new Random(seed).fork(`mes:${plant}:http-faults`);
  }

  set(settings: MesFaultSettings): void {
    this.settings = { ...this.settings, ...settings };
  }

  down(): void {
    this.settings = { ...this.settings, down: true };
  }

  up(): void {
    this.settings = { ...this.settings, down: false };
  }

  check(core: MesCore, request: SimRequest, apiKey: string | undefined): SimResponse | undefined {
    const status = this.settings.down ? 503 : this.random.chance(this.settings.errorRate) ? 500 : undefined;
    if (status) {
      core.records.faultsAnswered.push({ path: request.url.pathname, status, at: core.clock.now() });
      return json(status, { error: status === 503 ? 'MES unavailable' : 'Internal server error' });
    }
    if (apiKey) {
      const given =
        request.headers['x-api-key']?.toString() ??
        request.headers.authorization?.toString().replace(/^Bearer\s+/i, '');
      if (given !== apiKey) return json(401, { error: 'unauthorized' });
    }
    return undefined;
  }
}

/**
 * The REST resources both profiles expose (B2MML plants too, as the connector expects):
 * `GET …/v1/equipment/{id}/status`, `GET …/v1/lines/{line}/status`,
 * `PUT …/v1/equipment/{id}/availability`, `GET …/v1/production-orders/{n}`. Undefined when the
 * request is none of them.
 */
export const mesResources = (core: MesCore, request: SimRequest): SimResponse | undefined => {
  const path = request.url.pathname.replace(/\/+$/, '');
  const m = /\/v1\/(equipment|lines|production-orders)\/([^/]+)(?:\/(status|availability))?$/.exec(path);
  if (!m) return undefined;
  const [, resource, rawId = '', action] = m;
  const id = decodeURIComponent(rawId);
  if (resource === 'equipment' && action === 'status' && request.method === 'GET') {
    const status = core.status(id);
    return status ? json(200, status) : json(404, { error: `equipment ${id} unknown` });
  }
  if (resource === 'lines' && action === 'status' && request.method === 'GET') {
    const status = core.lineStatus(id);
    return status ? json(200, status) : json(404, { error: `line ${id} unknown` });
  }
  if (
    resource === 'equipment' &&
    action === 'availability' &&
    (request.method === 'PUT' || request.method === 'POST')
  ) {
    let available: unknown;
    try {
      available = (JSON.parse(request.body || '{}') as { available?: unknown }).available;
    } catch {
      return json(400, { error: 'body is not JSON' });
    }
    if (typeof available !== 'boolean') return json(400, { error: '`available` (boolean) is required' });
    return core.setAvailability(id, available)
      ? json(200, core.status(id))
      : json(404, { error: `equipment ${id} unknown` });
  }
  if (resource === 'production-orders' && !action && request.method === 'GET') {
    const record = core.records.orders.get(id.replace(/^0+(?=\d)/, ''));
    if (!record) return json(404, { error: `order ${id} unknown` });
    return json(200, {
      orderNumber: record.orderNumber,
      revision: Math.max(...record.revisions),
      jobId: record.jobId,
      status: record.status.toUpperCase(),
    });
  }
  return undefined;
};

/**
 * One page of a list resource (`?page=` 1-based, `?pageSize=` up to 200, default 50):
 * `{ items, page, pageSize, total, nextPage }`, nextPage null on the last page.
 */
const listPage = <T>(request: SimRequest, all: readonly T[]): SimResponse => {
  const page = Number(request.url.searchParams.get('page') ?? '1');
  const size = Number(request.url.searchParams.get('pageSize') ?? '50');
  if (!Number.isInteger(page) || page < 1) return json(400, { error: 'page must be a positive integer' });
  if (!Number.isInteger(size) || size < 1) return json(400, { error: 'pageSize must be a positive integer' });
  const pageSize = Math.min(size, MES_LIST_MAX_PAGE_SIZE);
  const items = all.slice((page - 1) * pageSize, page * pageSize);
  const nextPage = page * pageSize < all.length ? page + 1 : null;
  return json(200, { items, page, pageSize, total: all.length, nextPage });
};

export class SimulatedRestMes {
  readonly core: MesCore;
  readonly faults: MesFaultSwitch;
  private server: SimServer | undefined;

  constructor(private readonly options: SimulatedMesOptions) {
    this.core = new MesCore({
      seed: options.seed,
      clock: options.clock,
      master: options.master,
      ingressUrl: options.ingressUrl,
      ...(options.ingressHeaders ? { ingressHeaders: options.ingressHeaders } : {}),
      ...(options.settings ? { settings: options.settings } : {}),
    });
    this.core.renderer = (fact) => renderJsonFact(this.core, fact);
    this.faults = new MesFaultSwitch(options.seed, options.master.plant, options.faults);
  }

  get records() {
    return this.core.records;
  }

  get plant(): string {
    return this.options.master.plant;
  }

  /** Server root; the API lives under `${url}/api/v1/...`. */
  get url(): string {
    if (!this.server) throw new Error('the simulated MES is not started');
    return this.server.url;
  }

  /** What the plant's `mes.endpoint` must say: the connector calls `${endpoint}/v1/...`. */
  get endpoint(): string {
    return `${this.url}/api`;
  }

  async start(): Promise<this> {
    this.server = await startServer((request) => this.handle(request), this.options.port);
    return this;
  }

  async stop(): Promise<void> {
    this.core.stop();
    await this.server?.close();
    this.server = undefined;
  }

  private handle(request: SimRequest): SimResponse {
    const refused = this.faults.check(this.core, request, this.options.apiKey);
    if (refused) return refused;
    const shared = mesResources(this.core, request);
    if (shared) return shared;
    const path = request.url.pathname.replace(/\/+$/, '');
    const parts = path.split('/').filter(Boolean);
    // api v1 <resource> ...
    if (parts[0] !== 'api' || parts[1] !== 'v1') return json(404, { error: `no route ${path}` });
    const [resource, id, action] = parts.slice(2);
    let body: unknown;
    try {
      body = request.body ? JSON.parse(request.body) : undefined;
    } catch {
      return json(400, { error: 'body is not JSON' });
    }
    if (request.method === 'GET' && id === undefined && resource === 'equipment')
      return listPage(request, this.core.equipmentList());
    if (request.method === 'GET' && id === undefined && resource === 'production-orders') {
      const status = request.url.searchParams.get('status') ?? 'open';
      if (status !== 'open' && status !== 'all')
        return json(400, { error: `status must be open or all, not ${status}` });
      return listPage(request, this.core.orderList(status));
    }
    if (resource === 'production-orders') {
      if (request.method === 'POST' && id === undefined) return this.upsert(body, undefined);
      if (request.method === 'PUT' && id && !action) return this.upsert(body, id);
      if (request.method === 'POST' && id && action === 'cancel') {
        const parsed = CancelOrderRequest.safeParse(body);
        if (!parsed.success)
          return json(400, { error: 'invalid cancel request', issues: parsed.error.issues });
        const record = this.core.cancel(id.replace(/^0+(?=\d)/, ''));
        if (!record) return json(404, { error: `order ${id} unknown` });
        return json(200, {
          orderNumber: record.orderNumber,
          revision: parsed.data.revision,
          jobId: record.jobId,
          status: 'CANCELLED',
        });
      }
    }
    return json(404, { error: `no route ${request.method} ${path}` });
  }

  private upsert(body: unknown, pathOrder: string | undefined): SimResponse {
    const parsed = ProductionOrderRequest.safeParse(body);
    if (!parsed.success) return json(400, { error: 'invalid production order', issues: parsed.error.issues });
    if (
      pathOrder &&
      pathOrder.replace(/^0+(?=\d)/, '') !== parsed.data.orderNumber.replace(/^0+(?=\d)/, '')
    ) {
      return json(400, { error: 'order number in the path and the body differ' });
    }
    if (parsed.data.plant !== this.plant)
      return json(400, { error: `this MES runs plant ${this.plant}, not ${parsed.data.plant}` });
    const { record, duplicate, stale } = this.core.receive(wireOrder(parsed.data));
    if (stale) {
      return json(409, {
        error: `order ${record.orderNumber} holds revision ${Math.max(...record.revisions)}`,
        orderNumber: record.orderNumber,
      });
    }
    return json(duplicate || pathOrder ? 200 : 201, {
      orderNumber: record.orderNumber,
      revision: parsed.data.revision,
      jobId: record.jobId,
      status: record.status.toUpperCase(),
      duplicate,
    });
  }
}
