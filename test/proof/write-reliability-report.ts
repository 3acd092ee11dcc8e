/**
 * `npx tsx test/proof/write-reliability-report.ts [--only bad-input|security|gaps]`: runs the bad-input
 * catalogue (without jest) and the static security rules over an offline synth of every environment,
 * and writes both sections of docs/reliability.md between their markers. Exits 1 when an entry or
 * a rule fails, after writing, so the document always shows the current state.
 */
// Quiet the shared Powertools logger and metrics before any handler module is loaded.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;

const { evaluateAll } = await import('./run-catalogue');

if (only === 'gaps') {
  // Known gaps: which are fixed now (their entry passes) and can move into the catalogue.
  const { GAP_CASES } = await import('./bad-input-catalogue');
  for (const v of await evaluateAll(GAP_CASES)) {
    const o = v.observation;
    const verdict = v.problems.length === 0 ? 'FIXED' : 'open ';
    console.log(
      `${verdict} ${v.entry.ingress}: ${v.entry.kind} -> ${o.status} ${o.outcome} ${o.reason.slice(0, 120)}`,
    );
  }
  process.exit(0);
}
const { renderBadInputSection, renderSecuritySection, RELIABILITY_DOC, writeSections } = await import(
  './report'
);

const sections: { 'bad-input'?: string; security?: string } = {};
let failures = 0;

if (only === undefined || only === 'bad-input') {
  const verdicts = await evaluateAll();
  sections['bad-input'] = renderBadInputSection(verdicts);
  const failing = verdicts.filter((v) => v.problems.length > 0);
  failures += failing.length;
  for (const v of failing)
    console.error(`bad input "${v.entry.kind}" (${v.entry.ingress}): ${v.problems.join('; ')}`);
  console.log(`bad input: ${verdicts.length} kinds, ${failing.length} not as expected`);
}

if (only === undefined || only === 'security') {
  const { analyze, ENVIRONMENT_NAMES, synthesizeEnvironment } = await import('./security');
  const summary = analyze(ENVIRONMENT_NAMES.map(synthesizeEnvironment));
  sections.security = renderSecuritySection(summary);
  const violations = summary.environments.flatMap((e) => e.violations);
  failures += violations.length;
  for (const v of violations) console.error(`security: ${v}`);
  console.log(`security: ${summary.environments.length} environments, ${violations.length} violations`);
}

writeSections(sections);
console.log(`wrote ${RELIABILITY_DOC}`);
if (failures > 0) process.exitCode = 1;

export {};
