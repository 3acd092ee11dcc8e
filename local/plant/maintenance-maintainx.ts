import { createHmac } from 'node:crypto';
import { isoAt, type SimClock } from './clock';
import { deliver, json, type SimRequest, type SimResponse, type SimServer, startServer } from './http';
import type { SimPlantMasterData } from './master-data';
import { Random } from './random';

/**
 * A simulated maintenance platform modeled on MaintainX's public REST API (v1): work requests and
 * work orders (create, list by title, read, update, status), costs; bearer tokens, one organisation
 * per plant; per-organisation rate limits with 429 + Retry-After, 429 storms and 500s on switches;
 * signed webhooks (`x-maintainx-webhook-body-signature: t=<ts>,v1=<hmac>`) POSTed to plantsync when
 * work requests and work orders change; technicians who approve requests, start and finish work
 * orders on simulated time with labour, parts and cost.
 */

export const BODY_SIGNATURE_HEADER = 'x-maintainx-webhook-body-signature';
export const URI_SIGNATURE_HEADER = 'x-maintainx-webhook-uri-signature';

/** HMAC-SHA256 hex of `<timestamp>.<payload>` keyed with the webhook secret (the vendor's documented scheme). */
export const maintainxSignature = (secret: string, timestamp: string, payload: string): string =>
  createHmac('sha256', secret).update(`${timestamp}.${payload}`, 'utf8').digest('hex');

export type WorkOrderStatus = 'OPEN' | 'IN_PROGRESS' | 'ON_HOLD' | 'DONE' | 'CANCELED';
type Priority = 'NONE' | 'LOW' | 'MEDIUM' | 'HIGH';

export interface MxCostRow {
  readonly type: 'TIME' | 'PART' | 'EXPENSE';
  readonly description: string | null;
  readonly costPerUnit: number | null;
  readonly quantity: number | null;
  readonly rowTotal: number;
  readonly durationTotal: number | null;
  readonly userId: number | null;
  readonly partId: number | null;
}

export interface MxWorkRequest {
  readonly id: number;
  readonly orgId: number;
  readonly plant: string;
  title: string;
  description: string | null;
  priority: Priority;
  assetId: number | null;
  extraFields: Record<string, string>;
  status: 'PENDING' | 'APPROVED' | 'DECLINED';
  workOrderId: number | null;
  readonly createdAt: number;
  /** plantsync's reference (extraFields[referenceField]). */
  readonly externalReference?: string;
  /** SAP equipment the request is about (asset map or equipment field). */
  readonly equipmentId?: string;
  /** Another request with the same reference existed when this one was created. */
  readonly duplicate: boolean;
}

export interface MxWorkOrder {
  readonly id: number;
  readonly sequentialId: number;
  readonly orgId: number;
  readonly plant: string;
  title: string;
  description: string | null;
  priority: Priority;
  status: WorkOrderStatus;
  assetId: number | null;
  workRequestId: number | null;
  startDate: string | null;
  dueDate: string | null;
  extraFields: Record<string, string>;
  externalData: unknown;
  readonly createdAt: number;
  updatedAt: number;
  completedAt?: number;
  costs: MxCostRow[];
  parts: { id: number; quantityUsed: number; unitCost: number }[];
  readonly origin: 'api' | 'work-request';
  readonly externalReference?: string;
  readonly equipmentId?: string;
  readonly duplicate: boolean;
}

export interface MxWebhookRecord {
  readonly type: string;
  readonly plant: string;
  readonly workOrderId?: number;
  readonly workRequestId?: number;
  readonly body: string;
  readonly queuedAt: number;
  delivered: boolean;
  attempts: number;
  lastError?: string;
}

export class MaintainxRecords {
  readonly workRequests: MxWorkRequest[] = [];
  readonly workOrders: MxWorkOrder[] = [];
  readonly webhooks: MxWebhookRecord[] = [];
  readonly throttled: {
    readonly orgId: number;
    readonly path: string;
    readonly at: number;
    readonly reason: 'rate-limit' | 'storm';
  }[] = [];
  readonly errors: { readonly path: string; readonly status: number; readonly at: number }[] = [];
  requests = 0;

  /** Requests and work orders sharing one plantsync reference beyond the first (should be none). */
  get duplicates(): { readonly kind: 'work-request' | 'work-order'; readonly externalReference: string }[] {
    return [
      ...this.workRequests
        .filter((r) => r.duplicate)
        .map((r) => ({ kind: 'work-request' as const, externalReference: r.externalReference ?? '' })),
      ...this.workOrders
        .filter((w) => w.duplicate)
        .map((w) => ({ kind: 'work-order' as const, externalReference: w.externalReference ?? '' })),
    ];
  }
}

export interface MaintainxPlantSetup {
  readonly master: SimPlantMasterData;
  /** plantsync's webhook endpoint for this plant; `?event=<TYPE>` is appended per subscription. */
  readonly webhookUrl: string;
  /** Webhook signing secret. @default derived from the seed */
  readonly webhookSecret?: string;
  /** API bearer token of the plant's organisation. @default derived from the seed */
  readonly apiToken?: string;
  readonly rateLimit?: { readonly rps: number; readonly burst: number };
}

export interface TechnicianSettings {
  /** Time until a planner approves a work request into a work order. @default 2–15 min */
  readonly approveMs?: readonly [number, number];
  /** Time until a technician starts a work order. @default 5–30 min */
  readonly startMs?: readonly [number, number];
  /** Repair time. @default 30–180 min */
  readonly repairMs?: readonly [number, number];
  /** Labour rate in cents per hour. @default 6500 */
  readonly hourlyRateCents?: number;
}

export interface SimulatedMaintainxOptions {
  /** Fixed loopback port (the platform's configuration names it). @default 0, ephemeral */
  readonly port?: number;
  readonly seed: string | number;
  readonly clock: SimClock;
  readonly plants: readonly MaintainxPlantSetup[];
  /** Label of the custom field carrying plantsync's reference. @default "plantsync reference" */
  readonly referenceField?: string;
  /** Label of the custom field carrying the SAP equipment number. @default "SAP equipment" */
  readonly equipmentField?: string;
  readonly technicians?: TechnicianSettings;
  /** Real clock (ms) for rate limits and webhook timestamps: the verifier compares them with its own clock. @default Date.now */
  readonly realNow?: () => number;
  /** Per page on list endpoints when `limit` is absent. @default 100 */
  readonly pageSize?: number;
}

interface Tenant {
  readonly orgId: number;
  readonly plant: string;
  readonly token: string;
  readonly secret: string;
  readonly webhookUrl: string;
  readonly master: SimPlantMasterData;
  readonly rateLimit: { readonly rps: number; readonly burst: number };
  tokens: number;
  refilledAt: number;
  webhookQueue: Promise<void>;
}

const PARTS = [
  { id: 9101, name: 'Spindle bearing set', unitCost: 18_500 },
  { id: 9102, name: 'Drive belt', unitCost: 4_200 },
  { id: 9103, name: 'Proximity sensor', unitCost: 7_900 },
  { id: 9104, name: 'Hydraulic seal kit', unitCost: 3_100 },
  { id: 9105, name: 'Cutting insert (10)', unitCost: 9_600 },
];
const TECHNICIANS = [701, 702, 703, 704];
const PRIORITIES: readonly Priority[] = ['NONE', 'LOW', 'MEDIUM', 'HIGH'];

const errors = (status: number, message: string, headers: Record<string, string> = {}) =>
  json(status, { errors: [{ error: message }] }, headers);

export class SimulatedMaintainx {
  readonly records = new MaintainxRecords();
  private server: SimServer | undefined;
  private readonly tenants: Tenant[];
  private readonly random: Random;
  private readonly realNow: () => number;
  private readonly referenceField: string;
  private readonly equipmentField: string;
  private nextWorkRequest = 5001;
  private nextWorkOrder = 120001;
  private stormLeft = 0;
  private stormRetryAfter = 5;
  private errorRate = 0;
  private available = true;
  private stopped = false;

  constructor(private readonly options: SimulatedMaintainxOptions) {
    this.random = new Random(options.seed).fork('maintainx');
    this.realNow = options.realNow ?? Date.now;
    this.referenceField = options.referenceField ?? 'plantsync reference';
    this.equipmentField = options.equipmentField ?? 'SAP equipment';
    this.tenants = options.plants.map((p, i) => {
      const secrets = new Random(options.seed).fork(`maintainx:secrets:${p.master.plant}`);
      const rateLimit = p.rateLimit ?? { rps: 5, burst: 10 };
      return {
        orgId: 3001 + i,
        plant: p.master.plant,
        token: p.apiToken ?? `mx-token-${p.master.plant}-${secrets.hex(24)}`,
        secret: p.webhookSecret ?? `mx-whsec-${secrets.hex(32)}`,
        webhookUrl: p.webhookUrl,
        master: p.master,
        rateLimit,
        tokens: rateLimit.burst,
        refilledAt: this.realNow(),
        webhookQueue: Promise.resolve(),
      };
    });
  }

  async start(): Promise<this> {
    this.server = await startServer((request) => this.handle(request), this.options.port);
    return this;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.server?.close();
    this.server = undefined;
  }

  /** Base URL as the connector's `baseUrl` (…/v1). */
  get url(): string {
    if (!this.server) throw new Error('the simulated MaintainX is not started');
    return `${this.server.url}/v1`;
  }

  /** What plantsync's MaintainX config and secrets need for a plant. */
  configFor(plant: string) {
    const tenant = this.tenantOfPlant(plant);
    return {
      baseUrl: this.url,
      apiToken: tenant.token,
      webhookSecret: tenant.secret,
      organizationId: tenant.orgId,
      referenceField: this.referenceField,
      equipmentField: this.equipmentField,
      assets: Object.fromEntries(tenant.master.equipment.map((e) => [e.equipmentId, e.maintainxAssetId])),
      rateLimit: tenant.rateLimit,
    };
  }

  // ---- switches -----------------------------------------------------------------------------------

  /** The next `requests` API calls answer 429 with Retry-After (a 429 storm). */
  storm(requests: number, retryAfterSeconds = 5): void {
    this.stormLeft = requests;
    this.stormRetryAfter = retryAfterSeconds;
  }

  /** Share of API calls answered 500. */
  setErrorRate(rate: number): void {
    this.errorRate = rate;
  }

  down(): void {
    this.available = false;
  }

  up(): void {
    this.available = true;
  }

  /** Resolves when every queued webhook is delivered or given up. */
  async webhooksIdle(): Promise<void> {
    await Promise.all(this.tenants.map((t) => t.webhookQueue));
  }

  // ---- HTTP ---------------------------------------------------------------------------------------

  private tenantOfPlant(plant: string): Tenant {
    const tenant = this.tenants.find((t) => t.plant === plant);
    if (!tenant) throw new Error(`plant ${plant} has no simulated MaintainX organisation`);
    return tenant;
  }

  private throttle(tenant: Tenant, path: string): SimResponse | undefined {
    if (this.stormLeft > 0) {
      this.stormLeft--;
      this.records.throttled.push({
        orgId: tenant.orgId,
        path,
        at: this.options.clock.now(),
        reason: 'storm',
      });
      return errors(429, 'Too many requests', { 'retry-after': String(this.stormRetryAfter) });
    }
    const now = this.realNow();
    tenant.tokens = Math.min(
      tenant.rateLimit.burst,
      tenant.tokens + ((now - tenant.refilledAt) / 1000) * tenant.rateLimit.rps,
    );
    tenant.refilledAt = now;
    if (tenant.tokens >= 1) {
      tenant.tokens -= 1;
      return undefined;
    }
    const waitSeconds = Math.max(1, Math.ceil((1 - tenant.tokens) / tenant.rateLimit.rps));
    this.records.throttled.push({
      orgId: tenant.orgId,
      path,
      at: this.options.clock.now(),
      reason: 'rate-limit',
    });
    return errors(429, 'Rate limit exceeded', { 'retry-after': String(waitSeconds) });
  }

  private handle(request: SimRequest): SimResponse {
    this.records.requests++;
    const path = request.url.pathname.replace(/\/+$/, '');
    if (!this.available) return errors(503, 'Service unavailable');
    const token = request.headers.authorization?.toString().replace(/^Bearer\s+/i, '');
    const tenant = this.tenants.find((t) => t.token === token);
    if (!tenant) return errors(401, 'Unauthorized');
    const orgHeader = request.headers['x-organization-id']?.toString();
    if (orgHeader && Number(orgHeader) !== tenant.orgId)
      return errors(403, 'Token has no access to this organization');
    const throttled = this.throttle(tenant, path);
    if (throttled) return throttled;
    if (this.errorRate > 0 && this.random.chance(this.errorRate)) {
      this.records.errors.push({ path, status: 500, at: this.options.clock.now() });
      return errors(500, 'Internal server error');
    }
    let body: Record<string, unknown> = {};
    if (request.body) {
      try {
        const parsed: unknown = JSON.parse(request.body);
        if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
          return errors(400, 'Body must be a JSON object');
        body = parsed as Record<string, unknown>;
      } catch {
        return errors(400, 'Body is not JSON');
      }
    }
    const skipWebhook = ['true', '1', 'yes'].includes(request.url.searchParams.get('skipWebhook') ?? '');
    if (path === '/v1/assets' && request.method === 'GET') {
      // The organisation's assets (one page: a plant has a few dozen machines), each carrying the SAP
      // equipment number in the equipment custom field, as MaintainX returns with expand=extra_fields.
      return json(200, {
        assets: tenant.master.equipment.map((e) => ({
          id: e.maintainxAssetId,
          name: e.description,
          extraFields: { [this.equipmentField]: e.equipmentId },
        })),
        nextCursor: null,
      });
    }
    const m = /^\/v1\/(workrequests|workorders)(?:\/(\d+))?(?:\/(status|costs))?$/.exec(path);
    if (!m) return errors(404, `No route ${request.method} ${path}`);
    const [, resource, idText, sub] = m;
    const id = idText ? Number(idText) : undefined;
    if (resource === 'workrequests') {
      if (id === undefined && request.method === 'POST')
        return this.createWorkRequest(tenant, body, skipWebhook);
      if (id === undefined && request.method === 'GET')
        return this.listRequests(tenant, request.url.searchParams);
      const wr = this.records.workRequests.find((r) => r.id === id && r.orgId === tenant.orgId);
      if (!wr) return errors(404, `Work request ${idText} not found`);
      if (request.method === 'GET') return json(200, { workRequest: this.requestView(wr) });
      if (request.method === 'PATCH') {
        if (typeof body.title === 'string') wr.title = body.title;
        if (typeof body.description === 'string') wr.description = body.description;
        if (typeof body.priority === 'string' && PRIORITIES.includes(body.priority as Priority))
          wr.priority = body.priority as Priority;
        if (body.extraFields && typeof body.extraFields === 'object')
          Object.assign(wr.extraFields, body.extraFields);
        return json(200, { workRequest: this.requestView(wr) });
      }
      return errors(405, 'Method not allowed');
    }
    if (id === undefined) {
      if (request.method === 'POST') return this.createWorkOrder(tenant, body, 'api', null, skipWebhook);
      if (request.method === 'GET') return this.listOrders(tenant, request.url.searchParams);
      return errors(405, 'Method not allowed');
    }
    const wo = this.records.workOrders.find((w) => w.id === id && w.orgId === tenant.orgId);
    if (!wo) return errors(404, `Work order ${idText} not found`);
    if (sub === 'costs') {
      if (request.method === 'GET') return json(200, { costs: this.costsOf(wo) });
      return errors(405, 'Method not allowed');
    }
    if (sub === 'status') {
      if (request.method !== 'PATCH') return errors(405, 'Method not allowed');
      const status = body.status;
      if (
        typeof status !== 'string' ||
        !['OPEN', 'IN_PROGRESS', 'ON_HOLD', 'DONE', 'CANCELED'].includes(status)
      ) {
        return json(400, {
          errors: [{ error: 'Invalid status', fieldPath: 'status', fieldValue: String(status) }],
        });
      }
      this.setStatus(tenant, wo, status as WorkOrderStatus, null, skipWebhook);
      return json(200, { workOrder: this.orderView(wo) });
    }
    if (request.method === 'GET') return json(200, { workOrder: this.orderView(wo) });
    if (request.method === 'PATCH') {
      if (typeof body.title === 'string') wo.title = body.title;
      if (typeof body.description === 'string') wo.description = body.description;
      if (typeof body.priority === 'string' && PRIORITIES.includes(body.priority as Priority))
        wo.priority = body.priority as Priority;
      if (typeof body.startDate === 'string' || body.startDate === null)
        wo.startDate = body.startDate as string | null;
      if (typeof body.dueDate === 'string' || body.dueDate === null)
        wo.dueDate = body.dueDate as string | null;
      if (body.extraFields && typeof body.extraFields === 'object')
        Object.assign(wo.extraFields, body.extraFields);
      wo.updatedAt = this.options.clock.now();
      if (!skipWebhook)
        this.webhook(tenant, 'WORK_ORDER_CHANGE', this.changePayload(tenant, wo), { workOrderId: wo.id });
      return json(200, { workOrder: this.orderView(wo) });
    }
    return errors(405, 'Method not allowed');
  }

  private equipmentOf(
    tenant: Tenant,
    assetId: number | null,
    extraFields: Record<string, string>,
  ): string | undefined {
    return (
      extraFields[this.equipmentField] ??
      tenant.master.equipment.find((e) => e.maintainxAssetId === assetId)?.equipmentId ??
      undefined
    );
  }

  private fieldsOf(body: Record<string, unknown>): Record<string, string> {
    const raw = body.extraFields;
    if (!raw || typeof raw !== 'object') return {};
    return Object.fromEntries(
      Object.entries(raw).filter((e): e is [string, string] => typeof e[1] === 'string'),
    );
  }

  private createWorkRequest(
    tenant: Tenant,
    body: Record<string, unknown>,
    skipWebhook: boolean,
  ): SimResponse {
    if (typeof body.title !== 'string' || body.title.trim() === '') {
      return json(400, { errors: [{ error: 'title is required', fieldPath: 'title', fieldValue: null }] });
    }
    const extraFields = this.fieldsOf(body);
    const assetId = typeof body.assetId === 'number' ? body.assetId : null;
    if (assetId !== null && !tenant.master.equipment.some((e) => e.maintainxAssetId === assetId)) {
      return json(400, { errors: [{ error: 'Asset not found', fieldPath: 'assetId', fieldValue: assetId }] });
    }
    const reference = extraFields[this.referenceField];
    const equipmentId = this.equipmentOf(tenant, assetId, extraFields);
    const wr: MxWorkRequest = {
      id: this.nextWorkRequest++,
      orgId: tenant.orgId,
      plant: tenant.plant,
      title: body.title,
      description: typeof body.description === 'string' ? body.description : null,
      priority: PRIORITIES.includes(body.priority as Priority) ? (body.priority as Priority) : 'NONE',
      assetId,
      extraFields,
      status: 'PENDING',
      workOrderId: null,
      createdAt: this.options.clock.now(),
      duplicate:
        reference !== undefined &&
        this.records.workRequests.some((r) => r.externalReference === reference && r.orgId === tenant.orgId),
      ...(reference ? { externalReference: reference } : {}),
      ...(equipmentId ? { equipmentId } : {}),
    };
    this.records.workRequests.push(wr);
    if (!skipWebhook) {
      this.webhook(
        tenant,
        'NEW_WORK_REQUEST',
        { workRequestId: wr.id, orgId: tenant.orgId, occurredAt: this.iso(tenant) },
        { workRequestId: wr.id },
      );
    }
    const random = new Random(this.options.seed).fork(`maintainx:wr:${wr.id}`);
    const [lo, hi] = this.options.technicians?.approveMs ?? [2 * 60_000, 15 * 60_000];
    this.later(random.int(lo, hi), () => {
      if (wr.status !== 'PENDING') return;
      wr.status = 'APPROVED';
      this.webhook(
        tenant,
        'WORK_REQUEST_STATUS_CHANGE',
        {
          requestId: wr.id,
          orgId: tenant.orgId,
          oldStatus: 'PENDING',
          newStatus: 'APPROVED',
          occurredAt: this.iso(tenant),
        },
        { workRequestId: wr.id },
      );
      this.createWorkOrder(
        tenant,
        {
          title: wr.title,
          description: wr.description,
          priority: wr.priority,
          assetId: wr.assetId,
          extraFields: { ...wr.extraFields },
        },
        'work-request',
        wr,
        false,
      );
    });
    return json(200, { id: wr.id });
  }

  private createWorkOrder(
    tenant: Tenant,
    body: Record<string, unknown>,
    origin: MxWorkOrder['origin'],
    fromRequest: MxWorkRequest | null,
    skipWebhook: boolean,
  ): SimResponse {
    if (typeof body.title !== 'string' || body.title.trim() === '') {
      return json(400, { errors: [{ error: 'title is required', fieldPath: 'title', fieldValue: null }] });
    }
    if (
      body.startDate !== undefined &&
      body.startDate !== null &&
      (body.dueDate === undefined || body.dueDate === null)
    ) {
      return json(400, {
        errors: [
          { error: 'startDate requires dueDate', fieldPath: 'startDate', fieldValue: String(body.startDate) },
        ],
      });
    }
    const assetId = typeof body.assetId === 'number' ? body.assetId : null;
    if (assetId !== null && !tenant.master.equipment.some((e) => e.maintainxAssetId === assetId)) {
      return json(400, { errors: [{ error: 'Asset not found', fieldPath: 'assetId', fieldValue: assetId }] });
    }
    const extraFields = this.fieldsOf(body);
    const externalData = body.externalData ?? null;
    const fromData =
      externalData &&
      typeof externalData === 'object' &&
      typeof (externalData as Record<string, unknown>).plantsyncReference === 'string'
        ? ((externalData as Record<string, unknown>).plantsyncReference as string)
        : undefined;
    const reference = fromData ?? extraFields[this.referenceField];
    const workRequestId =
      fromRequest?.id ?? (typeof body.workRequestId === 'number' ? body.workRequestId : null);
    // A work order from an approved request inherits its reference; only API creates can duplicate.
    const duplicate =
      origin === 'api' &&
      reference !== undefined &&
      this.records.workOrders.some(
        (w) => w.externalReference === reference && w.orgId === tenant.orgId && w.origin === 'api',
      );
    const equipmentId = this.equipmentOf(tenant, assetId, extraFields);
    const now = this.options.clock.now();
    const id = this.nextWorkOrder++;
    const wo: MxWorkOrder = {
      id,
      sequentialId: this.records.workOrders.filter((w) => w.orgId === tenant.orgId).length + 1,
      orgId: tenant.orgId,
      plant: tenant.plant,
      title: body.title,
      description: typeof body.description === 'string' ? body.description : null,
      priority: PRIORITIES.includes(body.priority as Priority) ? (body.priority as Priority) : 'NONE',
      status: 'OPEN',
      assetId,
      workRequestId,
      startDate: typeof body.startDate === 'string' ? body.startDate : null,
      dueDate: typeof body.dueDate === 'string' ? body.dueDate : null,
      extraFields,
      externalData,
      createdAt: now,
      updatedAt: now,
      costs: [],
      parts: [],
      origin,
      duplicate,
      ...(reference ? { externalReference: reference } : {}),
      ...(equipmentId ? { equipmentId } : {}),
    };
    this.records.workOrders.push(wo);
    if (fromRequest) fromRequest.workOrderId = id;
    if (!skipWebhook) {
      this.webhook(
        tenant,
        'NEW_WORK_ORDER',
        {
          workOrderId: id,
          orgId: tenant.orgId,
          occurredAt: this.iso(tenant),
          newWorkOrder: this.webhookOrder(wo),
        },
        { workOrderId: id },
      );
    }
    this.technician(tenant, wo);
    return json(200, { id });
  }

  /** A technician picks the work order up, repairs, books time and parts, and closes it. */
  private technician(tenant: Tenant, wo: MxWorkOrder): void {
    const random = new Random(this.options.seed).fork(`maintainx:wo:${wo.id}`);
    const t = this.options.technicians ?? {};
    const [s0, s1] = t.startMs ?? [5 * 60_000, 30 * 60_000];
    const [r0, r1] = t.repairMs ?? [30 * 60_000, 180 * 60_000];
    const plannedStart = wo.startDate ? Date.parse(wo.startDate) : Number.NaN;
    const startIn = Number.isFinite(plannedStart)
      ? Math.max(plannedStart - this.options.clock.now(), 0) + random.int(0, s0)
      : random.int(s0, s1);
    const userId = random.pick(TECHNICIANS);
    this.later(startIn, () => {
      if (wo.status !== 'OPEN') return;
      this.setStatus(tenant, wo, 'IN_PROGRESS', userId, false);
      const repair = random.int(r0, r1);
      this.later(repair, () => {
        if (wo.status !== 'IN_PROGRESS') return;
        const rate = t.hourlyRateCents ?? 6500;
        const seconds = Math.round(repair / 1000);
        wo.costs.push({
          type: 'TIME',
          description: 'Repair labour',
          costPerUnit: rate,
          quantity: Math.round((seconds / 3600) * 100) / 100,
          rowTotal: Math.round((seconds / 3600) * rate),
          durationTotal: seconds,
          userId,
          partId: null,
        });
        const partCount = random.int(0, 2);
        for (let i = 0; i < partCount; i++) {
          const part = random.pick(PARTS);
          const quantity = random.int(1, 3);
          wo.parts.push({ id: part.id, quantityUsed: quantity, unitCost: part.unitCost });
          wo.costs.push({
            type: 'PART',
            description: part.name,
            costPerUnit: part.unitCost,
            quantity,
            rowTotal: part.unitCost * quantity,
            durationTotal: null,
            userId: null,
            partId: part.id,
          });
        }
        wo.completedAt = this.options.clock.now();
        this.setStatus(tenant, wo, 'DONE', userId, false);
      });
    });
  }

  private setStatus(
    tenant: Tenant,
    wo: MxWorkOrder,
    status: WorkOrderStatus,
    userId: number | null,
    skipWebhook: boolean,
  ): void {
    const old = wo.status;
    if (old === status) return;
    wo.status = status;
    wo.updatedAt = this.options.clock.now();
    if (skipWebhook) return;
    // Webhook statuses are OPEN | IN_PROGRESS | ON_HOLD | DONE; a cancellation is DONE with sub-status CANCELED.
    const webhookStatus = (s: WorkOrderStatus) => (s === 'CANCELED' ? 'DONE' : s);
    const subStatus = (s: WorkOrderStatus) => (s === 'CANCELED' ? 'CANCELED' : null);
    const counts = this.records.workOrders.filter((w) => w.orgId === tenant.orgId);
    this.webhook(
      tenant,
      'WORK_ORDER_STATUS_CHANGE',
      {
        workOrderId: wo.id,
        orgId: tenant.orgId,
        oldStatus: webhookStatus(old),
        oldSubStatus: subStatus(old),
        newStatus: webhookStatus(status),
        newSubStatus: subStatus(status),
        progress: {
          inProgressCount: counts.filter((w) => w.status === 'IN_PROGRESS').length,
          onHoldCount: counts.filter((w) => w.status === 'ON_HOLD').length,
          doneCount: counts.filter((w) => w.status === 'DONE').length,
        },
        occurredAt: this.iso(tenant),
        userId,
        newWorkOrder: this.webhookOrder(wo),
      },
      { workOrderId: wo.id },
    );
  }

  private changePayload(tenant: Tenant, wo: MxWorkOrder) {
    return {
      workOrderId: wo.id,
      orgId: tenant.orgId,
      occurredAt: this.iso(tenant),
      newWorkOrder: { ...this.webhookOrder(wo), costs: this.costsOf(wo) },
      addedAssigneeIds: [],
      removedAssigneeIds: [],
      addedTeamIds: [],
      removedTeamIds: [],
    };
  }

  private webhookOrder(wo: MxWorkOrder) {
    return {
      assetId: wo.assetId,
      assigneeIds: [],
      categories: [],
      description: wo.description,
      dueDate: wo.dueDate,
      estimatedTime: null,
      extraFields: { ...wo.extraFields },
      locationId: null,
      parts: wo.parts.map((p) => ({ ...p, locationId: null, copyOnRecurring: null })),
      priority: wo.priority,
      startDate: wo.startDate,
      teamIds: [],
      title: wo.title,
      vendorIds: [],
    };
  }

  private costsOf(wo: MxWorkOrder) {
    return { total: wo.costs.reduce((sum, row) => sum + row.rowTotal, 0), rows: wo.costs };
  }

  private requestView(wr: MxWorkRequest) {
    return {
      id: wr.id,
      title: wr.title,
      description: wr.description,
      priority: wr.priority,
      assetId: wr.assetId,
      status: wr.status,
      workOrderId: wr.workOrderId,
      extraFields: { ...wr.extraFields },
      createdAt: new Date(wr.createdAt).toISOString(),
    };
  }

  private orderView(wo: MxWorkOrder) {
    return {
      id: wo.id,
      sequentialId: wo.sequentialId,
      organizationId: wo.orgId,
      title: wo.title,
      description: wo.description,
      priority: wo.priority,
      status: wo.status,
      assetId: wo.assetId,
      workRequestId: wo.workRequestId,
      startDate: wo.startDate,
      dueDate: wo.dueDate,
      extraFields: { ...wo.extraFields },
      externalData: wo.externalData,
      creatorId: 1,
      createdAt: new Date(wo.createdAt).toISOString(),
      updatedAt: new Date(wo.updatedAt).toISOString(),
      ...(wo.completedAt ? { completedAt: new Date(wo.completedAt).toISOString() } : {}),
    };
  }

  private page<T>(items: T[], params: URLSearchParams): { page: T[]; nextCursor: string | null } {
    const limit = Math.min(
      200,
      Math.max(1, Number(params.get('limit') ?? this.options.pageSize ?? 100) || 100),
    );
    const offset = Number(Buffer.from(params.get('cursor') ?? '', 'base64').toString('utf8') || 0) || 0;
    const page = items.slice(offset, offset + limit);
    const next =
      offset + limit < items.length ? Buffer.from(String(offset + limit)).toString('base64') : null;
    return { page, nextCursor: next };
  }

  private listRequests(tenant: Tenant, params: URLSearchParams): SimResponse {
    const title = params.get('title');
    const items = this.records.workRequests.filter(
      (r) => r.orgId === tenant.orgId && (title === null || r.title === title),
    );
    const { page, nextCursor } = this.page(items, params);
    return json(200, { workRequests: page.map((r) => this.requestView(r)), nextCursor });
  }

  private listOrders(tenant: Tenant, params: URLSearchParams): SimResponse {
    const title = params.get('title');
    const items = this.records.workOrders.filter(
      (w) => w.orgId === tenant.orgId && (title === null || w.title === title),
    );
    const { page, nextCursor } = this.page(items, params);
    return json(200, { workOrders: page.map((w) => this.orderView(w)), nextCursor });
  }

  // ---- webhooks and time --------------------------------------------------------------------------

  private iso(tenant: Tenant): string {
    return isoAt(this.options.clock.now(), tenant.master.timeZone);
  }

  private later(simMs: number, fn: () => void): void {
    if (this.stopped) return;
    this.options.clock.setTimeout(() => {
      if (!this.stopped) fn();
    }, simMs);
  }

  /** The signature headers MaintainX sends for a body to a URL (timestamp in seconds, real time). */
  signatureHeaders(
    plant: string,
    body: string,
    url: string,
    timestampSeconds = Math.floor(this.realNow() / 1000),
  ): Record<string, string> {
    const tenant = this.tenantOfPlant(plant);
    const t = String(timestampSeconds);
    return {
      'content-type': 'application/json',
      [BODY_SIGNATURE_HEADER]: `t=${t},v1=${maintainxSignature(tenant.secret, t, body)}`,
      [URI_SIGNATURE_HEADER]: `t=${t},v1=${maintainxSignature(tenant.secret, t, url)}`,
    };
  }

  private webhook(
    tenant: Tenant,
    type: string,
    payload: unknown,
    refs: { workOrderId?: number; workRequestId?: number },
  ): void {
    const body = JSON.stringify(payload);
    const url = new URL(tenant.webhookUrl);
    url.searchParams.set('event', type);
    const target = url.toString();
    const record: MxWebhookRecord = {
      type,
      plant: tenant.plant,
      body,
      queuedAt: this.options.clock.now(),
      delivered: false,
      attempts: 0,
      ...refs,
    };
    this.records.webhooks.push(record);
    const send = async () => {
      // Signed per attempt, so a retry carries a fresh timestamp as the vendor's resend does.
      const result = await deliver(
        target,
        { headers: () => this.signatureHeaders(tenant.plant, body, target), body },
        { clock: this.options.clock, timeoutMs: 10_000 },
        () => this.stopped,
      );
      record.delivered = result.delivered;
      record.attempts = result.attempts;
      if (!result.delivered && result.lastError) record.lastError = result.lastError;
    };
    // In order per organisation, as one subscription delivers.
    tenant.webhookQueue = tenant.webhookQueue.then(send, send);
  }
}
