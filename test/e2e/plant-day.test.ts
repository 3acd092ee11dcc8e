/**
 * The main job end to end, small: the CDK app synthesized for the local environment, booted on the
 * local runtime, a short plant day in two simulated plants, and the zero-loss checks computed from
 * the simulated systems' own records.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sparticuz from '@sparticuz/chromium';
import { chromium } from 'playwright-core';
import { MemoryAuditStore } from '../../local/audit/store';
import { liveConsoleData } from '../../local/console/data';
import { overviewFromAudit } from '../../local/console/overview';
import { type ConsoleServer, startConsole } from '../../local/console/server';
import { computeKpis, type KpiReport } from '../../local/scenarios/kpi';
import { scenarios } from '../../local/scenarios/scenarios';
import { type Session, startSession } from '../../local/scenarios/session';

const SPEED = 1500;

describe('a small plant day on the local runtime', () => {
  let session: Session | undefined;
  let report: KpiReport;
  let finished: boolean;
  const stateDir = join(tmpdir(), `plantsync-e2e-${process.pid}`);
  const audit = new MemoryAuditStore();

  beforeAll(async () => {
    session = await startSession({
      seed: 'e2e',
      plants: 2,
      clockSpeed: SPEED,
      stateDir,
      say: () => undefined,
      audit,
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

  describe("the ops console on the run's own data, in headless Chromium", () => {
    let server: ConsoleServer;
    const artifacts = join(process.cwd(), 'test-artifacts', 'console-scenario');

    beforeAll(async () => {
      mkdirSync(artifacts, { recursive: true });
      if (!session) throw new Error('no session');
      server = await startConsole({
        port: 0,
        data: liveConsoleData({
          deadLetters: session.deadLetters,
          audit,
          stuckOrders: async () => [],
          overview: () => overviewFromAudit(audit.hops()),
        }),
      });
    });

    afterAll(async () => {
      await server?.close();
    });

    it('loads every view with what the plant day produced', async () => {
      const browser = await chromium.launch({
        executablePath: await sparticuz.executablePath(),
        args: [
          ...sparticuz.args,
          '--disable-background-networking',
          '--disable-component-update',
          '--no-first-run',
        ],
        headless: true,
      });
      try {
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, timezoneId: 'UTC' });
        const open = async (hash: string) => {
          await page.goto('about:blank');
          await page.goto(`${server.url}#${hash}`);
          await page.waitForSelector('body[data-ready="true"]');
          await page.screenshot({
            path: join(artifacts, `${hash.replace(/[^a-z0-9]+/gi, '-')}.png`),
            fullPage: true,
          });
        };

        await open('flows');
        const plants = await page
          .locator('#flows [data-plant]')
          .evaluateAll((cards) => cards.map((c) => c.getAttribute('data-plant')));
        expect(plants.sort()).toEqual(['1000', '2000']);
        expect(
          await page
            .locator('#flows [data-plant="1000"] svg[aria-label^="Released by SAP"]')
            .getAttribute('aria-label'),
        ).toMatch(/^Released by SAP: [1-9]/);

        await open('kpis');
        expect(await page.locator('#kpis [data-kpi]').count()).toBeGreaterThan(0);

        await open('dlqs');
        expect(await page.locator('tr[data-queue]').count()).toBeGreaterThan(0);

        await open('stuck');
        expect(await page.locator('body').textContent()).not.toContain('Error');

        const order = session?.plant.sap.idocs.find((i) => i.idocType === 'LOIPRO01')?.key;
        await open(`trace/order%3A${order}`);
        expect(await page.locator('.timeline tbody tr').count()).toBeGreaterThan(5);
        expect(await page.locator('.timeline').textContent()).toContain('ProductionOrderReleased');
      } finally {
        await browser.close();
      }
    }, 60_000);
  });
});
