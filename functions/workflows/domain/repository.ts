/**
 * Correlation state of the workflows on one single table (keys in docs/workflows.md).
 * Every exactly-once decision is a conditional write here, never a read-then-write.
 */
import type { SingleTableStore, StoredItem, TableKey } from './store';

export const ORDER_STATUSES = [
  'RELEASED',
  'AWAITING_ACK',
  'ACKNOWLEDGED',
  'REFUSED',
  'NOT_ACKNOWLEDGED',
  'CLOSED',
  'CANCELLED',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
/** Statuses an order can get stuck in; GSI1 holds only these. */
export const OPEN_ORDER_STATUSES: readonly OrderStatus[] = ['RELEASED', 'AWAITING_ACK', 'ACKNOWLEDGED'];

export interface OrderState {
  readonly plant: string;
  readonly orderNumber: string;
  readonly status: OrderStatus;
  /** occurredAt of the newest SAP fact applied; older facts arriving late are stale. */
  readonly version: string;
  readonly statusSince: string;
  readonly releasedAt: string;
  readonly correlationId: string;
  readonly taskToken?: string;
  readonly mesJobId?: string;
  readonly stuckRaisedAt?: string;
  readonly rev: number;
}

export type FaultStatus = 'CREATING' | 'OPEN' | 'CLOSED';
export interface FaultState {
  readonly plant: string;
  readonly equipmentId: string;
  readonly faultKey: string;
  readonly status: FaultStatus;
  readonly downtimeId: string;
  readonly openedAt: string;
  readonly notificationId?: string;
  readonly closedAt?: string;
  readonly suppressedSignals: number;
  readonly rev: number;
}

export type PostingKind = 'CONF' | 'MOVE';
const TTL_DAYS = { parked: 30, posting: 400, claim: 90 } as const;

const orderPk = (plant: string, order: string) => `ORDER#${plant}#${order}`;
const faultPk = (plant: string, equipmentId: string, faultKey: string) =>
  `FAULT#${plant}#${equipmentId}#${faultKey}`;

const epochSeconds = (iso: string, plusDays: number) =>
  Math.floor(new Date(iso).getTime() / 1000) + plusDays * 86_400;

/** Strips the table attributes off a stored item. */
const fieldsOf = <T>(item: StoredItem): T => {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, expiresAt: _ttl, ...rest } = item;
  return rest as T;
};

export class CorrelationRepository {
  constructor(
    private readonly store: SingleTableStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private nowIso(): string {
    return this.now().toISOString();
  }

  // ── production orders ────────────────────────────────────────────────────────────────────

  async getOrder(plant: string, orderNumber: string): Promise<OrderState | undefined> {
    const item = await this.store.get({ pk: orderPk(plant, orderNumber), sk: 'STATE' });
    return item ? fieldsOf<OrderState>(item) : undefined;
  }

  /**
   * Writes the order state if nobody wrote it since `expected` was read (undefined: must not exist).
   * Open statuses are indexed in byStatusAge as gsi1pk ORDER_STATUS#<plant>#<status>, gsi1sk <statusSince>.
   */
  async saveOrder(next: Omit<OrderState, 'rev'>, expected: OrderState | undefined): Promise<boolean> {
    const open = OPEN_ORDER_STATUSES.includes(next.status);
    const item: StoredItem = {
      ...next,
      pk: orderPk(next.plant, next.orderNumber),
      sk: 'STATE',
      rev: (expected?.rev ?? 0) + 1,
      ...(open ? { gsi1pk: `ORDER_STATUS#${next.plant}#${next.status}`, gsi1sk: next.statusSince } : {}),
    };
    return this.store.put(item, expected ? { kind: 'rev', rev: expected.rev } : { kind: 'absent' });
  }

  /** Open orders of a plant whose status is older than `olderThan` (ISO), oldest first. */
  async ordersInStatusSince(plant: string, status: OrderStatus, olderThan: string): Promise<OrderState[]> {
    const items = await this.store.queryGsi1Before(`ORDER_STATUS#${plant}#${status}`, olderThan);
    return items.map((i) => fieldsOf<OrderState>(i));
  }

  // ── execution: known orders, parked confirmations, exactly-once postings ─────────────────

  private knownKey(plant: string, orderNumber: string): TableKey {
    return { pk: orderPk(plant, orderNumber), sk: 'KNOWN' };
  }

  /** Marks an order as known to the execution flow; confirmations for it are no longer parked. */
  async markOrderKnown(plant: string, orderNumber: string): Promise<void> {
    await this.store.put({ ...this.knownKey(plant, orderNumber), rev: 1, knownSince: this.nowIso() });
  }

  async isOrderKnown(plant: string, orderNumber: string): Promise<boolean> {
    return (await this.store.get(this.knownKey(plant, orderNumber))) !== undefined;
  }

  /**
   * Parks a fact for an order not yet known, atomically with the check that it is still unknown.
   * 'order-known': the order arrived meanwhile, process it now; 'already-parked': a duplicate.
   */
  async parkUntilOrderKnown(
    plant: string,
    orderNumber: string,
    id: string,
    detail: unknown,
  ): Promise<'parked' | 'order-known' | 'already-parked'> {
    const now = this.nowIso();
    const parked = await this.store.put(
      {
        pk: orderPk(plant, orderNumber),
        sk: `PARKED#${id}`,
        rev: 1,
        parkedAt: now,
        detail,
        expiresAt: epochSeconds(now, TTL_DAYS.parked),
      },
      { kind: 'absent-while-guard-absent', guard: this.knownKey(plant, orderNumber) },
    );
    if (parked) return 'parked';
    return (await this.isOrderKnown(plant, orderNumber)) ? 'order-known' : 'already-parked';
  }

  /** Takes every parked fact of an order, in arrival order, and removes them from the table. */
  async takeParked(
    plant: string,
    orderNumber: string,
  ): Promise<{ id: string; parkedAt: string; detail: unknown }[]> {
    const items = await this.store.query(orderPk(plant, orderNumber), 'PARKED#');
    const parked = items
      .map((i) => ({ id: i.sk.slice('PARKED#'.length), parkedAt: String(i.parkedAt), detail: i.detail }))
      .sort((a, b) => a.parkedAt.localeCompare(b.parkedAt));
    for (const item of items) await this.store.delete(item);
    return parked;
  }

  /**
   * Claims a posting for exactly-once delivery to SAP. 'claimed' also when an earlier attempt
   * claimed it but did not finish (the port call is idempotent on the same key), 'posted' when done.
   */
  async claimPosting(
    plant: string,
    orderNumber: string,
    kind: PostingKind,
    id: string,
  ): Promise<{ outcome: 'claimed' } | { outcome: 'posted'; document: string }> {
    const key = { pk: orderPk(plant, orderNumber), sk: `${kind}#${id}` };
    const now = this.nowIso();
    const claimed = await this.store.put(
      { ...key, rev: 1, status: 'PENDING', claimedAt: now, expiresAt: epochSeconds(now, TTL_DAYS.posting) },
      { kind: 'absent' },
    );
    if (claimed) return { outcome: 'claimed' };
    const existing = await this.store.get(key);
    if (existing?.status === 'POSTED') return { outcome: 'posted', document: String(existing.document) };
    return { outcome: 'claimed' };
  }

  async postingStatus(
    plant: string,
    orderNumber: string,
    kind: PostingKind,
    id: string,
  ): Promise<'none' | 'pending' | 'posted'> {
    const item = await this.store.get({ pk: orderPk(plant, orderNumber), sk: `${kind}#${id}` });
    if (!item) return 'none';
    return item.status === 'POSTED' ? 'posted' : 'pending';
  }

  async markPosted(plant: string, orderNumber: string, kind: PostingKind, id: string, document: string) {
    const now = this.nowIso();
    await this.store.put({
      pk: orderPk(plant, orderNumber),
      sk: `${kind}#${id}`,
      rev: 2,
      status: 'POSTED',
      document,
      postedAt: now,
      expiresAt: epochSeconds(now, TTL_DAYS.posting),
    });
  }

  // ── downtime faults ──────────────────────────────────────────────────────────────────────

  async getFault(plant: string, equipmentId: string, faultKey: string): Promise<FaultState | undefined> {
    const item = await this.store.get({ pk: faultPk(plant, equipmentId, faultKey), sk: 'CURRENT' });
    return item ? fieldsOf<FaultState>(item) : undefined;
  }

  async saveFault(next: Omit<FaultState, 'rev'>, expected: FaultState | undefined): Promise<boolean> {
    return this.store.put(
      {
        ...next,
        pk: faultPk(next.plant, next.equipmentId, next.faultKey),
        sk: 'CURRENT',
        rev: (expected?.rev ?? 0) + 1,
      },
      expected ? { kind: 'rev', rev: expected.rev } : { kind: 'absent' },
    );
  }

  async deleteFault(plant: string, equipmentId: string, faultKey: string): Promise<void> {
    await this.store.delete({ pk: faultPk(plant, equipmentId, faultKey), sk: 'CURRENT' });
  }

  /** Downtime id → the fault it belongs to, and an end that arrived before its start. */
  async getDowntime(
    plant: string,
    downtimeId: string,
  ): Promise<
    { equipmentId?: string; faultKey?: string; endedAt?: string; durationSeconds?: string } | undefined
  > {
    const item = await this.store.get({ pk: `DOWNTIME#${plant}#${downtimeId}`, sk: 'DOWNTIME' });
    return item ? fieldsOf(item) : undefined;
  }

  async saveDowntime(
    plant: string,
    downtimeId: string,
    fields: { equipmentId?: string; faultKey?: string; endedAt?: string; durationSeconds?: string },
  ): Promise<void> {
    const now = this.nowIso();
    const existing = await this.getDowntime(plant, downtimeId);
    await this.store.put({
      pk: `DOWNTIME#${plant}#${downtimeId}`,
      sk: 'DOWNTIME',
      rev: 1,
      ...existing,
      ...fields,
      expiresAt: epochSeconds(now, TTL_DAYS.claim),
    });
  }

  // ── one-time claims (alerts, completions, reconciliation runs, exceptions) ────────────────

  /** Claims a business key once; returns false when it was claimed before. */
  async claimOnce(scope: string, id: string, fields: Record<string, unknown> = {}): Promise<boolean> {
    const now = this.nowIso();
    return this.store.put(
      {
        pk: `${scope}#${id}`,
        sk: 'CLAIM',
        rev: 1,
        claimedAt: now,
        ...fields,
        expiresAt: epochSeconds(now, TTL_DAYS.claim),
      },
      { kind: 'absent' },
    );
  }

  async getClaim(scope: string, id: string): Promise<Record<string, unknown> | undefined> {
    const item = await this.store.get({ pk: `${scope}#${id}`, sk: 'CLAIM' });
    return item ? fieldsOf(item) : undefined;
  }

  async updateClaim(scope: string, id: string, fields: Record<string, unknown>): Promise<void> {
    const existing = await this.store.get({ pk: `${scope}#${id}`, sk: 'CLAIM' });
    const now = this.nowIso();
    await this.store.put({
      rev: 1,
      claimedAt: now,
      expiresAt: epochSeconds(now, TTL_DAYS.claim),
      ...existing,
      ...fields,
      pk: `${scope}#${id}`,
      sk: 'CLAIM',
    });
  }

  async releaseClaim(scope: string, id: string): Promise<void> {
    await this.store.delete({ pk: `${scope}#${id}`, sk: 'CLAIM' });
  }
}
