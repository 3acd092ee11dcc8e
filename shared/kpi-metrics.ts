/**
 * The business KPI metrics of the brief, in one place: functions emit them and the dashboard and
 * alarms (infra/stacks/observability-stack.ts) read them by these names. Every KPI is written as
 * CloudWatch EMF in namespace `plantsync` with dimensions `service` (POWERTOOLS_SERVICE_NAME) and
 * `plant`.
 */

import { MetricUnit, metrics as powertools } from './observability';

export type KpiUnit = 'Count' | 'Seconds' | 'Percent';

/** The external interfaces whose success and failure counts make up the integration failure rate. */
export type KpiInterface = 'sap' | 'mes' | 'maintenance';

/** Metric name → unit and what it measures (the brief's KPI it feeds). */
export const KpiMetrics = {
  OrderSynchronisationLatency: {
    unit: 'Seconds',
    kpi: 'order synchronisation latency',
    description: 'seconds from SAP release (occurredAt) to the MES acknowledgement being recorded',
  },
  ConfirmationPosted: {
    unit: 'Count',
    kpi: 'confirmation accuracy',
    description: 'MES production confirmations posted to SAP',
  },
  ConfirmationRejected: {
    unit: 'Count',
    kpi: 'confirmation accuracy',
    description:
      'MES confirmations and goods movements SAP refused for good (business rule or permanent error)',
  },
  ConfirmationParked: {
    unit: 'Count',
    kpi: 'confirmation accuracy',
    description: 'MES facts parked because their order was not known yet',
  },
  GoodsMovementPosted: {
    unit: 'Count',
    kpi: 'confirmation accuracy',
    description: 'MES goods movements posted to SAP',
  },
  DowntimeToMaintenanceResponseTime: {
    unit: 'Seconds',
    kpi: 'downtime-to-maintenance response time',
    description: 'seconds from DowntimeStarted to the maintenance notification',
  },
  SapCallSucceeded: {
    unit: 'Count',
    kpi: 'integration failure rate',
    description: 'SAP OData calls that succeeded',
  },
  SapCallFailed: {
    unit: 'Count',
    kpi: 'integration failure rate',
    description: 'SAP OData calls that failed',
  },
  MesCallSucceeded: {
    unit: 'Count',
    kpi: 'integration failure rate',
    description: 'MES calls that succeeded',
  },
  MesCallFailed: { unit: 'Count', kpi: 'integration failure rate', description: 'MES calls that failed' },
  MaintenanceCallSucceeded: {
    unit: 'Count',
    kpi: 'integration failure rate',
    description: 'maintenance platform calls that succeeded',
  },
  MaintenanceCallFailed: {
    unit: 'Count',
    kpi: 'integration failure rate',
    description: 'maintenance platform calls that failed',
  },
  SyncExceptionRaised: {
    unit: 'Count',
    kpi: 'exception resolution time',
    description: 'business exceptions raised, each with an owner',
  },
  SyncExceptionResolutionTime: {
    unit: 'Seconds',
    kpi: 'exception resolution time',
    description: 'seconds from SyncExceptionRaised to SyncExceptionResolved',
  },
  ReconciliationVariance: {
    unit: 'Percent',
    kpi: 'reconciliation variance',
    description: 'percent of records that differ between systems in one reconciliation run',
  },
  WorkOrderCompletionPosted: {
    unit: 'Count',
    kpi: 'work order completion visibility',
    description: 'completed work orders whose labour, parts and cost reached SAP',
  },
} as const satisfies Record<string, { unit: KpiUnit; kpi: string; description: string }>;

export type KpiName = keyof typeof KpiMetrics;

/** Metric names, for `KpiName.X` instead of string literals. */
export const KpiName = Object.fromEntries(Object.keys(KpiMetrics).map((k) => [k, k])) as {
  readonly [K in KpiName]: K;
};

/** The success and failure metric of each interface (integration failure rate = failed / (ok + failed)). */
export const IntegrationMetrics = {
  sap: { succeeded: 'SapCallSucceeded', failed: 'SapCallFailed' },
  mes: { succeeded: 'MesCallSucceeded', failed: 'MesCallFailed' },
  maintenance: { succeeded: 'MaintenanceCallSucceeded', failed: 'MaintenanceCallFailed' },
} as const satisfies Record<KpiInterface, { succeeded: KpiName; failed: KpiName }>;

/** Structurally the workflows' MetricsPort: anything that records a metric with a plant dimension. */
export interface KpiSink {
  record(name: string, value: number, unit: KpiUnit, plant: string): void;
}

/**
 * A KpiSink writing CloudWatch EMF through the shared Powertools Metrics: one EMF document per record,
 * flushed at once, with dimensions `service` (POWERTOOLS_SERVICE_NAME) and `plant`.
 */
export const emfKpiSink: KpiSink = {
  record(name, value, unit, plant) {
    const single = powertools.singleMetric();
    single.addDimension('plant', plant);
    single.addMetric(
      name,
      unit === 'Seconds' ? MetricUnit.Seconds : unit === 'Percent' ? MetricUnit.Percent : MetricUnit.Count,
      value,
    );
  },
};

/** Records one KPI with the unit this module fixes for it. */
export const recordKpi = (metrics: KpiSink, name: KpiName, value: number, plant: string): void => {
  metrics.record(name, value, KpiMetrics[name].unit, plant);
};

/** Seconds from an ISO instant to `to`, never negative, rounded to milliseconds. */
export const secondsSince = (from: string, to: Date): number =>
  Math.max(0, Math.round(to.getTime() - Date.parse(from)) / 1000);

/** Errors that are a business refusal, not a failure of the interface itself. */
const isBusinessRefusal = (error: unknown): boolean =>
  error instanceof Error && (error.name === 'BusinessRuleError' || error.name === 'NotFoundError');

/**
 * Wraps a connector port so every method call counts as succeeded or failed for `iface`, in the plant
 * of the call context (the first argument, `{ plant }`). Business refusals count as succeeded calls:
 * the interface answered. The error is rethrown unchanged.
 */
export const meterInterface = <T extends object>(port: T, iface: KpiInterface, metrics: KpiSink): T =>
  new Proxy(port, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const first = args[0];
        const plant =
          typeof first === 'object' &&
          first !== null &&
          typeof (first as { plant?: unknown }).plant === 'string'
            ? (first as { plant: string }).plant
            : undefined;
        const count = (outcome: 'succeeded' | 'failed') => {
          if (plant !== undefined) recordKpi(metrics, IntegrationMetrics[iface][outcome], 1, plant);
        };
        let result: unknown;
        try {
          result = (value as (...a: unknown[]) => unknown).apply(target, args);
        } catch (error) {
          count(isBusinessRefusal(error) ? 'succeeded' : 'failed');
          throw error;
        }
        if (result instanceof Promise)
          return result.then(
            (resolved) => {
              count('succeeded');
              return resolved;
            },
            (error: unknown) => {
              count(isBusinessRefusal(error) ? 'succeeded' : 'failed');
              throw error;
            },
          );
        count('succeeded');
        return result;
      };
    },
  });
