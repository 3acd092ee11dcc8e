import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RelayConfig } from '../../../edge/src/config';
import { type Relay, startRelay } from '../../../edge/src/relay';

type Mode = 'up' | 'cut' | 'unavailable' | 'refuse-bad';

/** A fake cloud ingress on 127.0.0.1: records deliveries; can cut the link or answer 503. */
const fakeCloud = async () => {
  const state = {
    mode: 'up' as Mode,
    delivered: [] as { equipment: string; id: string }[],
    failedAttempts: 0,
    authorizations: [] as string[],
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (state.mode === 'cut') {
        state.failedAttempts++;
        req.socket.destroy(); // the link is down: no answer at all
        return;
      }
      if (state.mode === 'unavailable') {
        state.failedAttempts++;
        res.writeHead(503, { 'retry-after': '0' }).end('{"message":"maintenance"}');
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        eventId: string;
        equipmentId: string;
      };
      if (body.eventId.startsWith('BAD')) {
        res.writeHead(400, { 'content-type': 'application/json' }).end('{"message":"unknown machine state"}');
        return;
      }
      state.delivered.push({ equipment: String(req.headers['x-equipment-id']), id: body.eventId });
      if (req.headers.authorization) state.authorizations.push(req.headers.authorization);
      res.writeHead(202, { 'content-type': 'application/json' }).end('{"accepted":1}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/mes/1010/events`;
  return {
    state,
    url,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
};

/** Polls until the condition holds; the jest timeout bounds it. */
const until = async (condition: () => boolean | Promise<boolean>): Promise<void> => {
  while (!(await condition())) await new Promise((r) => setTimeout(r, 10));
};

const post = async (relay: Relay, equipmentId: string, eventId: string) => {
  const response = await fetch(`${relay.url}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      eventId,
      eventType: 'machine.state-changed',
      occurredAt: '2026-11-25T07:10:00+01:00',
      equipmentId,
      state: 'RUNNING',
    }),
  });
  expect(response.status).toBe(202);
};

describe('plant edge relay', () => {
  let cloud: Awaited<ReturnType<typeof fakeCloud>>;
  let dataDir: string;
  let relay: Relay | undefined;
  const config = (): RelayConfig => ({
    plant: '1010',
    host: '127.0.0.1',
    port: 0,
    dataDir,
    cloudUrl: cloud.url,
    maxBodyBytes: 64 * 1024,
    maxQueuedBytes: 10 * 1024 * 1024,
    requestTimeoutMs: 2_000,
    backoffBaseMs: 5,
    backoffMaxMs: 40,
    segmentBytes: 4096,
  });
  const quiet = () => undefined;

  beforeEach(async () => {
    cloud = await fakeCloud();
    dataDir = await mkdtemp(join(tmpdir(), 'edge-relay-'));
  });
  afterEach(async () => {
    await relay?.close();
    relay = undefined;
    await cloud.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('delivers every event in order per equipment across a cut link and a relay restart, losing none', async () => {
    const sent: { equipment: string; id: string }[] = [];
    const send = async (r: Relay, equipment: string) => {
      const id = `EVT-${String(sent.length + 1).padStart(3, '0')}`;
      sent.push({ equipment, id });
      await post(r, equipment, id);
    };
    const machines = ['10000042', '10000077', '10000108'];

    // Link up: the first events flow straight through.
    relay = await startRelay(config(), quiet);
    for (let i = 0; i < 6; i++) await send(relay, machines[i % 3] as string);
    await until(() => cloud.state.delivered.length === 6);

    // Cut the link: the relay keeps accepting (durably) and keeps retrying.
    cloud.state.mode = 'cut';
    for (let i = 0; i < 12; i++) await send(relay, machines[i % 2] as string);
    await until(() => cloud.state.failedAttempts >= 6 && relay?.health().link === 'down');
    expect(relay.health()).toMatchObject({ queued: 12, status: 'degraded' });

    // Restart the relay midway, link still down: nothing is lost, the backlog is replayed from disk.
    await relay.close();
    relay = await startRelay(config(), quiet);
    expect(relay.health().queued).toBe(12);
    for (let i = 0; i < 6; i++) await send(relay, machines[(i + 1) % 3] as string);
    cloud.state.mode = 'unavailable';
    const failedBefore = cloud.state.failedAttempts;
    await until(() => cloud.state.failedAttempts > failedBefore + 3);

    // Restore the link.
    cloud.state.mode = 'up';
    await until(() => relay?.health().queued === 0);

    const deliveredIds = cloud.state.delivered.map((d) => d.id);
    expect(new Set(deliveredIds)).toEqual(new Set(sent.map((s) => s.id)));
    for (const machine of machines) {
      const firstDeliveries = [
        ...new Set(cloud.state.delivered.filter((d) => d.equipment === machine).map((d) => d.id)),
      ];
      expect(firstDeliveries).toEqual(sent.filter((s) => s.equipment === machine).map((s) => s.id));
    }
    expect(relay.health()).toMatchObject({ link: 'up', queued: 0, oldestAgeSeconds: 0 });
  });

  it('dead-letters a message the cloud refuses for good and carries on with the next', async () => {
    relay = await startRelay(config(), quiet);

    await post(relay, '10000042', 'BAD-001');
    await post(relay, '10000042', 'EVT-002');
    await until(() => relay?.health().queued === 0);

    expect(cloud.state.delivered.map((d) => d.id)).toEqual(['EVT-002']);
    const deadLetters = await readFile(join(dataDir, 'dead-letters.jsonl'), 'utf8');
    expect(JSON.parse(deadLetters.trim())).toMatchObject({
      status: 400,
      reason: 'unknown machine state',
      key: '10000042',
    });
    expect(relay.health().refused).toBe(1);
  });

  it('refuses an oversize body with 413 and an unsupported content type with 415', async () => {
    relay = await startRelay(config(), quiet);

    const big = await fetch(`${relay.url}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"pad":"${'x'.repeat(70 * 1024)}"}`,
    });
    const text = await fetch(`${relay.url}/events`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'hi',
    });

    expect(big.status).toBe(413);
    expect(text.status).toBe(415);
    expect(relay.health().queued).toBe(0);
  });

  it('exposes queue depth and oldest age as health JSON and Prometheus metrics', async () => {
    cloud.state.mode = 'cut';
    relay = await startRelay(config(), quiet);
    await post(relay, '10000042', 'EVT-001');

    const health = (await (await fetch(`${relay.url}/health`)).json()) as Record<string, unknown>;
    const metrics = await (await fetch(`${relay.url}/metrics`)).text();

    expect(health).toMatchObject({ plant: '1010', queued: 1 });
    expect(typeof health.oldestAgeSeconds).toBe('number');
    expect(metrics).toContain('plantsync_edge_queued_messages{plant="1010"} 1');
    expect(metrics).toContain('plantsync_edge_oldest_message_age_seconds{plant="1010"}');
  });
  it('refuses new messages with 503 and Retry-After once the backlog limit is reached', async () => {
    cloud.state.mode = 'cut';
    relay = await startRelay({ ...config(), maxQueuedBytes: 200 }, quiet);
    await post(relay, '10000042', 'EVT-001');

    const refused = await fetch(`${relay.url}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ eventId: 'EVT-002', equipmentId: '10000042', pad: 'x'.repeat(100) }),
    });

    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('30');
    expect(relay.health().queued).toBe(1);
  });
  it('signs every forwarded request with SigV4 when configured for an IAM-authenticated ingress', async () => {
    const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'TOKEN1' };
    relay = await startRelay(
      { ...config(), aws: { region: 'eu-central-1', credentials: () => credentials } },
      quiet,
    );

    await post(relay, '10000042', 'EVT-001');
    await until(() => cloud.state.delivered.length === 1);

    expect(cloud.state.authorizations[0]).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-central-1\/execute-api\/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token;x-equipment-id;x-plantsync-relay;x-plantsync-relay-seq, Signature=[0-9a-f]{64}$/,
    );
  });
});
