/**
 * `npm start`: the main job. Synthesizes the CDK app for the `local` environment, runs it on the local
 * runtime, starts the simulated plant and runs a scenario (default: a plant day), then prints the KPI
 * report and writes it under reports/. Without --once the platform keeps running with the ops console
 * until Ctrl-C; with --once it exits, 0 only if nothing was lost or duplicated.
 *
 *   npm start -- [--scenario NAME] [--orders N] [--plants N] [--seed S] [--once]
 */
import { SFNClient } from '@aws-sdk/client-sfn';
import { Command, InvalidArgumentError } from 'commander';
import { ReconcileOperations } from '../cli/ops/reconcile';
import { JsonlAuditWriter } from './audit/jsonl';
import { fanOut, MemoryAuditStore } from './audit/store';
import { liveConsoleData } from './console/data';
import { overviewFromAudit } from './console/overview';
import { startConsole } from './console/server';
import { computeKpis } from './scenarios/kpi';
import { renderText, writeReports } from './scenarios/render';
import { type Counters, counters, scenarios } from './scenarios/scenarios';
import { startSession } from './scenarios/session';

const positive = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError(`${name} must be a whole number of at least 1`);
  return n;
};

const program = new Command('npm start --')
  .description('run plantsync on the local runtime with a simulated plant and report its KPIs')
  .option('--scenario <name>', `one of: ${Object.keys(scenarios).join(', ')}`, 'plant-day')
  .option(
    '--orders <n>',
    'production orders SAP releases (default depends on the scenario)',
    positive('--orders'),
  )
  .option('--plants <n>', 'plants of the local configuration that take part', positive('--plants'), 2)
  .option('--seed <s>', 'seed of the simulated plant (same seed, same orders and faults)', 'plantsync')
  .option('--speed <x>', 'simulated ms per real ms', positive('--speed'), 1500)
  .option('--budget <seconds>', 'real-time budget for the flows to finish', positive('--budget'), 300)
  .option('--once', 'exit after the report; status 0 only if nothing was lost')
  .showHelpAfterError();

const options = program.parse(process.argv).opts<{
  scenario: string;
  orders?: number;
  plants: number;
  seed: string;
  speed: number;
  budget: number;
  once?: boolean;
}>();

const scenario = scenarios[options.scenario];
if (!scenario) {
  process.stderr.write(
    `unknown scenario "${options.scenario}"; use one of ${Object.keys(scenarios).join(', ')}\n`,
  );
  process.exit(2);
}

const tty = process.stdout.isTTY === true;
const say = (line: string) => process.stdout.write(`${line}\n`);
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)}s`;

const bar = (done: number, total: number, width = 24) => {
  const filled = total > 0 ? Math.round((Math.min(done, total) / total) * width) : 0;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
};
let lastLine = 0;
const progress = (c: Counters, done: boolean) => {
  const line =
    `${bar(c.ordersCompleted, c.ordersReleased)} ${new Date(c.simTime).toISOString().slice(5, 16).replace('T', ' ')} sim · ` +
    `orders ${c.ordersReleased} released, ${c.ordersInMes} in MES, ${c.ordersAcknowledged} acked, ${c.ordersCompleted} done · ` +
    `${c.confirmationsInSap} SAP confirmations · downtimes ${c.downtimes} → ${c.notifications} notifications · ` +
    `${c.alerts} alerts · ${elapsed()}`;
  if (tty) process.stdout.write(`\r\x1b[2K${line}${done ? '\n' : ''}`);
  else if (done || Date.now() - lastLine > 5000) {
    lastLine = Date.now();
    say(line);
  }
};

// The trail of every hop, in memory for the console and on disk for `plantsync trace` after the run.
const audit = new MemoryAuditStore();
const auditFile = new JsonlAuditWriter('.plantsync/local/audit.jsonl');
const session = await startSession({
  seed: options.seed,
  plants: options.plants,
  clockSpeed: options.speed,
  stateDir: '.plantsync/local',
  say: (line) => say(`• ${line} (${elapsed()})`),
  machineFaults: scenario.machineFaults,
  audit: fanOut(audit, auditFile),
}).catch((error: unknown) => {
  process.stderr.write(
    `\nplantsync could not start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});

let stopping = false;
const shutdown = async (code: number) => {
  if (stopping) return;
  stopping = true;
  await session.stop().catch(() => undefined);
  await auditFile.close();
  process.exit(code);
};
process.on('SIGINT', () => void shutdown(130));
process.on('SIGTERM', () => void shutdown(143));

say(
  `\nrunning scenario "${options.scenario}": ${scenario.description}\n` +
    `  runtime log: ${session.logFile}\n`,
);
const orders = options.orders ?? scenario.defaultOrders;
const realStart = Date.now();
const tally = { alerts: 0 };
const ticker = setInterval(() => progress(counters(session.plant, tally.alerts), false), 500);
const outcome = await scenario.run(session, {
  orders,
  seed: options.seed,
  budgetMs: options.budget * 1000,
  tally,
});
clearInterval(ticker);
progress(counters(session.plant, tally.alerts), true);
await session.runtime.settle({ timeoutMs: 10_000 });
if (!outcome.finished)
  say(`\n! not every flow finished within ${options.budget} s; the report says what is missing`);

// Reconciliation runs on a cron schedule on AWS, which the local runtime does not fire: run it once
// per plant now, so the variance in the report is measured, not assumed.
say(`• reconciling equipment master and order status across SAP, MES and maintenance (${elapsed()})`);
const sfn = new SFNClient({
  endpoint: session.runtime.endpoints.stepfunctions,
  region: session.env.region,
  credentials: { accessKeyId: 'plantsync-operator', secretAccessKey: 'local' },
});
const reconciliationRuns: { plant: string; status: string; variance?: string; error?: string }[] = [];
for (const plant of session.plantCodes) {
  try {
    const [run] = await new ReconcileOperations(sfn).run({ environment: 'local', plant });
    if (run) {
      reconciliationRuns.push({
        plant,
        status: run.status,
        ...(run.variance ? { variance: run.variance } : {}),
        ...(run.error ? { error: run.error } : {}),
      });
    }
  } catch (error) {
    reconciliationRuns.push({
      plant,
      status: 'FAILED',
      error: error instanceof Error ? error.message : String(error),
    });
  }
}
sfn.destroy();
await session.runtime.settle({ timeoutMs: 10_000 });

const report = computeKpis(
  session.plant,
  { ...(await session.observe()), reconciliationRuns },
  {
    scenario: options.scenario,
    seed: options.seed,
    plants: session.plantCodes,
    ordersRequested: orders,
    clockSpeed: options.speed,
    simulatedHours: outcome.simulatedHours,
    realSeconds: (Date.now() - realStart) / 1000,
  },
);
say(`\n${renderText(report)}`);
const files = writeReports(report);
say(`report written to ${files.json} and ${files.html} (also reports/latest.*)`);

if (options.once) await shutdown(report.zeroLoss.ok ? 0 : 1);
else {
  const consoleServer = await startConsole({
    data: liveConsoleData({
      deadLetters: session.deadLetters,
      audit,
      stuckOrders: async () => [],
      overview: () => overviewFromAudit(audit.hops()),
    }),
  });
  say(`\nplantsync keeps running. Ops console: ${consoleServer.url}  ·  Ctrl-C to stop.`);
}
