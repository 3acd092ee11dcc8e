import { TransientError } from '../../shared/errors';

/** Requests per second and burst for one SaaS tenant (plant config `rateLimit`). */
export interface RateLimit {
  readonly requestsPerSecond: number;
  readonly burst: number;
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

interface Bucket {
  tokens: number;
  updatedAt: number;
  /** The vendor said "not before" (429 + Retry-After): no token is handed out until then. */
  blockedUntil: number;
}

export class RateLimitExceededError extends TransientError {}

export interface TenantRateLimiterOptions {
  readonly clock?: Clock;
  readonly sleep?: (ms: number) => Promise<void>;
  /**
   * The longest one call may wait for a token. Beyond it the call fails with a TransientError so the
   * SQS record goes back to the queue (visibility timeout) instead of holding the Lambda.
   * @default 5000
   */
  readonly maxWaitMs?: number;
}

/**
 * A token bucket per tenant: `burst` tokens, refilled at `requestsPerSecond`. The buckets live in the
 * Lambda instance, so the effective tenant rate is `requestsPerSecond x concurrent instances`; infra
 * caps the egress function's SQS concurrency accordingly (docs/connectors/maintenance.md).
 */
export class TenantRateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly clock: Clock;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly maxWaitMs: number;

  constructor(options: TenantRateLimiterOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.maxWaitMs = options.maxWaitMs ?? 5_000;
  }

  /** Takes one token for `tenant`, waiting up to `maxWaitMs`; otherwise throws RateLimitExceededError. */
  async acquire(tenant: string, limit: RateLimit): Promise<void> {
    validate(limit);
    let waited = 0;
    for (;;) {
      const wait = this.tryTake(tenant, limit);
      if (wait === 0) return;
      if (waited + wait > this.maxWaitMs) {
        throw new RateLimitExceededError(
          `rate limit for tenant ${tenant} reached; retry in ${Math.ceil(wait)} ms`,
          {
            retryAfterMs: Math.ceil(wait),
            details: { tenant },
          },
        );
      }
      await this.sleep(Math.ceil(wait));
      waited += Math.ceil(wait);
    }
  }

  /** After a 429: nothing more for this tenant until `untilMs` (epoch ms), then one call, then the rate. */
  block(tenant: string, limit: RateLimit, untilMs: number): void {
    const bucket = this.bucket(tenant, limit);
    bucket.blockedUntil = Math.max(bucket.blockedUntil, untilMs);
    // One call may go when the block ends; the rate applies again from there.
    bucket.tokens = Math.min(bucket.tokens, 1);
    bucket.updatedAt = Math.max(bucket.updatedAt, untilMs);
  }

  /** Returns 0 when a token was taken, else the milliseconds until one is available. */
  private tryTake(tenant: string, limit: RateLimit): number {
    const bucket = this.bucket(tenant, limit);
    const now = this.clock.now();
    if (now < bucket.blockedUntil) return bucket.blockedUntil - now;
    if (now > bucket.updatedAt) {
      bucket.tokens = Math.min(
        limit.burst,
        bucket.tokens + ((now - bucket.updatedAt) / 1000) * limit.requestsPerSecond,
      );
      bucket.updatedAt = now;
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return ((1 - bucket.tokens) / limit.requestsPerSecond) * 1000;
  }

  private bucket(tenant: string, limit: RateLimit): Bucket {
    let bucket = this.buckets.get(tenant);
    if (!bucket) {
      bucket = { tokens: limit.burst, updatedAt: this.clock.now(), blockedUntil: 0 };
      this.buckets.set(tenant, bucket);
    }
    return bucket;
  }
}

const validate = (limit: RateLimit): void => {
  if (!(limit.requestsPerSecond > 0) || !(limit.burst >= 1)) {
    throw new RangeError(`invalid rate limit ${JSON.stringify(limit)}: requestsPerSecond > 0 and burst >= 1`);
  }
};
