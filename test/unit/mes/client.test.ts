import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { definitionOf } from '../../../events/catalogue';
import { MesClient, type MesClientOptions } from '../../../functions/mes/client';
import { BusinessRuleError, PermanentError, TransientError, ValidationError } from '../../../shared/errors';

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}
type Reply = { status: number; body?: string; headers?: Record<string, string> } | 'hang';

/** A fake MES on 127.0.0.1 answering from a script, one reply per request (the last repeats). */
const fakeMes = async () => {
  const received: Received[] = [];
  let script: Reply[] = [{ status: 201, body: '{"orderNumber":"1000123","jobId":"JOB-1"}' }];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      });
      const reply = script.length > 1 ? (script.shift() as Reply) : (script[0] as Reply);
      if (reply === 'hang') return; // never answers: the client's timeout must fire
      res
        .writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers })
        .end(reply.body ?? '');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    received,
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`,
    answer: (...replies: Reply[]) => {
      script = replies;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
};

const released = definitionOf('ProductionOrderReleased').data.parse(
  definitionOf('ProductionOrderReleased').example,
);
const changed = definitionOf('ProductionOrderChanged').data.parse(
  definitionOf('ProductionOrderChanged').example,
);
const cancelled = definitionOf('ProductionOrderCancelled').data.parse(
  definitionOf('ProductionOrderCancelled').example,
);
const REVISION = 1764050400000;
const AT = '2026-11-25T06:00:00+01:00';

describe('MES client', () => {
  let mes: Awaited<ReturnType<typeof fakeMes>>;
  let sleeps: number[];
  const client = (overrides: Partial<MesClientOptions> = {}, profile: 'rest-json' | 'b2mml' = 'rest-json') =>
    new MesClient({
      plant: '1010',
      settings: { profile, endpoint: mes.endpoint, b2mmlVersion: 'V0700' },
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      random: () => 0.5,
      timeoutMs: 2000,
      ...overrides,
    });

  beforeEach(async () => {
    mes = await fakeMes();
    sleeps = [];
  });
  afterEach(() => mes.close());

  it('releases an order with POST, the revision and a deterministic idempotency key', async () => {
    const result = await client().publishOrder('release', released, REVISION, AT);

    const [request] = mes.received;
    expect(result).toMatchObject({ outcome: 'applied', status: 201, attempts: 1, mesJobId: 'JOB-1' });
    expect(request).toMatchObject({ method: 'POST', url: '/api/v1/production-orders' });
    expect(request?.headers['idempotency-key']).toBe(`plantsync:order:1000123:r${REVISION}:release`);
    expect(JSON.parse(request?.body ?? '{}')).toMatchObject({ orderNumber: '1000123', revision: REVISION });
  });

  it('changes an order with PUT and cancels it with POST .../cancel', async () => {
    await client().publishOrder('change', changed, REVISION + 1, AT);
    await client().cancelOrder(cancelled, REVISION + 2, AT);

    expect(mes.received.map((r) => `${r.method} ${r.url}`)).toEqual([
      'PUT /api/v1/production-orders/1000123',
      'POST /api/v1/production-orders/1000123/cancel',
    ]);
  });

  it('retries 503 with backoff and jitter until the MES answers', async () => {
    mes.answer({ status: 503 }, { status: 502 }, { status: 201, body: '{"orderNumber":"1000123"}' });

    const result = await client().publishOrder('release', released, REVISION, AT);

    expect(result.attempts).toBe(3);
    expect(sleeps).toEqual([100, 200]);
    expect(new Set(mes.received.map((r) => r.headers['idempotency-key'])).size).toBe(1);
  });

  it('waits at least Retry-After on 429', async () => {
    mes.answer({ status: 429, headers: { 'retry-after': '3' } }, { status: 201, body: '{}' });

    await client().publishOrder('release', released, REVISION, AT);

    expect(sleeps).toEqual([3000]);
  });

  it('does not retry a 400 and reports the reason', async () => {
    mes.answer({ status: 400, body: '{"message":"unknown work center MILL01"}' });

    await expect(client().publishOrder('release', released, REVISION, AT)).rejects.toThrow(ValidationError);
    await expect(client().publishOrder('release', released, REVISION, AT)).rejects.toThrow(
      /unknown work center MILL01/,
    );
    expect(mes.received).toHaveLength(2);
  });

  it('does not retry 401 and treats it as permanent', async () => {
    mes.answer({ status: 401, body: '{"message":"bad key"}' });

    await expect(client().publishOrder('release', released, REVISION, AT)).rejects.toThrow(PermanentError);
    expect(mes.received).toHaveLength(1);
  });

  it('turns a 422 business refusal into a business rule error owned by the MES', async () => {
    mes.answer({ status: 422, body: '{"message":"line L01 is locked"}' });

    const error = await client()
      .publishOrder('release', released, REVISION, AT)
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(BusinessRuleError);
    expect((error as BusinessRuleError).rule).toMatchObject({
      kind: 'mes-business-rejection',
      businessKey: { value: '1000123' },
    });
  });

  it('treats 409 (the MES holds a newer revision) as superseded, not as a failure', async () => {
    mes.answer({ status: 409, body: '{"message":"revision 1764050500000 already applied"}' });

    await expect(client().publishOrder('change', changed, REVISION, AT)).resolves.toMatchObject({
      outcome: 'superseded',
    });
  });

  it('gives up after the last attempt with a transient error so the queue retries later', async () => {
    mes.answer({ status: 500 });

    await expect(client({ maxAttempts: 3 }).publishOrder('release', released, REVISION, AT)).rejects.toThrow(
      TransientError,
    );
    expect(mes.received).toHaveLength(3);
  });

  it('times out a request the MES never answers and retries it', async () => {
    mes.answer('hang', { status: 201, body: '{}' });

    const result = await client({ timeoutMs: 250 }).publishOrder('release', released, REVISION, AT);

    // The hanging first call is abandoned; a loaded machine may need one more attempt for the second.
    expect(result.outcome).toBe('applied');
    expect(result.attempts).toBeGreaterThanOrEqual(2);
    expect(mes.received.length).toBe(result.attempts);
  });

  it('sends a B2MML schedule to a B2MML plant with the BODID as its idempotency', async () => {
    const result = await client({}, 'b2mml').publishOrder('release', released, REVISION, AT);

    const [request] = mes.received;
    expect(result.outcome).toBe('applied');
    expect(request?.headers['content-type']).toBe('application/xml');
    expect(request?.body).toContain('<ProcessOperationsSchedule');
    expect(request?.body).toContain(`<BODID>plantsync-1000123-r${REVISION}</BODID>`);
  });

  it('reads the production status of an equipment and maps its state', async () => {
    mes.answer({
      status: 200,
      body: JSON.stringify({
        equipmentId: '10000042',
        state: 'PRODUCING',
        since: '2026-11-25T06:02:00+01:00',
        currentOrder: { orderNumber: '000001000123', jobId: 'JOB-1', operationNumber: 10 },
        updatedAt: '2026-11-25T07:00:00+01:00',
      }),
    });

    const status = await client().readProductionStatus({ equipmentId: '10000042' });

    expect(mes.received[0]?.url).toBe('/api/v1/equipment/10000042/status');
    expect(status).toEqual({
      equipmentId: '10000042',
      state: 'running',
      since: '2026-11-25T06:02:00+01:00',
      currentOrder: { orderNumber: '1000123', mesJobId: 'JOB-1', operationNumber: '0010' },
      observedAt: '2026-11-25T07:00:00+01:00',
    });
  });

  it('reads the status of a line', async () => {
    mes.answer({ status: 200, body: '{"line":"L01","state":"idle","currentOrder":null}' });

    const status = await client().readProductionStatus({ line: 'L01' });

    expect(mes.received[0]?.url).toBe('/api/v1/lines/L01/status');
    expect(status).toMatchObject({ line: 'L01', state: 'idle' });
  });

  it('refuses a status answer with an unknown state', async () => {
    mes.answer({ status: 200, body: '{"state":"DANCING"}' });

    await expect(client().readProductionStatus({ equipmentId: 'E1' })).rejects.toThrow(
      /unknown machine state/,
    );
  });
});

describe('MES clients from the environment', () => {
  it('builds a client per configured plant with credentials from its secret', async () => {
    const { mesClients, secretAuthHeaders } = await import('../../../functions/mes/environment');
    const plants = JSON.stringify([
      { code: '1010', mes: { profile: 'rest-json', endpoint: 'https://mes.example.com/api' } },
    ]);
    const secrets = { send: async () => ({ SecretString: '{"token":"t-1"}' }) };

    const clients = mesClients({ PLANTS_JSON: plants });
    const headers = await secretAuthHeaders(secrets as never, '1010', undefined, {
      MES_SECRET_1010: 'plantsync/dev/1010/mes',
    })();

    expect(clients('1010').profile).toBe('rest-json');
    expect(() => clients('9999')).toThrow('plant 9999 has no MES configured');
    expect(headers).toEqual({ authorization: 'Bearer t-1' });
  });
});

describe('MES client order status and availability', () => {
  let mes: Awaited<ReturnType<typeof fakeMes>>;
  const client = () =>
    new MesClient({
      plant: '1010',
      settings: { profile: 'rest-json', endpoint: mes.endpoint, b2mmlVersion: 'V0700' },
    });
  beforeEach(async () => {
    mes = await fakeMes();
  });
  afterEach(() => mes.close());

  it('maps the MES order status onto the canonical one', async () => {
    mes.answer({
      status: 200,
      body: '{"orderNumber":"1000123","revision":3,"jobId":"JOB-1","status":"RUNNING"}',
    });

    await expect(client().readOrderStatus('1000123')).resolves.toEqual({
      orderNumber: '1000123',
      status: 'in-execution',
      mesStatus: 'RUNNING',
      revision: 3,
      mesJobId: 'JOB-1',
    });
    expect(mes.received[0]?.url).toBe('/api/v1/production-orders/1000123');
  });

  it('answers undefined for an order the MES does not know', async () => {
    mes.answer({ status: 404, body: '{"error":"order unknown"}' });

    await expect(client().readOrderStatus('1000999')).resolves.toBeUndefined();
  });

  it('reports equipment availability with PUT', async () => {
    mes.answer({ status: 200, body: '{}' });

    await client().reportEquipmentAvailability('10000042', true, '2026-11-25T10:00:00+01:00');

    expect(mes.received[0]).toMatchObject({ method: 'PUT', url: '/api/v1/equipment/10000042/availability' });
    expect(JSON.parse(mes.received[0]?.body ?? '{}')).toEqual({
      available: true,
      since: '2026-11-25T10:00:00+01:00',
    });
  });
});

describe('MES client with a B2MML plant', () => {
  let mes: Awaited<ReturnType<typeof fakeMes>>;
  const client = () =>
    new MesClient({
      plant: '2020',
      settings: { profile: 'b2mml', endpoint: mes.endpoint, b2mmlVersion: 'V0600' },
    });
  const ack = (code: string, reason: string) =>
    `<?xml version="1.0"?><AcknowledgeOperationsSchedule xmlns="http://www.mesa.org/xml/B2MML-V0700"><DataArea><Acknowledge><ResponseCriteria actionCode="${code}"/></Acknowledge><OperationsSchedule><ID>1000123</ID><Description>${reason}</Description></OperationsSchedule></DataArea></AcknowledgeOperationsSchedule>`;
  beforeEach(async () => {
    mes = await fakeMes();
  });
  afterEach(() => mes.close());

  it('treats an acknowledgement that says Rejected as a business refusal with its reason', async () => {
    mes.answer({ status: 200, body: ack('Rejected', 'work center MILL01 unknown') });

    await expect(client().publishOrder('release', released, REVISION, AT)).rejects.toThrow(
      /refused to release order 1000123: work center MILL01 unknown/,
    );
  });

  it('reports the Description of a 400 acknowledgement as the reason', async () => {
    mes.answer({ status: 400, body: ack('Rejected', 'this MES runs site 2000') });

    await expect(client().publishOrder('release', released, REVISION, AT)).rejects.toThrow(
      /this MES runs site 2000/,
    );
  });

  it('sends a V0600 ProductionSchedule when the plant is configured for V0600', async () => {
    mes.answer({ status: 200, body: ack('Accepted', '') });

    await client().publishOrder('change', changed, REVISION, AT);

    expect(mes.received[0]?.body).toContain(
      '<ChangeProductionSchedule xmlns="http://www.mesa.org/xml/B2MML-V0600"',
    );
  });
});
