import { existsSync } from 'node:fs';
import { memoryIo } from '../../../cli/io';
import { run } from '../../../cli/main';
import { catalogue } from '../../../events';

const capture = async (argv: string[]) => {
  const io = memoryIo();
  const code = await run(argv, io);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
};

describe('plantsync events', () => {
  it('prints the catalogue as JSON with an existing schema file for every type', async () => {
    const { code, stdout } = await capture(['events', '--json']);
    expect(code).toBe(0);
    const rows = JSON.parse(stdout) as {
      source: string;
      detailType: string;
      version: number;
      owner: string;
      schema: string;
    }[];
    expect(rows).toHaveLength(catalogue.length);
    expect(rows[0]).toEqual({
      source: 'plantsync.sap',
      detailType: 'ProductionOrderReleased',
      version: 1,
      owner: 'sap',
      schema: 'events/schemas/plantsync.sap/ProductionOrderReleased.v1.json',
    });
    for (const row of rows) expect(existsSync(row.schema)).toBe(true);
  });

  it('lists the commands in --help and exits 2 on an unknown command', async () => {
    const help = await capture(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('events');
    const unknown = await capture(['teleport']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'teleport'");
  });
});
