/**
 * A fixed, plausible morning in two plants, for the console's tests and for looking at the page
 * without a running system: orders released, acknowledged and confirmed, downtimes turned into
 * maintenance notifications, one MES outage that dead-lettered an order, one SAP refusal.
 * DLQ replay changes the fixture's state, as a real replay would.
 */
import type { DlqSummary, ReplayReport } from '../../cli/ops/dlq';
import { NotFoundError } from '../../shared/errors';
import type { BusinessKey, Hop } from '../audit/hop';
import { MemoryAuditStore } from '../audit/store';
import type { ConsoleData, StuckOrder } from './data';
import { overviewFromAudit } from './overview';

export const FIXTURE_PLANTS: Readonly<Record<string, string>> = {
  '1010': 'Hamburg machining',
  '2020': 'Brno assembly',
};

const START = Date.parse('2026-11-25T05:00:00Z');

/** Deterministic correlation ids that look like the real (UUID) ones. */
const correlationFor = (seed: string): string => {
  let h = 2166136261;
  for (const c of seed) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  const hex = (n: number) => (n >>> 0).toString(16).padStart(8, '0');
  const a = hex(h);
  const b = hex(Math.imul(h, 2654435761));
  const c = hex(Math.imul(h ^ 0x5bd1e995, 40503));
  return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-a${c.slice(1, 4)}-${c}${a.slice(0, 4)}`;
};

class TrailBuilder {
  readonly hops: Hop[] = [];
  private t: number;

  constructor(
    readonly correlationId: string,
    readonly plant: string,
    startMs: number,
  ) {
    this.t = startMs;
  }

  hop(
    kind: Hop['kind'],
    component: string,
    fields: {
      ms?: number;
      gapMs?: number;
      detailType?: string;
      target?: string;
      keys?: BusinessKey[];
      error?: { name: string; message: string };
    } = {},
  ): this {
    this.t += fields.gapMs ?? 40;
    this.hops.push({
      kind,
      at: new Date(this.t).toISOString(),
      durationMs: fields.ms ?? (kind === 'event-published' || kind === 'rule-delivered' ? 0 : 25),
      correlationId: this.correlationId,
      plant: this.plant,
      component,
      ...(fields.detailType ? { detailType: fields.detailType } : {}),
      ...(fields.target ? { target: fields.target } : {}),
      outcome: fields.error ? 'error' : 'ok',
      ...(fields.error ? { error: fields.error } : {}),
      keys: fields.keys ?? [],
    });
    this.t += fields.ms ?? 0;
    return this;
  }
}

const order = (value: string): BusinessKey => ({ kind: 'order', value });
const job = (value: string): BusinessKey => ({ kind: 'mes-job', value });
const equipment = (value: string): BusinessKey => ({ kind: 'equipment', value });

interface OrderScript {
  readonly plant: string;
  readonly orderNumber: string;
  readonly at: number;
  readonly mesDown?: boolean;
  readonly sapRefuses?: boolean;
  readonly confirmed?: boolean;
  readonly ackAfterMs?: number;
}

const orderFlow = (o: OrderScript): Hop[] => {
  const b = new TrailBuilder(correlationFor(`order-${o.plant}-${o.orderNumber}`), o.plant, o.at);
  const keys = [order(o.orderNumber)];
  const mesJob = `JOB-${o.plant}-${o.orderNumber.slice(-6)}`;
  b.hop('ingress', 'sap-idoc-ingress', { ms: 38, detailType: 'ProductionOrderReleased', keys })
    .hop('event-published', 'sap-idoc-ingress', { detailType: 'ProductionOrderReleased', keys })
    .hop('rule-delivered', 'order-released→order-release', {
      detailType: 'ProductionOrderReleased',
      target: 'state machine order-release',
      keys,
    })
    .hop('state-transition', 'order-release/RecordRelease', { ms: 18, keys })
    .hop('state-transition', 'order-release/SendToMes', { ms: 12, keys });
  if (o.mesDown) {
    for (const attempt of [1, 2, 3]) {
      b.hop('outbound-call', 'mes-publisher', {
        ms: 5000,
        gapMs: attempt === 1 ? 60 : 2000 * attempt,
        target: 'mes: POST /api/v1/orders',
        keys,
        error: { name: 'TransientError', message: 'MES answered 503 Service Unavailable' },
      });
    }
    b.hop('dead-lettered', 'mes-publisher', {
      target: 'mes-publisher-dlq',
      keys,
      error: { name: 'TransientError', message: 'MES answered 503 Service Unavailable (3 attempts)' },
    });
    return b.hops;
  }
  b.hop('outbound-call', 'mes-publisher', {
    ms: 140 + (o.at % 90),
    target: 'mes: POST /api/v1/orders',
    keys,
  });
  const ackKeys = [order(o.orderNumber), job(mesJob)];
  b.hop('ingress', 'mes-ingress', {
    gapMs: o.ackAfterMs ?? 45_000,
    ms: 22,
    detailType: 'OrderAcknowledged',
    keys: ackKeys,
  })
    .hop('event-published', 'mes-ingress', { detailType: 'OrderAcknowledged', keys: ackKeys })
    .hop('rule-delivered', 'order-acknowledged→order-release', {
      detailType: 'OrderAcknowledged',
      target: 'state machine order-release',
      keys: ackKeys,
    })
    .hop('state-transition', 'order-release/Acknowledged', { ms: 9, keys: ackKeys });
  if (!o.confirmed) return b.hops;
  b.hop('ingress', 'mes-ingress', {
    gapMs: 1_500_000,
    ms: 25,
    detailType: 'ProductionConfirmed',
    keys: ackKeys,
  })
    .hop('event-published', 'mes-ingress', { detailType: 'ProductionConfirmed', keys: ackKeys })
    .hop('rule-delivered', 'production-confirmed→execution-to-sap', {
      detailType: 'ProductionConfirmed',
      target: 'state machine execution-to-sap',
      keys: ackKeys,
    })
    .hop('state-transition', 'execution-to-sap/PostConfirmation', { ms: 8, keys: ackKeys });
  if (o.sapRefuses) {
    b.hop('outbound-call', 'sap-poster', {
      ms: 310,
      target: 'sap: POST API_PROD_ORDER_CONFIRMATION_2_SRV/ProdnOrdConf2',
      keys: ackKeys,
      error: { name: 'PermanentError', message: 'SAP refused: posting period 11/2026 is closed (M7/053)' },
    })
      .hop('dead-lettered', 'sap-poster', {
        target: 'sap-poster-dlq',
        keys: ackKeys,
        error: { name: 'PermanentError', message: 'SAP refused: posting period 11/2026 is closed (M7/053)' },
      })
      .hop('event-published', 'workflows', {
        detailType: 'SyncExceptionRaised',
        keys: [order(o.orderNumber)],
      });
    return b.hops;
  }
  b.hop('outbound-call', 'sap-poster', {
    ms: 260 + (o.at % 120),
    target: 'sap: POST API_PROD_ORDER_CONFIRMATION_2_SRV/ProdnOrdConf2',
    keys: ackKeys,
  }).hop('state-transition', 'execution-to-sap/Posted', { ms: 6, keys: ackKeys });
  return b.hops;
};

const downtimeFlow = (
  plant: string,
  n: number,
  at: number,
  equipmentId: string,
  runningOrder: string,
): Hop[] => {
  const downtimeId = `DT-${plant}-L0${1 + (n % 2)}-20261125-${String(n).padStart(4, '0')}`;
  const notificationId = String(884200 + n);
  const b = new TrailBuilder(correlationFor(`downtime-${downtimeId}`), plant, at);
  const keys = [{ kind: 'downtime' as const, value: downtimeId }, equipment(equipmentId)];
  b.hop('ingress', 'mes-ingress', { ms: 20, detailType: 'DowntimeStarted', keys })
    .hop('event-published', 'mes-ingress', { detailType: 'DowntimeStarted', keys })
    .hop('rule-delivered', 'downtime-started→downtime-to-maintenance', {
      detailType: 'DowntimeStarted',
      target: 'state machine downtime-to-maintenance',
      keys,
    })
    .hop('state-transition', 'downtime-to-maintenance/Enrich', { ms: 15, keys })
    .hop('outbound-call', 'workflows', { ms: 120, target: 'sap: GET API_EQUIPMENT/Equipment', keys })
    .hop('outbound-call', 'maintenance-egress', {
      gapMs: 25_000 + n * 3_000,
      ms: 210,
      target: plant === '1010' ? 'maintainx: POST /v1/workorders' : 'generic-rest: POST /requests',
      keys,
    });
  const notificationKeys = [
    { kind: 'notification' as const, value: notificationId },
    ...keys,
    order(runningOrder),
  ];
  b.hop('event-published', 'maintenance-egress', {
    detailType: 'MaintenanceNotificationCreated',
    keys: notificationKeys,
  });
  if (n === 2) {
    const workOrder = { kind: 'work-order' as const, value: String(5531200 + n) };
    b.hop('event-published', 'maintenance-webhook', {
      gapMs: 600_000,
      detailType: 'WorkOrderCreated',
      keys: [workOrder, equipment(equipmentId)],
    }).hop('event-published', 'maintenance-webhook', {
      gapMs: 2_400_000,
      detailType: 'WorkOrderCompleted',
      keys: [workOrder, equipment(equipmentId)],
    });
  }
  return b.hops;
};

/** The fixture trail: ~20 orders and 5 downtimes over a morning in plants 1010 and 2020. */
export const fixtureTrail = (): MemoryAuditStore => {
  const store = new MemoryAuditStore();
  const hops: Hop[] = [];
  for (let i = 0; i < 12; i++) {
    const orderNumber = String(1000120 + i);
    hops.push(
      ...orderFlow({
        plant: '1010',
        orderNumber,
        at: START + i * 240_000,
        mesDown: orderNumber === '1000125',
        sapRefuses: orderNumber === '1000131',
        confirmed: i < 10 || orderNumber === '1000131',
        ackAfterMs: 20_000 + ((i * 37_000) % 140_000),
      }),
    );
  }
  for (let i = 0; i < 8; i++) {
    hops.push(
      ...orderFlow({
        plant: '2020',
        orderNumber: String(2000040 + i),
        at: START + 90_000 + i * 330_000,
        confirmed: i < 5,
        ackAfterMs: 30_000 + ((i * 53_000) % 200_000),
      }),
    );
  }
  hops.push(...downtimeFlow('1010', 1, START + 700_000, '10000042', '1000122'));
  hops.push(...downtimeFlow('1010', 2, START + 1_900_000, '10000043', '1000127'));
  hops.push(...downtimeFlow('1010', 3, START + 2_500_000, '10000042', '1000129'));
  hops.push(...downtimeFlow('2020', 4, START + 1_200_000, '20000007', '2000043'));
  hops.push(...downtimeFlow('2020', 5, START + 2_950_000, '20000011', '2000045'));
  hops.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  for (const hop of hops) store.record(hop);
  return store;
};

const fixtureDlqs = (): DlqSummary[] => [
  {
    name: 'downtime-to-maintenance-dlq',
    url: 'http://127.0.0.1/000000000000/downtime-to-maintenance-dlq',
    arn: 'arn:aws:sqs:us-east-1:000000000000:downtime-to-maintenance-dlq',
    depth: 0,
    sources: ['downtime-to-maintenance'],
    reasons: [],
  },
  {
    name: 'mes-publisher-dlq',
    url: 'http://127.0.0.1/000000000000/mes-publisher-dlq',
    arn: 'arn:aws:sqs:us-east-1:000000000000:mes-publisher-dlq',
    depth: 1,
    sources: ['mes-publisher'],
    oldestAgeSeconds: 5820,
    reasons: [{ reason: 'TransientError: MES answered 503 Service Unavailable (3 attempts)', count: 1 }],
  },
  {
    name: 'sap-poster-dlq',
    url: 'http://127.0.0.1/000000000000/sap-poster-dlq',
    arn: 'arn:aws:sqs:us-east-1:000000000000:sap-poster-dlq',
    depth: 3,
    sources: ['sap-poster'],
    oldestAgeSeconds: 2410,
    reasons: [
      { reason: 'PermanentError: SAP refused: posting period 11/2026 is closed (M7/053)', count: 2 },
      { reason: 'TransientError: SAP answered 504 Gateway Timeout', count: 1 },
    ],
  },
];

/** Console data over the fixture: overview from the fixture trail, DLQs whose replay empties them. */
export const fixtureConsoleData = (): ConsoleData & {
  readonly store: MemoryAuditStore;
  readonly now: Date;
} => {
  const store = fixtureTrail();
  const all = store.hops();
  const now = new Date(Date.parse(all[all.length - 1]?.at ?? new Date(START).toISOString()) + 300_000);
  const dlqs = fixtureDlqs();
  const ageOf = (since: string) => Math.round((now.getTime() - Date.parse(since)) / 1000);
  const stuck: StuckOrder[] = [
    {
      plant: '1010',
      orderNumber: '1000125',
      status: 'AWAITING_ACK',
      statusSince: '2026-11-25T05:20:00.150Z',
      ageSeconds: ageOf('2026-11-25T05:20:00.150Z'),
      slaSeconds: 900,
      owner: { system: 'mes', role: 'MES administrator' },
      correlationId: correlationFor('order-1010-1000125'),
    },
    {
      plant: '2020',
      orderNumber: '2000047',
      status: 'ACKNOWLEDGED',
      statusSince: '2026-11-25T05:42:30.000Z',
      ageSeconds: ageOf('2026-11-25T05:42:30.000Z'),
      slaSeconds: 3600,
      owner: { system: 'mes', role: 'production supervisor' },
      correlationId: correlationFor('order-2020-2000047'),
    },
  ];
  return {
    store,
    now,
    overview: async () => overviewFromAudit(store.hops(), { now, plantNames: FIXTURE_PLANTS }),
    dlqs: async () => dlqs.map((q) => ({ ...q })),
    replay: async (name, dryRun): Promise<ReplayReport> => {
      const index = dlqs.findIndex((q) => q.name === name);
      const queue = dlqs[index];
      if (!queue)
        throw new NotFoundError(
          `no dead-letter queue "${name}"; known: ${dlqs.map((q) => q.name).join(', ')}`,
        );
      const report = { queue: name, dryRun, total: queue.depth, matched: queue.depth, replayed: 0, kept: [] };
      if (dryRun) return report;
      const { oldestAgeSeconds: _, ...rest } = queue;
      dlqs[index] = { ...rest, depth: 0, reasons: [] };
      return { ...report, replayed: queue.depth };
    },
    stuckOrders: async () => stuck,
    trace: async (idOrKey) => store.trace(idOrKey),
  };
};
