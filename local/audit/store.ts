/**
 * Where hops are kept and how they are found again. The in-memory store is bounded: past `maxHops` the
 * oldest hops are dropped, with their index entries, so a long local run cannot grow without limit.
 */
import { keyString } from './business-keys';
import { BUSINESS_KEY_KINDS, type BusinessKey, type Hop } from './hop';

/** Anything that takes hops: the memory store, the JSON-lines writer, or both (see `fanOut`). */
export interface AuditSink {
  record(hop: Hop): void;
}

export interface AuditStore extends AuditSink {
  /** Every hop of one correlation, in the order recorded. */
  byCorrelation(correlationId: string): readonly Hop[];
  /** Correlations that touched a business key, given as `value` (any kind) or `kind:value`. */
  correlationsByKey(key: string): readonly string[];
  /** Every hop kept, oldest first. */
  hops(): readonly Hop[];
  trace(idOrKey: string): Trace;
}

export interface TracedCorrelation {
  readonly correlationId: string;
  readonly keys: readonly BusinessKey[];
  readonly plants: readonly string[];
  readonly hops: number;
  readonly failed: boolean;
}

export interface Trace {
  readonly query: string;
  /** How the query was resolved: a correlation id, a business key, or nothing recorded. */
  readonly matchedBy: 'correlation' | 'business-key' | 'none';
  readonly correlations: readonly TracedCorrelation[];
  /** Every hop of every correlation touched, in time order. */
  readonly hops: readonly Hop[];
  readonly failure?: Failure;
}

export interface Failure {
  readonly hop: Hop;
  readonly index: number;
  /** A later hop of the same component and correlation succeeded (a retry or a replay worked). */
  readonly recovered: boolean;
}

const byTime = (a: { hop: Hop; seq: number }, b: { hop: Hop; seq: number }): number =>
  Date.parse(a.hop.at) - Date.parse(b.hop.at) || a.seq - b.seq;

/** Sorts hops by time; hops at the same instant keep the order they were given in. */
export const inTimeOrder = (hops: readonly Hop[]): Hop[] =>
  hops
    .map((hop, seq) => ({ hop, seq }))
    .sort(byTime)
    .map((x) => x.hop);

/** The first failing hop, in time order. */
export const whereFailed = (hops: readonly Hop[]): Failure | undefined => {
  const ordered = inTimeOrder(hops);
  const index = ordered.findIndex((h) => h.outcome === 'error');
  const hop = ordered[index];
  if (!hop) return undefined;
  const recovered = ordered
    .slice(index + 1)
    .some(
      (h) => h.outcome === 'ok' && h.component === hop.component && h.correlationId === hop.correlationId,
    );
  return { hop, index, recovered };
};

const KIND_PREFIX = new RegExp(`^(${BUSINESS_KEY_KINDS.join('|')}):(.+)$`);

/** Resolves a correlation id or a business key against any store's two lookups. */
export const traceIn = (
  store: Pick<AuditStore, 'byCorrelation' | 'correlationsByKey'>,
  idOrKey: string,
): Trace => {
  const query = idOrKey.trim();
  const direct = store.byCorrelation(query).length > 0;
  const viaKey = store.correlationsByKey(query);
  const ids = [...new Set([...(direct ? [query] : []), ...viaKey])];
  if (ids.length === 0) return { query, matchedBy: 'none', correlations: [], hops: [] };
  const perCorrelation = ids.map((id) => ({ id, hops: store.byCorrelation(id) }));
  const hops = inTimeOrder(perCorrelation.flatMap((c) => c.hops));
  const correlations = perCorrelation
    .map(({ id, hops: own }) => {
      const keys = new Map<string, BusinessKey>();
      for (const h of own) for (const k of h.keys) keys.set(keyString(k), k);
      return {
        correlationId: id,
        keys: [...keys.values()],
        plants: [...new Set(own.flatMap((h) => (h.plant ? [h.plant] : [])))],
        hops: own.length,
        failed: own.some((h) => h.outcome === 'error'),
        first: Math.min(...own.map((h) => Date.parse(h.at))),
      };
    })
    .sort((a, b) => a.first - b.first)
    .map(({ first: _, ...c }) => c);
  const failure = whereFailed(hops);
  return {
    query,
    matchedBy: direct ? 'correlation' : 'business-key',
    correlations,
    hops,
    ...(failure ? { failure } : {}),
  };
};

export const DEFAULT_MAX_HOPS = 100_000;

/** Bounded in-memory store indexed by correlation id and by every business key (bare and `kind:value`). */
export class MemoryAuditStore implements AuditStore {
  private readonly queue: (Hop | undefined)[] = [];
  private head = 0;
  private readonly correlations = new Map<string, Hop[]>();
  /** index key → correlation id → number of kept hops of that correlation carrying the key. */
  private readonly keys = new Map<string, Map<string, number>>();

  constructor(readonly maxHops = DEFAULT_MAX_HOPS) {
    if (!Number.isInteger(maxHops) || maxHops < 1) throw new RangeError('maxHops must be a positive integer');
  }

  get size(): number {
    return this.queue.length - this.head;
  }

  record(hop: Hop): void {
    this.queue.push(hop);
    const own = this.correlations.get(hop.correlationId);
    if (own) own.push(hop);
    else this.correlations.set(hop.correlationId, [hop]);
    for (const k of indexKeys(hop)) {
      const counts = this.keys.get(k) ?? new Map<string, number>();
      counts.set(hop.correlationId, (counts.get(hop.correlationId) ?? 0) + 1);
      this.keys.set(k, counts);
    }
    while (this.size > this.maxHops) this.evictOldest();
  }

  private evictOldest(): void {
    const hop = this.queue[this.head];
    this.queue[this.head] = undefined;
    this.head++;
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    if (!hop) return;
    const own = this.correlations.get(hop.correlationId);
    // Eviction is oldest-first overall, so the evicted hop is the oldest of its correlation too.
    own?.shift();
    if (own && own.length === 0) this.correlations.delete(hop.correlationId);
    for (const k of indexKeys(hop)) {
      const counts = this.keys.get(k);
      const left = (counts?.get(hop.correlationId) ?? 0) - 1;
      if (!counts) continue;
      if (left > 0) counts.set(hop.correlationId, left);
      else counts.delete(hop.correlationId);
      if (counts.size === 0) this.keys.delete(k);
    }
  }

  byCorrelation(correlationId: string): readonly Hop[] {
    return [...(this.correlations.get(correlationId) ?? [])];
  }

  correlationsByKey(key: string): readonly string[] {
    const match = KIND_PREFIX.exec(key.trim());
    const indexKey = match ? `${match[1]}:${match[2]}` : `*:${key.trim()}`;
    return [...(this.keys.get(indexKey)?.keys() ?? [])];
  }

  hops(): readonly Hop[] {
    return this.queue.slice(this.head) as Hop[];
  }

  trace(idOrKey: string): Trace {
    return traceIn(this, idOrKey);
  }

  /** Distinct business keys an index holds (for tests of bounded memory). */
  indexedKeyCount(): number {
    return this.keys.size;
  }
}

const indexKeys = (hop: Hop): Set<string> => new Set(hop.keys.flatMap((k) => [keyString(k), `*:${k.value}`]));

/** Records every hop in each sink, e.g. the memory store and the JSON-lines file. */
export const fanOut = (...sinks: readonly AuditSink[]): AuditSink => ({
  record: (hop) => {
    for (const sink of sinks) sink.record(hop);
  },
});
