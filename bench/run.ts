/**
 * `npm run bench [-- suite...]`: runs the benchmark suites side by side and writes the results, with
 * the machine they ran on, into docs/benchmarks.md (between the generated markers).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { type ComparisonResult, machine } from './harness';
import { runTranslationBench } from './translation';

const DOC = new URL('../docs/benchmarks.md', import.meta.url);
const BEGIN = '<!-- bench:translation:begin -->';
const END = '<!-- bench:translation:end -->';

const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));

const table = (results: readonly ComparisonResult[]): string =>
  [
    '| payload | floor | floor µs/op | translate + validate µs/op | ratio | target | met |',
    '|---|---|---|---|---|---|---|',
    ...results.map(
      (r) =>
        `| ${r.name} | ${r.baselineLabel} | ${fmt(r.baselineUsPerOp)} | ${fmt(r.candidateUsPerOp)} | ${r.ratio.toFixed(2)}× | ≤ ${r.target}× | ${
          r.met ? 'yes' : `**no** (${((r.ratio / r.target - 1) * 100).toFixed(0)}% over)`
        } |`,
    ),
  ].join('\n');

const progress = (r: ComparisonResult) =>
  process.stdout.write(`  ${r.met ? '✓' : '✗'} ${r.name}: ${r.ratio.toFixed(2)}× (target ≤ ${r.target}×)\n`);

process.stdout.write(`plantsync benchmarks on ${machine()}\n\ntranslation vs bare parse\n`);
const translation = runTranslationBench(progress);

const section = `${BEGIN}\nMeasured ${new Date().toISOString().slice(0, 10)} on ${machine()}.\n\n${table(translation)}\n${END}`;
const existing = existsSync(DOC) ? readFileSync(DOC, 'utf8') : '';
const next = existing.includes(BEGIN)
  ? existing.replace(new RegExp(`${BEGIN}[\\s\\S]*?${END}`), section)
  : `${existing || '# Benchmarks\n'}\n## Translation throughput\n\n${section}\n`;
writeFileSync(DOC, next);
process.stdout.write(`\nwrote docs/benchmarks.md\n`);
