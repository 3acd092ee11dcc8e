import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { SimClock } from './clock';

/** A request as the simulators see it: parsed URL and the raw body text. */
export interface SimRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

export interface SimResponse {
  readonly status: number;
  readonly headers?: Record<string, string | string[]>;
  readonly body?: string;
}

export const json = (
  status: number,
  value: unknown,
  headers: Record<string, string | string[]> = {},
): SimResponse => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(value),
});

export const xml = (status: number, text: string, headers: Record<string, string> = {}): SimResponse => ({
  status,
  headers: { 'content-type': 'application/xml; charset=utf-8', ...headers },
  body: text,
});

export interface SimServer {
  readonly url: string;
  /** While true, every new connection is destroyed without an answer (network outage). */
  refuse: boolean;
  close(): Promise<void>;
}

/** Binds 127.0.0.1 on `port` (0: ephemeral); `handler` answers every request. */
export const startServer = async (
  handler: (request: SimRequest) => Promise<SimResponse> | SimResponse,
  port = 0,
): Promise<SimServer> => {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  const state = { refuse: false };
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (state.refuse) {
      req.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: SimRequest = {
        method: req.method ?? 'GET',
        url: new URL(req.url ?? '/', 'http://127.0.0.1'),
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      Promise.resolve()
        .then(() => handler(request))
        .then(
          (response) => {
            res.writeHead(response.status, response.headers ?? {});
            res.end(response.body ?? '');
          },
          (error: unknown) => {
            res.writeHead(500, { 'content-type': 'text/plain' });
            res.end(`simulator error: ${error instanceof Error ? error.message : String(error)}`);
          },
        );
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server?.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(
              `port ${port} on 127.0.0.1 is in use: stop what holds it, or change the local configuration`,
            )
          : error,
      ),
    );
    server?.listen(port, '127.0.0.1', resolve);
  });
  const bound = (server.address() as AddressInfo).port;
  const result: SimServer = {
    url: `http://127.0.0.1:${bound}`,
    get refuse() {
      return state.refuse;
    },
    set refuse(value: boolean) {
      state.refuse = value;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      server = undefined;
    },
  };
  return result;
};

export interface DeliveryOptions {
  readonly clock: SimClock;
  /** Attempts before the delivery is recorded as failed. @default 12 */
  readonly maxAttempts?: number;
  /** First backoff in simulated ms, doubled per attempt. @default 5000 */
  readonly baseDelaySimMs?: number;
  /**
   * Real ms waited at least before the second attempt, doubled per attempt (capped at 5 s): at a high
   * clock speed a simulated backoff is over in microseconds, which would turn a short outage into loss.
   * @default 50
   */
  readonly minRealDelayMs?: number;
  /** Real-time timeout of one attempt. @default 10000 */
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
}

export interface DeliveryResult {
  readonly delivered: boolean;
  readonly attempts: number;
  readonly lastStatus?: number;
  readonly lastError?: string;
}

/**
 * POSTs `body` until a 2xx answer, backing off on simulated time between attempts (as an XML-HTTP
 * port, an MES outbox or a webhook sender does). `stopped()` ends the loop early (plant stop).
 */
export const deliver = async (
  url: string,
  init: { readonly headers: Record<string, string> | (() => Record<string, string>); readonly body: string },
  options: DeliveryOptions,
  stopped: () => boolean = () => false,
): Promise<DeliveryResult> => {
  const maxAttempts = options.maxAttempts ?? 12;
  const minReal = options.minRealDelayMs ?? 50;
  const base = options.baseDelaySimMs ?? 5000;
  const doFetch = options.fetch ?? globalThis.fetch;
  let lastStatus: number | undefined;
  let lastError: string | undefined;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    if (stopped()) break;
    try {
      const headers = typeof init.headers === 'function' ? init.headers() : init.headers;
      const response = await doFetch(url, {
        method: 'POST',
        headers,
        body: init.body,
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      await response.arrayBuffer();
      lastStatus = response.status;
      if (response.ok) return { delivered: true, attempts: attempt, lastStatus };
      lastError = `HTTP ${response.status}`;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    if (attempt < maxAttempts && !stopped()) {
      await Promise.all([
        options.clock.sleep(base * 2 ** (attempt - 1)),
        realSleep(Math.min(5000, minReal * 2 ** (attempt - 1))),
      ]);
    }
  }
  return {
    delivered: false,
    attempts: maxAttempts,
    ...(lastStatus !== undefined ? { lastStatus } : {}),
    ...(lastError ? { lastError } : {}),
  };
};

const realSleep = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref?.();
  });
