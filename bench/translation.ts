/**
 * Translation throughput of each connector vs parsing the same payload with the bare parser (the floor):
 * translate + validate should stay within 1.3× the bare parse.
 */
import { readFileSync } from 'node:fs';
import { XMLParser } from 'fast-xml-parser';
import { translateMaintainxWebhook } from '../functions/maintenance';
import { translateB2mml, translateMesJson } from '../functions/mes';
import { translateSapIdoc } from '../functions/sap';
import { type Comparison, type ComparisonResult, compare } from './harness';

const TARGET = 1.3;
const fixture = (path: string) => readFileSync(new URL(`../test/fixtures/${path}`, import.meta.url), 'utf8');

export const translationComparisons = (): Comparison[] => {
  const bareXml = new XMLParser({ ignoreAttributes: false });
  const idoc = fixture('sap/idoc/loipro01-batch.xml');
  const b2mml = fixture('mes/b2mml/v0700-sync-operations-performance.xml');
  const mesJson = fixture('mes/json/events-batch.json');
  const webhook = fixture('maintenance/maintainx/status-change-done.json');
  return [
    {
      name: 'SAP IDoc (LOIPRO01 batch)',
      baseline: { label: 'fast-xml-parser parse', run: () => bareXml.parse(idoc) },
      candidate: { label: 'translate + validate', run: () => translateSapIdoc(idoc) },
      target: TARGET,
    },
    {
      name: 'MES B2MML (V0700 OperationsPerformance)',
      baseline: { label: 'fast-xml-parser parse', run: () => bareXml.parse(b2mml) },
      candidate: { label: 'translate + validate', run: () => translateB2mml(b2mml, { plant: '1010' }) },
      target: TARGET,
    },
    {
      name: 'MES REST/JSON (event batch)',
      baseline: { label: 'JSON.parse', run: () => JSON.parse(mesJson) },
      candidate: { label: 'translate + validate', run: () => translateMesJson(mesJson, { plant: '1010' }) },
      target: TARGET,
    },
    {
      name: 'MaintainX webhook (work order status change)',
      baseline: { label: 'JSON.parse', run: () => JSON.parse(webhook) },
      candidate: {
        label: 'translate + validate',
        run: () => translateMaintainxWebhook(webhook, { plant: '1010' }),
      },
      target: TARGET,
    },
  ];
};

export const runTranslationBench = (onResult: (r: ComparisonResult) => void): ComparisonResult[] =>
  translationComparisons().map((c) => {
    const result = compare(c);
    onResult(result);
    return result;
  });
