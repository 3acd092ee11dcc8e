import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Starts the relay as its own process (as on a plant host) and resolves with its local URL. */
const startProcess = (args: string[]): Promise<{ child: ChildProcess; url: string }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'edge/main.ts', ...args], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.includes('edge relay listening'));
      if (line) resolve({ child, url: `http://127.0.0.1:${(JSON.parse(line) as { port: number }).port}` });
    });
    child.stderr?.resume();
    child.once('exit', (code) => reject(new Error(`relay exited with ${code} before listening`)));
  });

describe('edge relay process', () => {
  let cloud: Server;
  let dataDir: string;
  let linkUp = false;
  const delivered: string[] = [];
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    cloud = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (!linkUp) {
          req.socket.destroy();
          return;
        }
        delivered.push((JSON.parse(Buffer.concat(chunks).toString()) as { eventId: string }).eventId);
        res.writeHead(202).end('{}');
      });
    });
    await new Promise<void>((r) => cloud.listen(0, '127.0.0.1', r));
    dataDir = await mkdtemp(join(tmpdir(), 'edge-crash-'));
  });
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    cloud.closeAllConnections();
    await new Promise<void>((r) => cloud.close(() => r()));
    await rm(dataDir, { recursive: true, force: true });
  });

  it('loses nothing it acknowledged when killed with SIGKILL and started again', async () => {
    const args = [
      '--plant',
      '1010',
      '--port',
      '0',
      '--data-dir',
      dataDir,
      '--cloud-url',
      `http://127.0.0.1:${(cloud.address() as AddressInfo).port}/v1/mes/{plant}/events`,
      '--backoff-base-ms',
      '5',
      '--backoff-max-ms',
      '50',
    ];
    const first = await startProcess(args);
    children.push(first.child);
    const ids = Array.from({ length: 20 }, (_, i) => `EVT-${String(i).padStart(2, '0')}`);
    for (const id of ids) {
      const response = await fetch(`${first.url}/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-equipment-id': '10000042' },
        body: JSON.stringify({ eventId: id }),
      });
      expect(response.status).toBe(202);
    }

    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    linkUp = true;
    const second = await startProcess(args);
    children.push(second.child);
    let health = { queued: -1 };
    while (health.queued !== 0) {
      await new Promise((r) => setTimeout(r, 20));
      health = (await (await fetch(`${second.url}/health`)).json()) as { queued: number };
    }

    expect([...new Set(delivered)]).toEqual(ids);
  });
});
