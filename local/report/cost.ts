import { PRICE_TABLE, type PriceKey } from './pricing';

/** Billable usage of a run, in the units AWS bills. */
export interface Usage {
  readonly lambdaRequests: number;
  readonly lambdaGbSeconds: number;
  readonly sfnStandardTransitions: number;
  readonly sfnExpressRequests: number;
  readonly sfnExpressGbSeconds: number;
  readonly eventBridgeEvents: number;
  readonly sqsRequests: number;
  readonly dynamoWriteUnits: number;
  readonly dynamoReadUnits: number;
  readonly apiGatewayRequests: number;
  readonly secretsManagerCalls: number;
}

export const emptyUsage = (): Usage => ({
  lambdaRequests: 0,
  lambdaGbSeconds: 0,
  sfnStandardTransitions: 0,
  sfnExpressRequests: 0,
  sfnExpressGbSeconds: 0,
  eventBridgeEvents: 0,
  sqsRequests: 0,
  dynamoWriteUnits: 0,
  dynamoReadUnits: 0,
  apiGatewayRequests: 0,
  secretsManagerCalls: 0,
});

const PRICE_OF: Record<keyof Usage, PriceKey> = {
  lambdaRequests: 'lambdaRequest',
  lambdaGbSeconds: 'lambdaGbSecondArm64',
  sfnStandardTransitions: 'sfnStandardTransition',
  sfnExpressRequests: 'sfnExpressRequest',
  sfnExpressGbSeconds: 'sfnExpressGbSecond',
  eventBridgeEvents: 'eventBridgeEvent',
  sqsRequests: 'sqsRequest',
  dynamoWriteUnits: 'dynamoWriteUnit',
  dynamoReadUnits: 'dynamoReadUnit',
  apiGatewayRequests: 'apiGatewayRestRequest',
  secretsManagerCalls: 'secretsManagerCall',
};

export interface CostLine {
  readonly item: keyof Usage;
  readonly quantity: number;
  readonly unitPrice: number;
  readonly cost: number;
}

export interface CostEstimate {
  readonly lines: readonly CostLine[];
  readonly total: number;
  readonly priceDate: string;
  readonly region: string;
}

export const estimateCost = (usage: Usage): CostEstimate => {
  const lines = (Object.keys(PRICE_OF) as (keyof Usage)[])
    .map((item) => {
      const unitPrice = PRICE_TABLE.prices[PRICE_OF[item]];
      return { item, quantity: usage[item], unitPrice, cost: usage[item] * unitPrice };
    })
    .filter((line) => line.quantity > 0);
  return {
    lines,
    total: lines.reduce((sum, line) => sum + line.cost, 0),
    priceDate: PRICE_TABLE.priceDate,
    region: PRICE_TABLE.region,
  };
};

/** Scales an estimate to 1,000 orders. */
export const costPerThousandOrders = (estimate: CostEstimate, orders: number): number =>
  orders > 0 ? (estimate.total / orders) * 1000 : 0;

/** 64 KB billing chunks of a payload (EventBridge and SQS bill each started 64 KB as one unit). */
export const chunks64k = (bytes: number): number => Math.max(1, Math.ceil(bytes / (64 * 1024)));

/** DynamoDB on-demand units: a write unit per started 1 KB, a (strongly consistent) read unit per 4 KB. */
export const writeUnits = (itemBytes: number): number => Math.max(1, Math.ceil(itemBytes / 1024));
export const readUnits = (itemBytes: number, consistent = true): number =>
  Math.max(1, Math.ceil(itemBytes / 4096)) / (consistent ? 1 : 2);

/** Lambda GB-seconds for an invocation, duration rounded up to the millisecond as AWS bills. */
export const lambdaGbSeconds = (durationMs: number, memoryMb: number): number =>
  (Math.ceil(durationMs) / 1000) * (memoryMb / 1024);
