/**
 * The main job end to end, small: the CDK app synthesized for the local environment, booted on the
 * local runtime, a short plant day in two simulated plants, and the zero-loss checks computed from
 * the simulated systems' own records.
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeKpis, type KpiReport } from '../../local/scenarios/kpi';
import { scenarios } from '../../local/scenarios/scenarios';
import { type Session, startSession } from '../../local/scenarios/session';

const SPEED = 1500;

describe('a small plant day on the local runtime', () => {
  let session: Session | undefined;
  let report: KpiReport;
  let finished: boolean;
  const stateDir = join(tmpdir(), `plantsync-e2e-${process.pid}`);

  beforeAll(async () => {
    session = await startSession({
      seed: 'e2e',
      plants: 2,
      clockSpeed: SPEED,
      stateDir,
      say: () => undefined,
    });
    const started = Date.now();
    const outcome = await scenarios['plant-day']?.run(session, {
      orders: 8,
      seed: 'e2e',
      budgetMs: 150_000,
      tally: { alerts: 0 },
      dayHours: 6,
    });
    finished = outcome?.finished ?? false;
    await session.runtime.settle({ timeoutMs: 10_000 });
    report = computeKpis(session.plant, await session.observe(), {
      scenario: 'plant-day',
      seed: 'e2e',
      plants: session.plantCodes,
      ordersRequested: 8,
      clockSpeed: SPEED,
      simulatedHours: outcome?.simulatedHours ?? 0,
      realSeconds: (Date.now() - started) / 1000,
    });
  }, 300_000);

  afterAll(async () => {
    await session?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }, 60_000);

  it('finishes every flow within its budget', () => {
    expect(finished).toBe(true);
  });

  it('delivers every SAP order to its MES and every MES confirmation to SAP, exactly once', () => {
    expect(report.zeroLoss.ordersSent).toBe(8);
    expect(report.zeroLoss.ordersMissingInMes).toEqual([]);
    expect(report.zeroLoss.confirmationsMismatched).toEqual([]);
    expect(report.zeroLoss.operationsReported).toBeGreaterThan(8);
    expect(report.zeroLoss.duplicates).toEqual({ sap: 0, maintenance: 0 });
  });

  it('raises one maintenance notification per machine fault', () => {
    expect(report.zeroLoss.incidentsWithoutNotification).toEqual([]);
    expect(report.zeroLoss.incidentsWithSeveralNotifications).toEqual([]);
  });

  it('measures the KPIs and prices the run', () => {
    expect(report.orderSyncLatencyMs.count).toBe(8);
    expect(report.confirmationAccuracy).toBe(1);
    expect(report.cost.perThousandOrders).toBeGreaterThan(0);
    expect(report.deadLetters.total).toBe(0);
    expect(report.eventsOnBus).toBeGreaterThan(50);
  });
});
