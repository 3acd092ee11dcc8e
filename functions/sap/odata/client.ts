import { PermanentError } from '../../../shared/errors';
import { backoffDelay, sleep as realSleep } from '../../../shared/retry';
import type { AuthProvider } from './auth';
import { errorForStatus, SapUnavailableError } from './errors';

export interface ODataClientOptions {
  /** Root of the OData services, e.g. `https://s4.example.com/sap/opu/odata/sap`. */
  readonly baseUrl: string;
  readonly auth: AuthProvider;
  /** SAP client (mandant), sent as the `sap-client` query parameter. */
  readonly sapClient?: string;
  /** Per request. @default 15000 */
  readonly timeoutMs?: number;
  /** Attempts per request on 429 / 5xx, the first included. @default 4 */
  readonly maxAttempts?: number;
  /** @default 200 */
  readonly baseDelayMs?: number;
  /** Cap of one backoff delay and of an honoured Retry-After. @default 10000 */
  readonly maxDelayMs?: number;
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  readonly now?: () => number;
  /** Extra headers on every call, e.g. the correlation id. */
  readonly headers?: () => Record<string, string>;
}

/** An entity as OData V2 (verbose JSON) returns it, with its ETag when the service has one. */
export interface ODataEntity<T> {
  readonly data: T;
  readonly etag?: string;
}

export type Query = Readonly<Record<string, string | number | undefined>>;

interface Metadata {
  readonly __metadata?: { readonly etag?: string; readonly uri?: string };
}

const isIdempotent = (method: string): boolean => method === 'GET' || method === 'HEAD';

/** `Retry-After` as seconds or an HTTP date → milliseconds from now. */
export const parseRetryAfter = (value: string | null, now: number): number | undefined => {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
};

/** OData V2 string literal: single quotes doubled. */
export const odataString = (value: string): string => `'${value.replaceAll("'", "''")}'`;

/**
 * OData V2 client for SAP Gateway / S/4HANA:
 * - CSRF: a modifying call first fetches a token (`x-csrf-token: Fetch` on a GET of the service
 *   root) and keeps the session cookies it came with; when SAP answers 403 with
 *   `x-csrf-token: Required` (token expired with its session) the token is fetched again, once.
 * - ETag / If-Match on updates; server-driven paging through `d.__next`.
 * - Retries with exponential backoff and full jitter on 429 and 5xx only, honouring Retry-After.
 *   Timeouts, network failures and 504 are retried for reads; for writes they surface as a
 *   transient error without a blind re-send (the outcome is unknown; postings re-check first).
 * - Error bodies become typed errors (functions/sap/odata/errors.ts).
 */
export class ODataClient {
  private readonly cookies = new Map<string, string>();
  private readonly csrfTokens = new Map<string, string>();
  private readonly fetch: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private readonly baseUrl: string;

  constructor(private readonly options: ODataClientOptions) {
    this.fetch = options.fetch ?? globalThis.fetch;
    this.sleep = options.sleep ?? realSleep;
    this.now = options.now ?? Date.now;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  url(service: string, path: string, query: Query = {}): string {
    const url = new URL(`${this.baseUrl}/${service}/${path.replace(/^\/+/, '')}`);
    for (const [key, value] of Object.entries(query))
      if (value !== undefined) url.searchParams.set(key, String(value));
    if (this.options.sapClient) url.searchParams.set('sap-client', this.options.sapClient);
    return url.toString();
  }

  /** Reads one entity, e.g. `get('API_PRODUCTION_ORDER_2_SRV', "A_ProductionOrder_2('1000123')")`. */
  async get<T>(service: string, path: string, query: Query = {}): Promise<ODataEntity<T>> {
    const response = await this.request(
      'GET',
      service,
      this.url(service, path, { $format: 'json', ...query }),
    );
    const body = (await response.json()) as { d: T & Metadata };
    const etag = response.headers.get('etag') ?? body.d.__metadata?.etag;
    return { data: body.d, ...(etag ? { etag } : {}) };
  }

  /** Reads every page of an entity set query, following `d.__next` (server-driven paging). */
  async list<T>(service: string, entitySet: string, query: Query = {}, maxPages = 100): Promise<T[]> {
    const results: T[] = [];
    let next: string | undefined = this.url(service, entitySet, { $format: 'json', ...query });
    for (let page = 0; next !== undefined; page++) {
      if (page >= maxPages)
        throw new PermanentError(`${service}/${entitySet}: more than ${maxPages} pages; narrow the query`);
      const response = await this.request('GET', service, next);
      const body = (await response.json()) as { d: { results: T[]; __next?: string } | T[] };
      const d = body.d;
      if (Array.isArray(d)) {
        results.push(...d);
        next = undefined;
      } else {
        results.push(...d.results);
        next = d.__next ? this.resolveNext(service, d.__next) : undefined;
      }
    }
    return results;
  }

  /** Creates an entity (deep insert allowed) and returns it as SAP echoed it. */
  async create<T>(service: string, entitySet: string, body: unknown): Promise<ODataEntity<T>> {
    const response = await this.request('POST', service, this.url(service, entitySet), body);
    const text = await response.text();
    const parsed = text ? (JSON.parse(text) as { d: T & Metadata }) : undefined;
    const etag = response.headers.get('etag') ?? parsed?.d.__metadata?.etag;
    return { data: (parsed?.d ?? {}) as T, ...(etag ? { etag } : {}) };
  }

  /** Partial update (PATCH, which SAP Gateway handles as MERGE) guarded by If-Match when an ETag is known. */
  async update(service: string, path: string, body: unknown, etag?: string): Promise<void> {
    await this.request('PATCH', service, this.url(service, path), body, etag ? { 'if-match': etag } : {});
  }

  /** Calls a function import with POST, e.g. `CancelProdnOrdConf`. */
  async callFunction<T>(service: string, name: string, parameters: Query): Promise<T> {
    const response = await this.request('POST', service, this.url(service, name, parameters));
    const text = await response.text();
    return (text ? (JSON.parse(text) as { d: T }).d : undefined) as T;
  }

  private resolveNext(service: string, next: string): string {
    // __next is absolute or relative to the service root; either way keep our host and sap-client.
    const base = `${this.baseUrl}/${service}/`;
    const url = new URL(next, base);
    if (this.options.sapClient && !url.searchParams.has('sap-client'))
      url.searchParams.set('sap-client', this.options.sapClient);
    if (!url.searchParams.has('$format')) url.searchParams.set('$format', 'json');
    return url.toString();
  }

  private cookieHeader(): string | undefined {
    if (this.cookies.size === 0) return undefined;
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  private keepCookies(response: Response): void {
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const index = pair?.indexOf('=') ?? -1;
      if (!pair || index <= 0) continue;
      const name = pair.slice(0, index).trim();
      const value = pair.slice(index + 1).trim();
      // An expired cookie is a deletion.
      if (/;\s*max-age=0\b/i.test(cookie) || /;\s*expires=Thu, 01 Jan 1970/i.test(cookie))
        this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  private async fetchCsrfToken(service: string): Promise<string> {
    const response = await this.request('GET', service, this.url(service, ''), undefined, {
      'x-csrf-token': 'Fetch',
    });
    await response.arrayBuffer();
    const token = response.headers.get('x-csrf-token');
    if (!token || token.toLowerCase() === 'required') {
      throw new SapUnavailableError(`SAP ${service} issued no CSRF token`);
    }
    this.csrfTokens.set(service, token);
    return token;
  }

  /**
   * One logical request: auth, cookies, CSRF (with one refetch), timeout, retries. Returns a
   * successful response or throws a typed error.
   */
  private async request(
    method: string,
    service: string,
    url: string,
    body?: unknown,
    extraHeaders: Record<string, string> = {},
  ): Promise<Response> {
    const modifying = !isIdempotent(method);
    let csrfRefetched = false;
    let authRefreshed = false;
    const maxAttempts = this.options.maxAttempts ?? 4;
    const path = new URL(url).pathname.split(`/${service}/`)[1] ?? '';
    for (let attempt = 0; ; attempt++) {
      // The token comes first: its response sets the session cookie the write must carry.
      const csrfToken = modifying
        ? (this.csrfTokens.get(service) ?? (await this.fetchCsrfToken(service)))
        : undefined;
      const headers: Record<string, string> = {
        accept: 'application/json',
        authorization: await this.options.auth.authorization(),
        ...this.options.headers?.(),
        ...extraHeaders,
      };
      const cookie = this.cookieHeader();
      if (cookie) headers.cookie = cookie;
      if (csrfToken) headers['x-csrf-token'] = csrfToken;
      if (body !== undefined) headers['content-type'] = 'application/json';
      let response: Response;
      try {
        response = await this.fetch(url, {
          method,
          headers,
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 15_000),
        });
      } catch (error) {
        const reason = (error as { name?: unknown } | null)?.name === 'TimeoutError' ? 'timed out' : 'failed';
        const transient = new SapUnavailableError(`SAP ${service} ${method} ${path} ${reason}`, {
          cause: error,
          details: { service },
        });
        if (!isIdempotent(method) || attempt + 1 >= maxAttempts) throw transient;
        await this.sleep(this.delay(attempt));
        continue;
      }
      this.keepCookies(response);
      if (response.ok) return response;

      const text = await response.text();
      if (
        response.status === 403 &&
        modifying &&
        response.headers.get('x-csrf-token')?.toLowerCase() === 'required' &&
        !csrfRefetched
      ) {
        // The token died with its session: fetch a new one, once, and repeat without counting an attempt.
        csrfRefetched = true;
        this.csrfTokens.delete(service);
        attempt--;
        continue;
      }
      if (response.status === 401 && !authRefreshed) {
        authRefreshed = true;
        this.options.auth.invalidate();
        attempt--;
        continue;
      }
      const retryAfter = parseRetryAfter(response.headers.get('retry-after'), this.now());
      // A 504 on a write is like a timeout: SAP may still commit, so no blind re-send (the posting
      // re-checks its external reference on the next delivery instead).
      const ambiguousWrite = modifying && response.status === 504;
      const retryable = (response.status === 429 || response.status >= 500) && !ambiguousWrite;
      if (retryable && attempt + 1 < maxAttempts) {
        await this.sleep(this.delay(attempt, retryAfter));
        continue;
      }
      throw errorForStatus({ method, service, path, status: response.status }, text, retryAfter);
    }
  }

  private delay(attempt: number, retryAfterMs?: number): number {
    const cap = this.options.maxDelayMs ?? 10_000;
    if (retryAfterMs !== undefined) return Math.min(retryAfterMs, cap);
    return backoffDelay(attempt, {
      baseDelayMs: this.options.baseDelayMs ?? 200,
      maxDelayMs: cap,
      ...(this.options.random ? { random: this.options.random } : {}),
    });
  }
}
