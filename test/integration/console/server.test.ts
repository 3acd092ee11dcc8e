import { request } from 'node:http';
import type { DlqSummary, ReplayReport } from '../../../cli/ops/dlq';
import { MemoryAuditStore } from '../../../local/audit';
import { type ConsoleData, liveConsoleData, type Overview } from '../../../local/console/data';
import { fixtureConsoleData } from '../../../local/console/fixture';
import { type ConsoleServer, startConsole } from '../../../local/console/server';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

const call = (
  server: ConsoleServer,
  method: string,
  path: string,
  options: { body?: string; headers?: Record<string, string> } = {},
): Promise<Answer> =>
  new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: server.port, method, path, headers: options.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });

const json = { 'content-type': 'application/json' };

describe('ops console HTTP API (fixture data)', () => {
  let server: ConsoleServer;

  beforeAll(async () => {
    server = await startConsole({ port: 0, data: fixtureConsoleData() });
  });

  afterAll(() => server.close());

  it('listens on loopback only', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/`);
  });

  it('serves the page with a policy that forbids anything not from the console', async () => {
    const page = await call(server, 'GET', '/');

    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.body).toContain('<script type="module" src="/app.js"></script>');
    expect((await call(server, 'GET', '/app.js')).headers['content-type']).toContain('text/javascript');
  });

  it('answers the overview with flows per plant and KPIs', async () => {
    const overview = JSON.parse((await call(server, 'GET', '/api/overview')).body) as Overview;

    expect(overview.plants.map((p) => p.plant)).toEqual(['1010', '2020']);
    expect(overview.kpis.map((k) => k.id)).toContain('order-sync-latency');
  });

  it('answers a trace by business key, and 404 for an unknown one', async () => {
    const trace = JSON.parse((await call(server, 'GET', '/api/trace/order%3A1000125')).body);
    const unknown = await call(server, 'GET', '/api/trace/4711');

    expect(trace.failure.hop.component).toBe('mes-publisher');
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body)).toEqual({ error: 'nothing recorded for "4711"' });
  });

  it('lists stuck orders', async () => {
    const stuck = JSON.parse((await call(server, 'GET', '/api/orders/stuck')).body);

    expect(stuck.map((o: { orderNumber: string }) => o.orderNumber)).toEqual(['1000125', '2000047']);
  });

  it('replays only when the request says whether it is a dry run, as JSON', async () => {
    const notJson = await call(server, 'POST', '/api/dlqs/mes-publisher-dlq/replay', {
      body: 'dryRun=false',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    const unsaid = await call(server, 'POST', '/api/dlqs/mes-publisher-dlq/replay', {
      body: '{}',
      headers: json,
    });
    const dry = await call(server, 'POST', '/api/dlqs/mes-publisher-dlq/replay', {
      body: '{"dryRun":true}',
      headers: json,
    });

    expect(notJson.status).toBe(415);
    expect(unsaid.status).toBe(400);
    expect(JSON.parse(dry.body)).toMatchObject({
      queue: 'mes-publisher-dlq',
      dryRun: true,
      matched: 1,
      replayed: 0,
    });
  });

  it('answers 404 for a queue that does not exist', async () => {
    const answer = await call(server, 'POST', '/api/dlqs/nope/replay', {
      body: '{"dryRun":true}',
      headers: json,
    });

    expect(answer.status).toBe(404);
    expect(JSON.parse(answer.body).error).toContain('no dead-letter queue "nope"');
  });

  it('refuses a request for a host name that is not loopback (DNS rebinding)', async () => {
    const answer = await call(server, 'GET', '/api/dlqs', { headers: { host: 'evil.example:80' } });

    expect(answer.status).toBe(403);
  });
});

describe('liveConsoleData', () => {
  it('reads DLQs and replays through the dead-letter operations and traces through the audit store', async () => {
    const replays: { queue: string; dryRun: boolean | undefined }[] = [];
    const summary: DlqSummary = { name: 'q-dlq', url: 'u', arn: 'a', depth: 2, sources: ['q'], reasons: [] };
    const audit = new MemoryAuditStore();
    audit.record({
      kind: 'ingress',
      at: '2026-11-25T06:00:00.000Z',
      durationMs: 3,
      correlationId: 'c-1',
      component: 'sap-idoc-ingress',
      outcome: 'ok',
      keys: [{ kind: 'order', value: '1000123' }],
    });
    const data: ConsoleData = liveConsoleData({
      deadLetters: {
        summaries: async () => [summary],
        replay: async (queue, options): Promise<ReplayReport> => {
          replays.push({ queue, dryRun: options?.dryRun });
          return { queue, dryRun: options?.dryRun ?? false, total: 2, matched: 2, replayed: 2, kept: [] };
        },
      },
      audit,
      stuckOrders: async () => [],
      overview: () => ({ generatedAt: '2026-11-25T07:00:00.000Z', plants: [], kpis: [] }),
    });

    expect(await data.dlqs()).toEqual([summary]);
    expect((await data.replay('q-dlq', false)).replayed).toBe(2);
    expect(replays).toEqual([{ queue: 'q-dlq', dryRun: false }]);
    expect((await data.trace('1000123')).hops).toHaveLength(1);
    expect((await data.overview()).generatedAt).toBe('2026-11-25T07:00:00.000Z');
  });
});
