import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { barChart, escapeHtml, page, table } from '../report/html';
import { PRICE_TABLE } from '../report/pricing';
import type { Summary } from '../report/stats';
import type { KpiReport } from './kpi';

const ms = (v: number | undefined) =>
  v === undefined ? '—' : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(0)} ms`;
const pct = (v: number) => `${(v * 100).toFixed(v > 0 && v < 0.01 ? 2 : 1)}%`;
const usd = (v: number) => `$${v < 0.01 ? v.toFixed(5) : v.toFixed(3)}`;
const p50p95 = (s: Summary) =>
  s.count === 0 ? 'no samples' : `p50 ${ms(s.p50)} · p95 ${ms(s.p95)} (n=${s.count})`;

const reconciliationText = (r: KpiReport): string => {
  const { runs, failed, maxVariance, driftEvents } = r.reconciliation;
  const failures = failed.length > 0 ? `; failed: ${failed.join('; ')}` : '';
  if (runs === 0) return `not measured (no reconciliation run completed${failures})`;
  return `${pct(maxVariance)} over ${runs} plant run(s), ${driftEvents} drift events${failures}`;
};

/** The verdict line: zero loss or what was lost. */
export const verdict = (r: KpiReport): string[] => {
  const z = r.zeroLoss;
  if (z.ok)
    return ['✓ nothing lost, nothing duplicated (checked against the simulated systems’ own records)'];
  return [
    '✗ LOSS OR DUPLICATION FOUND (checked against the simulated systems’ own records):',
    ...(z.ordersMissingInMes.length
      ? [`  ${z.ordersMissingInMes.length} order(s) never reached their MES`]
      : []),
    ...(z.confirmationsMismatched.length
      ? [`  ${z.confirmationsMismatched.length} operation(s) whose SAP confirmation differs from the MES`]
      : []),
    ...(z.incidentsWithoutNotification.length
      ? [`  ${z.incidentsWithoutNotification.length} downtime(s) without a maintenance notification`]
      : []),
    ...(z.incidentsWithSeveralNotifications.length
      ? [`  ${z.incidentsWithSeveralNotifications.length} downtime(s) with more than one notification`]
      : []),
    ...(z.duplicates.sap ? [`  ${z.duplicates.sap} duplicate posting(s) in SAP`] : []),
    ...(z.duplicates.maintenance
      ? [`  ${z.duplicates.maintenance} duplicate(s) in the maintenance platforms`]
      : []),
  ];
};

export const renderText = (r: KpiReport): string => {
  const lines = [
    `KPI report — ${r.run.scenario}, seed ${r.run.seed}, plants ${r.run.plants.join(', ')}`,
    `  ${r.zeroLoss.ordersSent} orders released, ${r.run.simulatedHours.toFixed(1)} simulated hours in ${r.run.realSeconds.toFixed(1)} s, ${r.eventsOnBus} events on the bus`,
    '',
    `  order synchronisation latency      ${p50p95(r.orderSyncLatencyMs)}`,
    `  confirmation accuracy              ${pct(r.confirmationAccuracy)} of ${r.zeroLoss.operationsReported} operations`,
    `  downtime → maintenance response    ${p50p95(r.downtimeToMaintenanceMs)} over ${r.zeroLoss.incidents} faults`,
    `  exceptions raised / resolved       ${r.exceptions.raised} / ${r.exceptions.resolved}${
      Object.keys(r.exceptions.byKind).length
        ? ` (${Object.entries(r.exceptions.byKind)
            .map(([k, n]) => `${k} ${n}`)
            .join(', ')})`
        : ''
    }`,
    `  reconciliation variance            ${reconciliationText(r)}`,
    `  work-order completion visibility   ${pct(r.workOrderCompletionVisibility.ratio)} (${r.workOrderCompletionVisibility.seenByPlantsync} of ${r.workOrderCompletionVisibility.completedInPlatform})`,
    `  dead letters                       ${r.deadLetters.total}${
      r.deadLetters.total
        ? ` (${Object.entries(r.deadLetters.byQueue)
            .filter(([, n]) => n > 0)
            .map(([q, n]) => `${q} ${n}`)
            .join(', ')})`
        : ''
    }`,
    `  estimated AWS cost                 ${usd(r.cost.perThousandOrders)} per 1,000 orders (${PRICE_TABLE.region} list prices of ${PRICE_TABLE.priceDate})`,
    '',
    '  integration failure rate by interface',
    ...r.failureRateByInterface.map(
      (i) => `    ${i.interface.padEnd(36)} ${pct(i.rate).padStart(6)}  (${i.failures} of ${i.calls} calls)`,
    ),
    '',
    ...verdict(r).map((l) => `  ${l}`),
  ];
  return `${lines.join('\n')}\n`;
};

export const renderHtml = (r: KpiReport): string => {
  const kpi = (label: string, value: string, note = '') =>
    `<div class="kpi">${escapeHtml(label)}<b>${escapeHtml(value)}</b>${escapeHtml(note)}</div>`;
  const body = [
    `<h1>plantsync run report</h1>`,
    `<p>${escapeHtml(r.run.scenario)} · seed ${escapeHtml(r.run.seed)} · plants ${escapeHtml(r.run.plants.join(', '))} · ${r.zeroLoss.ordersSent} orders · ${r.run.simulatedHours.toFixed(1)} simulated hours in ${r.run.realSeconds.toFixed(1)} s · generated ${escapeHtml(r.generatedAt)}</p>`,
    `<p class="${r.zeroLoss.ok ? 'ok' : 'bad'}">${verdict(r).map(escapeHtml).join('<br>')}</p>`,
    '<div class="kpis">',
    kpi('Order sync latency p50', ms(r.orderSyncLatencyMs.p50), ` p95 ${ms(r.orderSyncLatencyMs.p95)}`),
    kpi(
      'Confirmation accuracy',
      pct(r.confirmationAccuracy),
      ` of ${r.zeroLoss.operationsReported} operations`,
    ),
    kpi(
      'Downtime → maintenance p50',
      ms(r.downtimeToMaintenanceMs.p50),
      ` p95 ${ms(r.downtimeToMaintenanceMs.p95)}`,
    ),
    kpi('Exceptions raised / resolved', `${r.exceptions.raised} / ${r.exceptions.resolved}`),
    kpi(
      'Reconciliation variance',
      r.reconciliation.runs > 0 ? pct(r.reconciliation.maxVariance) : 'not measured',
      ` ${reconciliationText(r)}`,
    ),
    kpi('Work-order completion visibility', pct(r.workOrderCompletionVisibility.ratio)),
    kpi('Dead letters', String(r.deadLetters.total)),
    kpi('AWS cost per 1,000 orders', usd(r.cost.perThousandOrders), ` prices of ${PRICE_TABLE.priceDate}`),
    '</div>',
    '<h2>Latency</h2>',
    barChart(
      'Order synchronisation latency (SAP release → MES holds the order)',
      [
        { label: 'p50', value: r.orderSyncLatencyMs.p50 ?? 0 },
        { label: 'p95', value: r.orderSyncLatencyMs.p95 ?? 0 },
        { label: 'max', value: r.orderSyncLatencyMs.max ?? 0 },
      ],
      (v) => ms(v),
    ),
    barChart(
      'Downtime → maintenance notification',
      [
        { label: 'p50', value: r.downtimeToMaintenanceMs.p50 ?? 0 },
        { label: 'p95', value: r.downtimeToMaintenanceMs.p95 ?? 0 },
        { label: 'max', value: r.downtimeToMaintenanceMs.max ?? 0 },
      ],
      (v) => ms(v),
    ),
    '<h2>Integration failure rate by interface</h2>',
    barChart(
      'Failed share of calls (retried transparently unless they reached a dead letter)',
      r.failureRateByInterface.map((i) => ({ label: i.interface, value: i.rate })),
      pct,
    ),
    table(
      ['interface', 'calls', 'failures', 'rate'],
      r.failureRateByInterface.map((i) => [i.interface, i.calls, i.failures, pct(i.rate)]),
    ),
    '<h2>Estimated AWS cost</h2>',
    `<p>${usd(r.cost.perThousandOrders)} per 1,000 orders; ${usd(r.cost.estimate.total)} for this run. ${escapeHtml(
      `${PRICE_TABLE.region} on-demand list prices recorded ${PRICE_TABLE.priceDate} (local/report/pricing.ts).`,
    )}</p>`,
    table(
      ['billable item', 'quantity', 'unit price', 'cost'],
      r.cost.estimate.lines.map((l) => [
        l.item,
        Number(l.quantity.toFixed(3)),
        `$${l.unitPrice.toExponential(3)}`,
        usd(l.cost),
      ]),
    ),
    '<h2>Dead letters</h2>',
    table(
      ['queue', 'depth'],
      Object.entries(r.deadLetters.byQueue).map(([q, n]) => [q, n]),
    ),
  ].join('\n');
  return page('plantsync run report', body);
};

/** Writes `reports/<stamp>-<scenario>.{json,html}` and `reports/latest.{json,html}`. */
export const writeReports = (r: KpiReport, dir = 'reports'): { json: string; html: string } => {
  mkdirSync(dir, { recursive: true });
  const stamp = r.generatedAt.replace(/[:.]/g, '-');
  const base = join(dir, `${stamp}-${r.run.scenario}`);
  const json = `${JSON.stringify(r, null, 2)}\n`;
  const html = renderHtml(r);
  writeFileSync(`${base}.json`, json);
  writeFileSync(`${base}.html`, html);
  writeFileSync(join(dir, 'latest.json'), json);
  writeFileSync(join(dir, 'latest.html'), html);
  return { json: `${base}.json`, html: `${base}.html` };
};
