import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseMaintenancePlants } from '../../../functions/maintenance/config';
import { RestTransport } from '../../../functions/maintenance/http';
import { MaintainxClient } from '../../../functions/maintenance/maintainx/client';
import { verifyMaintainxSignature } from '../../../functions/maintenance/maintainx/signature';
import { mapMaintainxWebhook } from '../../../functions/maintenance/maintainx/webhook';
import { TenantRateLimiter } from '../../../functions/maintenance/rate-limiter';
import type { ManualClock } from '../../../local/plant/clock';
import { BODY_SIGNATURE_HEADER, SimulatedMaintainx } from '../../../local/plant/maintenance-maintainx';
import { Capture, manualClock, masterFor } from './helpers';

const SEED = 'maintainx-test';
const master = masterFor(SEED);
const webhooks = new Capture();
let webhookUrl: string;
let clock: ManualClock;
let mx: SimulatedMaintainx;
const REAL_NOW = Date.parse('2026-11-25T03:00:00Z');

beforeAll(async () => {
  webhookUrl = await webhooks.start();
});

afterAll(async () => {
  await webhooks.stop();
});

const start = async (rateLimit = { rps: 1000, burst: 1000 }) => {
  clock = manualClock();
  mx = await new SimulatedMaintainx({
    seed: SEED,
    clock,
    plants: [{ master, webhookUrl: `${webhookUrl}/webhooks/maintainx/1000`, rateLimit }],
    realNow: () => REAL_NOW,
  }).start();
};

afterEach(async () => {
  await mx.stop();
  webhooks.requests.length = 0;
});

const api = (path: string, init: RequestInit = {}, token = mx.configFor('1000').apiToken) =>
  fetch(`${mx.url}${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      ...(init.headers ?? {}),
    },
  });

/** The connector's MaintainX client, configured from the simulator. */
const connector = () => {
  const config = mx.configFor('1000');
  const plants = parseMaintenancePlants(
    JSON.stringify({
      '1000': {
        platform: 'maintainx',
        baseUrl: config.baseUrl,
        apiTokenSecretName: 'sim/maintainx',
        webhookSecretName: 'sim/maintainx-webhook',
        tenant: 'org-3001',
        rateLimit: { requestsPerSecond: 50, burst: 50 },
        currency: 'EUR',
        referenceField: config.referenceField,
        equipmentField: config.equipmentField,
        assets: config.assets,
      },
    }),
  );
  const plant = plants['1000'];
  if (plant?.platform !== 'maintainx') throw new Error('config');
  const transport = new RestTransport({
    baseUrl: config.baseUrl,
    tenant: 'org-3001',
    rateLimit: { requestsPerSecond: 50, burst: 50 },
    limiter: new TenantRateLimiter(),
    headers: async () => ({ authorization: `Bearer ${config.apiToken}` }),
    sleep: async () => undefined,
  });
  return { client: new MaintainxClient(transport, plant), plant };
};

describe('simulated MaintainX API', () => {
  it('refuses a call without a valid bearer token', async () => {
    await start();

    const response = await api('/workorders', {}, 'wrong');

    expect(response.status).toBe(401);
  });

  it('answers 429 with Retry-After once the organisation exceeds its burst', async () => {
    await start({ rps: 1, burst: 3 });

    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await api('/workorders')).status);
    const last = await api('/workorders');

    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(mx.records.throttled.every((t) => t.reason === 'rate-limit')).toBe(true);
  });

  it('answers every call of a 429 storm with Retry-After, then serves again', async () => {
    await start();
    mx.storm(2, 9);

    const first = await api('/workorders');
    const second = await api('/workorders');
    const third = await api('/workorders');

    expect([first.status, second.status, third.status]).toEqual([429, 429, 200]);
    expect(first.headers.get('retry-after')).toBe('9');
  });

  it('creates one work request for a reference even when the connector is asked twice', async () => {
    await start();
    const { client } = connector();
    const command = {
      plant: '1000',
      kind: 'createNotification' as const,
      context: {},
      title: 'Spindle overload on MILL',
      externalReference: 'downtime:1000:DT-1000-000001',
      equipmentId: master.equipment[0]?.equipmentId ?? '',
      priority: 'high' as const,
    };

    const first = await client.createNotification(command);
    const second = await client.createNotification(command);

    expect(first.created).toBe(true);
    expect(second).toEqual({ id: first.id, created: false });
    expect(mx.records.workRequests).toEqual([
      expect.objectContaining({
        externalReference: command.externalReference,
        equipmentId: command.equipmentId,
        duplicate: false,
      }),
    ]);
    expect(mx.records.duplicates).toEqual([]);
  });
});

describe('simulated MaintainX webhooks and technicians', () => {
  it('signs every webhook with t=<ts>,v1=<hmac of "<ts>.<body>"> that the connector verifies', async () => {
    await start();
    const { client } = connector();
    await client.createWorkOrder({
      plant: '1000',
      kind: 'createWorkOrder',
      origin: 'predictive',
      title: 'Replace spindle bearing',
      externalReference: 'alert:1000:A-1',
      equipmentId: master.equipment[1]?.equipmentId ?? '',
      priority: 'medium',
    });

    await clock.advance(12 * 3_600_000);
    await mx.webhooksIdle();

    expect(webhooks.requests.length).toBeGreaterThanOrEqual(3);
    for (const request of webhooks.requests) {
      const check = verifyMaintainxSignature({
        header: request.headers[BODY_SIGNATURE_HEADER]?.toString(),
        rawBody: request.body,
        secrets: [mx.configFor('1000').webhookSecret],
        nowMs: REAL_NOW,
      });
      expect(check.ok).toBe(true);
      // The vendor's recipe, verbatim: HMAC-SHA256 hex of "<timestamp>.<raw body>" with the endpoint secret.
      const [, t, v1] =
        /^t=(\d+),v1=([0-9a-f]{64})$/.exec(request.headers[BODY_SIGNATURE_HEADER]?.toString() ?? '') ?? [];
      const expected = createHmac('sha256', mx.configFor('1000').webhookSecret)
        .update(`${t}.${request.body}`, 'utf8')
        .digest('hex');
      expect(v1).toBe(expected);
    }
    expect(webhooks.requests.map((r) => r.url.searchParams.get('event'))).toEqual([
      'NEW_WORK_ORDER',
      'WORK_ORDER_STATUS_CHANGE',
      'WORK_ORDER_STATUS_CHANGE',
    ]);
  });

  it('has a technician complete the work order with labour and parts the connector maps to WorkOrderCompleted', async () => {
    await start();
    const { client, plant } = connector();
    const equipmentId = master.equipment[2]?.equipmentId ?? '';
    const { id } = await client.createWorkOrder({
      plant: '1000',
      kind: 'createWorkOrder',
      origin: 'api',
      title: 'Sensor check',
      externalReference: 'ref-9',
      equipmentId,
      priority: 'low',
    });

    await clock.advance(12 * 3_600_000);
    await mx.webhooksIdle();

    const done = webhooks.requests.find(
      (r) => (JSON.parse(r.body) as { newStatus?: string }).newStatus === 'DONE',
    );
    const costs = await client.getWorkOrderCosts(id);
    const mapped = mapMaintainxWebhook({
      payload: JSON.parse(done?.body ?? '{}'),
      plant: '1000',
      config: plant,
      type: 'WORK_ORDER_STATUS_CHANGE',
      costs,
    });
    const completed = mapped.events.find((e) => e.detailType === 'WorkOrderCompleted');
    expect(completed?.data).toEqual(
      expect.objectContaining({
        workOrderId: id,
        equipmentId,
        externalReference: 'ref-9',
        equipmentAvailable: true,
      }),
    );
    expect(costs.rows.some((r) => r.type === 'TIME')).toBe(true);
    expect((await client.getWorkOrder(id)).status).toBe('done');
  });

  it('approves a work request into a work order after the planner delay', async () => {
    await start();
    const response = await api('/workrequests', {
      method: 'POST',
      body: JSON.stringify({
        title: 'Leak at press',
        assetId: master.equipment[0]?.maintainxAssetId,
        extraFields: {},
      }),
    });
    const { id } = (await response.json()) as { id: number };

    await clock.advance(20 * 60_000);

    const request = mx.records.workRequests.find((r) => r.id === id);
    expect(request?.status).toBe('APPROVED');
    expect(mx.records.workOrders.find((w) => w.workRequestId === id)?.origin).toBe('work-request');
  });
});

describe('simulated MaintainX webhook shapes', () => {
  it('sends payloads with every field of the vendor example of their type', async () => {
    const examples = JSON.parse(
      readFileSync(new URL('../../fixtures/plant/maintainx-webhook-examples.json', import.meta.url), 'utf8'),
    ) as Record<string, Record<string, unknown>>;
    await start();
    const response = await api('/workrequests', {
      method: 'POST',
      body: JSON.stringify({ title: 'Noise at lathe', assetId: master.equipment[0]?.maintainxAssetId }),
    });
    const { id } = (await response.json()) as { id: number };
    await clock.advance(20 * 60_000);
    const wo = mx.records.workOrders.find((w) => w.workRequestId === id);
    await api(`/workorders/${wo?.id}`, { method: 'PATCH', body: JSON.stringify({ priority: 'HIGH' }) });
    await clock.advance(12 * 3_600_000);
    await mx.webhooksIdle();

    const seen = new Set<string>();
    for (const request of webhooks.requests) {
      const type = request.url.searchParams.get('event') ?? '';
      const example = examples[type];
      if (!example) continue;
      seen.add(type);
      const payload = JSON.parse(request.body) as Record<string, unknown>;
      expect(Object.keys(payload).sort()).toEqual(expect.arrayContaining(Object.keys(example).sort()));
      if (example.newWorkOrder) {
        expect(Object.keys(payload.newWorkOrder as object)).toEqual(
          expect.arrayContaining(Object.keys(example.newWorkOrder as object)),
        );
      }
    }
    expect([...seen].sort()).toEqual([
      'NEW_WORK_ORDER',
      'NEW_WORK_REQUEST',
      'WORK_ORDER_CHANGE',
      'WORK_ORDER_STATUS_CHANGE',
      'WORK_REQUEST_STATUS_CHANGE',
    ]);
  });
});

describe('simulated MaintainX assets', () => {
  it("lists the organisation's assets so the connector can reconcile them with SAP equipment", async () => {
    await start();
    const { client } = connector();

    const assets = await client.listAssets();

    const master = mx.configFor('1000').assets;
    expect(assets.map((a) => a.equipmentId).sort()).toEqual(Object.keys(master).sort());
    expect(assets.every((a) => (a.description ?? '').length > 0)).toBe(true);
  });
});
