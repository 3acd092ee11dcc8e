import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
  readonly body: unknown;
}

export interface FakeResponse {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
}

export type Route = (request: RecordedRequest) => FakeResponse | undefined;

/** A JSON HTTP server on 127.0.0.1 (ephemeral port) that records every request. */
export class FakeServer {
  readonly requests: RecordedRequest[] = [];
  /** Answers served before the routes, one per request (to inject 429s, 5xx...). */
  readonly queued: FakeResponse[] = [];
  private server: Server | undefined;
  baseUrl = '';

  constructor(private readonly route: Route) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const text = Buffer.concat(chunks).toString('utf8');
        const recorded: RecordedRequest = {
          method: req.method ?? 'GET',
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          body: text ? (JSON.parse(text) as unknown) : undefined,
        };
        this.requests.push(recorded);
        const answer = this.queued.shift() ??
          this.route(recorded) ?? { status: 404, body: { error: 'no route' } };
        res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
        res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

/** A manual clock whose sleep advances time instantly and records each wait. */
export class FakeClock {
  readonly sleeps: number[] = [];
  constructor(public t = Date.parse('2026-11-25T06:00:00Z')) {}
  now = (): number => this.t;
  sleep = async (ms: number): Promise<void> => {
    this.sleeps.push(ms);
    this.t += ms;
  };
}
