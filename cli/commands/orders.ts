import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Command } from 'commander';
import { resolveTarget } from '../endpoints';
import type { Io } from '../io';
import { parseDuration, StuckOrderOperations } from '../ops/stuck-orders';

/** 4h 05m, 12m 30s, 45s */
export const humanAge = (seconds: number): string => {
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (d > 0) return `${d}d ${String(h).padStart(2, '0')}h`;
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m ${String(s).padStart(2, '0')}s`;
  return `${s}s`;
};

export const registerOrders = (
  program: Command,
  io: Io,
  makeOps?: (aws: boolean) => StuckOrderOperations,
): void => {
  const ops = (aws: boolean) =>
    makeOps?.(aws) ??
    new StuckOrderOperations(new DynamoDBClient(resolveTarget({ aws }).clientConfig('dynamodb')));
  const orders = program.command('orders').description('inspect orders plantsync is tracking');

  orders
    .command('stuck')
    .description('orders past their SLA in an open status (released, awaiting or acknowledged), oldest first')
    .option('--plant <plant>', 'only this plant')
    .option(
      '--older-than <duration>',
      "instead of the plant's SLA: in the status longer than this (45m, 2h, 1d)",
    )
    .option('--env <environment>', 'environment whose plant SLAs apply (default: from the table name)')
    .option('--json', 'machine-readable output')
    .option('--aws', 'act on AWS (standard credentials and region) instead of the local runtime')
    .action(
      async (options: {
        plant?: string;
        olderThan?: string;
        env?: string;
        json?: boolean;
        aws?: boolean;
      }) => {
        const olderThanMs = options.olderThan === undefined ? undefined : parseDuration(options.olderThan);
        const { orders: stuck } = await ops(options.aws ?? false).stuck({
          ...(options.plant ? { plant: options.plant } : {}),
          ...(olderThanMs !== undefined ? { olderThanMs } : {}),
          ...(options.env ? { environment: options.env } : {}),
        });
        if (options.json) return io.out(`${JSON.stringify(stuck, null, 2)}\n`);
        const scope = options.plant ? ` in plant ${options.plant}` : '';
        if (stuck.length === 0) return io.out(`no stuck orders${scope}\n`);
        io.out(`${stuck.length} stuck order(s)${scope}, oldest first:\n`);
        const orderWidth = Math.max(5, ...stuck.map((o) => o.orderNumber.length));
        io.out(
          `${'PLANT'.padEnd(6)} ${'ORDER'.padEnd(orderWidth)} ${'STATUS'.padEnd(13)} ${'AGE'.padStart(8)}  ${'SLA'.padStart(6)}  OWNER / CORRELATION\n`,
        );
        for (const o of stuck) {
          io.out(
            `${o.plant.padEnd(6)} ${o.orderNumber.padEnd(orderWidth)} ${o.status.padEnd(13)} ${humanAge(o.ageSeconds).padStart(8)}  ${`${o.slaMinutes}m`.padStart(6)}  ${o.owner}\n`,
          );
          io.out(
            `${' '.repeat(7 + orderWidth + 1)}since ${o.statusSince}, correlation ${o.correlationId}${o.stuckRaisedAt ? `, exception raised ${o.stuckRaisedAt}` : ''}\n`,
          );
        }
      },
    );
};
