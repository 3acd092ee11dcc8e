/**
 * What the ops console shows, and the one interface it reads it through. The console never talks to
 * AWS or the local stand-ins itself: `liveConsoleData` composes the dead-letter operations, the audit
 * store and two providers; `fixtureConsoleData` (fixture.ts) serves a fixed plant for tests and demos.
 */
import { z } from 'zod';
import type { DeadLetterOperations, DlqSummary, ReplayReport } from '../../cli/ops/dlq';
import { System } from '../../events/envelope';
import type { AuditStore, Trace } from '../audit/store';

export const FlowCounts = z.object({
  ordersReleased: z.number().int().nonnegative(),
  ordersAcknowledged: z.number().int().nonnegative(),
  ordersConfirmed: z.number().int().nonnegative(),
  downtimes: z.number().int().nonnegative(),
  notifications: z.number().int().nonnegative(),
  workOrdersCreated: z.number().int().nonnegative(),
  workOrdersCompleted: z.number().int().nonnegative(),
  syncExceptions: z.number().int().nonnegative(),
});
export type FlowCounts = z.infer<typeof FlowCounts>;

export const PlantFlows = z.object({ plant: z.string(), name: z.string().optional(), flows: FlowCounts });
export type PlantFlows = z.infer<typeof PlantFlows>;

export const KpiPoint = z.object({ at: z.string(), value: z.number() });
export type KpiPoint = z.infer<typeof KpiPoint>;

export const Kpi = z.object({
  id: z.string(),
  label: z.string(),
  description: z.string(),
  unit: z.enum(['s', '%', 'count']),
  /** Which direction is good, so the page can say whether a value is a concern. */
  goodWhen: z.enum(['lower', 'higher']),
  /** The current value; null when nothing has been measured yet. */
  value: z.number().nullable(),
  /** Above (or below, for goodWhen higher) this the value is shown as a concern. */
  threshold: z.number().optional(),
  series: z.array(KpiPoint),
});
export type Kpi = z.infer<typeof Kpi>;

export const Overview = z.object({
  generatedAt: z.string(),
  plants: z.array(PlantFlows),
  kpis: z.array(Kpi),
});
export type Overview = z.infer<typeof Overview>;

export const StuckOrder = z.object({
  plant: z.string(),
  orderNumber: z.string(),
  status: z.string(),
  statusSince: z.string(),
  ageSeconds: z.number().nonnegative(),
  slaSeconds: z.number().positive().optional(),
  owner: z.object({ system: System, role: z.string() }).optional(),
  correlationId: z.string().optional(),
});
export type StuckOrder = z.infer<typeof StuckOrder>;

export interface ConsoleData {
  overview(): Promise<Overview>;
  dlqs(): Promise<readonly DlqSummary[]>;
  replay(name: string, dryRun: boolean): Promise<ReplayReport>;
  stuckOrders(): Promise<readonly StuckOrder[]>;
  trace(idOrKey: string): Promise<Trace>;
}

export interface LiveConsoleSources {
  readonly deadLetters: Pick<DeadLetterOperations, 'summaries' | 'replay'>;
  readonly audit: Pick<AuditStore, 'trace'>;
  readonly stuckOrders: () => Promise<readonly StuckOrder[]>;
  /** Flows per plant and KPIs; `overviewFromAudit` computes them from the audit trail. */
  readonly overview: () => Promise<Overview> | Overview;
}

/** The console over a running system: DLQs through SQS, traces from the audit store. */
export const liveConsoleData = (sources: LiveConsoleSources): ConsoleData => ({
  overview: async () => sources.overview(),
  dlqs: () => sources.deadLetters.summaries(),
  replay: (name, dryRun) => sources.deadLetters.replay(name, { dryRun }),
  stuckOrders: () => sources.stuckOrders(),
  trace: async (idOrKey) => sources.audit.trace(idOrKey),
});
