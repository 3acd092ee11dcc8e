import { readFileSync } from 'node:fs';
import { FakeServer, type RecordedRequest } from './fake-server';

export const fixture = (path: string): string =>
  readFileSync(new URL(`../../fixtures/maintenance/${path}`, import.meta.url), 'utf8');
export const fixtureJson = <T = Record<string, unknown>>(path: string): T => JSON.parse(fixture(path)) as T;

export const API_TOKEN = 'mx-api-token-for-tests';

interface StoredWorkOrder {
  id: number;
  title: string;
  status: string;
  priority: string;
  assetId: number | null;
  externalData: unknown;
  extraFields: Record<string, string>;
  [key: string]: unknown;
}

/** A MaintainX stand-in with the paths and shapes of its OpenAPI description. */
export class FakeMaintainx extends FakeServer {
  readonly workOrders = new Map<number, StoredWorkOrder>();
  readonly workRequests = new Map<
    number,
    { id: number; title: string; description?: string; extraFields: Record<string, string> }
  >();
  readonly assets = [
    { id: 42, name: 'CNC milling centre DMU 50', extraFields: { 'SAP Equipment': '10000042' } },
    { id: 43, name: 'Coolant pump P-12', extraFields: {} },
    { id: 77, name: 'Unmapped bench drill', extraFields: {} },
  ];
  private nextId = 5531207;
  /** When set, the next create is stored but answered with this status (a lost response). */
  loseNextCreateResponse: number | undefined;

  constructor() {
    super((r) => this.handle(r));
  }

  private handle(r: RecordedRequest) {
    if (r.headers.authorization !== `Bearer ${API_TOKEN}`)
      return { status: 401, body: { error: 'Unauthorized' } };
    const body = (r.body ?? {}) as Record<string, unknown>;
    if (r.method === 'GET' && r.path === '/v1/workorders') {
      const title = r.query.get('title') ?? '';
      return {
        status: 200,
        body: {
          workOrders: [...this.workOrders.values()].filter((wo) => wo.title.includes(title)),
          nextCursor: null,
        },
      };
    }
    if (r.method === 'POST' && r.path === '/v1/workorders') {
      if (typeof body.title !== 'string')
        return { status: 400, body: { errors: [{ error: 'title is required' }] } };
      const id = this.nextId++;
      this.workOrders.set(id, {
        ...body,
        id,
        title: body.title,
        status: 'OPEN',
        priority: String(body.priority ?? 'NONE'),
        assetId: (body.assetId as number | null) ?? null,
        externalData: body.externalData,
        extraFields: (body.extraFields as Record<string, string>) ?? {},
      });
      return this.created(id);
    }
    if (r.method === 'GET' && r.path === '/v1/workrequests') {
      const title = r.query.get('title') ?? '';
      return {
        status: 200,
        body: {
          workRequests: [...this.workRequests.values()].filter((w) => w.title.includes(title)),
          nextCursor: null,
        },
      };
    }
    if (r.method === 'POST' && r.path === '/v1/workrequests') {
      const id = this.nextId++;
      this.workRequests.set(id, {
        id,
        title: String(body.title),
        extraFields: (body.extraFields as Record<string, string>) ?? {},
      });
      return this.created(id);
    }
    if (r.method === 'GET' && r.path === '/v1/assets') {
      // Two pages, to exercise the cursor.
      const cursor = r.query.get('cursor');
      return cursor
        ? { status: 200, body: { assets: this.assets.slice(2), nextCursor: null } }
        : { status: 200, body: { assets: this.assets.slice(0, 2), nextCursor: 'page-2' } };
    }
    const request = /^\/v1\/workrequests\/(\d+)$/.exec(r.path);
    if (request) {
      const wr = this.workRequests.get(Number(request[1]));
      if (!wr) return { status: 404, body: { error: 'Not found' } };
      if (r.method === 'PATCH') Object.assign(wr, body);
      return { status: 200, body: { workRequest: wr } };
    }
    const match = /^\/v1\/workorders\/(\d+)(\/status|\/costs)?$/.exec(r.path);
    const wo = match ? this.workOrders.get(Number(match[1])) : undefined;
    if (!match || !wo) return { status: 404, body: { error: 'Not found' } };
    if (r.method === 'GET' && !match[2]) return { status: 200, body: { workOrder: wo } };
    if (r.method === 'GET' && match[2] === '/costs')
      return { status: 200, body: fixtureJson('maintainx/work-order-costs.json') };
    if (r.method === 'PATCH' && match[2] === '/status') {
      wo.status = String(body.status);
      return { status: 200, body: { workOrder: wo } };
    }
    if (r.method === 'PATCH' && !match[2]) {
      Object.assign(wo, body);
      return { status: 200, body: { workOrder: wo } };
    }
    return { status: 405, body: { error: 'Method not allowed' } };
  }

  private created(id: number) {
    if (this.loseNextCreateResponse !== undefined) {
      const status = this.loseNextCreateResponse;
      this.loseNextCreateResponse = undefined;
      return { status, body: { error: 'upstream timeout' } };
    }
    return { status: 200, body: { id } };
  }
}
