/**
 * Translation throughput of each connector vs parsing the same payload with the bare parser (the floor):
 * translate + validate should stay within 1.3× the bare parse. Both sides come from one bundle built with
 * infra's esbuild options (see translation-entry.ts), so the measured code is the code that ships.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { infraOptions } from './bundles';
import { type Comparison, type ComparisonResult, compare } from './harness';

type Code = typeof import('./translation-entry');

const TARGET = 1.3;
const fixture = (path: string) => readFileSync(new URL(`../test/fixtures/${path}`, import.meta.url), 'utf8');

/** Bundles translation-entry.ts like a function and imports it. */
export const loadBundledCode = async (): Promise<Code> => {
  const dir = mkdtempSync(join(tmpdir(), 'plantsync-translation-'));
  try {
    const outfile = join(dir, 'translation.mjs');
    await build(infraOptions(new URL('./translation-entry.ts', import.meta.url).pathname, outfile));
    return (await import(pathToFileURL(outfile).href)) as Code;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

export const translationComparisons = (code: Code): Comparison[] => {
  const bareXml = new code.XMLParser({ ignoreAttributes: false });
  const idoc = fixture('sap/idoc/loipro01-batch.xml');
  const b2mml = fixture('mes/b2mml/v0700-sync-operations-performance.xml');
  const mesJson = fixture('mes/json/events-batch.json');
  const webhook = fixture('maintenance/maintainx/status-change-done.json');
  return [
    {
      name: 'SAP IDoc (LOIPRO01 batch)',
      baseline: { label: 'fast-xml-parser parse', run: () => bareXml.parse(idoc) },
      candidate: { label: 'translate + validate', run: () => code.translateSapIdoc(idoc) },
      target: TARGET,
    },
    {
      name: 'MES B2MML (V0700 OperationsPerformance)',
      baseline: { label: 'fast-xml-parser parse', run: () => bareXml.parse(b2mml) },
      candidate: { label: 'translate + validate', run: () => code.translateB2mml(b2mml, { plant: '1010' }) },
      target: TARGET,
    },
    {
      name: 'MES REST/JSON (event batch)',
      baseline: { label: 'JSON.parse', run: () => JSON.parse(mesJson) },
      candidate: {
        label: 'translate + validate',
        run: () => code.translateMesJson(mesJson, { plant: '1010' }),
      },
      target: TARGET,
    },
    {
      name: 'MaintainX webhook (work order status change)',
      baseline: { label: 'JSON.parse', run: () => JSON.parse(webhook) },
      candidate: {
        label: 'translate + validate',
        run: () => code.translateMaintainxWebhook(webhook, { plant: '1010' }),
      },
      target: TARGET,
    },
  ];
};

/**
 * Where the time over the floor goes: single steps of the translations, each measured side by side with
 * the same floor, so the analysis in docs/benchmarks.md can say why a target is missed. Informational:
 * no target.
 */
export const breakdownComparisons = (code: Code): Comparison[] => {
  const bareXml = new code.XMLParser({ ignoreAttributes: false });
  const idoc = fixture('sap/idoc/loipro01-batch.xml');
  const b2mml = fixture('mes/b2mml/v0700-sync-operations-performance.xml');
  const mesJson = fixture('mes/json/events-batch.json');
  const webhook = fixture('maintenance/maintainx/status-change-done.json');
  const mesEvents = (JSON.parse(mesJson) as { events: { occurredAt: string }[] }).events;
  const webhookBody: unknown = JSON.parse(webhook);
  const metadata = code.translateMesJson(mesJson, { plant: '1010' }).map((e) => e.detail.metadata);
  const step = (name: string, floor: Comparison['baseline'], label: string, run: () => unknown) => ({
    name,
    baseline: floor,
    candidate: { label, run },
    target: Number.POSITIVE_INFINITY,
  });
  const parseIdoc = { label: 'fast-xml-parser parse', run: () => bareXml.parse(idoc) };
  const parseB2mml = { label: 'fast-xml-parser parse', run: () => bareXml.parse(b2mml) };
  const parseMes = { label: 'JSON.parse', run: () => JSON.parse(mesJson) };
  const parseWebhook = { label: 'JSON.parse', run: () => JSON.parse(webhook) };
  return [
    step('SAP IDoc', parseIdoc, 'XMLValidator.validate (well-formedness)', () =>
      code.XMLValidator.validate(idoc),
    ),
    step('MES B2MML', parseB2mml, 'XMLValidator.validate (well-formedness)', () =>
      code.XMLValidator.validate(b2mml),
    ),
    step('MES REST/JSON', parseMes, 'wire schema (zod) of every event', () =>
      mesEvents.map((e) => code.MesWireEvent.safeParse(e)),
    ),
    step('MES REST/JSON', parseMes, 'envelope metadata schema (zod) of every event', () =>
      metadata.map((m) => code.Metadata.safeParse(m)),
    ),
    step('MES REST/JSON', parseMes, 'ISO 8601 Timestamp (zod regex) of every occurredAt', () =>
      mesEvents.map((e) => code.Timestamp.safeParse(e.occurredAt)),
    ),
    step('MaintainX webhook', parseWebhook, 'vendor payload schema (zod)', () =>
      code.WorkOrderStatusChangePayload.safeParse(webhookBody),
    ),
  ];
};

export const runTranslationBench = (
  code: Code,
  onResult: (r: ComparisonResult) => void,
): ComparisonResult[] =>
  translationComparisons(code).map((c) => {
    const result = compare(c);
    onResult(result);
    return result;
  });

export const runBreakdownBench = (code: Code, onResult: (r: ComparisonResult) => void): ComparisonResult[] =>
  breakdownComparisons(code).map((c) => {
    const result = compare(c, { rounds: 8, batchMs: 25, warmMs: 150 });
    onResult(result);
    return result;
  });
