/**
 * Flows per plant and KPIs computed from the audit trail alone, so the console shows a local run
 * without any metrics backend. On AWS the same figures come from the plantsync CloudWatch metrics.
 */
import type { Hop } from '../audit/hop';
import type { FlowCounts, Kpi, KpiPoint, Overview, PlantFlows, StuckOrder } from './data';

const EMPTY: FlowCounts = {
  ordersReleased: 0,
  ordersAcknowledged: 0,
  ordersConfirmed: 0,
  downtimes: 0,
  notifications: 0,
  workOrdersCreated: 0,
  workOrdersCompleted: 0,
  syncExceptions: 0,
};

/** Published event type → the flow it counts and the key that makes one item of that flow. */
const FLOW_OF: Readonly<Record<string, { flow: keyof FlowCounts; key?: Hop['keys'][number]['kind'] }>> = {
  ProductionOrderReleased: { flow: 'ordersReleased', key: 'order' },
  OrderAcknowledged: { flow: 'ordersAcknowledged', key: 'order' },
  ProductionConfirmed: { flow: 'ordersConfirmed', key: 'order' },
  DowntimeStarted: { flow: 'downtimes', key: 'downtime' },
  MaintenanceNotificationCreated: { flow: 'notifications', key: 'notification' },
  WorkOrderCreated: { flow: 'workOrdersCreated', key: 'work-order' },
  WorkOrderCompleted: { flow: 'workOrdersCompleted', key: 'work-order' },
  SyncExceptionRaised: { flow: 'syncExceptions' },
};

const keyOf = (hop: Hop, kind: string | undefined): string | undefined =>
  kind ? hop.keys.find((k) => k.kind === kind)?.value : undefined;

const percentile = (values: readonly number[], p: number): number | null => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? null;
};

const round = (value: number, digits = 1): number => Math.round(value * 10 ** digits) / 10 ** digits;

/** Seconds from the first `from` event to the first `to` event of the same business key. */
const latencies = (published: readonly Hop[], from: string, to: string, kind: string): KpiPoint[] => {
  const starts = new Map<string, number>();
  const points: KpiPoint[] = [];
  const done = new Set<string>();
  for (const hop of published) {
    const key = keyOf(hop, kind);
    if (!key) continue;
    const at = Date.parse(hop.at);
    if (hop.detailType === from && !starts.has(key)) starts.set(key, at);
    if (hop.detailType === to && !done.has(key)) {
      const start = starts.get(key);
      if (start === undefined) continue;
      done.add(key);
      points.push({ at: hop.at, value: round(Math.max(0, at - start) / 1000) });
    }
  }
  return points;
};

interface Range {
  readonly start: number;
  readonly span: number;
}

const rangeOf = (hops: readonly Hop[]): Range | undefined => {
  if (hops.length === 0) return undefined;
  const times = hops.map((h) => Date.parse(h.at));
  const start = Math.min(...times);
  return { start, span: Math.max(1, Math.max(...times) - start + 1) };
};

/** Splits the run into `buckets` equal time slices and maps each slice's hops to one value. */
const bucketed = (
  hops: readonly Hop[],
  range: Range | undefined,
  buckets: number,
  value: (slice: readonly Hop[]) => number | null,
): KpiPoint[] => {
  if (!range) return [];
  const slices: Hop[][] = Array.from({ length: buckets }, () => []);
  for (const hop of hops) {
    const offset = Date.parse(hop.at) - range.start;
    slices[Math.max(0, Math.min(buckets - 1, Math.floor((offset / range.span) * buckets)))]?.push(hop);
  }
  return slices.flatMap((slice, i) => {
    const v = value(slice);
    const at = new Date(range.start + ((i + 1) * range.span) / buckets).toISOString();
    return v === null ? [] : [{ at, value: v }];
  });
};

export interface OverviewOptions {
  readonly now?: Date;
  /** Plant code → display name. */
  readonly plantNames?: Readonly<Record<string, string>>;
  /** Points per bucketed series. @default 12 */
  readonly buckets?: number;
}

export const overviewFromAudit = (hops: readonly Hop[], options: OverviewOptions = {}): Overview => {
  const buckets = options.buckets ?? 12;
  const ordered = [...hops].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const published = ordered.filter((h) => h.kind === 'event-published' && h.outcome === 'ok');

  const seen = new Map<string, Map<keyof FlowCounts, Set<string>>>();
  for (const hop of published) {
    const flow = hop.detailType ? FLOW_OF[hop.detailType] : undefined;
    if (!flow || !hop.plant) continue;
    const plant = seen.get(hop.plant) ?? new Map<keyof FlowCounts, Set<string>>();
    seen.set(hop.plant, plant);
    const items = plant.get(flow.flow) ?? new Set<string>();
    plant.set(flow.flow, items);
    // Flows count business objects (an order confirmed twice is one order); exceptions count events.
    items.add(keyOf(hop, flow.key) ?? `${hop.correlationId}@${hop.at}`);
  }
  const plants: PlantFlows[] = [...seen.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([plant, flows]) => ({
      plant,
      ...(options.plantNames?.[plant] ? { name: options.plantNames[plant] } : {}),
      flows: Object.fromEntries(
        Object.keys(EMPTY).map((f) => [f, flows.get(f as keyof FlowCounts)?.size ?? 0]),
      ) as FlowCounts,
    }));

  const orderLatency = latencies(published, 'ProductionOrderReleased', 'OrderAcknowledged', 'order');
  const downtimeResponse = latencies(
    published,
    'DowntimeStarted',
    'MaintenanceNotificationCreated',
    'downtime',
  );
  const work = ordered.filter((h) => h.kind === 'function-handled' || h.kind === 'outbound-call');
  const failureRate = (slice: readonly Hop[]) =>
    slice.length === 0
      ? null
      : round((100 * slice.filter((h) => h.outcome === 'error').length) / slice.length);
  const exceptions = published.filter((h) => h.detailType === 'SyncExceptionRaised');
  const deadLettered = ordered.filter((h) => h.kind === 'dead-lettered');
  const range = rangeOf(ordered);

  const kpis: Kpi[] = [
    {
      id: 'order-sync-latency',
      label: 'Order synchronisation latency (p90)',
      description: 'seconds from SAP release to MES acknowledgement',
      unit: 's',
      goodWhen: 'lower',
      value: percentile(
        orderLatency.map((p) => p.value),
        90,
      ),
      threshold: 300,
      series: orderLatency.slice(-40),
    },
    {
      id: 'downtime-response',
      label: 'Downtime → maintenance response (p90)',
      description: 'seconds from DowntimeStarted to the maintenance notification',
      unit: 's',
      goodWhen: 'lower',
      value: percentile(
        downtimeResponse.map((p) => p.value),
        90,
      ),
      threshold: 120,
      series: downtimeResponse.slice(-40),
    },
    {
      id: 'integration-failure-rate',
      label: 'Integration failure rate',
      description: 'share of function invocations and outbound calls that failed (before retries)',
      unit: '%',
      goodWhen: 'lower',
      value: failureRate(work),
      threshold: 5,
      series: bucketed(work, range, buckets, failureRate),
    },
    {
      id: 'sync-exceptions',
      label: 'Sync exceptions raised',
      description: 'business exceptions raised, each with an owner',
      unit: 'count',
      goodWhen: 'lower',
      value: exceptions.length,
      series: bucketed(exceptions, range, buckets, (slice) => slice.length),
    },
    {
      id: 'dead-lettered',
      label: 'Messages dead-lettered',
      description: 'messages that ended in a DLQ after their retries',
      unit: 'count',
      goodWhen: 'lower',
      value: deadLettered.length,
      threshold: 0,
      series: bucketed(deadLettered, range, buckets, (slice) => slice.length),
    },
  ];
  return { generatedAt: (options.now ?? new Date()).toISOString(), plants, kpis };
};

const ORDER_STATUS_AFTER: Readonly<Record<string, string | null>> = {
  ProductionOrderReleased: 'AWAITING_ACK',
  ProductionOrderChanged: 'AWAITING_ACK',
  OrderAcknowledged: 'ACKNOWLEDGED',
  OperationStarted: null,
  OperationCompleted: null,
  ProductionConfirmed: null,
  ProductionOrderCancelled: null,
};

/** Who fixes an order stuck in each status (as the stuck-order sweeper says). */
const STUCK_OWNER: Readonly<Record<string, { system: 'mes' | 'plantsync'; role: string }>> = {
  AWAITING_ACK: { system: 'mes', role: 'MES administrator' },
  ACKNOWLEDGED: { system: 'mes', role: 'production supervisor' },
};

/**
 * Orders whose last order event left them waiting (released but not acknowledged, acknowledged but
 * not started) for longer than `slaSeconds`, from the audit trail alone. A fallback for when the
 * workflow table's stuck-order index is not at hand; the sweeper's view is the authoritative one.
 */
export const stuckOrdersFromAudit = (
  hops: readonly Hop[],
  options: { readonly now?: Date; readonly slaSeconds: number },
): StuckOrder[] => {
  const now = (options.now ?? new Date()).getTime();
  const last = new Map<
    string,
    { plant: string; order: string; status: string | null; since: string; correlationId: string }
  >();
  const ordered = [...hops].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  for (const hop of ordered) {
    if (hop.kind !== 'event-published' || hop.outcome !== 'ok' || !hop.plant || !hop.detailType) continue;
    if (!(hop.detailType in ORDER_STATUS_AFTER)) continue;
    const order = keyOf(hop, 'order');
    if (!order) continue;
    last.set(`${hop.plant}/${order}`, {
      plant: hop.plant,
      order,
      status: ORDER_STATUS_AFTER[hop.detailType] ?? null,
      since: hop.at,
      correlationId: hop.correlationId,
    });
  }
  return [...last.values()]
    .flatMap((o) => {
      const ageSeconds = Math.round((now - Date.parse(o.since)) / 1000);
      if (!o.status || ageSeconds <= options.slaSeconds) return [];
      const owner = STUCK_OWNER[o.status];
      return [
        {
          plant: o.plant,
          orderNumber: o.order,
          status: o.status,
          statusSince: o.since,
          ageSeconds,
          slaSeconds: options.slaSeconds,
          ...(owner ? { owner } : {}),
          correlationId: o.correlationId,
        },
      ];
    })
    .sort((a, b) => b.ageSeconds - a.ageSeconds);
};
