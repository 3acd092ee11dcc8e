import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import {
  type AuthProvider,
  SecretAuthProvider,
  secretsManagerLoader,
} from '../../../functions/sap/odata/auth';
import { ODataClient } from '../../../functions/sap/odata/client';
import {
  SapAuthorizationError,
  SapBusinessError,
  SapNotFoundError,
  SapPreconditionFailedError,
  SapUnavailableError,
} from '../../../functions/sap/odata/errors';
import { PermanentError, TransientError } from '../../../shared/errors';
import { FakeSapServer } from './fake-sap-server';

const SRV = 'API_PRODUCTION_ORDER_2_SRV';
const basicAuth: AuthProvider = {
  authorization: async () => 'Basic dGVzdDp0ZXN0',
  invalidate: () => undefined,
};

const server = new FakeSapServer();
let baseUrl = '';
let sleeps: number[] = [];

const client = (overrides: Partial<ConstructorParameters<typeof ODataClient>[0]> = {}) =>
  new ODataClient({
    baseUrl,
    auth: basicAuth,
    sapClient: '100',
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...overrides,
  });

beforeAll(async () => {
  baseUrl = await server.start();
});
afterAll(async () => {
  await server.stop();
});
beforeEach(() => {
  sleeps = [];
  server.requests.length = 0;
  server.pageSize = 50;
  server.defineSet(SRV, 'A_ProductionOrder_2', { keys: ['ManufacturingOrder'] }, [
    { ManufacturingOrder: '1000123', ManufacturingOrderType: 'PP01', TotalQuantity: '120' },
  ]);
});

describe('CSRF token handling', () => {
  it('fetches a token with a GET of the service root and sends it with the session cookie on a write', async () => {
    const sap = client();

    await sap.create(SRV, 'A_ProductionOrder_2', { ManufacturingOrder: '1000200' });

    const [fetchRequest, post] = server.requests;
    expect(fetchRequest).toMatchObject({ method: 'GET', path: `/sap/opu/odata/sap/${SRV}/` });
    expect(fetchRequest?.headers['x-csrf-token']).toBe('Fetch');
    expect(post?.method).toBe('POST');
    expect(post?.headers['x-csrf-token']).toMatch(/^tok-\d+$/);
    expect(post?.headers.cookie).toContain('SAP_SESSIONID_S4H_100=');
    expect(post?.query.get('sap-client')).toBe('100');
  });

  it('reuses the token for later writes', async () => {
    const sap = client();

    await sap.create(SRV, 'A_ProductionOrder_2', { ManufacturingOrder: '1000201' });
    await sap.create(SRV, 'A_ProductionOrder_2', { ManufacturingOrder: '1000202' });

    expect(server.requests.filter((r) => r.headers['x-csrf-token'] === 'Fetch')).toHaveLength(1);
  });

  it('does not fetch a token for reads', async () => {
    await client().get(SRV, "A_ProductionOrder_2('1000123')");

    expect(server.requests.filter((r) => r.headers['x-csrf-token'] === 'Fetch')).toHaveLength(0);
  });

  it('fetches a new token once when SAP answers that a token is required (expired session)', async () => {
    const sap = client();
    await sap.create(SRV, 'A_ProductionOrder_2', { ManufacturingOrder: '1000203' });
    const issuedBefore = server.tokensIssued;
    server.expireSessions();

    await sap.create(SRV, 'A_ProductionOrder_2', { ManufacturingOrder: '1000204' });

    expect(server.tokensIssued).toBe(issuedBefore + 1);
    expect(server.rows(SRV, 'A_ProductionOrder_2').map((r) => r.ManufacturingOrder)).toContain('1000204');
    expect(sleeps).toEqual([]);
  });

  it('gives up after one refetch when SAP keeps asking for a token', async () => {
    const sap = client();
    server.fail(
      { status: 403, headers: { 'x-csrf-token': 'Required' }, when: (r) => r.method === 'POST' },
      2,
    );

    await expect(
      sap.create(SRV, 'A_ProductionOrder_2', { ManufacturingOrder: '1000205' }),
    ).rejects.toBeInstanceOf(SapAuthorizationError);
    expect(server.requests.filter((r) => r.method === 'POST')).toHaveLength(2);
  });
});

describe('reads, paging and ETags', () => {
  it('follows __next until every page is read', async () => {
    server.defineSet(
      SRV,
      'A_ProductionOrderOperation_2',
      { keys: ['ManufacturingOrder'] },
      Array.from({ length: 120 }, (_, i) => ({
        ManufacturingOrder: '1000123',
        ManufacturingOrderOperation: String((i + 1) * 10).padStart(4, '0'),
      })),
    );

    const rows = await client().list<{ ManufacturingOrderOperation: string }>(
      SRV,
      'A_ProductionOrderOperation_2',
      {
        $filter: "ManufacturingOrder eq '1000123'",
      },
    );

    expect(rows).toHaveLength(120);
    expect(rows.at(-1)?.ManufacturingOrderOperation).toBe('1200');
    const pages = server.requests.filter((r) => r.path.endsWith('A_ProductionOrderOperation_2'));
    expect(pages).toHaveLength(3);
    expect(pages[2]?.query.get('sap-client')).toBe('100');
  });

  it('returns the ETag of an entity and sends it as If-Match on update', async () => {
    const sap = client();
    const { etag } = await sap.get(SRV, "A_ProductionOrder_2('1000123')");

    await sap.update(SRV, "A_ProductionOrder_2('1000123')", { TotalQuantity: '150' }, etag);

    const patch = server.requests.find((r) => r.method === 'PATCH');
    expect(etag).toMatch(/^W\/"/);
    expect(patch?.headers['if-match']).toBe(etag);
    expect(server.rows(SRV, 'A_ProductionOrder_2')[0]?.TotalQuantity).toBe('150');
  });

  it('refuses an update with a stale ETag as a precondition failure', async () => {
    const sap = client();
    const { etag } = await sap.get(SRV, "A_ProductionOrder_2('1000123')");
    await sap.update(SRV, "A_ProductionOrder_2('1000123')", { TotalQuantity: '130' }, etag);

    await expect(
      sap.update(SRV, "A_ProductionOrder_2('1000123')", { TotalQuantity: '140' }, etag),
    ).rejects.toBeInstanceOf(SapPreconditionFailedError);
  });
});

describe('error mapping', () => {
  it('turns an OData error body on 400 into a business error with SAP code and message', async () => {
    server.fail({
      status: 400,
      body: {
        error: { code: 'CO/412', message: { lang: 'en', value: 'Order 1000123 is locked by user PLANNER1' } },
      },
    });

    const error = await client()
      .get(SRV, "A_ProductionOrder_2('1000123')")
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(SapBusinessError);
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as SapBusinessError).odata?.code).toBe('CO/412');
    expect((error as Error).message).toContain(
      'answered 400: CO/412 Order 1000123 is locked by user PLANNER1',
    );
  });

  it('maps 404 to a not-found error', async () => {
    await expect(client().get(SRV, "A_ProductionOrder_2('999')")).rejects.toBeInstanceOf(SapNotFoundError);
  });

  it('retries 5xx and reports a transient error when retries run out', async () => {
    server.fail(
      {
        status: 503,
        body: { error: { code: '/IWFND/CM_BEC/026', message: { lang: 'en', value: 'Backend down' } } },
      },
      4,
    );

    const error = await client()
      .get(SRV, "A_ProductionOrder_2('1000123')")
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(SapUnavailableError);
    expect(error).toBeInstanceOf(TransientError);
    expect(server.requests).toHaveLength(4);
  });
});

describe('retries', () => {
  it('waits with exponential backoff and full jitter between 5xx attempts', async () => {
    server.fail({ status: 502 }, 3);

    await client({ baseDelayMs: 100 }).get(SRV, "A_ProductionOrder_2('1000123')");

    // random() = 0.5 → half of 100·2^attempt
    expect(sleeps).toEqual([50, 100, 200]);
  });

  it('does not re-send a write after a 504, whose outcome is unknown', async () => {
    server.fail({ status: 504, when: (r) => r.method === 'POST' });

    const error = await client()
      .create(SRV, 'A_ProductionOrder_2', { ManufacturingOrder: '1000301' })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(SapUnavailableError);
    expect(server.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('retries a write on 503', async () => {
    server.fail({ status: 503, when: (r) => r.method === 'POST' });

    await client().create(SRV, 'A_ProductionOrder_2', { ManufacturingOrder: '1000302' });

    expect(server.requests.filter((r) => r.method === 'POST')).toHaveLength(2);
  });

  it('honours Retry-After on 429', async () => {
    server.fail({ status: 429, headers: { 'retry-after': '2' } });

    const { data } = await client().get<{ ManufacturingOrder: string }>(
      SRV,
      "A_ProductionOrder_2('1000123')",
    );

    expect(data.ManufacturingOrder).toBe('1000123');
    expect(sleeps).toEqual([2000]);
  });

  it('caps Retry-After at the maximum delay', async () => {
    server.fail({ status: 429, headers: { 'retry-after': '3600' } });

    await client({ maxDelayMs: 5000 }).get(SRV, "A_ProductionOrder_2('1000123')");

    expect(sleeps).toEqual([5000]);
  });

  it.each([400, 404, 409, 412])('does not retry %s', async (status) => {
    server.fail({ status, body: { error: { code: 'X', message: { lang: 'en', value: 'no' } } } });

    await expect(client().get(SRV, "A_ProductionOrder_2('1000123')")).rejects.toMatchObject({
      retryable: false,
    });
    expect(server.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('retries a timed-out read but not a timed-out write', async () => {
    const calls: string[] = [];
    const timingOut: typeof fetch = async (input, init) => {
      calls.push(init?.method ?? 'GET');
      if (calls.length > 1) return fetch(input, init);
      throw new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    };
    const sap = client({ fetch: timingOut });
    await sap.get(SRV, "A_ProductionOrder_2('1000123')");
    expect(calls).toEqual(['GET', 'GET']);

    const failing: typeof fetch = async (input, init) => {
      if (init?.method === 'POST') throw new DOMException('timeout', 'TimeoutError');
      return fetch(input, init);
    };
    const error = await client({ fetch: failing })
      .create(SRV, 'A_ProductionOrder_2', { ManufacturingOrder: '1000300' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SapUnavailableError);
    expect((error as Error).message).toContain('timed out');
  });
});

describe('authentication from Secrets Manager', () => {
  it('sends basic credentials loaded from the secret', async () => {
    const auth = new SecretAuthProvider({
      secretId: 'sap/s4h',
      loadSecret: async () => JSON.stringify({ type: 'basic', username: 'PLANTSYNC', password: 's3cret' }),
    });

    await client({ auth }).get(SRV, "A_ProductionOrder_2('1000123')");

    expect(server.requests[0]?.headers.authorization).toBe(
      `Basic ${Buffer.from('PLANTSYNC:s3cret').toString('base64')}`,
    );
  });

  it('caches an OAuth token until shortly before it expires', async () => {
    let now = 1_000_000;
    const tokenCalls: string[] = [];
    const tokenFetch: typeof fetch = async (input, init) => {
      if (String(input).startsWith('https://auth.example.test')) {
        tokenCalls.push(String(init?.body));
        return new Response(JSON.stringify({ access_token: `at-${tokenCalls.length}`, expires_in: 3600 }), {
          status: 200,
        });
      }
      return fetch(input, init);
    };
    const auth = new SecretAuthProvider({
      secretId: 'sap/s4h',
      loadSecret: async () =>
        JSON.stringify({
          type: 'oauth2-client-credentials',
          tokenUrl: 'https://auth.example.test/oauth/token',
          clientId: 'c',
          clientSecret: 's',
        }),
      fetch: tokenFetch,
      now: () => now,
    });

    expect(await auth.authorization()).toBe('Bearer at-1');
    now += 3_000_000;
    expect(await auth.authorization()).toBe('Bearer at-1');
    now += 600_000; // past expiry minus the 60 s skew
    expect(await auth.authorization()).toBe('Bearer at-2');
    expect(tokenCalls[0]).toBe('grant_type=client_credentials');
  });

  it('drops the cached token and retries once when SAP answers 401', async () => {
    let invalidations = 0;
    let tokenNumber = 1;
    const auth: AuthProvider = {
      authorization: async () => `Bearer at-${tokenNumber}`,
      invalidate: () => {
        invalidations++;
        tokenNumber++;
      },
    };
    server.acceptAuthorization = (value) => value === 'Bearer at-2';

    try {
      await client({ auth }).get(SRV, "A_ProductionOrder_2('1000123')");
    } finally {
      server.acceptAuthorization = (value) => value !== undefined;
    }

    expect(invalidations).toBe(1);
  });

  it('refuses a secret that is not valid credentials without echoing it', async () => {
    const auth = new SecretAuthProvider({
      secretId: 'sap/s4h',
      loadSecret: async () => JSON.stringify({ type: 'basic', username: 'x' }),
    });

    await expect(auth.authorization()).rejects.toThrow(
      'secret sap/s4h is not valid SAP credentials (check: password)',
    );
  });
});

describe('Secrets Manager secret loader', () => {
  it('reads a secret once and serves it from cache until the TTL passes', async () => {
    const secrets = mockClient(SecretsManagerClient);
    secrets
      .on(GetSecretValueCommand)
      .resolves({ SecretString: '{"type":"basic","username":"u","password":"p"}' });
    let now = 0;
    const load = secretsManagerLoader(new SecretsManagerClient({}), { ttlMs: 1000, now: () => now });

    await load('sap/s4h');
    await load('sap/s4h');
    now = 2000;
    await load('sap/s4h');

    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
    secrets.restore();
  });
});
