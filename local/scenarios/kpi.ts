/**
 * The KPIs of a run (BRIEF "Observability"), computed from the simulated systems' own records —
 * what SAP received and posted, what each MES reported, what the maintenance platforms hold — and,
 * for platform-side counts (exceptions, dead letters, billable calls), from what the local runtime
 * observed. Simulated-time differences are turned back into real milliseconds with the clock speed:
 * that is the latency plantsync itself adds.
 */
import type { SimulatedPlant } from '../plant/plant';
import { assignNotifications, checkZeroLoss, notificationsOf, type ZeroLossReport } from '../plant/zero-loss';
import { type CostEstimate, costPerThousandOrders, estimateCost } from '../report/cost';
import { ratio, type Summary, summarize } from '../report/stats';
import { type MeterSnapshot, usageFromMeter } from '../report/usage';

export interface BusEvent {
  readonly 'detail-type': string;
  readonly detail: unknown;
}

export interface PlatformView {
  /** Every canonical event the bus accepted during the run (the archive). */
  readonly events: readonly BusEvent[];
  readonly deadLetters: readonly {
    readonly name: string;
    readonly depth: number;
    readonly reasons: readonly { reason: string; count: number }[];
  }[];
  readonly meter: MeterSnapshot;
  /** EventBridge billable events (64 KB chunks) the bus metered. */
  readonly billableEvents: number;
  readonly expressStateMachines: ReadonlySet<string>;
  /** The reconciliation runs made at the end of the scenario (none: the KPI says it did not run). */
  readonly reconciliationRuns?: readonly {
    readonly plant: string;
    readonly status: string;
    readonly variance?: string;
    readonly error?: string;
  }[];
}

export interface RunInfo {
  readonly scenario: string;
  readonly seed: string;
  readonly plants: readonly string[];
  readonly ordersRequested: number;
  readonly clockSpeed: number;
  readonly simulatedHours: number;
  readonly realSeconds: number;
}

export interface InterfaceRate {
  readonly interface: string;
  readonly calls: number;
  readonly failures: number;
  readonly rate: number;
}

export interface KpiReport {
  readonly run: RunInfo;
  readonly generatedAt: string;
  readonly zeroLoss: ZeroLossReport;
  readonly orderSyncLatencyMs: Summary;
  readonly confirmationAccuracy: number;
  readonly downtimeToMaintenanceMs: Summary;
  readonly failureRateByInterface: readonly InterfaceRate[];
  readonly exceptions: {
    readonly raised: number;
    readonly resolved: number;
    readonly byKind: Readonly<Record<string, number>>;
    readonly resolutionMs: Summary;
  };
  readonly reconciliation: {
    /** Runs that completed; 0 means the variance below was not measured. */
    readonly runs: number;
    readonly failed: readonly string[];
    readonly driftEvents: number;
    readonly maxVariance: number;
  };
  readonly workOrderCompletionVisibility: {
    readonly completedInPlatform: number;
    readonly seenByPlantsync: number;
    readonly ratio: number;
  };
  readonly deadLetters: { readonly total: number; readonly byQueue: Readonly<Record<string, number>> };
  readonly eventsOnBus: number;
  readonly cost: { readonly estimate: CostEstimate; readonly perThousandOrders: number };
}

const dataOf = (e: BusEvent): Record<string, unknown> =>
  ((e.detail as { data?: Record<string, unknown> } | null)?.data ?? {}) as Record<string, unknown>;
const emittedAt = (e: BusEvent): number =>
  Date.parse(String((e.detail as { metadata?: { emittedAt?: string } } | null)?.metadata?.emittedAt ?? ''));

export const computeKpis = (plant: SimulatedPlant, platform: PlatformView, run: RunInfo): KpiReport => {
  const toRealMs = (simMs: number) => simMs / run.clockSpeed;
  const zeroLoss = checkZeroLoss(plant);

  // Order synchronisation: SAP passes the IDoc to its port → the MES holds the order.
  const firstSent = new Map<string, number>();
  for (const idoc of plant.sap.idocs) {
    if (idoc.idocType !== 'LOIPRO01' || firstSent.has(idoc.key)) continue;
    firstSent.set(idoc.key, idoc.sentAt);
  }
  const orderLatencies: number[] = [];
  for (const [code, mes] of plant.mes) {
    for (const order of mes.records.orders.values()) {
      const sent = firstSent.get(order.orderNumber);
      if (sent !== undefined && order.plant === code) orderLatencies.push(toRealMs(order.receivedAt - sent));
    }
  }

  // Downtime → maintenance: the fault starts → the first notification for it exists.
  const notifications = notificationsOf(plant);
  const incidents = [...plant.mes.values()].flatMap((m) => m.records.incidents);
  const assignment = assignNotifications(incidents, notifications);
  const downtimeLatencies = incidents.flatMap((incident) => {
    const matched = assignment.get(incident) ?? [];
    if (matched.length === 0) return [];
    const first = Math.min(...matched.map((n) => n.createdAt));
    return [toRealMs(Math.max(0, first - incident.startedAt))];
  });

  // Failure rate per interface, from each side's own counters.
  const idocAttempts = plant.sap.idocs.reduce((t, i) => t + Math.max(1, i.attempts), 0);
  const idocFailures = plant.sap.idocs.reduce(
    (t, i) => t + Math.max(0, i.attempts - 1) + (i.status === '02' ? 1 : 0),
    0,
  );
  const mesMessages = [...plant.mes.values()].flatMap((m) => m.records.messages);
  const mesInAttempts = mesMessages.reduce((t, m) => t + Math.max(1, m.attempts), 0);
  const mesInFailures = mesMessages.reduce((t, m) => t + Math.max(0, m.attempts - (m.delivered ? 1 : 0)), 0);
  const mesOrders = [...plant.mes.values()].flatMap((m) => [...m.records.orders.values()]);
  const mesFaults = [...plant.mes.values()].reduce((t, m) => t + m.records.faultsAnswered.length, 0);
  const mesOutCalls = mesOrders.reduce((t, o) => t + o.deliveries, 0) + mesFaults;
  const mx = plant.maintainx?.records;
  const webhooks = mx?.webhooks ?? [];
  const rates: InterfaceRate[] = [
    { interface: 'SAP IDoc → plantsync ingress', calls: idocAttempts, failures: idocFailures },
    {
      interface: 'plantsync → SAP OData',
      calls: plant.sap.records.requests,
      failures: plant.sap.records.faults.length + plant.sap.records.rejections.length,
    },
    { interface: 'MES → plantsync ingress', calls: mesInAttempts, failures: mesInFailures },
    { interface: 'plantsync → MES', calls: mesOutCalls, failures: mesFaults },
    ...(mx
      ? [
          {
            interface: 'plantsync → MaintainX',
            calls: mx.requests,
            failures: mx.errors.length + mx.throttled.length,
          },
          {
            interface: 'MaintainX webhooks → plantsync',
            calls: webhooks.reduce((t, w) => t + Math.max(1, w.attempts), 0),
            failures: webhooks.reduce((t, w) => t + Math.max(0, w.attempts - (w.delivered ? 1 : 0)), 0),
          },
        ]
      : []),
    ...[...plant.generic].map(([code, tool]) => ({
      interface: `plantsync → maintenance tool (${code})`,
      calls: tool.records.requests,
      failures: tool.records.throttled.length,
    })),
  ].map((r) => ({ ...r, rate: ratio(r.failures, r.calls) }));

  // Exceptions, drift and completion visibility, from the bus.
  const ofType = (t: string) => platform.events.filter((e) => e['detail-type'] === t);
  const raised = ofType('SyncExceptionRaised');
  const resolved = ofType('SyncExceptionResolved');
  const byKind: Record<string, number> = {};
  const raisedAt = new Map<string, number>();
  for (const e of raised) {
    const kind = String(dataOf(e).kind);
    byKind[kind] = (byKind[kind] ?? 0) + 1;
    const id = String(dataOf(e).exceptionId);
    if (!raisedAt.has(id)) raisedAt.set(id, emittedAt(e));
  }
  const resolutionMs = resolved.flatMap((e) => {
    const at = raisedAt.get(String(dataOf(e).exceptionId));
    return at === undefined ? [] : [emittedAt(e) - at];
  });
  const drift = ofType('ReconciliationDriftDetected');
  const completedInPlatform =
    (mx?.workOrders.filter((w) => w.completedAt !== undefined).length ?? 0) +
    plant.sap.records.maintenanceOrders.filter((o) => /TECO|CLSD/.test(o.status)).length;
  const seenCompletions = new Set(ofType('WorkOrderCompleted').map((e) => String(dataOf(e).workOrderId)))
    .size;

  const byQueue = Object.fromEntries(platform.deadLetters.map((q) => [q.name, q.depth]));
  const estimate = estimateCost(
    usageFromMeter(platform.meter, {
      billableEvents: platform.billableEvents,
      expressStateMachines: platform.expressStateMachines,
    }),
  );
  return {
    run,
    generatedAt: new Date().toISOString(),
    zeroLoss,
    orderSyncLatencyMs: summarize(orderLatencies),
    confirmationAccuracy: ratio(
      zeroLoss.operationsReported - zeroLoss.confirmationsMismatched.length,
      zeroLoss.operationsReported,
    ),
    downtimeToMaintenanceMs: summarize(downtimeLatencies),
    failureRateByInterface: rates,
    exceptions: {
      raised: raisedAt.size,
      resolved: resolved.length,
      byKind,
      resolutionMs: summarize(resolutionMs),
    },
    reconciliation: {
      runs: (platform.reconciliationRuns ?? []).filter((r) => r.status === 'SUCCEEDED').length,
      failed: (platform.reconciliationRuns ?? [])
        .filter((r) => r.status !== 'SUCCEEDED')
        .map((r) => `plant ${r.plant}: ${r.status}${r.error ? ` ${r.error}` : ''}`),
      driftEvents: drift.length,
      maxVariance: Math.max(
        0,
        ...drift.map((e) => Number(dataOf(e).variance ?? 0)),
        ...(platform.reconciliationRuns ?? []).map((r) => Number(r.variance ?? 0)),
      ),
    },
    workOrderCompletionVisibility: {
      completedInPlatform,
      seenByPlantsync: seenCompletions,
      ratio: ratio(Math.min(seenCompletions, completedInPlatform), completedInPlatform),
    },
    deadLetters: { total: Object.values(byQueue).reduce((a, b) => a + b, 0), byQueue },
    eventsOnBus: platform.events.length,
    cost: { estimate, perThousandOrders: costPerThousandOrders(estimate, zeroLoss.ordersSent) },
  };
};
