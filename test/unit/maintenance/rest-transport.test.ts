import {
  RateLimitExceededError,
  RestTransport,
  retryAfter,
  TenantRateLimiter,
} from '../../../functions/maintenance';
import { NotFoundError, PermanentError, TransientError } from '../../../shared/errors';
import { FakeClock, FakeServer } from './fake-server';

const server = new FakeServer((r) => ({ status: 200, body: { ok: true, path: r.path } }));
beforeAll(() => server.start());
afterAll(() => server.stop());
beforeEach(() => {
  server.requests.length = 0;
  server.queued.length = 0;
});

const transport = (
  clock: FakeClock,
  options: Partial<ConstructorParameters<typeof RestTransport>[0]> = {},
) => {
  const limiter = new TenantRateLimiter({ clock, sleep: clock.sleep, maxWaitMs: 60_000 });
  return new RestTransport({
    baseUrl: server.baseUrl,
    tenant: 'mx-org-321',
    rateLimit: { requestsPerSecond: 100, burst: 100 },
    limiter,
    headers: async () => ({ authorization: 'Bearer t' }),
    clock,
    sleep: clock.sleep,
    random: () => 0.5,
    maxRetryWaitMs: 60_000,
    ...options,
  });
};

describe('RestTransport against a fake SaaS on 127.0.0.1', () => {
  it('waits the Retry-After seconds of a 429 and then succeeds', async () => {
    const clock = new FakeClock();
    server.queued.push({
      status: 429,
      headers: { 'retry-after': '7' },
      body: { error: 'Too many requests' },
    });

    const response = await transport(clock).request({ method: 'GET', path: '/workorders/1' });

    expect(response.status).toBe(200);
    expect(server.requests).toHaveLength(2);
    expect(clock.sleeps).toEqual([7000]);
  });

  it('understands Retry-After as an HTTP date', async () => {
    const clock = new FakeClock();
    const at = new Date(clock.t + 12_000).toUTCString();
    server.queued.push({ status: 429, headers: { 'retry-after': at } });

    await transport(clock).request({ method: 'GET', path: '/workorders/1' });

    expect(clock.sleeps).toEqual([12_000]);
  });

  it("falls back to MaintainX's X-Rate-Limit-Reset when there is no Retry-After", () => {
    expect(retryAfter(new Headers({ 'x-rate-limit-reset': '42' }), 0)).toBe(42_000);
    expect(retryAfter(new Headers({}), 0)).toBeUndefined();
  });

  it('retries a POST after a 429 (the server did not act on it)', async () => {
    const clock = new FakeClock();
    server.queued.push({ status: 429, headers: { 'retry-after': '1' } });

    const response = await transport(clock).request({
      method: 'POST',
      path: '/workorders',
      body: { title: 'x' },
    });

    expect(response.status).toBe(200);
    expect(server.requests.map((r) => r.method)).toEqual(['POST', 'POST']);
  });

  it('hands a Retry-After longer than the wait budget back to the queue as a TransientError', async () => {
    const clock = new FakeClock();
    server.queued.push({ status: 429, headers: { 'retry-after': '120' } });

    const error = await transport(clock, { maxRetryWaitMs: 10_000 })
      .request({ method: 'GET', path: '/workorders/1' })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(TransientError);
    expect((error as TransientError).retryAfterMs).toBe(120_000);
    expect(server.requests).toHaveLength(1);
  });

  it('retries a 5xx on an idempotent call with exponential backoff and jitter', async () => {
    const clock = new FakeClock();
    server.queued.push({ status: 503 }, { status: 502 });

    const response = await transport(clock).request({ method: 'GET', path: '/workorders/1' });

    expect(response.status).toBe(200);
    // random() = 0.5, base 200 ms: 0.5 x 200, then 0.5 x 400
    expect(clock.sleeps).toEqual([100, 200]);
  });

  it('does not repeat a POST after a 5xx (the server may have created it); the queue retries', async () => {
    const clock = new FakeClock();
    server.queued.push({ status: 503 });

    const error = await transport(clock)
      .request({ method: 'POST', path: '/workorders', body: {} })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(TransientError);
    expect(server.requests).toHaveLength(1);
  });

  it('gives up with a TransientError when retries are exhausted', async () => {
    const clock = new FakeClock();
    server.queued.push({ status: 500 }, { status: 500 }, { status: 500 });

    await expect(transport(clock).request({ method: 'GET', path: '/x' })).rejects.toBeInstanceOf(
      TransientError,
    );
    expect(server.requests).toHaveLength(3);
  });

  it('starts no attempt that could not finish inside the total budget', async () => {
    const clock = new FakeClock();
    server.queued.push({ status: 503, headers: { 'retry-after': '3' } }, { status: 503 });

    const error = await transport(clock, { timeoutMs: 10_000, totalBudgetMs: 12_000 })
      .request({ method: 'GET', path: '/workorders/1' })
      .catch((e: unknown) => e);

    // After the 3 s Retry-After, 3 s + a 10 s attempt would exceed the 12 s budget.
    expect(error).toBeInstanceOf(TransientError);
    expect(server.requests).toHaveLength(1);
  });

  it('turns a 4xx into a PermanentError carrying the vendor message, and 404 into NotFoundError', async () => {
    const clock = new FakeClock();
    server.queued.push(
      { status: 400, body: { errors: [{ error: 'Missing x-organization-id header.' }] } },
      { status: 404 },
    );

    const bad = await transport(clock)
      .request({ method: 'GET', path: '/a' })
      .catch((e: unknown) => e);
    const missing = await transport(clock)
      .request({ method: 'GET', path: '/b' })
      .catch((e: unknown) => e);

    expect(bad).toBeInstanceOf(PermanentError);
    expect((bad as Error).message).toBe('GET /a answered 400: Missing x-organization-id header.');
    expect(missing).toBeInstanceOf(NotFoundError);
  });

  it('sends the auth header from the injected provider', async () => {
    await transport(new FakeClock()).request({ method: 'GET', path: '/workorders/1' });

    expect(server.requests[0]?.headers.authorization).toBe('Bearer t');
  });
});

describe('TenantRateLimiter', () => {
  it('lets a burst through, then spaces calls at the configured rate', async () => {
    const clock = new FakeClock();
    const limiter = new TenantRateLimiter({ clock, sleep: clock.sleep, maxWaitMs: 10_000 });
    const limit = { requestsPerSecond: 2, burst: 3 };

    for (let i = 0; i < 5; i++) await limiter.acquire('tenant-a', limit);

    expect(clock.sleeps).toEqual([500, 500]);
  });

  it('keeps tenants apart', async () => {
    const clock = new FakeClock();
    const limiter = new TenantRateLimiter({ clock, sleep: clock.sleep });
    const limit = { requestsPerSecond: 1, burst: 1 };

    await limiter.acquire('tenant-a', limit);
    await limiter.acquire('tenant-b', limit);

    expect(clock.sleeps).toEqual([]);
  });

  it('refuses with RateLimitExceededError when the wait would exceed the budget', async () => {
    const clock = new FakeClock();
    const limiter = new TenantRateLimiter({ clock, sleep: clock.sleep, maxWaitMs: 100 });
    const limit = { requestsPerSecond: 1, burst: 1 };
    await limiter.acquire('tenant-a', limit);

    const error = await limiter.acquire('tenant-a', limit).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RateLimitExceededError);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as TransientError).retryAfterMs).toBe(1000);
  });

  it('holds every call for a tenant after a 429 until the vendor said', async () => {
    const clock = new FakeClock();
    const limiter = new TenantRateLimiter({ clock, sleep: clock.sleep, maxWaitMs: 60_000 });
    const limit = { requestsPerSecond: 10, burst: 10 };

    limiter.block('tenant-a', limit, clock.t + 30_000);
    await limiter.acquire('tenant-a', limit);

    expect(clock.sleeps).toEqual([30_000]);
  });

  it('limits real traffic against the fake server: 6 calls at 2/s with burst 2 wait 2 s in total', async () => {
    const clock = new FakeClock();
    const t = transport(clock, { rateLimit: { requestsPerSecond: 2, burst: 2 } });

    for (let i = 0; i < 6; i++) await t.request({ method: 'GET', path: `/workorders/${i}` });

    expect(server.requests).toHaveLength(6);
    expect(clock.sleeps.reduce((a, b) => a + b, 0)).toBe(2000);
  });
});
