/**
 * `plantsync local up|down`: the local runtime through the main CLI. `up` runs in the foreground until
 * Ctrl-C, SIGTERM or `plantsync local down` (from another terminal); state files go to
 * `.plantsync/local/` below PLANTSYNC_HOME (default: the current folder), where the ops commands and
 * `plantsync trace` look for them.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import type { Io } from '../../cli/io';
import type { LocalUp, UpOptions } from './cli';

// Loaded on use: the runtime pulls in the emulators (and Node 22's node:sqlite), which the other
// CLI commands do not need.
const up = async (options: UpOptions) => (await import('./cli')).up(options);
const down = async (stateDir: string, out: (line: string) => void) =>
  (await import('./cli')).down(stateDir, out);

export const LOCAL_STATE_DIR = join('.plantsync', 'local');

export interface LocalCommandOptions {
  /** Resolves when `up` should stop. @default the first SIGINT or SIGTERM */
  readonly untilStopped?: (running: LocalUp) => Promise<void>;
  /** @default ./local/runtime/cli.ts `up` */
  readonly start?: (options: UpOptions) => Promise<LocalUp>;
  /** @default ./local/runtime/cli.ts `down` */
  readonly stop?: (stateDir: string, out: (line: string) => void) => Promise<boolean>;
}

const untilSignal = (): Promise<void> =>
  new Promise((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });

const defaultStateDir = () => join(process.env.PLANTSYNC_HOME ?? process.cwd(), LOCAL_STATE_DIR);

export const registerLocal = (program: Command, io: Io, options: LocalCommandOptions = {}): void => {
  const line = (text: string) => io.out(`${text}\n`);
  const local = program
    .command('local')
    .description('run the synthesized app on local stand-ins (loopback only)');

  local
    .command('up')
    .description('start the local runtime in the foreground (Ctrl-C or "plantsync local down" stops it)')
    .option('--cdk-out <dir>', 'cloud assembly to run', 'cdk.out')
    .option('--state-dir <dir>', `where endpoints.json and audit.jsonl go (default: ${LOCAL_STATE_DIR})`)
    .option('--quiet', 'do not print function and service log lines')
    .action(async (flags: { cdkOut: string; stateDir?: string; quiet?: boolean }) => {
      const running = await (options.start ?? up)({
        cdkOut: flags.cdkOut,
        stateDir: flags.stateDir ?? defaultStateDir(),
        out: line,
        log: flags.quiet ? () => undefined : line,
      });
      try {
        await (options.untilStopped ?? untilSignal)(running);
      } finally {
        line('stopping the local runtime…');
        await running.stop();
        line('local runtime stopped');
      }
    });

  local
    .command('down')
    .description('stop the local runtime started by "plantsync local up"')
    .option('--state-dir <dir>', `where endpoints.json was written (default: ${LOCAL_STATE_DIR})`)
    .action(async (flags: { stateDir?: string }) => {
      await (options.stop ?? down)(flags.stateDir ?? defaultStateDir(), line);
    });
};
