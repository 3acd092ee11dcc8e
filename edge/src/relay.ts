import { appendFile, open } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { RelayConfig } from './config';
import { Forwarder, type Outcome } from './forwarder';
import { keyOf } from './key';
import { type LogEntry, SegmentLog } from './segment-log';
import { signRequest } from './sigv4';

export type LogFn = (
  level: 'info' | 'warn' | 'error',
  message: string,
  fields?: Record<string, unknown>,
) => void;

/** One JSON line per event on stdout/stderr (journald or the container runtime collects it). */
export const jsonLog: LogFn = (level, message, fields = {}) => {
  const line = JSON.stringify({ time: new Date().toISOString(), level, message, ...fields });
  (level === 'info' ? process.stdout : process.stderr).write(`${line}\n`);
};

export interface Relay {
  readonly port: number;
  readonly url: string;
  /** Stops accepting, stops forwarding (unsent entries stay on disk), closes the log. */
  close(): Promise<void>;
  health(): HealthReport;
}

export interface HealthReport {
  readonly status: 'ok' | 'degraded';
  readonly plant: string;
  readonly link: 'unknown' | 'up' | 'down';
  readonly queued: number;
  readonly queuedBytes: number;
  readonly oldestAgeSeconds: number;
  readonly delivered: number;
  readonly refused: number;
  readonly retries: number;
  readonly lanes: number;
}

const ACCEPTED_PATHS = new Set(['/events', '/v1/events', '/api/v1/events', '/v1/mes/events']);

/** Starts the relay: recovers the log, replays unacknowledged entries, then listens. */
export const startRelay = async (config: RelayConfig, log: LogFn = jsonLog): Promise<Relay> => {
  const segmentLog = await SegmentLog.open({ dir: config.dataDir, segmentBytes: config.segmentBytes });
  const deadLetters = join(config.dataDir, 'dead-letters.jsonl');

  const onDone = async (entry: LogEntry, outcome: Outcome) => {
    if (outcome.kind === 'refused') {
      // The cloud refused the message for good (bad content): keep it for a person, then move on.
      const line = `${JSON.stringify({ ...entry, status: outcome.status, reason: outcome.reason, at: new Date().toISOString() })}\n`;
      await appendFile(deadLetters, line);
      const handle = await open(deadLetters, 'r');
      await handle.sync().finally(() => handle.close());
      log('error', 'cloud refused a message; dead-lettered', {
        seq: entry.seq,
        key: entry.key,
        status: outcome.status,
        reason: outcome.reason,
      });
    }
    await segmentLog.ack(entry.seq);
  };

  const forwarder = new Forwarder({
    cloudUrl: config.cloudUrl,
    relayId: `edge-${config.plant}`,
    ...(config.apiKey ? { headers: { 'x-api-key': config.apiKey } } : {}),
    requestTimeoutMs: config.requestTimeoutMs,
    backoffBaseMs: config.backoffBaseMs,
    backoffMaxMs: config.backoffMaxMs,
    onDone,
    log,
    ...(config.aws
      ? {
          sign: (url: URL, body: string, headers: Record<string, string>) =>
            signRequest({
              method: 'POST',
              url,
              body,
              region: config.aws?.region ?? '',
              credentials: (config.aws as NonNullable<RelayConfig['aws']>).credentials(),
              headers,
            }),
        }
      : {}),
  });
  const replay = segmentLog.pending();
  for (const entry of replay) forwarder.enqueue(entry);
  if (replay.length > 0) log('info', 'replaying unacknowledged messages from disk', { count: replay.length });

  const health = (): HealthReport => {
    const oldest = segmentLog.oldestPending();
    return {
      status: forwarder.stats.link === 'down' ? 'degraded' : 'ok',
      plant: config.plant,
      link: forwarder.stats.link,
      queued: segmentLog.pendingCount,
      queuedBytes: segmentLog.pendingBytes,
      oldestAgeSeconds: oldest ? Math.max(0, Math.floor((Date.now() - oldest.receivedAt) / 1000)) : 0,
      delivered: forwarder.stats.delivered,
      refused: forwarder.stats.refused,
      retries: forwarder.stats.retries,
      lanes: forwarder.depths().size,
    };
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log('error', 'request failed', { error: (error as Error).message });
      if (!res.headersSent) reply(res, 500, { error: 'internal error' });
    });
  });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (req.method === 'GET' && path === '/health') return reply(res, 200, health());
    if (req.method === 'GET' && path === '/metrics') return metricsReply(res, health());
    if (req.method !== 'POST' || !ACCEPTED_PATHS.has(path)) {
      return reply(res, 404, {
        error: `no route ${req.method} ${path}; POST /events, GET /health, GET /metrics`,
      });
    }
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    const isJson = contentType === 'application/json' || contentType.endsWith('+json');
    const isXml =
      contentType === 'application/xml' || contentType === 'text/xml' || contentType.endsWith('+xml');
    if (!isJson && !isXml) {
      req.resume();
      return reply(res, 415, {
        error: `content type "${contentType}" not supported; send application/json or application/xml`,
      });
    }
    const body = await readBody(req, config.maxBodyBytes);
    if (body === undefined) {
      return reply(res, 413, { error: `body over ${config.maxBodyBytes} bytes` }, true);
    }
    if (body.length === 0) return reply(res, 400, { error: 'body is empty' });
    if (segmentLog.pendingBytes + Buffer.byteLength(body) > config.maxQueuedBytes) {
      log('error', 'backlog limit reached; refusing new messages', { queuedBytes: segmentLog.pendingBytes });
      res.setHeader('retry-after', '30');
      return reply(res, 503, { error: 'relay backlog is full; retry later' });
    }
    const header = req.headers['x-equipment-id'];
    let entry: LogEntry;
    try {
      entry = await segmentLog.append({
        key: keyOf(contentType, body, Array.isArray(header) ? header[0] : header),
        receivedAt: Date.now(),
        contentType: req.headers['content-type'] ?? contentType,
        body,
      });
    } catch (error) {
      log('error', 'could not persist a message; refusing it', { error: (error as Error).message });
      res.setHeader('retry-after', '5');
      return reply(res, 503, { error: 'relay could not persist the message; retry' });
    }
    forwarder.enqueue(entry);
    reply(res, 202, { accepted: true, seq: entry.seq, key: entry.key });
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  log('info', 'edge relay listening', {
    host: config.host,
    port,
    plant: config.plant,
    queued: replay.length,
  });

  return {
    port,
    url: `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`,
    health,
    close: async () => {
      await closeServer(server);
      await forwarder.stop();
      await segmentLog.close();
    },
  };
};

/** Reads the body up to `limit` bytes; undefined when it is larger. */
const readBody = (req: IncomingMessage, limit: number): Promise<string | undefined> =>
  new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      resolve(undefined);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) over = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(over ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

const reply = (res: ServerResponse, status: number, body: unknown, close = false): void => {
  res.writeHead(status, { 'content-type': 'application/json', ...(close ? { connection: 'close' } : {}) });
  res.end(JSON.stringify(body));
};

const metricsReply = (res: ServerResponse, h: HealthReport): void => {
  const lines = [
    '# HELP plantsync_edge_queued_messages Messages accepted and not yet delivered to the cloud.',
    '# TYPE plantsync_edge_queued_messages gauge',
    `plantsync_edge_queued_messages{plant="${h.plant}"} ${h.queued}`,
    '# HELP plantsync_edge_queued_bytes Bytes of messages not yet delivered.',
    '# TYPE plantsync_edge_queued_bytes gauge',
    `plantsync_edge_queued_bytes{plant="${h.plant}"} ${h.queuedBytes}`,
    '# HELP plantsync_edge_oldest_message_age_seconds Age of the oldest undelivered message.',
    '# TYPE plantsync_edge_oldest_message_age_seconds gauge',
    `plantsync_edge_oldest_message_age_seconds{plant="${h.plant}"} ${h.oldestAgeSeconds}`,
    '# HELP plantsync_edge_link_up 1 when the last cloud attempt got an answer, 0 when it failed.',
    '# TYPE plantsync_edge_link_up gauge',
    `plantsync_edge_link_up{plant="${h.plant}"} ${h.link === 'up' ? 1 : 0}`,
    '# TYPE plantsync_edge_delivered_total counter',
    `plantsync_edge_delivered_total{plant="${h.plant}"} ${h.delivered}`,
    '# TYPE plantsync_edge_dead_lettered_total counter',
    `plantsync_edge_dead_lettered_total{plant="${h.plant}"} ${h.refused}`,
    '# TYPE plantsync_edge_retries_total counter',
    `plantsync_edge_retries_total{plant="${h.plant}"} ${h.retries}`,
  ];
  res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
  res.end(`${lines.join('\n')}\n`);
};

const closeServer = (server: Server): Promise<void> =>
  new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
