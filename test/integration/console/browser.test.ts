import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import sparticuz from '@sparticuz/chromium';
import { type Browser, chromium, type Page } from 'playwright-core';
import { fixtureConsoleData } from '../../../local/console/fixture';
import { type ConsoleServer, startConsole } from '../../../local/console/server';

const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'console');

describe('ops console in headless Chromium (fixture data)', () => {
  let server: ConsoleServer;
  let browser: Browser;
  let page: Page;
  const requests: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    server = await startConsole({ port: 0, data: fixtureConsoleData() });
    browser = await chromium.launch({
      executablePath: await sparticuz.executablePath(),
      args: [
        ...sparticuz.args,
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
      headless: true,
    });
    page = await browser.newPage({
      viewport: { width: 1280, height: 900 },
      timezoneId: 'UTC',
      locale: 'en-GB',
    });
    page.on('request', (r) => requests.push(r.url()));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** A fresh document per view: a hash change on the same page could find the previous view still "ready". */
  const open = async (hash: string) => {
    await page.goto('about:blank');
    await page.goto(`${server.url}#${hash}`);
    await page.waitForSelector('body[data-ready="true"]');
  };

  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

  it('shows the flows of each plant', async () => {
    await open('flows');

    const plants = await page
      .locator('#flows [data-plant]')
      .evaluateAll((cards) => cards.map((c) => c.getAttribute('data-plant')));
    expect(plants).toEqual(['1010', '2020']);
    const plant1010 = page.locator('#flows [data-plant="1010"]');
    expect(await plant1010.locator('svg[aria-label^="Released by SAP"]').getAttribute('aria-label')).toBe(
      'Released by SAP: 12, Acknowledged by MES: 11, Confirmed by MES: 10',
    );
    expect(await plant1010.textContent()).toContain('1 sync exception(s)');
    await shot('flows');
  });

  it('shows every KPI with its value and a chart', async () => {
    await open('kpis');

    const cards = page.locator('#kpis [data-kpi]');
    expect(await cards.count()).toBe(5);
    const failureRate = page.locator('[data-kpi="integration-failure-rate"]');
    expect(await failureRate.locator('.kpi-value').textContent()).toMatch(/^\d+(\.\d)?%$/);
    expect(await failureRate.locator('svg polyline').count()).toBe(1);
    expect(await page.locator('[data-kpi="dead-lettered"] .pill').textContent()).toBe('attention');
    await shot('kpis');
  });

  it('dry-runs and then replays a dead-letter queue, showing each result', async () => {
    await open('dlqs');
    const row = page.locator('tr[data-queue="sap-poster-dlq"]');
    expect(await row.locator('.reasons').textContent()).toContain('posting period 11/2026 is closed');

    await row.locator('[data-action="dry-run"]').click();
    await page.waitForSelector('#replay-result.info');
    expect(await page.locator('#replay-result').textContent()).toContain(
      'Dry run on sap-poster-dlq: 3 of 3 message(s) would be replayed; nothing moved.',
    );

    await page.locator('tr[data-queue="sap-poster-dlq"] [data-action="replay"]').click();
    await shot('dlqs-confirm');
    await page.locator('tr[data-queue="sap-poster-dlq"] [data-action="confirm-replay"]').click();
    await page.waitForSelector('#replay-result.ok');
    expect(await page.locator('#replay-result').textContent()).toContain(
      'Replayed 3 of 3 message(s) from sap-poster-dlq; 0 kept.',
    );
    expect(await page.locator('tr[data-queue="sap-poster-dlq"] td.num .pill').first().textContent()).toBe(
      '0',
    );
    await shot('dlqs');
  });

  it('lists stuck orders with their owner and links each to its trace', async () => {
    await open('stuck');

    const row = page.locator('tr[data-order="1000125"]');
    expect(await row.textContent()).toContain('MES administrator (mes)');
    await shot('stuck');
    await row.locator('a', { hasText: 'Trace' }).click();
    await page.waitForSelector('body[data-view="trace"][data-ready="true"]');
    expect(await page.locator('#trace-failure').textContent()).toContain(
      'Failed at outbound-call in mes-publisher',
    );
  });

  it('traces an order number typed into the search box, highlighting the failing hop', async () => {
    await open('trace');

    await page.fill('#trace-query', '1000131');
    await page.click('#trace-form button[type="submit"]');
    await page.waitForSelector('#trace-failure');

    expect(await page.locator('#trace-failure').textContent()).toContain(
      'PermanentError: SAP refused: posting period 11/2026 is closed (M7/053)',
    );
    const failing = page.locator('.timeline tr.failing');
    expect(await failing.count()).toBe(1);
    expect(await failing.textContent()).toContain('sap-poster');
    expect(await page.locator('.timeline tbody tr').count()).toBeGreaterThan(10);
    await shot('trace');
  });

  it('traces an equipment across every flow that touched it, labelling each flow', async () => {
    await open('trace/equipment%3A10000042');

    expect(await page.locator('.correlations li').count()).toBe(2);
    expect(await page.locator('#trace .banner.ok').textContent()).toContain('No hop failed');
    const flows = await page.locator('.timeline tbody tr td:nth-child(3)').allTextContents();
    expect(new Set(flows)).toEqual(new Set(['c1', 'c2']));
    await shot('trace-equipment');
  });

  it('shows a clear message for a key nothing was recorded for', async () => {
    await open('trace/4711');

    expect(await page.locator('#trace .result.bad').textContent()).toBe('nothing recorded for "4711"');
  });

  it('loads nothing from anywhere but the console itself', () => {
    const origin = new URL(server.url).origin;
    expect(requests.filter((url) => !url.startsWith(origin))).toEqual([]);
  });
});
