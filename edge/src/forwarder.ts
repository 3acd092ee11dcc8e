import type { LogEntry } from './segment-log';

export interface ForwarderOptions {
  /** The cloud MES ingress, e.g. https://api.example.com/prod/ingress/mes/1010/events */
  readonly cloudUrl: string;
  readonly relayId: string;
  /** Extra headers for every request (e.g. `x-api-key`); never logged. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly requestTimeoutMs: number;
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  /** Called when an entry is delivered (2xx) or refused for good (4xx other than 408/429). */
  readonly onDone: (entry: LogEntry, outcome: Outcome) => Promise<void>;
  readonly log: (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
  readonly random?: () => number;
  readonly fetch?: typeof fetch;
  /** Adds authentication headers for this exact request (SigV4), if the ingress needs them. */
  readonly sign?: (url: URL, body: string, headers: Record<string, string>) => Record<string, string>;
}

export type Outcome =
  | { readonly kind: 'delivered'; readonly status: number }
  | { readonly kind: 'refused'; readonly status: number; readonly reason: string };

export interface ForwarderStats {
  delivered: number;
  refused: number;
  retries: number;
  /** Outcome of the last attempt: the cloud answered (up) or did not / answered 5xx (down). */
  link: 'unknown' | 'up' | 'down';
  lastDeliveredAt: number | undefined;
}

/**
 * Forwards log entries to the cloud in order per key: one worker per key sends its head entry and
 * moves on only after a 2xx (or a permanent refusal, which is dead-lettered by `onDone`). Network
 * errors, timeouts, 408, 429 and 5xx are retried with capped exponential backoff and full jitter,
 * forever: the log on disk is the buffer while the link is down. Different keys never wait on each
 * other, so one stuck machine does not hold back the rest.
 */
export class Forwarder {
  private readonly queues = new Map<string, LogEntry[]>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly controller = new AbortController();
  private readonly wakers = new Set<() => void>();
  private stopped = false;
  readonly stats: ForwarderStats = {
    delivered: 0,
    refused: 0,
    retries: 0,
    link: 'unknown',
    lastDeliveredAt: undefined,
  };

  constructor(private readonly options: ForwarderOptions) {}

  enqueue(entry: LogEntry): void {
    if (this.stopped) return;
    const queue = this.queues.get(entry.key) ?? [];
    queue.push(entry);
    this.queues.set(entry.key, queue);
    if (!this.running.has(entry.key)) {
      const worker = this.work(entry.key).finally(() => this.running.delete(entry.key));
      this.running.set(entry.key, worker);
    }
  }

  /** Entries waiting per key (for metrics). */
  depths(): Map<string, number> {
    return new Map([...this.queues].map(([k, q]) => [k, q.length]));
  }

  /** Stops sending: aborts in-flight requests and waits for workers; unsent entries stay in the log. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.controller.abort();
    for (const wake of this.wakers) wake();
    await Promise.allSettled([...this.running.values()]);
  }

  private async work(key: string): Promise<void> {
    const queue = this.queues.get(key) as LogEntry[];
    while (!this.stopped && queue.length > 0) {
      const entry = queue[0] as LogEntry;
      const outcome = await this.deliver(entry);
      if (!outcome) return; // stopped
      try {
        await this.options.onDone(entry, outcome);
      } catch (error) {
        // Could not record the outcome (disk): keep the entry at the head; a resend is harmless.
        this.options.log('error', 'could not record a delivery; will send again', {
          seq: entry.seq,
          error: (error as Error).message,
        });
        await this.sleep(this.options.backoffMaxMs);
        continue;
      }
      queue.shift();
    }
    if (queue.length === 0) this.queues.delete(key);
  }

  /** Sends until delivered or refused for good; undefined when stopped first. */
  private async deliver(entry: LogEntry): Promise<Outcome | undefined> {
    for (let attempt = 0; !this.stopped; attempt++) {
      const result = await this.send(entry);
      if (result.kind === 'delivered' || result.kind === 'refused') {
        this.stats.link = 'up';
        if (result.kind === 'delivered') {
          this.stats.delivered++;
          this.stats.lastDeliveredAt = Date.now();
        } else {
          this.stats.refused++;
        }
        return result;
      }
      if (this.stopped) return undefined;
      this.stats.link = 'down';
      this.stats.retries++;
      const random = this.options.random ?? Math.random;
      const ceiling = Math.min(
        this.options.backoffMaxMs,
        this.options.backoffBaseMs * 2 ** Math.min(attempt, 30),
      );
      const delay = Math.max(
        Math.floor(random() * ceiling),
        Math.min(result.retryAfterMs ?? 0, this.options.backoffMaxMs),
      );
      if (attempt === 0 || attempt % 10 === 0) {
        this.options.log('warn', 'cloud ingress unavailable; retrying', {
          seq: entry.seq,
          key: entry.key,
          attempt: attempt + 1,
          reason: result.reason,
          delayMs: delay,
        });
      }
      await this.sleep(delay);
    }
    return undefined;
  }

  private async send(
    entry: LogEntry,
  ): Promise<Outcome | { kind: 'retry'; reason: string; retryAfterMs?: number }> {
    const fetchImpl = this.options.fetch ?? fetch;
    try {
      const headers: Record<string, string> = {
        ...this.options.headers,
        'content-type': entry.contentType,
        'x-plantsync-relay': this.options.relayId,
        'x-plantsync-relay-seq': String(entry.seq),
        'x-equipment-id': entry.key,
      };
      const signed = this.options.sign
        ? this.options.sign(new URL(this.options.cloudUrl), entry.body, headers)
        : headers;
      const response = await fetchImpl(this.options.cloudUrl, {
        method: 'POST',
        headers: signed,
        body: entry.body,
        signal: AbortSignal.any([this.controller.signal, AbortSignal.timeout(this.options.requestTimeoutMs)]),
      });
      const text = await response.text().catch(() => '');
      if (response.ok) return { kind: 'delivered', status: response.status };
      if (response.status === 408 || response.status === 429 || response.status >= 500) {
        const retryAfter = Number(response.headers.get('retry-after'));
        return {
          kind: 'retry',
          reason: `HTTP ${response.status}`,
          ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}),
        };
      }
      return { kind: 'refused', status: response.status, reason: reasonOf(text) };
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      return { kind: 'retry', reason: cause ?? (error as Error).name };
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakers.add(done);
    });
  }
}

const reasonOf = (body: string): string => {
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    if (typeof parsed.message === 'string') return parsed.message.slice(0, 500);
  } catch {
    // not JSON
  }
  return body.slice(0, 200);
};
