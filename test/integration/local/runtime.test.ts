import { join } from 'node:path';
import { DynamoDBClient, GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  DescribeExecutionCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { type Message, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { type LocalRuntime, startLocalRuntime } from '../../../local/runtime/runtime';

const cdkOut = join(import.meta.dirname, '../../fixtures/local/assembly');
const operator = { region: 'us-east-1', credentials: { accessKeyId: 'test-operator', secretAccessKey: 'x' } };

let runtime: LocalRuntime;
const logLines: string[] = [];
let sqs: SQSClient;
let dynamo: DynamoDBClient;
let sfn: SFNClient;
let events: EventBridgeClient;

const queueUrl = (name: string) => runtime.model.queues.find((q) => q.name === name)?.url as string;

async function drainQueue(name: string): Promise<Message[]> {
  const all: Message[] = [];
  for (;;) {
    const out = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl(name),
        MaxNumberOfMessages: 10,
        MessageAttributeNames: ['All'],
        VisibilityTimeout: 30,
      }),
    );
    if (!out.Messages?.length) return all;
    all.push(...out.Messages);
  }
}

async function putOrderEvents(detailType: string, source: string, ids: string[]): Promise<void> {
  const out = await events.send(
    new PutEventsCommand({
      Entries: ids.map((id) => ({
        EventBusName: 'plantsync-fixture',
        Source: source,
        DetailType: detailType,
        Detail: JSON.stringify({ orderId: id }),
      })),
    }),
  );
  expect(out.FailedEntryCount).toBe(0);
}

beforeAll(async () => {
  runtime = await startLocalRuntime({
    cdkOut,
    log: (line) => logLines.push(line),
    asyncRetryDelaysMs: [50],
    eventRetryDelayMs: () => 50,
  });
  sqs = new SQSClient({ ...operator, endpoint: runtime.endpoints.sqs });
  dynamo = new DynamoDBClient({ ...operator, endpoint: runtime.endpoints.dynamodb });
  sfn = new SFNClient({ ...operator, endpoint: runtime.endpoints.stepfunctions });
  events = new EventBridgeClient({ ...operator, endpoint: runtime.endpoints.eventbridge });
}, 90_000);

afterAll(async () => {
  for (const client of [sqs, dynamo, sfn, events]) client?.destroy();
  await runtime?.stop();
});

describe('local runtime on the fixture assembly', () => {
  it('reports at start-up what it cannot run and what it only records', () => {
    const text = runtime.report.format();

    expect(text).toContain('AWS::S3::Bucket is not run');
    expect(text).toContain('AWS::CloudWatch::Dashboard: observability only: recorded, not evaluated');
    expect(runtime.report.findings.some((f) => f.subject.endsWith('OnlyElsewhere'))).toBe(false);
  });

  it('serves every endpoint on loopback', () => {
    for (const url of Object.values(runtime.endpoints).filter((v) => typeof v === 'string')) {
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+/);
    }
  });

  it('drives events through rule, queue, function, state machine, table and back onto the bus', async () => {
    await putOrderEvents('ProductionOrderReleased', 'plantsync.sap', ['O-100', 'O-101']);

    await runtime.settle();

    const item = await dynamo.send(
      new GetItemCommand({ TableName: 'PlantsyncFixture-OrdersTable', Key: { pk: { S: 'O-100' } } }),
    );
    expect(item.Item?.status?.S).toBe('ENRICHED');
    expect(item.Item?.plant?.S).toBe('P100');
    const byPlant = await dynamo.send(
      new QueryCommand({
        TableName: 'PlantsyncFixture-OrdersTable',
        IndexName: 'byPlant',
        KeyConditionExpression: 'plant = :p',
        ExpressionAttributeValues: { ':p': { S: 'P100' } },
      }),
    );
    expect(byPlant.Items?.map((i) => i.pk?.S).sort()).toEqual(['O-100', 'O-101']);
    const audit = (await drainQueue('plantsync-fixture-audit')).map((m) => JSON.parse(m.Body ?? '{}'));
    expect(audit).toEqual(
      expect.arrayContaining([
        { stored: 'O-100', plant: 'P100' },
        { stored: 'O-101', plant: 'P100' },
      ]),
    );
  });

  it('deletes succeeded records and redrives the reported batch item failures to the dead-letter queue', async () => {
    await putOrderEvents('ProductionOrderReleased', 'plantsync.sap', ['O-200', 'BAD-1']);

    await runtime.settle();

    const dead = await drainQueue('PlantsyncFixture-OrdersDlq');
    expect(dead.map((m) => JSON.parse(m.Body ?? '{}').detail.orderId)).toEqual(['BAD-1']);
    const good = await dynamo.send(
      new GetItemCommand({ TableName: 'PlantsyncFixture-OrdersTable', Key: { pk: { S: 'O-200' } } }),
    );
    expect(good.Item?.status?.S).toBe('ENRICHED');
  });

  it('runs a state machine Catch path to its service integration and records the failure', async () => {
    const flow = runtime.model.stateMachines.find((m) => m.name.endsWith('OrderFlow'))?.arn;

    const started = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: flow, input: JSON.stringify({ orderId: 'REJECT-1' }) }),
    );
    await runtime.settle();

    const described = await sfn.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
    expect(described.status).toBe('FAILED');
    expect(described.error).toBe('OrderRejected');
    const rejected = (await drainQueue('PlantsyncFixture-RejectQueue')).map((m) =>
      JSON.parse(m.Body ?? '{}'),
    );
    expect(rejected).toEqual([{ orderId: 'REJECT-1', error: 'PermanentError' }]);
  });

  it('pauses a .waitForTaskToken task until SendTaskSuccess arrives', async () => {
    const flow = runtime.model.stateMachines.find((m) => m.name.endsWith('ApprovalFlow'))?.arn;
    const started = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: flow, input: JSON.stringify({ orderId: 'O-300' }) }),
    );
    await runtime.settle();
    const [request] = await drainQueue('PlantsyncFixture-ApprovalQueue');
    const { token } = JSON.parse(request?.Body ?? '{}') as { token: string };

    await sfn.send(
      new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ approved: true }) }),
    );
    await runtime.settle();

    const described = await sfn.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
    expect(described.status).toBe('SUCCEEDED');
    expect(JSON.parse(described.output ?? 'null')).toEqual({ approved: true });
  });

  it('refuses a call the role does not grant with AccessDenied and logs the missing action and resource', async () => {
    const fn = runtime.lambda.get('PlantsyncFixture-DeniedFn');

    const result = await fn?.invoke({});

    const payload = result?.ok ? JSON.parse(result.payload) : undefined;
    expect(payload).toMatchObject({ denied: true, name: 'AccessDeniedException' });
    expect(payload.message).toContain('is not authorized to perform: dynamodb:PutItem');
    expect(logLines.join('\n')).toContain(
      'missing dynamodb:PutItem on arn:aws:dynamodb:us-east-1:000000000000:table/PlantsyncFixture-OrdersTable',
    );
  });

  it('stops a function that runs past its timeout and fails the invocation', async () => {
    const result = await runtime.lambda.get('PlantsyncFixture-SlowFn')?.invoke({});

    expect(result?.ok).toBe(false);
    expect(result && !result.ok && result.error.errorType).toBe('Sandbox.Timedout');
    expect(result && !result.ok && result.error.errorMessage).toContain('Task timed out after 1.00 seconds');
  });

  it('retries a failed asynchronous invocation, then sends the event to the function dead-letter queue', async () => {
    await putOrderEvents('DowntimeStarted', 'plantsync.mes', ['M-1']);

    await runtime.settle();

    const [dead] = await drainQueue('PlantsyncFixture-FlakyDlq');
    expect(JSON.parse(dead?.Body ?? '{}').detail).toEqual({ orderId: 'M-1' });
    expect(dead?.MessageAttributes?.ErrorMessage?.StringValue).toContain('(attempt 2)');
  });

  it('serves secrets the app reads by name once they are put', async () => {
    const secrets = new SecretsManagerClient({ ...operator, endpoint: runtime.endpoints.secretsmanager });
    runtime.putSecret('plantsync/sap/1000', '{"user":"PLANTSYNC"}');

    const secret = await secrets.send(new GetSecretValueCommand({ SecretId: 'plantsync/sap/1000' }));

    expect(secret.SecretString).toBe('{"user":"PLANTSYNC"}');
    expect(secret.ARN).toMatch(/:secret:plantsync\/sap\/1000-[0-9a-f]{6}$/);
    secrets.destroy();
  });

  it('forwards an event unchanged from one bus to another', async () => {
    const put = await events.send(
      new PutEventsCommand({
        Entries: [
          { EventBusName: 'plantsync-fixture', Source: 'plantsync.analytics', DetailType: 'X', Detail: '{}' },
        ],
      }),
    );

    await runtime.settle();

    const [mirrored] = await drainQueue('PlantsyncFixture-MirrorQueue');
    expect(JSON.parse(mirrored?.Body ?? '{}').id).toBe(put.Entries?.[0]?.EventId);
  });

  it('drops records that match no filter criteria without invoking the function', async () => {
    for (const keep of [true, false]) {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: queueUrl('PlantsyncFixture-FilteredQueue'),
          MessageBody: JSON.stringify({ keep }),
        }),
      );
    }

    await runtime.settle();

    expect(runtime.meter.snapshot().lambda?.['Invoke PlantsyncFixture-FilterFn']).toBe(1);
    expect(await drainQueue('PlantsyncFixture-FilteredQueue')).toEqual([]);
  });

  it('meters billable calls per service', () => {
    const meter = runtime.meter.snapshot();

    expect(meter.eventbridge?.PutEvents).toBeGreaterThan(0);
    expect(runtime.meter.total('lambda')).toBeGreaterThan(0);
    expect(runtime.meter.total('stepfunctions')).toBeGreaterThan(0);
    expect(runtime.meter.total('sqs')).toBeGreaterThan(0);
  });

  it('reports usage in the units the cost report prices', () => {
    const usage = runtime.usage();

    expect(usage.lambdaRequests).toBeGreaterThan(0);
    expect(usage.lambdaGbSeconds).toBeGreaterThan(0);
    expect(usage.sfnStandardTransitions).toBeGreaterThan(0);
    expect(usage.eventBridgeEvents).toBeGreaterThan(0);
    expect(usage.dynamoWriteUnits).toBeGreaterThan(0);
  });
});

describe('API Gateway front on the fixture assembly', () => {
  const key = { 'x-api-key': 'fixture-key-0123456789abcdef' };
  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${runtime.endpoints.api}/v1/orders`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', ...headers },
    });

  it('refuses a method that requires an API key when none is sent', async () => {
    const res = await post('{"orderId":"A","quantity":"1"}', { 'x-correlation-id': 'c1' });

    expect(res.status).toBe(403);
  });

  it('rejects a body that breaks the model', async () => {
    const res = await post('{"orderId":"A","quantity":"lots"}', { ...key, 'x-correlation-id': 'c1' });

    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ message: 'Invalid request body' });
  });

  it('rejects a request missing a required header', async () => {
    const res = await post('{"orderId":"A","quantity":"1"}', key);

    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toContain('x-correlation-id');
  });

  it('passes a valid request to the function as a proxy event with the raw body', async () => {
    const raw = '{"orderId":"A",   "quantity":"1.5"}';

    const res = await post(raw, { ...key, 'x-correlation-id': 'c1' });

    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ path: '/v1/orders', resource: '/v1/orders', body: raw });
  });

  it('base64-encodes binary media types', async () => {
    const res = await fetch(`${runtime.endpoints.api}/v1/orders/O-9`, {
      method: 'PUT',
      body: Buffer.from([0, 1, 2, 255]),
      headers: { 'content-type': 'application/octet-stream' },
    });

    expect(await res.json()).toMatchObject({
      pathParameters: { orderId: 'O-9' },
      isBase64Encoded: true,
      body: Buffer.from([0, 1, 2, 255]).toString('base64'),
    });
  });

  it('answers 429 once the method throttle burst is used up', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${runtime.endpoints.api}/v1/orders/O-1`, { headers: key });
      statuses.push(res.status);
    }

    expect(statuses).toEqual([202, 202, 202, 429]);
  });
});
