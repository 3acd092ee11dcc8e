/**
 * On-demand reconciliation: starts the reconciliation workflow per plant (as its nightly schedule does),
 * waits for each run and reports the drift and variance it found.
 */
import { randomUUID } from 'node:crypto';
import {
  DescribeExecutionCommand,
  ListStateMachinesCommand,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { loadEnvironment } from '../../infra/config/environments';
import { NotFoundError, ValidationError } from '../../shared/errors';

export interface ReconciliationCheck {
  readonly compared: number;
  readonly drifted: number;
  /** Drifting records / compared records, decimal string. */
  readonly variance: string;
}

export interface PlantReconciliation {
  readonly plant: string;
  readonly executionArn: string;
  readonly correlationId: string;
  readonly status: string;
  /** new | duplicate | stale (the run claim); checks only run for `new`. */
  readonly outcome?: string;
  readonly equipmentMaster?: ReconciliationCheck;
  readonly orderStatus?: ReconciliationCheck;
  /** Drifting records over compared records across both checks, decimal string. */
  readonly variance?: string;
  readonly error?: string;
  readonly cause?: string;
  readonly durationMs?: number;
}

const WORKFLOW = 'reconciliation';

const check = (value: unknown): ReconciliationCheck | undefined => {
  if (!value || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  return {
    compared: Number(v.compared ?? 0),
    drifted: Number(v.drifted ?? 0),
    variance: String(v.variance ?? '0'),
  };
};

/** Overall variance, rounded like the workflow's own (3 decimals). */
const overall = (checks: (ReconciliationCheck | undefined)[]): string | undefined => {
  const present = checks.filter((c): c is ReconciliationCheck => c !== undefined);
  if (present.length === 0) return undefined;
  const compared = present.reduce((s, c) => s + c.compared, 0);
  const drifted = present.reduce((s, c) => s + c.drifted, 0);
  return compared === 0 ? '0' : String(Math.round((drifted / compared) * 1000) / 1000);
};

export class ReconcileOperations {
  constructor(
    private readonly sfn: SFNClient,
    private readonly pollMs = 250,
  ) {}

  /** The reconciliation state machine (`plantsync-<env>-reconciliation`) and its environment. */
  async stateMachine(environment?: string): Promise<{ arn: string; name: string; environment?: string }> {
    const machines: { arn: string; name: string }[] = [];
    let token: string | undefined;
    do {
      const page = await this.sfn.send(new ListStateMachinesCommand({ nextToken: token }));
      for (const m of page.stateMachines ?? [])
        if (m.stateMachineArn && m.name) machines.push({ arn: m.stateMachineArn, name: m.name });
      token = page.nextToken;
    } while (token);
    const candidates = machines.filter(
      (m) =>
        m.name.endsWith(`-${WORKFLOW}`) &&
        (environment === undefined || m.name === `plantsync-${environment}-${WORKFLOW}`),
    );
    const chosen = candidates[0];
    if (!chosen) {
      throw new NotFoundError(
        `no ${environment ? `plantsync-${environment}-` : ''}${WORKFLOW} state machine (found: ${machines.map((m) => m.name).join(', ') || 'none'})`,
      );
    }
    if (candidates.length > 1)
      throw new ValidationError(
        `several reconciliation workflows (${candidates.map((c) => c.name).join(', ')}): pass --env`,
      );
    const env = /^plantsync-(.+)-reconciliation$/.exec(chosen.name)?.[1];
    return { ...chosen, ...(env ? { environment: env } : {}) };
  }

  /** Plants to reconcile: the one asked for (checked against the config when known) or all of them. */
  plants(environment: string | undefined, plant?: string): string[] {
    let known: string[] | undefined;
    try {
      known = environment ? loadEnvironment(environment).plants.map((p) => p.code) : undefined;
    } catch {
      known = undefined;
    }
    if (plant) {
      if (known && !known.includes(plant))
        throw new ValidationError(
          `plant ${plant} is not in environment ${environment} (plants: ${known.join(', ')})`,
        );
      return [plant];
    }
    if (!known)
      throw new ValidationError(`the plants of environment ${environment ?? '?'} are unknown: pass --plant`);
    return known;
  }

  async run(
    options: {
      plant?: string;
      environment?: string;
      onProgress?: (plant: string, status: string) => void;
    } = {},
  ): Promise<PlantReconciliation[]> {
    const machine = await this.stateMachine(options.environment);
    const plants = this.plants(options.environment ?? machine.environment, options.plant);
    const results: PlantReconciliation[] = [];
    for (const plant of plants) {
      const runId = `cli-${randomUUID()}`;
      const correlationId = runId;
      const started = await this.sfn.send(
        new StartExecutionCommand({
          stateMachineArn: machine.arn,
          name: `reconcile-${plant}-${runId.slice(4, 12)}`,
          input: JSON.stringify({
            metadata: { correlationId, plant },
            data: { runId, scheduledAt: new Date().toISOString() },
          }),
        }),
      );
      const executionArn = started.executionArn ?? '';
      options.onProgress?.(plant, 'RUNNING');
      for (;;) {
        const d = await this.sfn.send(new DescribeExecutionCommand({ executionArn }));
        const status = d.status ?? 'UNKNOWN';
        if (status === 'RUNNING') {
          await new Promise((resolve) => setTimeout(resolve, this.pollMs));
          continue;
        }
        options.onProgress?.(plant, status);
        const output = d.output ? (JSON.parse(d.output) as Record<string, unknown>) : {};
        const res = (output.results ?? {}) as Record<string, unknown>;
        const equipmentMaster = check(res.equipmentMaster);
        const orderStatus = check(res.orderStatus);
        const variance = overall([equipmentMaster, orderStatus]);
        const outcome = (output.claim as { outcome?: string } | undefined)?.outcome;
        results.push({
          plant,
          executionArn,
          correlationId,
          status,
          ...(outcome ? { outcome } : {}),
          ...(equipmentMaster ? { equipmentMaster } : {}),
          ...(orderStatus ? { orderStatus } : {}),
          ...(variance !== undefined ? { variance } : {}),
          ...(d.error ? { error: d.error } : {}),
          ...(d.cause ? { cause: d.cause } : {}),
          ...(d.startDate && d.stopDate ? { durationMs: d.stopDate.getTime() - d.startDate.getTime() } : {}),
        });
        break;
      }
    }
    return results;
  }
}
