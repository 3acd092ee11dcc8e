import { emptyUsage, type Usage } from './cost';

/** The local runtime's call meter: `{ service: { operation: count } }` (see local/runtime/metering.ts). */
export type MeterSnapshot = Readonly<Record<string, Readonly<Record<string, number>>>>;

const sum = (
  ops: Readonly<Record<string, number>> | undefined,
  include: (op: string) => boolean = () => true,
) => Object.entries(ops ?? {}).reduce((total, [op, n]) => (include(op) ? total + n : total), 0);

const DYNAMO_WRITES = /^(PutItem|UpdateItem|DeleteItem|BatchWriteItem)$/;
const DYNAMO_TRANSACT_WRITES = /^TransactWriteItems$/;
const DYNAMO_READS = /^(GetItem|Query|Scan|BatchGetItem)$/;

/**
 * Turns metered calls into AWS billing units. Approximations, stated in the report: every DynamoDB
 * item is under 1 KB (one write unit, one read unit; a transaction counts twice, as AWS bills it),
 * every SQS and EventBridge payload is under 64 KB, and an Express execution lasts one 64 MB-second.
 */
export const usageFromMeter = (
  meter: MeterSnapshot,
  options: { readonly billableEvents: number; readonly expressStateMachines: ReadonlySet<string> },
): Usage => {
  const sfn = meter.stepfunctions ?? {};
  const starts = Object.entries(sfn).filter(([op]) => op.startsWith('StartExecution '));
  const expressStarts = starts
    .filter(([op]) => options.expressStateMachines.has(op.slice('StartExecution '.length)))
    .reduce((t, [, n]) => t + n, 0);
  const standardStarts = starts.reduce((t, [, n]) => t + n, 0) - expressStarts;
  const taskTransitions = sfn['StateTransition (task)'] ?? 0;
  const dynamo = meter.dynamodb ?? {};
  return {
    ...emptyUsage(),
    lambdaRequests: sum(meter.lambda, (op) => op.startsWith('Invoke ')),
    lambdaGbSeconds: sum(meter['lambda-gb-ms']) / 1000,
    // Standard bills every transition; the runtime counts task transitions, so add start and end.
    sfnStandardTransitions: standardStarts > 0 ? taskTransitions + standardStarts * 2 : 0,
    sfnExpressRequests: expressStarts,
    sfnExpressGbSeconds: expressStarts * (64 / 1024),
    eventBridgeEvents: options.billableEvents,
    sqsRequests: sum(meter.sqs, (op) => !op.endsWith('(denied)')),
    dynamoWriteUnits:
      sum(dynamo, (op) => DYNAMO_WRITES.test(op)) + 2 * sum(dynamo, (op) => DYNAMO_TRANSACT_WRITES.test(op)),
    dynamoReadUnits: sum(dynamo, (op) => DYNAMO_READS.test(op)),
    apiGatewayRequests: sum(meter.apigateway, (op) => !op.startsWith('policy violation')),
    secretsManagerCalls: sum(meter.secretsmanager),
  };
};
