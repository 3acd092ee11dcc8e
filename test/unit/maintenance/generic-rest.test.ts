import {
  GenericRestConnector,
  GenericRestMapping,
  RestTransport,
  TenantRateLimiter,
} from '../../../functions/maintenance';
import { PermanentError } from '../../../shared/errors';
import { fixtureJson } from './fake-maintainx';
import { FakeClock, FakeServer } from './fake-server';

/** A JSON:API-style CMMS: records under `data`, fields under `attributes`. */
const jsonApiRecords = new Map<string, Record<string, unknown>>();
const jsonApi = new FakeServer((r) => {
  if (r.headers.authorization !== 'Bearer jsonapi-token') return { status: 401 };
  if (r.method === 'GET' && r.path === '/api/v2/work-orders') {
    const ref = r.query.get('filter[external_id]');
    const data = [...jsonApiRecords.values()].filter(
      (x) => (x.attributes as { external_id: string }).external_id === ref,
    );
    return { status: 200, body: { data } };
  }
  if (r.method === 'POST' && r.path === '/api/v2/work-orders') {
    const id = `WO-${2290 + jsonApiRecords.size + 1}`;
    const record = {
      id,
      type: 'work-orders',
      attributes: { state: 'new', ...(r.body as { data: { attributes: object } }).data.attributes },
    };
    jsonApiRecords.set(id, record);
    return { status: 201, body: { data: record } };
  }
  const id = /^\/api\/v2\/work-orders\/(.+)$/.exec(r.path)?.[1];
  const record = id ? jsonApiRecords.get(decodeURIComponent(id)) : undefined;
  if (!record) return { status: 404 };
  if (r.method === 'GET') return { status: 200, body: { data: record } };
  if (r.method === 'PATCH') {
    Object.assign(record.attributes as object, (r.body as { data: { attributes: object } }).data.attributes);
    return { status: 200, body: { data: record } };
  }
  return undefined;
});

/** A flat CMMS: one `tickets` endpoint for requests and jobs, API key header. */
const tickets = new Map<string, Record<string, unknown>>();
const flat = new FakeServer((r) => {
  if (r.headers['x-api-key'] !== 'flat-key') return { status: 403, body: { message: 'forbidden' } };
  if (r.method === 'GET' && r.path === '/rest/tickets/search') {
    return {
      status: 200,
      body: { results: [...tickets.values()].filter((t) => t.extRef === r.query.get('ref')) },
    };
  }
  if (r.method === 'POST' && r.path === '/rest/tickets') {
    const ticket = { ticketNo: 70000 + tickets.size + 1, state: 'OPEN', ...(r.body as object) };
    tickets.set(String(ticket.ticketNo), ticket);
    return { status: 200, body: ticket };
  }
  const ticket = tickets.get(r.path.split('/').pop() ?? '');
  if (!ticket) return { status: 404 };
  if (r.method === 'PUT') Object.assign(ticket, r.body);
  return { status: 200, body: ticket };
});

beforeAll(async () => {
  await jsonApi.start();
  await flat.start();
});
afterAll(async () => {
  await jsonApi.stop();
  await flat.stop();
});
beforeEach(() => {
  jsonApiRecords.clear();
  tickets.clear();
  jsonApi.requests.length = 0;
  flat.requests.length = 0;
});

const connector = (server: FakeServer, fixture: string, secret: string) => {
  const mapping = GenericRestMapping.parse({
    ...fixtureJson<Record<string, unknown>>(fixture),
    baseUrl: `${server.baseUrl}${new URL(fixtureJson<{ baseUrl: string }>(fixture).baseUrl).pathname}`,
  });
  const clock = new FakeClock();
  return new GenericRestConnector(
    new RestTransport({
      baseUrl: mapping.baseUrl,
      tenant: 'vendor',
      rateLimit: { requestsPerSecond: 10, burst: 10 },
      limiter: new TenantRateLimiter({ clock, sleep: clock.sleep }),
      headers: async () => ({ [mapping.authHeader]: `${mapping.authPrefix}${secret}` }),
      clock,
      sleep: clock.sleep,
    }),
    mapping,
  );
};

const create = {
  kind: 'createWorkOrder' as const,
  plant: '1010',
  externalReference: 'ps-1010-ALERT-7781',
  equipmentId: '10000042',
  priority: 'high' as const,
  title: 'Replace spindle bearing (predicted failure)',
  description: 'Vibration trend above 7.1 mm/s on spindle housing.',
  origin: 'predictive' as const,
  plannedStart: '2026-11-28T22:00:00+01:00',
};

describe('generic REST profile: a JSON:API-style tool, configured only', () => {
  it('creates with the configured body shape and priority value', async () => {
    const result = await connector(
      jsonApi,
      'generic-rest/jsonapi-mapping.json',
      'jsonapi-token',
    ).createWorkOrder(create);

    expect(result).toEqual({ id: 'WO-2291', created: true });
    expect(jsonApi.requests.find((r) => r.method === 'POST')?.body).toEqual({
      data: {
        attributes: {
          subject: 'Replace spindle bearing (predicted failure)',
          details: 'Vibration trend above 7.1 mm/s on spindle housing.',
          asset_code: '10000042',
          urgency: 2,
          external_id: 'ps-1010-ALERT-7781',
          planned_start: '2026-11-28T22:00:00+01:00',
        },
      },
    });
  });

  it('finds the earlier create by external reference instead of creating twice', async () => {
    const c = connector(jsonApi, 'generic-rest/jsonapi-mapping.json', 'jsonapi-token');
    await c.createWorkOrder(create);

    const again = await c.createWorkOrder(create);

    expect(again).toEqual({ id: 'WO-2291', created: false });
    expect(jsonApiRecords.size).toBe(1);
  });

  it('maps the vendor status through statusMap when reading a work order', async () => {
    const record = fixtureJson<{ data: Record<string, unknown> }>(
      'generic-rest/jsonapi-work-order.json',
    ).data;
    jsonApiRecords.set('WO-2291', record);

    const state = await connector(jsonApi, 'generic-rest/jsonapi-mapping.json', 'jsonapi-token').getWorkOrder(
      'WO-2291',
    );

    expect(state).toEqual({
      id: 'WO-2291',
      status: 'on-hold',
      platformStatus: 'waiting_parts',
      equipmentId: '10000042',
      title: 'Replace spindle bearing (predicted failure)',
      externalReference: 'ps-1010-ALERT-7781',
    });
  });

  it('writes a canonical status as the vendor value', async () => {
    const c = connector(jsonApi, 'generic-rest/jsonapi-mapping.json', 'jsonapi-token');
    const { id } = await c.createWorkOrder(create);

    await c.updateWorkOrder({ kind: 'updateWorkOrder', plant: '1010', workOrderId: id, status: 'done' });

    expect((await c.getWorkOrder(id)).status).toBe('done');
    expect(jsonApi.requests.find((r) => r.method === 'PATCH')?.body).toEqual({
      data: { attributes: { state: 'closed' } },
    });
  });

  it('refuses a vendor status that is not in statusMap rather than guessing', () => {
    const c = connector(jsonApi, 'generic-rest/jsonapi-mapping.json', 'jsonapi-token');

    expect(() => c.stateOf({ id: 'WO-1', attributes: { state: 'archived' } })).toThrow(PermanentError);
  });
});

describe('generic REST profile: a flat tool with one tickets endpoint, configured only', () => {
  it('creates a notification and a work order as ticket categories with an API key', async () => {
    const c = connector(flat, 'generic-rest/flat-mapping.json', 'flat-key');

    const notification = await c.createNotification({
      kind: 'createNotification',
      plant: '1010',
      externalReference: 'ps-1010-DT-0007',
      equipmentId: '10000042',
      priority: 'urgent',
      title: 'Spindle overload',
      context: {},
    });
    const workOrder = await c.createWorkOrder(create);

    expect([notification.id, workOrder.id]).toEqual(['70001', '70002']);
    expect(flat.requests.filter((r) => r.method === 'POST').map((r) => r.body)).toEqual([
      {
        summary: 'Spindle overload',
        machine: { id: '10000042' },
        prio: 'P1',
        extRef: 'ps-1010-DT-0007',
        category: 'REQUEST',
      },
      {
        summary: 'Replace spindle bearing (predicted failure)',
        machine: { id: '10000042' },
        prio: 'P2',
        extRef: 'ps-1010-ALERT-7781',
        category: 'JOB',
      },
    ]);
  });

  it('reads status FINISHED as done', async () => {
    const c = connector(flat, 'generic-rest/flat-mapping.json', 'flat-key');
    const { id } = await c.createWorkOrder(create);
    (tickets.get(id) as { state: string }).state = 'FINISHED';

    expect((await c.getWorkOrder(id)).status).toBe('done');
  });

  it('rejects a mapping config that lacks a required operation, naming it', () => {
    const broken = { ...fixtureJson('generic-rest/flat-mapping.json'), operations: {} };

    const parsed = GenericRestMapping.safeParse(broken);

    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues.map((i) => i.path))).toContain('createWorkOrder');
  });
});
