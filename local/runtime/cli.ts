/**
 * `tsx local/runtime/cli.ts up|down`: runs the synthesized app locally (up, in the foreground until
 * Ctrl-C or `down`) and writes `.plantsync/local/endpoints.json` for other processes, and the audit
 * trail `.plantsync/local/audit.jsonl` that `plantsync trace` reads. `plantsync local up|down` is the
 * same through the main CLI (./local-command.ts).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command } from 'commander';
import { fanOut, JsonlAuditWriter, MemoryAuditStore } from '../audit';
import { type LocalRuntime, startLocalRuntime } from './runtime';

export interface UpOptions {
  readonly cdkOut: string;
  readonly stateDir: string;
  readonly out?: (line: string) => void;
  /** Log lines of functions and services. @default written to stdout */
  readonly log?: (line: string) => void;
}

export interface LocalUp {
  readonly runtime: LocalRuntime;
  /** This run's audit trail in memory (also written to `auditPath(stateDir)`). */
  readonly audit: MemoryAuditStore;
  /** Stops the runtime, closes the trail file and removes endpoints.json. */
  readonly stop: () => Promise<void>;
}

export interface EndpointsFile {
  readonly eventbridge: string;
  readonly sqs: string;
  readonly dynamodb: string;
  readonly stepfunctions: string;
  readonly secretsmanager: string;
  readonly api: string;
  readonly apis: Record<string, string>;
  readonly pid: number;
  readonly startedAt: string;
  readonly startupMs: number;
  readonly cdkOut: string;
}

export const endpointsPath = (stateDir: string) => join(stateDir, 'endpoints.json');
export const meteringPath = (stateDir: string) => join(stateDir, 'metering.json');
/** The JSON-lines audit trail; with the default state dir this is local/audit's AUDIT_FILE. */
export const auditPath = (stateDir: string) => join(stateDir, 'audit.jsonl');

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Reads endpoints.json if a runtime that wrote it is still alive. */
export function readEndpoints(stateDir: string): EndpointsFile | undefined {
  const path = endpointsPath(stateDir);
  if (!existsSync(path)) return undefined;
  const file = JSON.parse(readFileSync(path, 'utf8')) as EndpointsFile;
  return isAlive(file.pid) ? file : undefined;
}

/** A summary of what runs where, for the terminal. */
export function describeRuntime(runtime: LocalRuntime): string[] {
  const { model, endpoints } = runtime;
  const lines = [
    `plantsync local runtime up in ${(runtime.startupMs / 1000).toFixed(1)} s`,
    `  EventBridge     ${endpoints.eventbridge}  (${model.buses.length} buses, ${model.rules.length} rules, ${model.archives.length} archives)`,
    `  SQS (fauxqs)    ${endpoints.sqs}  (${model.queues.length} queues, ${model.eventSourceMappings.length} event source mappings)`,
    `  DynamoDB Local  ${endpoints.dynamodb}  (${model.tables.length} tables)`,
    `  Step Functions  ${endpoints.stepfunctions}  (${model.stateMachines.length} state machines)`,
    `  Secrets Manager ${endpoints.secretsmanager}  (${model.secrets.length} secrets)`,
    `  Lambda          ${model.functions.length} functions in worker threads`,
  ];
  for (const [name, url] of Object.entries(endpoints.apis)) lines.push(`  API ${name.padEnd(12)} ${url}`);
  const report = runtime.report.format();
  if (report) lines.push('', report);
  return lines;
}

/**
 * Starts the runtime, writes endpoints.json, records the audit trail (a fresh file per run, kept after
 * stop so `plantsync trace` still answers) and returns a stop function that also removes endpoints.json.
 */
export async function up(options: UpOptions): Promise<LocalUp> {
  const out = options.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const running = readEndpoints(options.stateDir);
  if (running) throw new Error(`a local runtime is already running (pid ${running.pid}); run "down" first`);
  const cdkOut = resolve(options.cdkOut);
  if (!existsSync(join(cdkOut, 'manifest.json'))) {
    throw new Error(`no synthesized app at ${cdkOut}: run "npm run synth" first`);
  }
  mkdirSync(options.stateDir, { recursive: true });
  rmSync(auditPath(options.stateDir), { force: true });
  const audit = new MemoryAuditStore();
  const trail = new JsonlAuditWriter(auditPath(options.stateDir));
  let runtime: LocalRuntime;
  try {
    runtime = await startLocalRuntime({
      cdkOut,
      audit: fanOut(audit, trail),
      ...(options.log ? { log: options.log } : {}),
    });
  } catch (error) {
    trail.close();
    throw error;
  }
  const file: EndpointsFile = {
    ...runtime.endpoints,
    pid: process.pid,
    startedAt: new Date().toISOString(),
    startupMs: runtime.startupMs,
    cdkOut,
  };
  writeFileSync(endpointsPath(options.stateDir), `${JSON.stringify(file, null, 2)}\n`);
  for (const line of describeRuntime(runtime)) out(line);
  out(`\nendpoints written to ${endpointsPath(options.stateDir)}`);
  out(`audit trail written to ${auditPath(options.stateDir)} (plantsync trace <correlation id | order>)`);
  let stopped = false;
  return {
    runtime,
    audit,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      writeFileSync(meteringPath(options.stateDir), `${JSON.stringify(runtime.meter.snapshot(), null, 2)}\n`);
      await runtime.stop();
      trail.close();
      rmSync(endpointsPath(options.stateDir), { force: true });
    },
  };
}

/** Stops the runtime recorded in endpoints.json (SIGTERM to its process) and waits for it to exit. */
export async function down(stateDir: string, out: (line: string) => void = console.log): Promise<boolean> {
  const path = endpointsPath(stateDir);
  if (!existsSync(path)) {
    out('no local runtime is running');
    return false;
  }
  const file = JSON.parse(readFileSync(path, 'utf8')) as EndpointsFile;
  if (!isAlive(file.pid)) {
    rmSync(path, { force: true });
    out(`removed stale ${path} (pid ${file.pid} is gone)`);
    return false;
  }
  process.kill(file.pid, 'SIGTERM');
  const deadline = Date.now() + 20_000;
  while (isAlive(file.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (isAlive(file.pid)) {
    out(`local runtime (pid ${file.pid}) did not stop within 20 s`);
    return false;
  }
  out(`local runtime (pid ${file.pid}) stopped`);
  return true;
}

async function main(argv: string[]): Promise<void> {
  const program = new Command('local').description('Run the synthesized plantsync app on local stand-ins');
  program
    .command('up')
    .description('start the local runtime in the foreground (Ctrl-C or "down" stops it)')
    .option('--cdk-out <dir>', 'cloud assembly to run', 'cdk.out')
    .option('--state-dir <dir>', 'where endpoints.json is written', '.plantsync/local')
    .action(async (opts: { cdkOut: string; stateDir: string }) => {
      const { stop } = await up({ cdkOut: opts.cdkOut, stateDir: opts.stateDir });
      const shutdown = () => {
        void stop().then(() => process.exit(0));
      };
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
    });
  program
    .command('down')
    .description('stop the local runtime started by "up"')
    .option('--state-dir <dir>', 'where endpoints.json was written', '.plantsync/local')
    .action(async (opts: { stateDir: string }) => {
      await down(opts.stateDir);
    });
  await program.parseAsync(argv);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
