import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small SAP Gateway stand-in for tests, bound to 127.0.0.1 on an ephemeral port. It speaks OData
 * V2 verbose JSON, issues CSRF tokens tied to a session cookie, answers 403 `x-csrf-token: Required`
 * for stale tokens, pages with `__next`, checks If-Match, and lets a test inject faults.
 */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
  readonly body: unknown;
}

export interface Fault {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
  /** Only requests for which this holds get the fault. @default every request */
  readonly when?: (request: RecordedRequest) => boolean;
}

type Entity = Record<string, unknown>;

interface EntitySetConfig {
  readonly keys: readonly string[];
  /** Fills server-side fields (numbers, dates) on create. */
  readonly onCreate?: (body: Entity, set: Entity[]) => Entity;
}

export class FakeSapServer {
  readonly requests: RecordedRequest[] = [];
  private readonly sessions = new Map<string, string>(); // session id → csrf token
  private readonly faults: Fault[] = [];
  private readonly sets = new Map<string, { config: EntitySetConfig; rows: Entity[] }>();
  private readonly functions = new Map<string, (parameters: URLSearchParams) => Entity>();
  private server: Server | undefined;
  pageSize = 50;
  tokensIssued = 0;
  /** Credentials the server accepts (the Authorization header value). */
  acceptAuthorization: (value: string | undefined) => boolean = (value) => value !== undefined;

  defineSet(service: string, entitySet: string, config: EntitySetConfig, rows: Entity[] = []): void {
    this.sets.set(`${service}/${entitySet}`, { config, rows: rows.map((r) => this.withEtag(r)) });
  }

  /** A function import (POST with parameters in the query), e.g. ReleaseMaintenanceOrder. */
  defineFunction(service: string, name: string, handler: (parameters: URLSearchParams) => Entity): void {
    this.functions.set(`${service}/${name}`, handler);
  }

  rows(service: string, entitySet: string): Entity[] {
    return this.sets.get(`${service}/${entitySet}`)?.rows ?? [];
  }

  /** Queue a fault for the next matching request (queue order). */
  fail(fault: Fault, times = 1): void {
    for (let i = 0; i < times; i++) this.faults.push(fault);
  }

  /** Every CSRF token dies, as when SAP sessions time out. */
  expireSessions(): void {
    this.sessions.clear();
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void this.handle(req, res).catch((error: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(error));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/sap/opu/odata/sap`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  requestsTo(method: string, pathPart: string): RecordedRequest[] {
    return this.requests.filter(
      (r) => r.method === method && r.path.includes(pathPart) && r.headers['x-csrf-token'] !== 'Fetch',
    );
  }

  private withEtag(row: Entity): Entity {
    return { ...row, __etag: `W/"${randomUUID()}"` };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const request: RecordedRequest = {
      method: req.method ?? 'GET',
      path: decodeURIComponent(url.pathname),
      query: url.searchParams,
      headers: req.headers,
      body: text ? JSON.parse(text) : undefined,
    };
    this.requests.push(request);
    const send = (status: number, body?: unknown, headers: Record<string, string | string[]> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(body === undefined ? '' : JSON.stringify(body));
    };
    if (!this.acceptAuthorization(req.headers.authorization))
      return send(401, undefined, { 'www-authenticate': 'Basic' });

    const faultIndex = this.faults.findIndex((f) => !f.when || f.when(request));
    const fault = faultIndex >= 0 ? this.faults[faultIndex] : undefined;
    if (fault) {
      this.faults.splice(faultIndex, 1);
      return send(fault.status, fault.body, fault.headers ?? {});
    }

    const sessionId = /SAP_SESSIONID_S4H_100=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
    if (req.headers['x-csrf-token'] === 'Fetch') {
      const id = sessionId && this.sessions.has(sessionId) ? sessionId : randomUUID();
      const token = this.sessions.get(id) ?? `tok-${++this.tokensIssued}`;
      this.sessions.set(id, token);
      return send(
        200,
        { d: { EntitySets: [] } },
        {
          'x-csrf-token': token,
          'set-cookie': [
            `SAP_SESSIONID_S4H_100=${id}; path=/; HttpOnly`,
            'sap-usercontext=sap-client=100; path=/',
          ],
        },
      );
    }
    if (request.method !== 'GET') {
      const token = sessionId ? this.sessions.get(sessionId) : undefined;
      if (!token || token !== req.headers['x-csrf-token']) {
        res.writeHead(403, { 'x-csrf-token': 'Required', 'content-type': 'text/plain' });
        return void res.end('CSRF token validation failed');
      }
    }

    // /sap/opu/odata/sap/<SERVICE>/<Set>(<key>)[/nav]
    const match = /^\/sap\/opu\/odata\/sap\/([^/]+)\/([A-Za-z0-9_]+)(?:\(([^)]*)\))?\/?$/.exec(request.path);
    if (!match)
      return send(404, {
        error: { code: 'NOT_FOUND', message: { lang: 'en', value: `no resource ${request.path}` } },
      });
    const [, service, entitySet, keyText] = match;
    const fn = this.functions.get(`${service}/${entitySet}`);
    if (fn && request.method === 'POST') return send(200, { d: fn(url.searchParams) });
    const set = this.sets.get(`${service}/${entitySet}`);
    if (!set)
      return send(404, {
        error: { code: 'NOT_FOUND', message: { lang: 'en', value: `no entity set ${entitySet}` } },
      });
    const present = (row: Entity) => {
      const { __etag, ...rest } = row;
      return { __metadata: { etag: __etag, uri: `${service}/${entitySet}` }, ...rest };
    };

    if (keyText !== undefined) {
      const key = parseKey(keyText, set.config.keys);
      const row = set.rows.find((r) => Object.entries(key).every(([k, v]) => String(r[k]) === v));
      if (!row)
        return send(404, {
          error: { code: 'NOT_FOUND', message: { lang: 'en', value: `${entitySet}(${keyText}) not found` } },
        });
      if (request.method === 'GET') return send(200, { d: present(row) }, { etag: String(row.__etag) });
      if (request.method === 'PATCH' || request.method === 'MERGE') {
        const ifMatch = req.headers['if-match'];
        if (ifMatch && ifMatch !== row.__etag) {
          return send(412, {
            error: { code: 'PRECONDITION_FAILED', message: { lang: 'en', value: 'ETag mismatch' } },
          });
        }
        Object.assign(row, request.body as Entity, { __etag: `W/"${randomUUID()}"` });
        return send(204);
      }
    }
    if (request.method === 'POST') {
      const created = this.withEtag(
        set.config.onCreate
          ? set.config.onCreate(request.body as Entity, set.rows)
          : (request.body as Entity),
      );
      set.rows.push(created);
      return send(201, { d: present(created) }, { etag: String(created.__etag) });
    }
    // GET collection with $filter (eq / and), $top and $skiptoken paging.
    const filtered = set.rows.filter(matchesFilter(url.searchParams.get('$filter')));
    const skip = Number(url.searchParams.get('$skiptoken') ?? 0);
    const top = url.searchParams.get('$top');
    const limit = top ? Math.min(Number(top), this.pageSize) : this.pageSize;
    const page = filtered.slice(skip, skip + limit);
    const more = !top && skip + limit < filtered.length;
    const next = new URL(`http://127.0.0.1${url.pathname}`);
    for (const [k, v] of url.searchParams) if (k !== '$skiptoken') next.searchParams.set(k, v);
    next.searchParams.set('$skiptoken', String(skip + limit));
    return send(200, {
      d: {
        results: page.map(present),
        ...(more ? { __next: `${entitySet}?${next.searchParams.toString()}` } : {}),
      },
    });
  }
}

const parseKey = (text: string, keys: readonly string[]): Record<string, string> => {
  if (!text.includes('=')) return { [keys[0] ?? 'id']: text.replace(/^'|'$/g, '') };
  return Object.fromEntries(
    text.split(',').map((part) => {
      const [k, v] = part.split('=');
      return [k ?? '', (v ?? '').replace(/^(guid)?'|'$/g, '')];
    }),
  );
};

const matchesFilter =
  (filter: string | null) =>
  (row: Entity): boolean => {
    if (!filter) return true;
    return filter.split(/\s+and\s+/).every((clause) => {
      const m = /^(\w+)\s+eq\s+(?:guid)?'((?:[^']|'')*)'$/.exec(clause.trim());
      if (!m) throw new Error(`fake SAP cannot filter on: ${clause}`);
      return String(row[m[1] ?? ''] ?? '') === (m[2] ?? '').replaceAll("''", "'");
    });
  };
