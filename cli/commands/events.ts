import type { Command } from 'commander';
import { catalogue } from '../../events/catalogue';
import { schemaPath } from '../../events/json-schema';
import type { Io } from '../io';

export interface CatalogueRow {
  readonly source: string;
  readonly detailType: string;
  readonly version: number;
  readonly owner: string;
  readonly schema: string;
}

export const catalogueRows = (): CatalogueRow[] =>
  catalogue.map((d) => ({
    source: d.source,
    detailType: d.detailType,
    version: d.version,
    owner: d.owner,
    schema: schemaPath(d),
  }));

export const registerEvents = (program: Command, io: Io): void => {
  program
    .command('events')
    .description('list the canonical event catalogue')
    .option('--json', 'print a JSON array of { source, detailType, version, owner, schema }')
    .action((options: { json?: boolean }) => {
      const rows = catalogueRows();
      if (options.json) {
        io.out(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      const width = Math.max(...rows.map((r) => r.detailType.length));
      for (const r of rows) {
        io.out(`${r.detailType.padEnd(width)}  v${r.version}  ${r.owner.padEnd(11)}  ${r.source}\n`);
      }
      io.out(`${rows.length} event types; schemas in events/schemas/, docs in docs/events.md\n`);
    });
};
