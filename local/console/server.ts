/**
 * The ops console: one static page (static/) and a small JSON API over `ConsoleData`, on loopback only.
 *
 *   GET  /api/overview             flows per plant and KPIs with short series
 *   GET  /api/dlqs                 every DLQ with depth, oldest age and reasons
 *   POST /api/dlqs/:name/replay    body {"dryRun": boolean}; answers the replay report
 *   GET  /api/orders/stuck         orders past their SLA
 *   GET  /api/trace/:idOrKey       every hop of the flows a correlation id or business key touches
 *
 * Requests must name a loopback host (no DNS rebinding) and a POST must be JSON (a cross-site form
 * cannot send that without a CORS preflight, which this server never grants), so a web page open in
 * the same browser cannot trigger a replay.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NotFoundError, ValidationError } from '../../shared/errors';
import type { ConsoleData } from './data';

/** @default port when none is given: fixed, so people can bookmark the console of `npm start`. */
export const CONSOLE_PORT = 4790;

export interface ConsoleOptions {
  /** 0 picks a free port (tests). @default CONSOLE_PORT */
  readonly port?: number;
  readonly data: ConsoleData;
}

export interface ConsoleServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const STATIC: Readonly<Record<string, { file: string; type: string }>> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/index.html': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/style.css': { file: 'style.css', type: 'text/css; charset=utf-8' },
};

const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

const LOOPBACK_HOST = /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/i;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const loadStatic = (): Map<string, Buffer> => {
  const files = new Map<string, Buffer>();
  for (const { file } of Object.values(STATIC)) {
    if (!files.has(file)) files.set(file, readFileSync(new URL(`./static/${file}`, import.meta.url)));
  }
  return files;
};

const readJson = async (req: IncomingMessage, limit = 16_384): Promise<unknown> => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HttpError(413, `request body over ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return text ? JSON.parse(text) : {};
  } catch {
    throw new HttpError(400, 'request body is not JSON');
  }
};

const send = (res: ServerResponse, status: number, body: string | Buffer, type: string): void => {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': type });
  res.end(body);
};

const sendJson = (res: ServerResponse, status: number, value: unknown): void =>
  send(res, status, JSON.stringify(value), 'application/json; charset=utf-8');

const statusOf = (error: unknown): number => {
  if (error instanceof HttpError) return error.status;
  if (error instanceof NotFoundError) return 404;
  if (error instanceof ValidationError) return 400;
  return 500;
};

const route = async (data: ConsoleData, req: IncomingMessage, path: string): Promise<unknown> => {
  const method = req.method ?? 'GET';
  if (method === 'GET' && path === '/api/overview') return data.overview();
  if (method === 'GET' && path === '/api/dlqs') return data.dlqs();
  if (method === 'GET' && path === '/api/orders/stuck') return data.stuckOrders();
  const trace = /^\/api\/trace\/(.+)$/.exec(path);
  if (method === 'GET' && trace?.[1]) {
    const result = await data.trace(decodeURIComponent(trace[1]));
    if (result.matchedBy === 'none') throw new HttpError(404, `nothing recorded for "${result.query}"`);
    return result;
  }
  const replay = /^\/api\/dlqs\/([^/]+)\/replay$/.exec(path);
  if (replay?.[1]) {
    if (method !== 'POST') throw new HttpError(405, 'replay is a POST');
    if (!(req.headers['content-type'] ?? '').startsWith('application/json'))
      throw new HttpError(415, 'replay takes a JSON body: {"dryRun": true|false}');
    const body = (await readJson(req)) as { dryRun?: unknown };
    if (typeof body.dryRun !== 'boolean')
      throw new HttpError(400, 'say whether this is a dry run: {"dryRun": true|false}');
    return data.replay(decodeURIComponent(replay[1]), body.dryRun);
  }
  throw new HttpError(404, `no ${method} ${path}`);
};

export const startConsole = async (options: ConsoleOptions): Promise<ConsoleServer> => {
  const files = loadStatic();
  const server = createServer((req, res) => {
    void (async () => {
      if (!LOOPBACK_HOST.test(req.headers.host ?? '')) {
        return sendJson(res, 403, { error: 'the console answers only on a loopback host name' });
      }
      const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
      const asset = STATIC[path];
      if (asset && (req.method === 'GET' || req.method === 'HEAD')) {
        return send(res, 200, files.get(asset.file) ?? '', asset.type);
      }
      if (!path.startsWith('/api/')) return sendJson(res, 404, { error: `no page ${path}` });
      try {
        sendJson(res, 200, await route(options.data, req, path));
      } catch (error) {
        const status = statusOf(error);
        const message = error instanceof Error ? error.message : String(error);
        sendJson(res, status, { error: status === 500 ? `console data failed: ${message}` : message });
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? CONSOLE_PORT, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
};
