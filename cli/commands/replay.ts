import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { Command } from 'commander';
import { resolveTarget } from '../endpoints';
import type { Io } from '../io';
import { ArchiveReplayOperations, replayWindow } from '../ops/archive-replay';

export const registerReplay = (
  program: Command,
  io: Io,
  makeOps?: (aws: boolean, archive?: string) => ArchiveReplayOperations,
): void => {
  const ops = (aws: boolean, archive?: string) => {
    const made = makeOps?.(aws, archive);
    if (made) return made;
    const target = resolveTarget({ aws });
    const cdkOut = typeof target.endpoints.cdkOut === 'string' ? target.endpoints.cdkOut : undefined;
    // AWS replays take minutes; poll DescribeReplay gently there.
    return new ArchiveReplayOperations(
      new EventBridgeClient(target.clientConfig('eventbridge')),
      { ...(cdkOut ? { cdkOut } : {}), ...(archive ? { archive } : {}) },
      aws ? 5000 : 250,
    );
  };

  program
    .command('replay')
    .description("replay archived events of a time window to the environment's bus (optionally one rule)")
    .requiredOption('--from <time>', 'start of the window, ISO 8601 with zone (inclusive)')
    .requiredOption('--to <time>', 'end of the window, ISO 8601 with zone (exclusive), not in the future')
    .option(
      '--rule <rule...>',
      'deliver only to these rules (name, ARN, or a part of the name: every rule containing it)',
    )
    .option('--archive <name>', 'the archive to replay from (default: the environment archive)')
    .option('--json', 'machine-readable output')
    .option('--aws', 'act on AWS (standard credentials and region) instead of the local runtime')
    .action(
      async (options: {
        from: string;
        to: string;
        rule?: string[];
        archive?: string;
        json?: boolean;
        aws?: boolean;
      }) => {
        const window = replayWindow(options.from, options.to);
        const report = await ops(options.aws ?? false, options.archive).replay(window, {
          rules: options.rule ?? [],
          onProgress: options.json
            ? undefined
            : (state, last) =>
                io.err(
                  `\rreplay ${state.toLowerCase()}${last ? `, replayed up to ${last.toISOString()}` : ''}`,
                ),
        });
        if (!options.json) io.err('\n');
        if (options.json) io.out(`${JSON.stringify(report, null, 2)}\n`);
        else {
          io.out(
            `replay ${report.replayName} ${report.state}: archive ${report.archive} → bus ${report.bus}, ${report.from} .. ${report.to}\n`,
          );
          io.out(
            `  rules: ${report.rules.length === 0 ? 'every rule of the bus' : report.rules.join(', ')}\n`,
          );
          io.out(
            `  last replayed event: ${report.lastReplayedEventTime ?? 'none (no archived event in the window)'}\n`,
          );
          if (report.durationMs !== undefined) io.out(`  took ${report.durationMs} ms\n`);
          if (report.stateReason) io.out(`  reason: ${report.stateReason}\n`);
        }
        if (report.state !== 'COMPLETED') {
          throw Object.assign(new Error(`replay ${report.replayName} ended ${report.state}`), {
            exitCode: 1,
          });
        }
      },
    );
};
