/**
 * plantsync command line. Each command lives in cli/commands/ and registers itself here.
 * Exit codes: 0 success, 1 failure of the operation, 2 bad input or usage (with the reason on stderr).
 */
import { Command, CommanderError } from 'commander';
import { registerTrace } from '../local/audit/trace-command';
import { registerConsole } from '../local/console/console-command';
import { registerLocal } from '../local/runtime/local-command';
import { NotFoundError, ValidationError } from '../shared/errors';
import { registerDlq } from './commands/dlq';
import { registerEvents } from './commands/events';
import { registerOrders } from './commands/orders';
import { registerReconcile } from './commands/reconcile';
import { registerReplay } from './commands/replay';
import { registerTranslate } from './commands/translate';
import { type Io, processIo } from './io';

export const buildProgram = (io: Io): Command => {
  const program = new Command('plantsync')
    .description('plantsync: keeps SAP ERP, plant MES and maintenance platforms in step')
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .showHelpAfterError()
    .exitOverride();
  registerEvents(program, io);
  registerDlq(program, io);
  registerTranslate(program, io);
  registerTrace(program, io);
  registerConsole(program, io);
  registerLocal(program, io);
  registerReplay(program, io);
  registerOrders(program, io);
  registerReconcile(program, io);
  return program;
};

export const run = async (argv: readonly string[], io: Io = processIo): Promise<number> => {
  try {
    await buildProgram(io).parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    io.err(`plantsync: ${error instanceof Error ? error.message : String(error)}\n`);
    if (error instanceof ValidationError || error instanceof NotFoundError) return 2;
    return typeof (error as { exitCode?: unknown }).exitCode === 'number'
      ? (error as { exitCode: number }).exitCode
      : 1;
  }
};

const invokedDirectly =
  process.argv[1]?.endsWith('plantsync') ||
  process.argv[1]?.endsWith('plantsync.js') ||
  process.argv[1]?.endsWith('cli/main.ts');
if (invokedDirectly) {
  process.exitCode = await run(process.argv.slice(2));
}
