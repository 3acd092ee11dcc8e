import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { memoryIo } from '../../../cli/io';
import { readAuditFile } from '../../../local/audit';
import { auditPath, endpointsPath, meteringPath, up } from '../../../local/runtime/cli';
import { registerLocal } from '../../../local/runtime/local-command';

const cdkOut = join(import.meta.dirname, '../../fixtures/local/assembly');

describe('local runtime CLI', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'plantsync-local-'));
  afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

  it('writes endpoints.json with every base URL while up, and removes it on stop', async () => {
    const printed: string[] = [];

    const { stop } = await up({ cdkOut, stateDir, out: (line) => printed.push(line), log: () => undefined });
    const file = JSON.parse(readFileSync(endpointsPath(stateDir), 'utf8')) as Record<string, unknown>;
    await stop();

    for (const key of ['eventbridge', 'sqs', 'dynamodb', 'stepfunctions', 'api']) {
      expect(file[key]).toEqual(expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+/));
    }
    expect(printed.join('\n')).toContain('Step Functions');
    expect(existsSync(endpointsPath(stateDir))).toBe(false);
    expect(existsSync(meteringPath(stateDir))).toBe(true);
  }, 60_000);

  it('records the audit trail to audit.jsonl, readable by trace after stop', async () => {
    const { runtime, audit, stop } = await up({
      cdkOut,
      stateDir,
      out: () => undefined,
      log: () => undefined,
    });
    await fetch(`${runtime.endpoints.api}/v1/orders`, {
      method: 'POST',
      body: '{"orderId":"A","quantity":"1"}',
      headers: {
        'content-type': 'application/json',
        'x-api-key': 'fixture-key-0123456789abcdef',
        'x-correlation-id': 'cli-corr-1',
      },
    });
    await stop();

    const trail = readAuditFile(auditPath(stateDir));

    expect(trail.skipped).toBe(0);
    expect(trail.store.trace('cli-corr-1').hops.map((h) => h.kind)).toEqual(['ingress']);
    expect(audit.trace('cli-corr-1').hops).toHaveLength(1);
  }, 60_000);

  it('runs "plantsync local up" until stopped and "local down" without a runtime says so', async () => {
    const io = memoryIo();
    const program = new Command('plantsync').exitOverride();
    registerLocal(program, io, { untilStopped: async () => undefined });

    await program.parseAsync(['local', 'up', '--cdk-out', cdkOut, '--state-dir', stateDir, '--quiet'], {
      from: 'user',
    });
    await program.parseAsync(['local', 'down', '--state-dir', stateDir], { from: 'user' });

    expect(io.stdout()).toContain('plantsync local runtime up in');
    expect(io.stdout()).toContain('local runtime stopped');
    expect(io.stdout()).toContain('no local runtime is running');
    expect(existsSync(endpointsPath(stateDir))).toBe(false);
  }, 60_000);

  it('refuses to start without a synthesized app', async () => {
    await expect(up({ cdkOut: join(stateDir, 'missing'), stateDir, out: () => undefined })).rejects.toThrow(
      'npm run synth',
    );
  });
});
