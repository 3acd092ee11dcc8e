import { SQSClient } from '@aws-sdk/client-sqs';
import type { Command } from 'commander';
import { resolveTarget } from '../endpoints';
import type { Io } from '../io';
import { DeadLetterOperations, parseFilter } from '../ops/dlq';

const age = (seconds: number | undefined): string => {
  if (seconds === undefined) return '-';
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m`;
  return `${Math.round(seconds / 3600)}h`;
};

export const registerDlq = (
  program: Command,
  io: Io,
  makeOps?: (aws: boolean) => DeadLetterOperations,
): void => {
  const ops = (aws: boolean) =>
    makeOps?.(aws) ?? new DeadLetterOperations(new SQSClient(resolveTarget({ aws }).clientConfig('sqs')));
  const dlq = program.command('dlq').description('inspect and replay dead-letter queues');

  dlq
    .command('list')
    .description('every DLQ with depth, oldest age and reasons grouped')
    .option('--json', 'machine-readable output')
    .option('--aws', 'act on AWS (standard credentials and region) instead of the local runtime')
    .action(async (options: { json?: boolean; aws?: boolean }) => {
      const summaries = await ops(options.aws ?? false).summaries();
      if (options.json) return io.out(`${JSON.stringify(summaries, null, 2)}\n`);
      if (summaries.length === 0) return io.out('no dead-letter queues found\n');
      const width = Math.max(...summaries.map((s) => s.name.length));
      for (const s of summaries) {
        io.out(
          `${s.name.padEnd(width)}  depth ${String(s.depth).padStart(5)}  oldest ${age(s.oldestAgeSeconds).padStart(4)}\n`,
        );
        for (const r of s.reasons)
          io.out(`${' '.repeat(width)}    ${String(r.count).padStart(4)} × ${r.reason}\n`);
      }
    });

  dlq
    .command('show <queue>')
    .description('the messages of one DLQ with why each failed')
    .option('--json', 'machine-readable output')
    .option('--aws', 'act on AWS instead of the local runtime')
    .action(async (queue: string, options: { json?: boolean; aws?: boolean }) => {
      const operations = ops(options.aws ?? false);
      const target = await operations.resolve(queue);
      const messages = await operations.peek(target.url);
      if (options.json)
        return io.out(
          `${JSON.stringify(
            messages.map(({ receiptHandle: _, ...m }) => m),
            null,
            2,
          )}\n`,
        );
      io.out(`${target.name}: ${messages.length} message(s)\n`);
      for (const m of messages) {
        io.out(
          `- ${m.messageId}  ${m.sentAt.toISOString()}  ${m.detailType ?? '-'}  correlation ${m.correlationId ?? '-'}\n    ${m.reason}\n`,
        );
      }
    });

  dlq
    .command('replay <queue>')
    .description('re-drive dead letters to where they came from; what cannot be replayed stays')
    .option('--filter <key=value...>', 'only matching messages: error=, reason=, correlation=, detail-type=')
    .option('--dry-run', 'count what would be replayed, move nothing')
    .option('--json', 'machine-readable output')
    .option('--aws', 'act on AWS instead of the local runtime')
    .action(
      async (
        queue: string,
        options: { filter?: string[]; dryRun?: boolean; json?: boolean; aws?: boolean },
      ) => {
        const filter = options.filter ? parseFilter(options.filter) : undefined;
        const report = await ops(options.aws ?? false).replay(queue, {
          ...(filter ? { filter } : {}),
          dryRun: options.dryRun ?? false,
          onProgress: options.json ? undefined : (done, total) => io.err(`\rreplaying ${done}/${total}`),
        });
        if (!options.json) io.err('\n');
        if (options.json) return io.out(`${JSON.stringify(report, null, 2)}\n`);
        io.out(
          `${report.queue}: ${report.total} read, ${report.matched} matched, ${report.replayed} replayed${
            report.dryRun ? ' (dry run: nothing moved)' : ''
          }, ${report.kept.length} kept\n`,
        );
        for (const k of report.kept) io.out(`  kept ${k.messageId}: ${k.why}\n`);
        if (report.kept.length > 0) {
          throw Object.assign(new Error(`${report.kept.length} message(s) stayed in ${report.queue}`), {
            exitCode: 1,
          });
        }
      },
    );
};
