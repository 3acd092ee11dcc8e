/**
 * `plantsync console [--port <n>] [--demo] [--sla <seconds>]`: serves the ops console on 127.0.0.1 until
 * interrupted. Live mode reads the local runtime: DLQs through its SQS endpoint
 * (.plantsync/local/endpoints.json) and the audit trail (.plantsync/local/audit.jsonl, re-read on each
 * request so a running scenario shows up). `--demo` serves the fixture plant instead.
 */
import { join } from 'node:path';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Command } from 'commander';
import { resolveTarget } from '../../cli/endpoints';
import type { Io } from '../../cli/io';
import { DeadLetterOperations } from '../../cli/ops/dlq';
import { AUDIT_FILE, AuditFileFollower } from '../audit/jsonl';
import { type ConsoleData, liveConsoleData } from './data';
import { fixtureConsoleData } from './fixture';
import { overviewFromAudit, stuckOrdersFromAudit } from './overview';
import { CONSOLE_PORT, type ConsoleServer, startConsole } from './server';

export interface ConsoleCommandOptions {
  /** Resolves when the console should stop; default: SIGINT or SIGTERM. */
  readonly until?: () => Promise<void>;
  /** Called once the console listens (tests read the URL from here). */
  readonly onListening?: (server: ConsoleServer) => void;
  /** Console data for live mode; default: the local runtime named in .plantsync/local. */
  readonly liveData?: (home: string, slaSeconds: number) => ConsoleData;
}

const untilSignal = (): Promise<void> =>
  new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });

/** The console over the local runtime: its SQS for DLQs, its audit file for traces, flows, KPIs and stuck orders. */
export const localRuntimeConsoleData = (
  home: string,
  slaSeconds: number,
  now: () => Date = () => new Date(),
): ConsoleData => {
  const sqs = new SQSClient(resolveTarget({ aws: false }, home).clientConfig('sqs'));
  const trail = new AuditFileFollower(join(home, AUDIT_FILE));
  const audit = () => trail.current();
  return liveConsoleData({
    deadLetters: new DeadLetterOperations(sqs),
    audit: { trace: (idOrKey) => audit().trace(idOrKey) },
    stuckOrders: async () => stuckOrdersFromAudit(audit().hops(), { slaSeconds, now: now() }),
    overview: () => overviewFromAudit(audit().hops(), { now: now() }),
  });
};

export const registerConsole = (program: Command, io: Io, options: ConsoleCommandOptions = {}): void => {
  program
    .command('console')
    .description(
      'serve the ops console (flows, KPIs, dead letters with replay, stuck orders, trace) on 127.0.0.1',
    )
    .option('--port <port>', `port to listen on (0: any free port)`, String(CONSOLE_PORT))
    .option('--demo', 'serve a fixed demo plant instead of the local runtime')
    .option(
      '--sla <seconds>',
      'how long an order may wait for the next step before it counts as stuck',
      '900',
    )
    .action(async (flags: { port: string; demo?: boolean; sla: string }) => {
      const port = Number(flags.port);
      const sla = Number(flags.sla);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw Object.assign(new Error(`--port must be 0..65535, got "${flags.port}"`), { exitCode: 2 });
      if (!Number.isFinite(sla) || sla <= 0)
        throw Object.assign(new Error(`--sla must be a positive number of seconds, got "${flags.sla}"`), {
          exitCode: 2,
        });
      const home = process.env.PLANTSYNC_HOME ?? process.cwd();
      const data = flags.demo
        ? fixtureConsoleData()
        : (options.liveData ?? localRuntimeConsoleData)(home, sla);
      const server = await startConsole({ port, data });
      io.out(`ops console${flags.demo ? ' (demo data)' : ''}: ${server.url}  (Ctrl-C to stop)\n`);
      options.onListening?.(server);
      await (options.until ?? untilSignal)();
      await server.close();
    });
};
