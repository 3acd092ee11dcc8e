/**
 * `plantsync replay`, `orders stuck` and `reconcile` against a real local runtime booted on a small
 * synthesized app named like an environment's (stack Plantsync-dev-…, state machine
 * plantsync-dev-reconciliation), so the commands find their resources by listing and apply dev's SLAs.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { marshall } from '@aws-sdk/util-dynamodb';
import { App, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Command } from 'commander';
import { registerOrders } from '../../../cli/commands/orders';
import { registerReconcile } from '../../../cli/commands/reconcile';
import { registerReplay } from '../../../cli/commands/replay';
import { memoryIo } from '../../../cli/io';
import { loadEnvironment } from '../../../infra/config/environments';
import { type LocalRuntime, startLocalRuntime } from '../../../local/runtime/runtime';
import { NotFoundError, ValidationError } from '../../../shared/errors';

const dir = mkdtempSync(join(tmpdir(), 'plantsync-ops-'));
const cdkOut = join(dir, 'cdk.out');
const previousHome = process.env.PLANTSYNC_HOME;
let runtime: LocalRuntime;
const client = () => ({
  region: 'us-east-1',
  credentials: { accessKeyId: 'plantsync-operator', secretAccessKey: 'local' },
});

const synthesize = () => {
  const app = new App({ outdir: cdkOut });
  const stack = new Stack(app, 'Plantsync-dev-Ops');
  const bus = new events.EventBus(stack, 'Bus');
  new events.Archive(stack, 'Archive', { sourceEventBus: bus, eventPattern: { source: ['ops.test'] } });
  const delivered = new sqs.Queue(stack, 'Delivered');
  const audited = new sqs.Queue(stack, 'Audited');
  new events.Rule(stack, 'Forward', { eventBus: bus, eventPattern: { source: ['ops.test'] } }).addTarget(
    new targets.SqsQueue(delivered),
  );
  new events.Rule(stack, 'Audit', { eventBus: bus, eventPattern: { source: ['ops.test'] } }).addTarget(
    new targets.SqsQueue(audited),
  );
  new dynamodb.TableV2(stack, 'CorrelationTable', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
    globalSecondaryIndexes: [
      {
        indexName: 'byStatusAge',
        partitionKey: { name: 'gsi1pk', type: dynamodb.AttributeType.STRING },
        sortKey: { name: 'gsi1sk', type: dynamodb.AttributeType.STRING },
      },
    ],
  });
  // The real workflow's output shape: $.claim from the run claim, $.results from its parallel checks.
  const claim = new sfn.Pass(stack, 'ClaimReconciliationRun', {
    result: sfn.Result.fromObject({ outcome: 'new' }),
    resultPath: '$.claim',
  });
  const checks = new sfn.Pass(stack, 'ReconcileAll', {
    result: sfn.Result.fromObject({
      equipmentMaster: { compared: 40, drifted: 2, variance: '0.05' },
      orderStatus: { compared: 10, drifted: 0, variance: '0' },
    }),
    resultPath: '$.results',
  });
  new sfn.StateMachine(stack, 'Reconciliation', {
    stateMachineName: 'plantsync-dev-reconciliation',
    definitionBody: sfn.DefinitionBody.fromChainable(claim.next(checks).next(new sfn.Succeed(stack, 'Done'))),
  });
  // A second environment's reconciliation that fails, as it does when a system stays unreachable.
  const prod = new Stack(app, 'Plantsync-prod-Ops');
  new sfn.StateMachine(prod, 'Reconciliation', {
    stateMachineName: 'plantsync-prod-reconciliation',
    definitionBody: sfn.DefinitionBody.fromChainable(
      new sfn.Fail(prod, 'DeadLettered', { error: 'DeadLettered', cause: 'SAP unreachable' }),
    ),
  });
  app.synth();
};

/** A fresh program with only the command under test, as the lead's main.ts registers it. */
const cli = async (argv: string[]) => {
  const io = memoryIo();
  const program = new Command('plantsync').exitOverride().configureOutput({
    writeOut: (s) => io.out(s),
    writeErr: (s) => io.err(s),
  });
  registerReplay(program, io);
  registerOrders(program, io);
  registerReconcile(program, io);
  let error: unknown;
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    error = e;
  }
  return { io, error };
};

const drainQueue = async (queueSuffix: string): Promise<string[]> => {
  const queue = runtime.model.queues.find((q) => q.name.includes(queueSuffix));
  const client_ = new SQSClient({ ...client(), endpoint: runtime.endpoints.sqs });
  const bodies: string[] = [];
  for (let empty = 0; empty < 2; ) {
    const got = await client_.send(
      new ReceiveMessageCommand({ QueueUrl: queue?.url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (!got.Messages?.length) {
      empty++;
      continue;
    }
    for (const m of got.Messages) {
      bodies.push(m.Body ?? '');
      await client_.send(new DeleteMessageCommand({ QueueUrl: queue?.url, ReceiptHandle: m.ReceiptHandle }));
    }
  }
  client_.destroy();
  return bodies;
};

beforeAll(async () => {
  synthesize();
  runtime = await startLocalRuntime({ cdkOut, log: () => undefined });
  mkdirSync(join(dir, '.plantsync', 'local'), { recursive: true });
  writeFileSync(
    join(dir, '.plantsync', 'local', 'endpoints.json'),
    JSON.stringify({ ...runtime.endpoints, cdkOut }),
  );
  process.env.PLANTSYNC_HOME = dir;
}, 120_000);

afterAll(async () => {
  if (previousHome === undefined) delete process.env.PLANTSYNC_HOME;
  else process.env.PLANTSYNC_HOME = previousHome;
  await runtime?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('plantsync replay', () => {
  it('replays archived events to one rule again and reports the replay', async () => {
    const bus = new EventBridgeClient({ ...client(), endpoint: runtime.endpoints.eventbridge });
    const busName = runtime.model.buses[0]?.name;
    const from = new Date(Date.now() - 1000).toISOString();
    await bus.send(
      new PutEventsCommand({
        Entries: ['a', 'b'].map((id) => ({
          EventBusName: busName,
          Source: 'ops.test',
          DetailType: 'OrderReleased',
          Detail: JSON.stringify({ id }),
        })),
      }),
    );
    bus.destroy();
    await runtime.settle();
    expect(await drainQueue('Delivered')).toHaveLength(2);
    expect(await drainQueue('Audited')).toHaveLength(2);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const to = new Date().toISOString();

    const { io, error } = await cli(['replay', '--from', from, '--to', to, '--rule', 'Forward', '--json']);
    await runtime.settle();

    expect(error).toBeUndefined();
    const report = JSON.parse(io.stdout());
    expect(report).toMatchObject({ state: 'COMPLETED', bus: busName });
    expect(report.rules).toEqual([expect.stringContaining('Forward')]);
    const redelivered = await drainQueue('Delivered');
    expect(redelivered.map((b) => JSON.parse(b).detail.id).sort()).toEqual(['a', 'b']);
    expect(await drainQueue('Audited')).toEqual([]);
  });

  it('prints progress and a summary for people', async () => {
    const { io, error } = await cli([
      'replay',
      '--from',
      '2026-11-24T00:00:00Z',
      '--to',
      '2026-11-24T02:00:00+01:00',
    ]);

    expect(error).toBeUndefined();
    expect(io.stdout()).toContain('COMPLETED');
    expect(io.stdout()).toContain('rules: every rule of the bus');
    expect(io.stderr()).toContain('replay completed');
  });

  it.each([
    [['--from', 'yesterday', '--to', '2026-11-24T01:00:00Z'], /--from must be an ISO 8601 time/],
    [['--from', '2026-11-24T01:00:00', '--to', '2026-11-24T02:00:00Z'], /--from must be an ISO 8601 time/],
    [['--from', '2026-11-24T02:00:00Z', '--to', '2026-11-24T01:00:00Z'], /must be before --to/],
    [['--from', '2026-11-24T02:00:00Z', '--to', '2999-01-01T00:00:00Z'], /is in the future/],
  ])('refuses bad times %j as a validation error', async (times, reason) => {
    const { error } = await cli(['replay', ...times]);

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(reason);
  });

  it('selects every rule whose name contains the given part', async () => {
    const { io, error } = await cli([
      'replay',
      '--from',
      '2026-11-24T00:00:00Z',
      '--to',
      '2026-11-24T01:00:00Z',
      '--rule',
      'Plantsync-dev-Ops-',
      '--json',
    ]);

    expect(error).toBeUndefined();
    const rules: string[] = JSON.parse(io.stdout()).rules;
    expect(rules).toHaveLength(2);
    expect(rules.join()).toMatch(/Forward.*Audit|Audit.*Forward/);
  });

  it('refuses an unknown rule, naming the rules of the bus', async () => {
    const { error } = await cli([
      'replay',
      '--from',
      '2026-11-24T00:00:00Z',
      '--to',
      '2026-11-24T01:00:00Z',
      '--rule',
      'no-such-rule',
    ]);

    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toMatch(/no rule "no-such-rule".*Forward/);
  });
});

describe('plantsync orders stuck', () => {
  const sla = loadEnvironment('dev').plants.find((p) => p.code === '1000')?.sla.stuckOrderAfterMinutes ?? 0;
  const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

  beforeAll(async () => {
    const db = new DynamoDBClient({ ...client(), endpoint: runtime.endpoints.dynamodb });
    const table = runtime.model.tables[0]?.name;
    const order = (orderNumber: string, status: string, since: string, open = true) => ({
      pk: `ORDER#1000#${orderNumber}`,
      sk: 'STATE',
      plant: '1000',
      orderNumber,
      status,
      statusSince: since,
      correlationId: `corr-${orderNumber}`,
      rev: 1,
      ...(open ? { gsi1pk: `ORDER_STATUS#1000#${status}`, gsi1sk: since } : {}),
    });
    for (const item of [
      order('4711', 'AWAITING_ACK', minutesAgo(sla + 30)),
      order('4712', 'RELEASED', minutesAgo(sla + 300)),
      order('4713', 'ACKNOWLEDGED', minutesAgo(sla - 10)),
      order('4714', 'CLOSED', minutesAgo(sla + 600), false),
    ])
      await db.send(new PutItemCommand({ TableName: table, Item: marshall(item) }));
    db.destroy();
  });

  it("lists orders past their plant's SLA, oldest first, with status, owner and correlation", async () => {
    const { io, error } = await cli(['orders', 'stuck', '--json']);

    expect(error).toBeUndefined();
    expect(JSON.parse(io.stdout())).toEqual([
      expect.objectContaining({
        orderNumber: '4712',
        status: 'RELEASED',
        owner: 'plantsync integration engineer',
        correlationId: 'corr-4712',
        slaMinutes: sla,
      }),
      expect.objectContaining({ orderNumber: '4711', status: 'AWAITING_ACK', owner: 'MES administrator' }),
    ]);
  });

  it('applies --older-than instead of the SLA and filters by plant', async () => {
    const { io } = await cli(['orders', 'stuck', '--plant', '1000', '--older-than', `${sla - 20}m`]);

    expect(io.stdout()).toContain('3 stuck order(s) in plant 1000, oldest first');
    expect(io.stdout()).toMatch(/4713\s+ACKNOWLEDGED/);
    expect(io.stdout()).toContain('correlation corr-4713');
  });

  it('finds nothing in a plant without stuck orders', async () => {
    const { io } = await cli(['orders', 'stuck', '--plant', '2000']);

    expect(io.stdout()).toBe('no stuck orders in plant 2000\n');
  });

  it('refuses a duration it cannot read', async () => {
    const { error } = await cli(['orders', 'stuck', '--older-than', 'ages']);

    expect(error).toBeInstanceOf(ValidationError);
  });
});

describe('plantsync reconcile', () => {
  it('runs the reconciliation workflow for one plant and reports drift and variance', async () => {
    const { io, error } = await cli(['reconcile', '--env', 'dev', '--plant', '1000', '--json']);

    expect(error).toBeUndefined();
    expect(JSON.parse(io.stdout())).toEqual([
      expect.objectContaining({
        plant: '1000',
        status: 'SUCCEEDED',
        outcome: 'new',
        equipmentMaster: { compared: 40, drifted: 2, variance: '0.05' },
        orderStatus: { compared: 10, drifted: 0, variance: '0' },
        variance: '0.04',
      }),
    ]);
  });

  it('runs every plant of the environment and prints the drift for people', async () => {
    const plants = loadEnvironment('dev').plants.map((p) => p.code);

    const { io, error } = await cli(['reconcile', '--env', 'dev']);

    expect(error).toBeUndefined();
    for (const plant of plants) expect(io.stdout()).toContain(`plant ${plant}: SUCCEEDED, variance 4.0%`);
    expect(io.stdout()).toMatch(/equipment master\s+2 drifting of\s+40 compared\s+variance 5\.0%/);
    expect(io.stdout()).toContain('ReconciliationDriftDetected: plantsync trace cli-');
  });

  it('refuses a plant the environment does not have', async () => {
    const { error } = await cli(['reconcile', '--env', 'dev', '--plant', '9999']);

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toContain('plant 9999 is not in environment dev');
  });

  it('asks which environment when several have a reconciliation workflow', async () => {
    const { error } = await cli(['reconcile', '--plant', '1000']);

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(
      /plantsync-dev-reconciliation, plantsync-prod-reconciliation.*--env/,
    );
  });

  it('fails with exit code 1 and the reason when the workflow fails', async () => {
    const { io, error } = await cli(['reconcile', '--env', 'prod', '--plant', '1000']);

    expect(error).toMatchObject({ exitCode: 1, message: 'reconciliation failed for plant(s) 1000' });
    expect(io.stdout()).toContain('plant 1000: FAILED');
    expect(io.stdout()).toContain('failed: DeadLettered: SAP unreachable');
    expect(io.stdout()).toMatch(/find why: plantsync trace cli-/);
  });
});
