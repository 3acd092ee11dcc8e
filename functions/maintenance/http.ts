import { correlationHeaders } from '../../shared/correlation';
import { NotFoundError, PermanentError, TransientError } from '../../shared/errors';
import { backoffDelay } from '../../shared/retry';
import { type Clock, type RateLimit, systemClock, type TenantRateLimiter } from './rate-limiter';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HttpRequest {
  readonly method: HttpMethod;
  /** Path below the base URL, e.g. `/workorders/42`. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly body?: unknown;
  /**
   * Whether repeating the request is harmless. Default: every method but POST. A non-idempotent request
   * is not repeated after a 5xx, timeout or network error (the server may have acted on it); the
   * TransientError goes to the queue, whose retry runs the connector's lookup-before-create again.
   * A 429 is always repeated: the server refused the request without acting on it.
   */
  readonly idempotent?: boolean;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly json: unknown;
}

export interface RestTransportOptions {
  readonly baseUrl: string;
  /** Tenant key for the rate limiter (one SaaS organisation / API token). */
  readonly tenant: string;
  readonly rateLimit: RateLimit;
  readonly limiter: TenantRateLimiter;
  /** Headers added to every call (auth); resolved per call so a rotated token is picked up. */
  readonly headers: () => Promise<Record<string, string>>;
  readonly fetch?: typeof fetch;
  readonly clock?: Clock;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  /** Attempts per call, the first included. @default 3 */
  readonly maxAttempts?: number;
  /** Longest wait this call spends on Retry-After/backoff before handing back to the queue. @default 10000 */
  readonly maxRetryWaitMs?: number;
  /** Per call. @default 10000 */
  readonly timeoutMs?: number;
  /**
   * Whole request including retries: no new attempt starts unless it can finish inside this budget,
   * so a hanging server cannot run the Lambda into its own timeout. @default 20000
   */
  readonly totalBudgetMs?: number;
}

/**
 * JSON over HTTP for the SaaS maintenance tools: per-tenant rate limit before every call, 429 with
 * Retry-After (seconds or HTTP date) or X-Rate-Limit-Reset honoured, 5xx/network/timeout retried with
 * exponential backoff and full jitter. When the wait would exceed the budget it throws TransientError
 * (with retryAfterMs) so the queue keeps the message; 4xx refusals are PermanentError / NotFoundError.
 */
export class RestTransport {
  private readonly fetchFn: typeof fetch;
  private readonly clock: Clock;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly maxAttempts: number;
  private readonly maxRetryWaitMs: number;
  private readonly timeoutMs: number;
  private readonly totalBudgetMs: number;

  constructor(private readonly options: RestTransportOptions) {
    this.fetchFn = options.fetch ?? fetch;
    this.clock = options.clock ?? systemClock;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.maxAttempts = options.maxAttempts ?? 3;
    this.maxRetryWaitMs = options.maxRetryWaitMs ?? 10_000;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.totalBudgetMs = options.totalBudgetMs ?? 20_000;
  }

  async request(request: HttpRequest): Promise<HttpResponse> {
    const url = this.url(request);
    const what = `${request.method} ${request.path}`;
    const repeatable = request.idempotent ?? request.method !== 'POST';
    let waited = 0;
    let lastError: TransientError | undefined;
    const started = this.clock.now();
    for (let attempt = 0; attempt < this.maxAttempts; attempt++) {
      if (lastError && this.clock.now() - started + this.timeoutMs > this.totalBudgetMs) throw lastError;
      await this.options.limiter.acquire(this.options.tenant, this.options.rateLimit);
      let response: Response;
      try {
        response = await this.fetchFn(url, {
          method: request.method,
          headers: {
            accept: 'application/json',
            ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
            ...correlationHeaders(),
            ...(await this.options.headers()),
          },
          ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
          signal: AbortSignal.timeout(this.timeoutMs),
        });
      } catch (error) {
        lastError = new TransientError(
          `${what} failed: ${error instanceof Error ? error.message : String(error)}`,
          {
            cause: error,
          },
        );
        const delay = this.backoff(attempt);
        if (!repeatable || attempt + 1 >= this.maxAttempts || waited + delay > this.maxRetryWaitMs)
          throw lastError;
        await this.sleep(delay);
        waited += delay;
        continue;
      }
      const json = await readJson(response);
      if (response.ok) return { status: response.status, headers: response.headers, json };

      const reason = `${what} answered ${response.status}${vendorMessage(json)}`;
      if (response.status === 429) {
        const retryAfterMs = retryAfter(response.headers, this.clock.now()) ?? this.backoff(attempt);
        this.options.limiter.block(
          this.options.tenant,
          this.options.rateLimit,
          this.clock.now() + retryAfterMs,
        );
        lastError = new TransientError(reason, { retryAfterMs, details: { status: 429 } });
        if (attempt + 1 >= this.maxAttempts || waited + retryAfterMs > this.maxRetryWaitMs) throw lastError;
        // The limiter's acquire() at the top of the loop waits for the block to pass.
        waited += retryAfterMs;
        continue;
      }
      if (response.status >= 500 || response.status === 408) {
        const delay = retryAfter(response.headers, this.clock.now()) ?? this.backoff(attempt);
        lastError = new TransientError(reason, { retryAfterMs: delay, details: { status: response.status } });
        if (!repeatable || attempt + 1 >= this.maxAttempts || waited + delay > this.maxRetryWaitMs)
          throw lastError;
        await this.sleep(delay);
        waited += delay;
        continue;
      }
      if (response.status === 404) throw new NotFoundError(reason, { details: { status: 404 } });
      throw new PermanentError(reason, { details: { status: response.status } });
    }
    throw lastError ?? new TransientError(`${what} gave up`);
  }

  private backoff(attempt: number): number {
    return backoffDelay(attempt, {
      baseDelayMs: 200,
      maxDelayMs: 5_000,
      ...(this.options.random ? { random: this.options.random } : {}),
    });
  }

  private url(request: HttpRequest): string {
    const url = new URL(this.options.baseUrl.replace(/\/+$/, '') + request.path);
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value === undefined) continue;
      for (const v of typeof value === 'string' ? [value] : value) url.searchParams.append(key, v);
    }
    return url.toString();
  }
}

/**
 * Milliseconds to wait from a 429/503: `Retry-After` as delta-seconds or HTTP-date (RFC 9110 §10.2.3),
 * else MaintainX's `X-Rate-Limit-Reset` (seconds until the window resets). Undefined when absent or invalid.
 */
export const retryAfter = (headers: Headers, nowMs: number): number | undefined => {
  const value = headers.get('retry-after')?.trim();
  if (value) {
    if (/^\d+$/.test(value)) return Number(value) * 1000;
    const date = Date.parse(value);
    if (!Number.isNaN(date)) return Math.max(0, date - nowMs);
  }
  const reset = headers.get('x-rate-limit-reset')?.trim();
  if (reset && /^\d+(\.\d+)?$/.test(reset)) return Math.ceil(Number(reset) * 1000);
  return undefined;
};

const readJson = async (response: Response): Promise<unknown> => {
  const text = await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return { text: text.slice(0, 200) };
  }
};

/** The vendor's own error text (MaintainX: `{ errors: [{ error }] }` or `{ error }`), short. */
const vendorMessage = (json: unknown): string => {
  if (!json || typeof json !== 'object') return '';
  const o = json as {
    error?: unknown;
    errors?: Array<{ error?: unknown }>;
    message?: unknown;
    text?: unknown;
  };
  const message =
    (Array.isArray(o.errors) ? o.errors.map((e) => String(e?.error ?? '')).join('; ') : undefined) ??
    (typeof o.error === 'string' ? o.error : undefined) ??
    (typeof o.message === 'string' ? o.message : undefined) ??
    (typeof o.text === 'string' ? o.text : undefined);
  return message ? `: ${message.slice(0, 300)}` : '';
};
