import { SFNClient } from '@aws-sdk/client-sfn';
import type { Command } from 'commander';
import { resolveTarget } from '../endpoints';
import type { Io } from '../io';
import { ReconcileOperations, type ReconciliationCheck } from '../ops/reconcile';

const percent = (variance: string | undefined) =>
  variance === undefined ? '-' : `${(Number(variance) * 100).toFixed(1)}%`;

const line = (label: string, c: ReconciliationCheck | undefined) =>
  c
    ? `  ${label.padEnd(17)} ${String(c.drifted).padStart(4)} drifting of ${String(c.compared).padStart(5)} compared  variance ${percent(c.variance)}\n`
    : `  ${label.padEnd(17)} not run\n`;

export const registerReconcile = (
  program: Command,
  io: Io,
  makeOps?: (aws: boolean) => ReconcileOperations,
): void => {
  const ops = (aws: boolean) =>
    makeOps?.(aws) ??
    new ReconcileOperations(
      new SFNClient(resolveTarget({ aws }).clientConfig('stepfunctions')),
      aws ? 3000 : 250,
    );

  program
    .command('reconcile')
    .description(
      'run the reconciliation workflow now (SAP vs MES vs maintenance) per plant and report drift and variance',
    )
    .option('--plant <plant>', 'only this plant (default: every plant of the environment)')
    .option('--env <environment>', 'which environment when several are deployed')
    .option('--json', 'machine-readable output')
    .option('--aws', 'act on AWS (standard credentials and region) instead of the local runtime')
    .action(async (options: { plant?: string; env?: string; json?: boolean; aws?: boolean }) => {
      const results = await ops(options.aws ?? false).run({
        ...(options.plant ? { plant: options.plant } : {}),
        ...(options.env ? { environment: options.env } : {}),
        onProgress: options.json
          ? undefined
          : (plant, status) => io.err(`reconciling plant ${plant}: ${status.toLowerCase()}\n`),
      });
      if (options.json) io.out(`${JSON.stringify(results, null, 2)}\n`);
      else {
        for (const r of results) {
          io.out(
            `plant ${r.plant}: ${r.status}${r.outcome && r.outcome !== 'new' ? ` (run ${r.outcome})` : ''}, variance ${percent(r.variance)}, correlation ${r.correlationId}\n`,
          );
          if (r.status === 'SUCCEEDED' && r.outcome === 'new') {
            io.out(line('equipment master', r.equipmentMaster));
            io.out(line('order status', r.orderStatus));
            const drifted = (r.equipmentMaster?.drifted ?? 0) + (r.orderStatus?.drifted ?? 0);
            if (drifted > 0)
              io.out(
                `  each drifting record was published as ReconciliationDriftDetected: plantsync trace ${r.correlationId}\n`,
              );
          }
          if (r.error) {
            io.out(`  failed: ${r.error}${r.cause ? `: ${r.cause}` : ''}\n`);
            io.out(`  find why: plantsync trace ${r.correlationId}; plantsync dlq list\n`);
          }
        }
      }
      const failed = results.filter((r) => r.status !== 'SUCCEEDED');
      if (failed.length > 0) {
        throw Object.assign(
          new Error(`reconciliation failed for plant(s) ${failed.map((r) => r.plant).join(', ')}`),
          { exitCode: 1 },
        );
      }
    });
};
