import type { EventData } from '../../events/catalogue';
import { correlationHeaders } from '../../shared/correlation';
import { BusinessRuleError, PermanentError, TransientError, ValidationError } from '../../shared/errors';
import { backoffDelay, sleep as defaultSleep } from '../../shared/retry';
import { buildCancelSchedule, buildSchedule } from './b2mml/outbound';
import type { MesPlantSettings } from './config';
import { type MachineState, machineState, operationNumber, orderNumber } from './facts';
import { cancelToWire, orderToWire } from './json/outbound';
import {
  EquipmentListPage,
  EquipmentStatusResponse,
  MES_LIST_MAX_PAGE_SIZE,
  OrderListPage,
  OrderResponse,
} from './json/wire';

export interface MesClientOptions {
  readonly plant: string;
  readonly settings: MesPlantSettings;
  /** Credentials as request headers (from the plant's secret); values are never logged. */
  readonly authHeaders?: () => Promise<Record<string, string>>;
  /** Per-request timeout. @default 8000 */
  readonly timeoutMs?: number;
  /** Attempts per call, the first included. @default 4 */
  readonly maxAttempts?: number;
  /** @default 200 */
  readonly baseDelayMs?: number;
  /** @default 5000 */
  readonly maxDelayMs?: number;
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  /** Items asked per page of a list read. @default 200 (the wire format's maximum) */
  readonly pageSize?: number;
  /** A list longer than this many pages is refused rather than read forever. @default 500 */
  readonly maxPages?: number;
}

export type OrderAction = 'release' | 'change' | 'cancel';

export interface OrderResult {
  readonly orderNumber: string;
  readonly revision: number;
  readonly action: OrderAction;
  /** `applied`: the MES took this revision (or already had it); `superseded`: it holds a newer one. */
  readonly outcome: 'applied' | 'superseded';
  readonly status: number;
  readonly attempts: number;
  readonly mesJobId?: string;
}

export interface ProductionStatus {
  readonly equipmentId?: string;
  readonly line?: string;
  readonly state: MachineState;
  readonly since?: string;
  readonly currentOrder?: {
    readonly orderNumber: string;
    readonly mesJobId?: string;
    readonly operationNumber?: string;
  };
  readonly observedAt: string;
}

/** An order as the MES sees it, mapped onto the canonical statuses reconciliation compares. */
export interface OrderStatus {
  readonly orderNumber: string;
  readonly status: 'released' | 'in-execution' | 'completed' | 'cancelled';
  readonly mesStatus: string;
  readonly revision?: number;
  readonly mesJobId?: string;
}

const ORDER_STATUS: Readonly<Record<string, OrderStatus['status']>> = {
  RECEIVED: 'released',
  RELEASED: 'released',
  ACKNOWLEDGED: 'released',
  QUEUED: 'released',
  REJECTED: 'released',
  RUNNING: 'in-execution',
  STARTED: 'in-execution',
  IN_EXECUTION: 'in-execution',
  IN_PROGRESS: 'in-execution',
  COMPLETED: 'completed',
  FINISHED: 'completed',
  CANCELLED: 'cancelled',
  CANCELED: 'cancelled',
};

/** One equipment of the MES's equipment master (list read). */
export interface MesEquipment {
  readonly equipmentId: string;
  readonly description?: string;
  readonly line?: string;
  readonly workCenter?: string;
  readonly functionalLocation?: string;
  /** Master-data status: false when the MES retired the machine. */
  readonly active?: boolean;
  readonly available?: boolean;
}

/** `details.unsupported` of the PermanentError a list read throws for a profile that has no list query. */
export const LIST_UNSUPPORTED = 'list-query';

/** Whether `error` says the plant's MES profile cannot list (as opposed to a failed list read). */
export const isListUnsupported = (error: unknown): boolean =>
  error instanceof PermanentError && error.details.unsupported === LIST_UNSUPPORTED;

export type StatusTarget = { readonly equipmentId: string } | { readonly line: string };

type OrderData = EventData<'ProductionOrderReleased'> | EventData<'ProductionOrderChanged'>;

interface Answer {
  readonly status: number;
  readonly text: string;
  readonly attempts: number;
}

/**
 * Talks to one plant's MES in its profile. Every call has a timeout; 429, 5xx, timeouts and network
 * errors are retried with exponential backoff and full jitter (honouring Retry-After), other 4xx
 * never. Order calls are idempotent: the MES gets the SAP order number, a revision (monotonic per
 * order: the epoch milliseconds of the SAP change) and an Idempotency-Key (B2MML: the BODID), so a
 * resend is harmless and an older revision arriving late is answered 409 and treated as superseded.
 */
export class MesClient {
  private readonly fetch: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: MesClientOptions) {
    this.fetch = options.fetch ?? fetch;
    this.sleep = options.sleep ?? defaultSleep;
  }

  get profile(): MesPlantSettings['profile'] {
    return this.options.settings.profile;
  }

  /** Publishes a released order (`release`) or its new full state (`change`). */
  async publishOrder(
    action: 'release' | 'change',
    order: OrderData,
    revision: number,
    occurredAt: string,
  ): Promise<OrderResult> {
    const key = `plantsync:order:${order.orderNumber}:r${revision}:${action}`;
    if (this.profile === 'b2mml') {
      const xml = buildSchedule(
        order,
        {
          plant: this.options.plant,
          revision,
          version: this.options.settings.b2mmlVersion,
          createdAt: occurredAt,
        },
        action === 'release' ? 'Process' : 'Change',
      );
      return this.orderCall(action, order.orderNumber, revision, 'POST', '', xml, 'application/xml', key);
    }
    const body = JSON.stringify(orderToWire(order, this.options.plant, revision));
    return action === 'release'
      ? this.orderCall(
          action,
          order.orderNumber,
          revision,
          'POST',
          '/v1/production-orders',
          body,
          'application/json',
          key,
        )
      : this.orderCall(
          action,
          order.orderNumber,
          revision,
          'PUT',
          `/v1/production-orders/${encodeURIComponent(order.orderNumber)}`,
          body,
          'application/json',
          key,
        );
  }

  async cancelOrder(
    cancel: EventData<'ProductionOrderCancelled'>,
    revision: number,
    occurredAt: string,
  ): Promise<OrderResult> {
    const key = `plantsync:order:${cancel.orderNumber}:r${revision}:cancel`;
    if (this.profile === 'b2mml') {
      const xml = buildCancelSchedule(cancel, {
        plant: this.options.plant,
        revision,
        version: this.options.settings.b2mmlVersion,
        createdAt: occurredAt,
      });
      return this.orderCall('cancel', cancel.orderNumber, revision, 'POST', '', xml, 'application/xml', key);
    }
    return this.orderCall(
      'cancel',
      cancel.orderNumber,
      revision,
      'POST',
      `/v1/production-orders/${encodeURIComponent(cancel.orderNumber)}/cancel`,
      JSON.stringify(cancelToWire(cancel, revision)),
      'application/json',
      key,
    );
  }

  /**
   * Current production status of an equipment or a line (`GET /v1/equipment/{id}/status`,
   * `GET /v1/lines/{line}/status`; B2MML plants expose the same REST status resource).
   */
  async readProductionStatus(target: StatusTarget): Promise<ProductionStatus> {
    const path =
      'equipmentId' in target
        ? `/v1/equipment/${encodeURIComponent(target.equipmentId)}/status`
        : `/v1/lines/${encodeURIComponent(target.line)}/status`;
    const answer = await this.call('GET', path, undefined, undefined, undefined);
    if (answer.status === 404) {
      throw new PermanentError(
        `MES ${this.options.plant} does not know ${'equipmentId' in target ? 'equipment' : 'line'} ${Object.values(target)[0]}`,
      );
    }
    this.refuseClientErrors(answer, 'read production status');
    let json: unknown;
    try {
      json = JSON.parse(answer.text);
    } catch {
      throw new PermanentError(`MES ${this.options.plant} status answer is not JSON`);
    }
    const parsed = EquipmentStatusResponse.safeParse(json);
    if (!parsed.success)
      throw new PermanentError(
        `MES ${this.options.plant} status answer is malformed: ${parsed.error.issues[0]?.message}`,
      );
    const s = parsed.data;
    return {
      ...('equipmentId' in target
        ? { equipmentId: target.equipmentId }
        : s.equipmentId
          ? { equipmentId: s.equipmentId }
          : {}),
      ...('line' in target ? { line: target.line } : s.line ? { line: s.line } : {}),
      state: machineState(s.state, 'status.state'),
      ...(s.since ? { since: s.since } : {}),
      ...(s.currentOrder
        ? {
            currentOrder: {
              orderNumber: orderNumber(s.currentOrder.orderNumber, 'status.currentOrder.orderNumber'),
              ...(s.currentOrder.jobId ? { mesJobId: s.currentOrder.jobId } : {}),
              ...(s.currentOrder.operationNumber !== undefined
                ? {
                    operationNumber: operationNumber(
                      s.currentOrder.operationNumber,
                      'status.currentOrder.operationNumber',
                    ),
                  }
                : {}),
            },
          }
        : {}),
      observedAt: s.updatedAt ?? new Date().toISOString(),
    };
  }

  /** What the MES holds for an order (`GET /v1/production-orders/{n}`), for order-status reconciliation. */
  async readOrderStatus(order: string): Promise<OrderStatus | undefined> {
    const answer = await this.call(
      'GET',
      `/v1/production-orders/${encodeURIComponent(order)}`,
      undefined,
      undefined,
      undefined,
    );
    if (answer.status === 404) return undefined;
    this.refuseClientErrors(answer, `read order ${order}`);
    const parsed = OrderResponse.safeParse(safeJson(answer.text));
    if (!parsed.success || !parsed.data.status) {
      throw new PermanentError(`MES ${this.options.plant} order status answer for ${order} is malformed`);
    }
    const status = ORDER_STATUS[parsed.data.status.toUpperCase()];
    if (!status)
      throw new PermanentError(
        `MES ${this.options.plant} order ${order} has unknown status "${parsed.data.status}"`,
      );
    return {
      orderNumber: orderNumber(parsed.data.orderNumber, 'order.orderNumber'),
      status,
      mesStatus: parsed.data.status,
      ...(parsed.data.revision !== undefined ? { revision: parsed.data.revision } : {}),
      ...(parsed.data.jobId ? { mesJobId: parsed.data.jobId } : {}),
    };
  }

  /**
   * The MES's whole equipment master (`GET /v1/equipment?page=&pageSize=`, every page), for
   * equipment reconciliation. B2MML plants cannot answer it (see {@link isListUnsupported}).
   */
  async listEquipment(): Promise<MesEquipment[]> {
    this.refuseListInB2mml('equipment list');
    const items = await this.readPages('/v1/equipment', {}, EquipmentListPage, 'equipment list');
    return items.map((e) => ({
      equipmentId: e.equipmentId,
      ...(e.description ? { description: e.description } : {}),
      ...(e.line ? { line: e.line } : {}),
      ...(e.workCenter ? { workCenter: e.workCenter } : {}),
      ...(e.functionalLocation ? { functionalLocation: e.functionalLocation } : {}),
      ...(e.active !== undefined ? { active: e.active } : {}),
      ...(e.available !== undefined ? { available: e.available } : {}),
    }));
  }

  /**
   * The orders the MES holds (`GET /v1/production-orders?status=&page=&pageSize=`, every page),
   * mapped like {@link readOrderStatus}; `all` (the default) includes completed and cancelled ones.
   */
  async listOrders(filter: 'open' | 'all' = 'all'): Promise<OrderStatus[]> {
    this.refuseListInB2mml('order list');
    const items = await this.readPages(
      '/v1/production-orders',
      { status: filter },
      OrderListPage,
      'order list',
    );
    return items.map((o) => {
      const status = ORDER_STATUS[o.status.toUpperCase()];
      if (!status)
        throw new PermanentError(
          `MES ${this.options.plant} order ${o.orderNumber} has unknown status "${o.status}"`,
        );
      return {
        orderNumber: orderNumber(o.orderNumber, 'orders[].orderNumber'),
        status,
        mesStatus: o.status,
        ...(o.revision !== undefined ? { revision: o.revision } : {}),
        ...(o.jobId ? { mesJobId: o.jobId } : {}),
      };
    });
  }

  /** B2MML (ISA-95 BODs over one endpoint) has no list query: say so instead of guessing. */
  private refuseListInB2mml(what: string): void {
    if (this.profile !== 'b2mml') return;
    throw new PermanentError(
      `MES ${this.options.plant} uses the b2mml profile, which has no list query: the ${what} cannot be read`,
      { details: { plant: this.options.plant, profile: 'b2mml', unsupported: LIST_UNSUPPORTED } },
    );
  }

  /** Follows `nextPage` from page 1; each page is one call with its own timeout and retries. */
  private async readPages<T>(
    path: string,
    query: Readonly<Record<string, string>>,
    schema: {
      safeParse(
        value: unknown,
      ): { success: true; data: { items: T[]; nextPage?: number | null | undefined } } | { success: false };
    },
    what: string,
  ): Promise<T[]> {
    const pageSize = Math.min(this.options.pageSize ?? MES_LIST_MAX_PAGE_SIZE, MES_LIST_MAX_PAGE_SIZE);
    const maxPages = this.options.maxPages ?? 500;
    const items: T[] = [];
    const seen = new Set<number>();
    for (let page: number | undefined = 1; page !== undefined; ) {
      if (seen.size >= maxPages)
        throw new PermanentError(`MES ${this.options.plant} ${what} has more than ${maxPages} pages`);
      if (seen.has(page))
        throw new PermanentError(`MES ${this.options.plant} ${what} pages loop back to page ${page}`);
      seen.add(page);
      const search = new URLSearchParams({ ...query, page: String(page), pageSize: String(pageSize) });
      const answer = await this.call('GET', `${path}?${search}`, undefined, undefined, undefined);
      this.refuseClientErrors(answer, `read the ${what} (page ${page})`);
      const parsed = schema.safeParse(safeJson(answer.text));
      if (!parsed.success)
        throw new PermanentError(`MES ${this.options.plant} ${what} page ${page} is malformed`);
      items.push(...parsed.data.items);
      page = parsed.data.nextPage ?? undefined;
    }
    return items;
  }

  /** Tells the MES an equipment is (un)available, e.g. after maintenance (`PUT /v1/equipment/{id}/availability`). */
  async reportEquipmentAvailability(equipmentId: string, available: boolean, since: string): Promise<void> {
    const answer = await this.call(
      'PUT',
      `/v1/equipment/${encodeURIComponent(equipmentId)}/availability`,
      JSON.stringify({ available, since }),
      'application/json',
      `plantsync:availability:${equipmentId}:${since}:${available}`,
    );
    if (answer.status === 404)
      throw new PermanentError(`MES ${this.options.plant} does not know equipment ${equipmentId}`);
    this.refuseClientErrors(answer, `report availability of ${equipmentId}`);
  }

  private async orderCall(
    action: OrderAction,
    order: string,
    revision: number,
    method: string,
    path: string,
    body: string,
    contentType: string,
    idempotencyKey: string,
  ): Promise<OrderResult> {
    const answer = await this.call(method, path, body, contentType, idempotencyKey);
    const base = { orderNumber: order, revision, action, status: answer.status, attempts: answer.attempts };
    if (answer.status === 409) return { ...base, outcome: 'superseded' };
    if (answer.status === 404 && action === 'cancel') return { ...base, outcome: 'applied' }; // nothing to cancel
    if (
      answer.status === 422 ||
      (answer.status < 300 && this.profile === 'b2mml' && rejectedAck(answer.text))
    ) {
      throw new BusinessRuleError(
        `MES ${this.options.plant} refused to ${action} order ${order}: ${reasonOf(answer.text)}`,
        {
          kind: 'mes-business-rejection',
          owner: { system: 'mes', role: 'MES administrator' },
          businessKey: { kind: 'order', value: order },
          severity: 'high',
        },
      );
    }
    this.refuseClientErrors(answer, `${action} order ${order}`);
    const parsed = answer.text ? OrderResponse.safeParse(safeJson(answer.text)) : undefined;
    const jobId = parsed?.success ? parsed.data.jobId : undefined;
    return { ...base, outcome: 'applied', ...(jobId ? { mesJobId: jobId } : {}) };
  }

  private refuseClientErrors(answer: Answer, what: string): void {
    if (answer.status >= 400) {
      const error = answer.status === 400 ? ValidationError : PermanentError;
      throw new error(
        `MES ${this.options.plant} refused to ${what}: HTTP ${answer.status} ${reasonOf(answer.text)}`,
        {
          details: { status: answer.status, plant: this.options.plant },
        },
      );
    }
  }

  /** One logical call with timeouts and retries; answers any non-retryable status. */
  private async call(
    method: string,
    path: string,
    body: string | undefined,
    contentType: string | undefined,
    idempotencyKey: string | undefined,
  ): Promise<Answer> {
    const maxAttempts = this.options.maxAttempts ?? 4;
    const timeoutMs = this.options.timeoutMs ?? 8000;
    const url = `${this.options.settings.endpoint.replace(/\/+$/, '')}${path}`;
    let last = '';
    let retryAfterMs: number | undefined;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (attempt > 1) {
        const jitter = backoffDelay(attempt - 2, {
          baseDelayMs: this.options.baseDelayMs ?? 200,
          maxDelayMs: this.options.maxDelayMs ?? 5000,
          ...(this.options.random ? { random: this.options.random } : {}),
        });
        await this.sleep(Math.max(jitter, Math.min(retryAfterMs ?? 0, this.options.maxDelayMs ?? 5000)));
      }
      retryAfterMs = undefined;
      try {
        const response = await this.fetch(url, {
          method,
          headers: {
            accept:
              contentType === 'application/xml' ? 'application/xml, application/json' : 'application/json',
            ...(contentType ? { 'content-type': contentType } : {}),
            ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
            ...correlationHeaders(),
            ...(await this.options.authHeaders?.()),
          },
          ...(body !== undefined ? { body } : {}),
          signal: AbortSignal.timeout(timeoutMs),
        });
        const text = await response.text();
        if (response.status === 429 || response.status >= 500) {
          last = `HTTP ${response.status}`;
          retryAfterMs = retryAfter(response.headers.get('retry-after'));
          continue;
        }
        return { status: response.status, text, attempts: attempt };
      } catch (error) {
        const name = (error as Error).name;
        last =
          name === 'TimeoutError'
            ? `no answer within ${timeoutMs} ms`
            : `${name}: ${(error as Error).message}`;
      }
    }
    throw new TransientError(
      `MES ${this.options.plant} ${method} ${path || '/'} failed after ${maxAttempts} attempts: ${last}`,
      {
        details: { plant: this.options.plant, attempts: maxAttempts },
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      },
    );
  }
}

const retryAfter = (header: string | null): number | undefined => {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
};

const safeJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

const reasonOf = (text: string): string => {
  if (text.trimStart().startsWith('<')) {
    // A B2MML Acknowledge BOD: the MES puts its reason in the noun's Description.
    const description = /<(?:[\w.-]+:)?Description[^>]*>([^<]+)</.exec(text)?.[1];
    const stripped = text.replace(/<\?xml[^>]*>/, '').replace(/<[^>]+>/g, ' ');
    return (description ?? stripped).replace(/\s+/g, ' ').trim().slice(0, 300);
  }
  const json = safeJson(text) as { message?: unknown; error?: unknown } | undefined;
  const message =
    typeof json?.message === 'string' ? json.message : typeof json?.error === 'string' ? json.error : text;
  return message.replace(/\s+/g, ' ').slice(0, 300);
};

/** A B2MML Acknowledge BOD that answers 2xx but says Rejected. */
const rejectedAck = (text: string): boolean => /actionCode\s*=\s*["']Rejected["']/.test(text);

/** Reads the production status of an equipment or line from a plant's MES (for workflows). */
export const readProductionStatus = (
  options: MesClientOptions,
  target: StatusTarget,
): Promise<ProductionStatus> => new MesClient(options).readProductionStatus(target);
