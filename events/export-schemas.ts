/**
 * Writes the JSON Schema of every canonical event type into events/schemas/.
 * Before overwriting a committed schema of the same major version it runs the compatibility check and
 * refuses a breaking change: a break needs a new major version, not an edit of the old one.
 *
 *   npm run schemas            write the schemas
 *   npm run schemas -- --check only report drift and breaks (exit 1 if any)
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { catalogue } from './catalogue';
import { type Consumers, renderCatalogueDoc } from './catalogue-doc';
import { findBreakingChanges } from './compat';
import { schemaPath, serializeSchema, toJsonSchema } from './json-schema';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface ExportResult {
  readonly written: string[];
  readonly unchanged: string[];
  readonly breaking: { file: string; messages: string[] }[];
  readonly stale: string[];
}

export const CATALOGUE_DOC = 'docs/events.md';

export const exportSchemas = (options: { write: boolean; consumers?: Consumers }): ExportResult => {
  const result: ExportResult = { written: [], unchanged: [], breaking: [], stale: [] };
  const doc = renderCatalogueDoc(options.consumers);
  const docPath = join(root, CATALOGUE_DOC);
  if (existsSync(docPath) && readFileSync(docPath, 'utf8') === doc) result.unchanged.push(CATALOGUE_DOC);
  else {
    if (options.write) {
      mkdirSync(dirname(docPath), { recursive: true });
      writeFileSync(docPath, doc);
    }
    result.written.push(CATALOGUE_DOC);
  }
  const expected = new Set<string>();
  for (const definition of catalogue) {
    const file = schemaPath(definition);
    expected.add(file);
    const absolute = join(root, file);
    const next = serializeSchema(toJsonSchema(definition));
    if (existsSync(absolute)) {
      const current = readFileSync(absolute, 'utf8');
      if (current === next) {
        result.unchanged.push(file);
        continue;
      }
      const breaks = findBreakingChanges(JSON.parse(current), JSON.parse(next));
      if (breaks.length > 0) {
        result.breaking.push({ file, messages: breaks.map((b) => `${b.kind} at ${b.path}: ${b.message}`) });
        continue;
      }
    }
    if (options.write) {
      mkdirSync(dirname(absolute), { recursive: true });
      writeFileSync(absolute, next);
    }
    result.written.push(file);
  }
  const schemasDir = join(root, 'events/schemas');
  if (existsSync(schemasDir)) {
    for (const sourceDir of readdirSync(schemasDir)) {
      for (const name of readdirSync(join(schemasDir, sourceDir))) {
        const file = relative(root, join(schemasDir, sourceDir, name));
        if (!expected.has(file)) result.stale.push(file);
      }
    }
  }
  return result;
};

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const check = process.argv.includes('--check');
  // The routing table says who consumes what; imported here only, so events/ stays free of infra/.
  const { consumersByDetailType } = await import('../infra/routing');
  const result = exportSchemas({ write: !check, consumers: consumersByDetailType() });
  for (const file of result.written) console.log(`${check ? 'differs ' : 'wrote   '} ${file}`);
  for (const { file, messages } of result.breaking) {
    console.error(`BREAKING ${file}\n  ${messages.join('\n  ')}\n  -> define a new major version instead`);
  }
  for (const file of result.stale) console.error(`stale    ${file} (no event type produces it)`);
  console.log(
    `${catalogue.length} event types: ${result.unchanged.length} unchanged, ${result.written.length} ${check ? 'differ' : 'written'}`,
  );
  const failed =
    result.breaking.length > 0 || (check && (result.written.length > 0 || result.stale.length > 0));
  process.exit(failed ? 1 : 0);
}
