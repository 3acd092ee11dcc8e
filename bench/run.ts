/**
 * `npm run bench [-- suite...]`: runs the benchmark suites side by side and writes the results, with
 * the machine they ran on, into docs/benchmarks.md (between each suite's generated markers). Suites:
 * `translation`, `bundles` (default: all).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { type BundleResult, INIT_TARGET_MS, runBundleBench, SIZE_TARGET_KB } from './bundles';
import { type ComparisonResult, machine } from './harness';
import { loadBundledCode, runBreakdownBench, runTranslationBench } from './translation';

const DOC = new URL('../docs/benchmarks.md', import.meta.url);

const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));
const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
const over = (value: number, target: number) => `**no** (${((value / target - 1) * 100).toFixed(0)}% over)`;

const translationTable = (results: readonly ComparisonResult[]): string =>
  [
    '| payload | floor | floor µs/op | translate + validate µs/op | ratio | target | met |',
    '|---|---|---|---|---|---|---|',
    ...results.map(
      (r) =>
        `| ${r.name} | ${r.baselineLabel} | ${fmt(r.baselineUsPerOp)} | ${fmt(r.candidateUsPerOp)} | ${r.ratio.toFixed(2)}× | ≤ ${r.target}× | ${
          r.met ? 'yes' : over(r.ratio, r.target)
        } |`,
    ),
  ].join('\n');

const breakdownTable = (results: readonly ComparisonResult[]): string =>
  [
    '| payload | step | floor | step µs/op | floor µs/op | step / floor |',
    '|---|---|---|---|---|---|',
    ...results.map(
      (r) =>
        `| ${r.name} | ${r.candidateLabel} | ${r.baselineLabel} | ${fmt(r.candidateUsPerOp)} | ${fmt(r.baselineUsPerOp)} | ${r.ratio.toFixed(2)}× |`,
    ),
  ].join('\n');

const bundleTable = (results: readonly BundleResult[]): string =>
  [
    `| function | minified | ≤ ${SIZE_TARGET_KB} KB | import CPU ms | empty CPU ms | over empty | ≤ ${INIT_TARGET_MS} ms | import wall ms (empty) | largest parts | if \`import * as z\` | its import CPU ms | … and SDK external |`,
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...results.map(
      (r) =>
        `| ${r.name} | ${kb(r.bytes)} | ${r.sizeMet ? 'yes' : over(r.bytes, SIZE_TARGET_KB * 1024)} | ${fmt(r.initCpuMs)} | ${fmt(r.emptyInitCpuMs)} | ${fmt(r.initOverMs)} ms | ${
          r.initMet ? 'yes' : `**no** (${fmt(r.initOverMs - INIT_TARGET_MS)} ms over)`
        } | ${fmt(r.initMs)} (${fmt(r.emptyInitMs)}) | ${r.top.map((t) => `${t.name} ${kb(t.bytes)}`).join(', ')} | ${kb(r.bytesZodNamespace)} | ${fmt(r.initCpuMsZodNamespace)} | ${kb(r.bytesZodNamespaceSdkExternal)} |`,
    ),
  ].join('\n');

const writeSection = (suite: string, title: string, body: string): void => {
  const begin = `<!-- bench:${suite}:begin -->`;
  const end = `<!-- bench:${suite}:end -->`;
  // The load average says how busy the shared machine was (other work competes for its 2 cores).
  const load = loadavg()[0]?.toFixed(1) ?? '?';
  const section = `${begin}\nMeasured ${new Date().toISOString().slice(0, 10)} on ${machine()}; load average ${load} when written.\n\n${body}\n${end}`;
  const existing = existsSync(DOC) ? readFileSync(DOC, 'utf8') : '# Benchmarks\n';
  const next = existing.includes(begin)
    ? existing.replace(new RegExp(`${begin}[\\s\\S]*?${end}`), () => section)
    : `${existing.trimEnd()}\n\n## ${title}\n\n${section}\n`;
  writeFileSync(DOC, next);
};

const requested = process.argv.slice(2);
const wants = (suite: string) => requested.length === 0 || requested.includes(suite);

process.stdout.write(`plantsync benchmarks on ${machine()}\n`);

if (wants('translation')) {
  process.stdout.write('\ntranslation vs bare parse\n');
  const code = await loadBundledCode();
  const results = runTranslationBench(code, (r) =>
    process.stdout.write(
      `  ${r.met ? '✓' : '✗'} ${r.name}: ${r.ratio.toFixed(2)}× (target ≤ ${r.target}×)\n`,
    ),
  );
  process.stdout.write('  where the time over the floor goes:\n');
  const steps = runBreakdownBench(code, (r) =>
    process.stdout.write(`    ${r.name}, ${r.candidateLabel}: ${r.ratio.toFixed(2)}× ${r.baselineLabel}\n`),
  );
  writeSection(
    'translation',
    'Translation throughput',
    `${translationTable(results)}\n\nWhere the time over the floor goes (single steps, measured side by side with the same floor):\n\n${breakdownTable(steps)}`,
  );
}

if (wants('bundles')) {
  process.stdout.write('\nbundle size and cold-start initialisation vs an empty function\n');
  const results = await runBundleBench((r) =>
    process.stdout.write(
      `  ${r.sizeMet && r.initMet ? '✓' : '✗'} ${r.name}: ${kb(r.bytes)} (≤ ${SIZE_TARGET_KB} KB), ` +
        `import ${fmt(r.initCpuMs)} ms CPU (${fmt(r.initMs)} ms wall) vs empty ${fmt(r.emptyInitCpuMs)} ms CPU (≤ +${INIT_TARGET_MS} ms)\n`,
    ),
  );
  writeSection('bundles', 'Bundle size and cold start', bundleTable(results));
}

process.stdout.write('\nwrote docs/benchmarks.md\n');
