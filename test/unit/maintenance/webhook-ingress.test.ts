import { jest } from '@jest/globals';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import {
  BODY_SIGNATURE_HEADER,
  handleWebhook,
  type MaintenancePlants,
  type MappedEvent,
  parseWebhookSecret,
  type ReplayStore,
  SecretCache,
  signMaintainxWebhook,
  type WebhookDeps,
  type WebhookRequest,
} from '../../../functions/maintenance';
import { createHandler } from '../../../functions/maintenance-webhook/handler';
import { PermanentError } from '../../../shared/errors';
import { logger } from '../../../shared/observability';
import { fixture, fixtureJson } from './fake-maintainx';

const SECRET = 'whsec_9f2c4b7e1a0d43c8b5e6f7a8c9d0e1f2';
const NOW = Date.parse('2026-11-28T21:04:12Z');
const T = Math.floor(NOW / 1000);

const plants: MaintenancePlants = {
  '1010': {
    platform: 'maintainx',
    baseUrl: 'http://127.0.0.1:1/v1',
    apiTokenSecretName: 'plantsync/test/1010/maintainx-api',
    webhookSecretName: 'plantsync/test/1010/maintainx-webhook',
    tenant: 'mx-org-321',
    rateLimit: { requestsPerSecond: 1, burst: 5 },
    currency: 'EUR',
    referenceField: 'plantsync reference',
    equipmentField: 'SAP Equipment',
    assets: { '10000042': 42 },
    partUnit: 'H87',
  },
};

class MemoryReplayStore implements ReplayStore {
  readonly keys = new Set<string>();
  async claim(key: string) {
    if (this.keys.has(key)) return false;
    this.keys.add(key);
    return true;
  }
  async release(key: string) {
    this.keys.delete(key);
  }
}

interface LogLine {
  level: string;
  message: string;
  fields: Record<string, unknown>;
}

const setup = (overrides: Partial<WebhookDeps> = {}) => {
  const published: MappedEvent[][] = [];
  const logs: LogLine[] = [];
  const log = (level: string) => (message: string, fields: Record<string, unknown>) =>
    void logs.push({ level, message, fields });
  const replay = new MemoryReplayStore();
  const deps: WebhookDeps = {
    plants,
    webhookSecrets: async (name) => {
      if (name !== 'plantsync/test/1010/maintainx-webhook') throw new Error('unknown secret');
      return [SECRET];
    },
    replay,
    publish: async (events) => {
      published.push([...events]);
      return events.map((_, i) => `event-${i}`);
    },
    costs: async () => fixtureJson('maintainx/work-order-costs.json').costs as never,
    now: () => NOW,
    log: { info: log('info'), warn: log('warn'), error: log('error') },
    ...overrides,
  };
  return { deps, published, logs, replay };
};

const signed = (body: string, query: Record<string, string> = {}, timestamp: number = T): WebhookRequest => ({
  tool: 'maintainx',
  plant: '1010',
  headers: signMaintainxWebhook({ secret: SECRET, body, timestamp }),
  query,
  rawBody: body,
});

const newWorkOrder = fixture('maintainx/new-work-order.json');

describe('MaintainX webhook ingress', () => {
  it('accepts a signed NEW_WORK_ORDER and publishes WorkOrderCreated', async () => {
    const { deps, published } = setup();

    const response = await handleWebhook(signed(newWorkOrder, { event: 'NEW_WORK_ORDER' }), deps);

    expect(response).toEqual({ statusCode: 200, body: { status: 'accepted', events: ['event-0'] } });
    expect(published[0]?.map((e) => e.detailType)).toEqual(['WorkOrderCreated']);
  });

  it('fetches the costs of a completed work order and publishes WorkOrderCompleted', async () => {
    const { deps, published } = setup();

    const response = await handleWebhook(signed(fixture('maintainx/status-change-done.json')), deps);

    expect(response.statusCode).toBe(200);
    const completed = published[0]?.find((e) => e.detailType === 'WorkOrderCompleted');
    expect(completed?.data).toMatchObject({ totalCost: { amount: '322.00', currency: 'EUR' } });
  });

  it('rejects a wrong signature with 401 and the reason', async () => {
    const { deps, published, logs } = setup();
    const request = {
      ...signed(newWorkOrder),
      headers: signMaintainxWebhook({ secret: 'not-the-secret', body: newWorkOrder, timestamp: T }),
    };

    const response = await handleWebhook(request, deps);

    expect(response).toEqual({
      statusCode: 401,
      body: { status: 'rejected', reason: 'signature does not match the body' },
    });
    expect(published).toEqual([]);
    expect(logs).toContainEqual(expect.objectContaining({ level: 'warn', message: 'webhook rejected' }));
  });

  it('rejects a stale timestamp with 401', async () => {
    const { deps } = setup();

    const response = await handleWebhook(signed(newWorkOrder, {}, T - 6 * 60), deps);

    expect(response.statusCode).toBe(401);
    expect(response.body.reason).toBe('signature timestamp outside the 5-minute tolerance');
  });

  it.each([
    ['text/plain', 'content type "text/plain" is not supported; expected application/json'],
    [undefined, 'content type "(none)" is not supported; expected application/json'],
  ])('rejects a validly signed body sent as %s with 415', async (contentType, reason) => {
    const { deps, published } = setup();
    const request = signed(newWorkOrder, { event: 'NEW_WORK_ORDER' });
    const headers = { ...request.headers, 'content-type': contentType };

    const response = await handleWebhook({ ...request, headers }, deps);

    expect(response).toEqual({ statusCode: 415, body: { status: 'rejected', reason } });
    expect(published).toEqual([]);
  });

  it('accepts application/json with a charset parameter', async () => {
    const { deps } = setup();
    const request = signed(newWorkOrder, { event: 'NEW_WORK_ORDER' });
    const headers = { ...request.headers, 'content-type': 'application/json; charset=utf-8' };

    const response = await handleWebhook({ ...request, headers }, deps);

    expect(response.statusCode).toBe(200);
  });

  it.each([
    [
      'at the top level',
      (body: string) => body.replace('{', '{"__proto__":{"polluted":true},'),
      '$.__proto__',
    ],
    [
      'inside a nested object',
      (body: string) => body.replace('{', '{"extraFields":{"constructor":{"prototype":{}}},'),
      '$.extraFields.constructor',
    ],
  ])(
    'rejects a validly signed body with a prototype key %s, naming its path',
    async (_where, change, path) => {
      const { deps, published, replay } = setup();
      const body = change(newWorkOrder);

      const response = await handleWebhook(signed(body, { event: 'NEW_WORK_ORDER' }), deps);

      expect(response.statusCode).toBe(400);
      expect(response.body.reason).toContain(`at ${path} is not allowed`);
      expect(published).toEqual([]);
      expect(replay.keys.size).toBe(0);
    },
  );

  it('rejects a missing signature header with 401', async () => {
    const { deps } = setup();

    const response = await handleWebhook(
      { ...signed(newWorkOrder), headers: { 'content-type': 'application/json' } },
      deps,
    );

    expect(response).toEqual({
      statusCode: 401,
      body: { status: 'rejected', reason: `missing ${BODY_SIGNATURE_HEADER} header` },
    });
  });

  it('rejects a body changed after signing with 401', async () => {
    const { deps, published } = setup();
    const request = signed(newWorkOrder);

    const response = await handleWebhook(
      { ...request, rawBody: newWorkOrder.replace('"HIGH"', '"NONE"') },
      deps,
    );

    expect(response.statusCode).toBe(401);
    expect(response.body.reason).toBe('signature does not match the body');
    expect(published).toEqual([]);
  });

  it('rejects an oversize body with 413 before verifying anything', async () => {
    let secretsRead = 0;
    const { deps } = setup({
      maxBodyBytes: 1024,
      webhookSecrets: async () => {
        secretsRead++;
        return [SECRET];
      },
    });
    const body = JSON.stringify({
      ...fixtureJson('maintainx/new-work-order.json'),
      padding: 'x'.repeat(2000),
    });

    const response = await handleWebhook(signed(body), deps);

    expect(response.statusCode).toBe(413);
    expect(response.body.reason).toMatch(/exceeds the 1024-byte limit/);
    expect(secretsRead).toBe(0);
  });

  it('processes a replayed event once and answers the replay 200 "duplicate"', async () => {
    const { deps, published } = setup();
    const request = signed(newWorkOrder);

    const first = await handleWebhook(request, deps);
    const replay = await handleWebhook(request, deps);

    expect(first.body.status).toBe('accepted');
    expect(replay).toEqual({
      statusCode: 200,
      body: { status: 'duplicate', reason: 'event already received; not processed again' },
    });
    expect(published).toHaveLength(1);
  });

  it('treats the same body re-signed later (a vendor retry) as a duplicate too', async () => {
    const { deps, published } = setup();

    await handleWebhook(signed(newWorkOrder, {}, T - 60), deps);
    const retry = await handleWebhook(signed(newWorkOrder, {}, T), deps);

    expect(retry.body.status).toBe('duplicate');
    expect(published).toHaveLength(1);
  });

  it('releases the replay claim when publishing fails, so the vendor retry is processed', async () => {
    let fail = true;
    const { deps, published } = setup({
      publish: async (events) => {
        if (fail) throw new Error('EventBridge unavailable');
        published.push([...events]);
        return ['ok'];
      },
    });

    const failed = await handleWebhook(signed(newWorkOrder), deps);
    fail = false;
    const retried = await handleWebhook(signed(newWorkOrder), deps);

    expect(failed.statusCode).toBe(503);
    expect(retried.body.status).toBe('accepted');
    expect(published).toHaveLength(1);
  });

  it('answers 503 (vendor retries) when the costs of a completion cannot be read, even for a permanent reason', async () => {
    const { deps, published, replay } = setup({
      costs: async () => {
        throw new PermanentError('GET /workorders/{id}/costs answered 401: Unauthorized');
      },
    });

    const response = await handleWebhook(signed(fixture('maintainx/status-change-done.json')), deps);

    expect(response.statusCode).toBe(503);
    expect(published).toEqual([]);
    expect(replay.keys.size).toBe(0);
  });

  it('answers 503 when the replay store is unavailable, without publishing', async () => {
    const { deps, published } = setup({
      replay: {
        claim: async () => {
          throw new Error('DynamoDB throttled');
        },
        release: async () => undefined,
      },
    });

    const response = await handleWebhook(signed(newWorkOrder), deps);

    expect(response.statusCode).toBe(503);
    expect(published).toEqual([]);
  });

  it('rejects malformed JSON with 400 (after the signature checks out)', async () => {
    const { deps } = setup();

    const response = await handleWebhook(signed('{"workOrderId": 5531207,'), deps);

    expect(response.statusCode).toBe(400);
    expect(response.body.reason).toMatch(/^malformed JSON/);
  });

  it('rejects a payload that breaks the vendor schema with 400', async () => {
    const { deps } = setup();

    const response = await handleWebhook(
      signed(fixture('maintainx/vendor-examples/WORK_ORDER_STATUS_CHANGE.json')),
      deps,
    );

    expect(response.statusCode).toBe(400);
    expect(response.body.reason).toMatch(/invalid WORK_ORDER_STATUS_CHANGE payload/);
  });

  it('answers 404 for an unknown plant and for an unknown tool', async () => {
    const { deps } = setup();

    const plant = await handleWebhook({ ...signed(newWorkOrder), plant: '9999' }, deps);
    const tool = await handleWebhook({ ...signed(newWorkOrder), tool: 'upkeep' }, deps);

    expect([plant.statusCode, tool.statusCode]).toEqual([404, 404]);
    expect(plant.body.reason).toMatch(/plant "9999"/);
    expect(tool.body.reason).toMatch(/unknown maintenance tool "upkeep"/);
  });

  it('acknowledges a webhook type without a canonical event as ignored', async () => {
    const { deps, published } = setup();

    const response = await handleWebhook(
      signed(fixture('maintainx/vendor-examples/NEW_WORK_REQUEST.json')),
      deps,
    );

    expect(response.body.status).toBe('ignored');
    expect(published).toEqual([]);
  });
});

describe('webhook Lambda handler', () => {
  const context = {
    functionName: 'maintenance-webhook',
    awsRequestId: 'req-webhook-1',
    getRemainingTimeInMillis: () => 10_000,
  } as Context;

  const apiEvent = (body: string, headers: Record<string, string>): APIGatewayProxyEvent =>
    ({
      httpMethod: 'POST',
      path: '/webhooks/maintainx/1010',
      resource: '/webhooks/{tool}/{plant}',
      pathParameters: { tool: 'maintainx', plant: '1010' },
      queryStringParameters: { event: 'NEW_WORK_ORDER' },
      headers,
      body,
      isBase64Encoded: false,
      requestContext: { requestId: 'apigw-req-1' },
    }) as unknown as APIGatewayProxyEvent;

  const captureOutput = () => {
    const chunks: string[] = [];
    const capture = (chunk: unknown) => {
      chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
      return true;
    };
    const out = jest
      .spyOn(process.stdout, 'write')
      .mockImplementation(capture as typeof process.stdout.write);
    const err = jest
      .spyOn(process.stderr, 'write')
      .mockImplementation(capture as typeof process.stderr.write);
    return {
      text: () => chunks.join(''),
      restore: () => {
        out.mockRestore();
        err.mockRestore();
      },
    };
  };

  it('answers through API Gateway with the status and reason, and never logs the secret', async () => {
    const { deps } = setup({ log: logger });
    const handler = createHandler(() => deps);
    const good = signMaintainxWebhook({ secret: SECRET, body: newWorkOrder, timestamp: T });
    const forged = signMaintainxWebhook({ secret: `${SECRET}-guess`, body: newWorkOrder, timestamp: T });
    const output = captureOutput();

    let responses: { statusCode: number; body: string }[];
    try {
      responses = [
        await handler(apiEvent(newWorkOrder, forged), context),
        await handler(apiEvent(newWorkOrder, { 'content-type': 'application/json' }), context),
        await handler(apiEvent(newWorkOrder, good), context),
        await handler(apiEvent(newWorkOrder, good), context),
      ];
    } finally {
      output.restore();
    }

    expect(responses.map((r) => r.statusCode)).toEqual([401, 401, 200, 200]);
    expect(responses.map((r) => JSON.parse(r.body).status)).toEqual([
      'rejected',
      'rejected',
      'accepted',
      'duplicate',
    ]);
    const logged = output.text();
    expect(logged).toContain('webhook rejected');
    expect(logged).toContain('signature does not match the body');
    expect(logged).not.toContain(SECRET);
  });
});

describe('webhook secrets', () => {
  it('reads a plain secret, or current and previous during a roll-over', () => {
    expect(parseWebhookSecret('abc')).toEqual(['abc']);
    expect(parseWebhookSecret('{"current":"new","previous":"old"}')).toEqual(['new', 'old']);
  });

  it('caches a secret per name until its TTL passes', async () => {
    let now = 0;
    let loads = 0;
    const cache = new SecretCache(
      async (name) => `${name}-${++loads}`,
      () => now,
      1000,
    );

    const a = await cache.get('s');
    const b = await cache.get('s');
    now = 1001;
    const c = await cache.get('s');

    expect([a, b, c]).toEqual(['s-1', 's-1', 's-2']);
  });
});
