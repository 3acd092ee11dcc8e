/**
 * Stuck orders: open orders (RELEASED, AWAITING_ACK, ACKNOWLEDGED) that stayed in their status longer
 * than their plant's SLA, read from the correlation table's sparse byStatusAge index.
 */
import {
  DescribeTableCommand,
  type DynamoDBClient,
  ListTablesCommand,
  QueryCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { loadEnvironment } from '../../infra/config/environments';
import { NotFoundError, ValidationError } from '../../shared/errors';

export const STATUS_INDEX = 'byStatusAge';
export const OPEN_STATUSES = ['RELEASED', 'AWAITING_ACK', 'ACKNOWLEDGED'] as const;

/** Who acts on an order stuck in a status (docs/workflows.md, stuck-order-sweeper). */
export const OWNER_BY_STATUS: Readonly<Record<string, string>> = {
  RELEASED: 'plantsync integration engineer',
  AWAITING_ACK: 'MES administrator',
  ACKNOWLEDGED: 'MES production supervisor',
};

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `90s`, `45m`, `2h`, `1d`, combinations like `1h30m`, or ISO 8601 `PT2H`; milliseconds. */
export const parseDuration = (text: string, option = '--older-than'): number => {
  const iso = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/i.exec(text);
  if (iso && text.length > 1 && !/T$/i.test(text)) {
    const [, d, h, m, s] = iso.map((x) => Number(x ?? 0));
    return (((d ?? 0) * 24 + (h ?? 0)) * 60 + (m ?? 0)) * 60_000 + (s ?? 0) * 1000;
  }
  const parts = [...text.matchAll(/(\d+)([smhd])/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) {
    throw new ValidationError(
      `${option} must be a duration like 90s, 45m, 2h, 1d, 1h30m or PT2H (got "${text}")`,
    );
  }
  return parts.reduce((sum, p) => sum + Number(p[1]) * UNIT_MS[p[2] as keyof typeof UNIT_MS], 0);
};

export interface StuckOrder {
  readonly plant: string;
  readonly orderNumber: string;
  readonly status: string;
  readonly statusSince: string;
  readonly ageSeconds: number;
  readonly slaMinutes: number;
  readonly owner: string;
  readonly correlationId: string;
  readonly mesJobId?: string;
  readonly stuckRaisedAt?: string;
}

export interface StuckQuery {
  readonly plant?: string;
  /** Overrides the SLA: orders in an open status longer than this. */
  readonly olderThanMs?: number;
  /** Environment whose plant config gives the SLA (default: read from the table name). */
  readonly environment?: string;
  readonly now?: Date;
}

/** The environment's plants' SLAs (`sla.stuckOrderAfterMinutes`); empty when the environment is unknown. */
export const slaMinutesByPlant = (environment: string | undefined): Map<string, number> => {
  const slas = new Map<string, number>();
  if (!environment) return slas;
  try {
    for (const plant of loadEnvironment(environment).plants)
      slas.set(plant.code, plant.sla.stuckOrderAfterMinutes);
  } catch {
    // an environment the config does not know: SLAs come from the item or --older-than
  }
  return slas;
};

/** `Plantsync-dev-Stateful-…` / `plantsync-dev-…` → `dev`. */
export const environmentOf = (physicalName: string): string | undefined =>
  /^plantsync-?([a-z0-9]+)/i.exec(physicalName)?.[1]?.toLowerCase();

export class StuckOrderOperations {
  constructor(private readonly dynamodb: DynamoDBClient) {}

  /** The correlation table: the one with the byStatusAge index. */
  async table(): Promise<string> {
    const names: string[] = [];
    let start: string | undefined;
    do {
      const page = await this.dynamodb.send(new ListTablesCommand({ ExclusiveStartTableName: start }));
      names.push(...(page.TableNames ?? []));
      start = page.LastEvaluatedTableName;
    } while (start);
    for (const name of names.filter((n) => /correlation/i.test(n)).concat(names)) {
      const { Table } = await this.dynamodb.send(new DescribeTableCommand({ TableName: name }));
      if (Table?.GlobalSecondaryIndexes?.some((i) => i.IndexName === STATUS_INDEX)) return name;
    }
    throw new NotFoundError(`no table with a ${STATUS_INDEX} index (tables: ${names.join(', ') || 'none'})`);
  }

  private async openOrderItems(table: string, plant?: string): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    if (plant) {
      for (const status of OPEN_STATUSES) {
        let key: Record<string, never> | undefined;
        do {
          const page = await this.dynamodb.send(
            new QueryCommand({
              TableName: table,
              IndexName: STATUS_INDEX,
              KeyConditionExpression: 'gsi1pk = :pk',
              ExpressionAttributeValues: { ':pk': { S: `ORDER_STATUS#${plant}#${status}` } },
              ExclusiveStartKey: key,
            }),
          );
          items.push(...(page.Items ?? []).map((i) => unmarshall(i)));
          key = page.LastEvaluatedKey as Record<string, never> | undefined;
        } while (key);
      }
      return items;
    }
    // The index is sparse (open orders only), so scanning it reads only what can be stuck.
    let key: Record<string, never> | undefined;
    do {
      const page = await this.dynamodb.send(
        new ScanCommand({
          TableName: table,
          IndexName: STATUS_INDEX,
          FilterExpression: 'begins_with(gsi1pk, :prefix)',
          ExpressionAttributeValues: { ':prefix': { S: 'ORDER_STATUS#' } },
          ExclusiveStartKey: key,
        }),
      );
      items.push(...(page.Items ?? []).map((i) => unmarshall(i)));
      key = page.LastEvaluatedKey as Record<string, never> | undefined;
    } while (key);
    return items;
  }

  async stuck(query: StuckQuery = {}): Promise<{ table: string; orders: StuckOrder[] }> {
    const table = await this.table();
    const now = (query.now ?? new Date()).getTime();
    const slas = slaMinutesByPlant(query.environment ?? environmentOf(table));
    const orders: StuckOrder[] = [];
    for (const item of await this.openOrderItems(table, query.plant)) {
      const [, plantOfKey, status = String(item.status ?? '')] = String(item.gsi1pk ?? '').split('#');
      const plant = String(item.plant ?? plantOfKey ?? '');
      const statusSince = String(item.statusSince ?? item.gsi1sk ?? '');
      const since = Date.parse(statusSince);
      if (Number.isNaN(since)) continue;
      const fromItem = typeof item.slaMinutes === 'number' ? item.slaMinutes : undefined;
      const slaMinutes = slas.get(plant) ?? fromItem;
      const limitMs = query.olderThanMs ?? (slaMinutes !== undefined ? slaMinutes * 60_000 : undefined);
      if (limitMs === undefined) continue;
      const ageMs = now - since;
      if (ageMs <= limitMs) continue;
      orders.push({
        plant,
        orderNumber: String(item.orderNumber ?? String(item.pk ?? '').split('#')[2] ?? ''),
        status,
        statusSince,
        ageSeconds: Math.floor(ageMs / 1000),
        slaMinutes: slaMinutes ?? Math.round(limitMs / 60_000),
        owner: OWNER_BY_STATUS[status] ?? 'plantsync integration engineer',
        correlationId: String(item.correlationId ?? '-'),
        ...(typeof item.mesJobId === 'string' ? { mesJobId: item.mesJobId } : {}),
        ...(typeof item.stuckRaisedAt === 'string' ? { stuckRaisedAt: item.stuckRaisedAt } : {}),
      });
    }
    orders.sort((a, b) => b.ageSeconds - a.ageSeconds || a.orderNumber.localeCompare(b.orderNumber));
    return { table, orders };
  }
}
