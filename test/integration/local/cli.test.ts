import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { endpointsPath, meteringPath, up } from '../../../local/runtime/cli';

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

  it('refuses to start without a synthesized app', async () => {
    await expect(up({ cdkOut: join(stateDir, 'missing'), stateDir, out: () => undefined })).rejects.toThrow(
      'npm run synth',
    );
  });
});
