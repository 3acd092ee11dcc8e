import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { memoryIo } from '../../../cli/io';
import { JsonlAuditWriter, MemoryAuditStore } from '../../../local/audit';
import { registerTrace } from '../../../local/audit/trace-command';
import { NotFoundError } from '../../../shared/errors';
import { hop, order } from './hop-builders';

const trail = (): MemoryAuditStore => {
  const store = new MemoryAuditStore();
  store.record(
    hop({
      correlationId: 'corr-release-1',
      kind: 'ingress',
      component: 'sap-idoc-ingress',
      at: '2026-11-25T06:00:00.000Z',
      detailType: 'ProductionOrderReleased',
      plant: '1010',
      keys: [order('1000123')],
    }),
  );
  store.record(
    hop({
      correlationId: 'corr-release-1',
      kind: 'outbound-call',
      component: 'mes-publisher',
      at: '2026-11-25T06:00:01.250Z',
      durationMs: 5000,
      target: 'mes:POST /orders',
      outcome: 'error',
      error: { name: 'TransientError', message: 'MES answered 503' },
    }),
  );
  store.record(
    hop({
      correlationId: 'corr-release-1',
      kind: 'dead-lettered',
      component: 'mes-publisher',
      at: '2026-11-25T06:00:07.000Z',
      target: 'mes-publisher-dlq',
      outcome: 'error',
      error: { name: 'TransientError', message: 'retries exhausted' },
    }),
  );
  return store;
};

const runTrace = async (args: string[], store = trail()) => {
  const io = memoryIo();
  const program = new Command('plantsync').exitOverride();
  registerTrace(program, io, { load: () => store, color: false });
  await program.parseAsync(['trace', ...args], { from: 'user' });
  return io;
};

describe('plantsync trace', () => {
  it('prints a timeline in time order with the failing hop marked and explained', async () => {
    const io = await runTrace(['1000123']);

    const out = io.stdout();
    expect(out).toContain('trace 1000123 (business key): 1 correlation(s), 3 hop(s), FAILED');
    expect(out).toContain('correlation corr-release-1  plant 1010  order:1000123');
    const rows = out.split('\n').filter((l) => /^\S?\s+\d\d:\d\d:\d\d\.\d{3}/.test(l));
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatch(/^ {2}06:00:00\.000\s+\+0\.000s\s+ingress\s+sap-idoc-ingress\s+ok/);
    expect(rows[1]).toMatch(/^✗ 06:00:01\.250\s+\+1\.250s\s+outbound-call\s+mes-publisher\s+ERROR\s+5000 ms/);
    expect(rows[1]).toContain('→ mes:POST /orders  TransientError: MES answered 503');
    expect(rows[2]).toMatch(/^! /);
    expect(out).toContain('where it failed: outbound-call in mes-publisher at 2026-11-25T06:00:01.250Z');
    expect(out).toContain('see `plantsync dlq list`');
  });

  it('colours the failing hop red when asked to', async () => {
    const io = memoryIo();
    const program = new Command('plantsync').exitOverride();
    registerTrace(program, io, { load: () => trail(), color: true });

    await program.parseAsync(['trace', 'corr-release-1'], { from: 'user' });

    const failing = io
      .stdout()
      .split('\n')
      .find((l) => l.includes('06:00:01.250'));
    expect(failing?.startsWith('\u001b[1;31m✗ 06:00:01.250')).toBe(true);
    expect(failing?.endsWith('\u001b[0m')).toBe(true);
  });

  it('gives machines the whole trace as JSON', async () => {
    const io = await runTrace(['corr-release-1', '--json']);

    const trace = JSON.parse(io.stdout());
    expect(trace.matchedBy).toBe('correlation');
    expect(trace.hops).toHaveLength(3);
    expect(trace.failure.hop.component).toBe('mes-publisher');
    expect(trace.failure.recovered).toBe(false);
  });

  it('says no hop failed for a clean flow', async () => {
    const store = new MemoryAuditStore();
    store.record(hop({ correlationId: 'ok-1', keys: [order('5')] }));

    const io = await runTrace(['5'], store);

    expect(io.stdout()).toContain('no failure');
    expect(io.stdout()).toContain('no hop failed');
  });

  it('refuses an id or key nothing was recorded for', async () => {
    await expect(runTrace(['999'])).rejects.toThrow(NotFoundError);
  });

  it('reads the local runtime trail under PLANTSYNC_HOME by default', async () => {
    const home = mkdtempSync(join(tmpdir(), 'plantsync-trace-'));
    const writer = new JsonlAuditWriter(join(home, '.plantsync', 'local', 'audit.jsonl'));
    for (const h of trail().hops()) writer.record(h);
    writer.close();
    const previous = process.env.PLANTSYNC_HOME;
    process.env.PLANTSYNC_HOME = home;
    try {
      const io = memoryIo();
      const program = new Command('plantsync').exitOverride();
      registerTrace(program, io, { color: false });

      await program.parseAsync(['trace', 'order:1000123'], { from: 'user' });

      expect(io.stdout()).toContain('3 hop(s), FAILED');
    } finally {
      if (previous === undefined) delete process.env.PLANTSYNC_HOME;
      else process.env.PLANTSYNC_HOME = previous;
    }
  });

  it('explains how to get a trail when there is none (exit code 2)', async () => {
    const io = memoryIo();
    const program = new Command('plantsync').exitOverride();
    registerTrace(program, io);

    await expect(
      program.parseAsync(['trace', '1', '--file', join(tmpdir(), 'no-such-audit.jsonl')], { from: 'user' }),
    ).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('run the local runtime first') });
  });
});
