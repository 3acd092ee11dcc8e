import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Relay, startRelay } from '../../../edge/src/relay';
import { InMemorySeenKeys } from '../../../functions/mes-ingress/dedup';
import { createMesIngress } from '../../../functions/mes-ingress/ingress';
import { PlantsyncError } from '../../../shared/errors';
import type { PublishRequest } from '../../../shared/publisher';

/**
 * The relay in front of the real ingress logic. The first answers are lost after the ingress has
 * published (the socket is cut), so the relay resends; the ingress must publish each fact once.
 */
describe('edge relay → MES ingress', () => {
  let server: Server;
  let relay: Relay | undefined;
  let dataDir: string;
  const published: PublishRequest[] = [];
  let answersToLose = 3;

  beforeAll(async () => {
    const ingress = createMesIngress({
      plants: new Set(['1010']),
      publisher: {
        publish: async (requests) => {
          published.push(...requests);
        },
      },
      seen: new InMemorySeenKeys(),
    });
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        try {
          const result = await ingress({
            method: 'POST',
            path: req.url ?? '',
            pathParameters: { plant: '1010' },
            query: {},
            headers: { 'content-type': req.headers['content-type'] },
            rawBody: Buffer.concat(chunks).toString('utf8'),
            json: () => {
              throw new Error('unused');
            },
          });
          if (answersToLose > 0) {
            answersToLose--;
            req.socket.destroy(); // published, but the answer never reaches the relay
            return;
          }
          res
            .writeHead(result.statusCode, { 'content-type': 'application/json' })
            .end(JSON.stringify(result.body));
        } catch (error) {
          const status = error instanceof PlantsyncError ? error.httpStatus : 500;
          res.writeHead(status).end(JSON.stringify({ message: (error as Error).message }));
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    dataDir = await mkdtemp(join(tmpdir(), 'edge-ingress-'));
  });
  afterAll(async () => {
    await relay?.close();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    await rm(dataDir, { recursive: true, force: true });
  });

  it('publishes every fact exactly once although the relay resends after lost answers', async () => {
    relay = await startRelay(
      {
        plant: '1010',
        host: '127.0.0.1',
        port: 0,
        dataDir,
        cloudUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/mes/1010/events`,
        maxBodyBytes: 65536,
        maxQueuedBytes: 1 << 20,
        requestTimeoutMs: 2000,
        backoffBaseMs: 5,
        backoffMaxMs: 20,
        segmentBytes: 4096,
      },
      () => undefined,
    );
    const states = ['RUNNING', 'IDLE', 'SETUP', 'RUNNING', 'FAULT'];

    for (const [i, state] of states.entries()) {
      const response = await fetch(`${relay.url}/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          eventId: `EVT-${i}`,
          eventType: 'machine.state-changed',
          occurredAt: `2026-11-25T07:1${i}:00+01:00`,
          equipmentId: '10000042',
          state,
        }),
      });
      expect(response.status).toBe(202);
    }
    while (relay.health().queued > 0) await new Promise((r) => setTimeout(r, 10));

    expect(published.map((p) => p.idempotencyKey)).toEqual(states.map((_, i) => `mes:json:EVT-${i}`));
    expect(published.map((p) => (p.data as { state: string }).state)).toEqual([
      'running',
      'idle',
      'setup',
      'running',
      'down',
    ]);
    expect(relay.health().retries).toBeGreaterThanOrEqual(3);
  });
});
