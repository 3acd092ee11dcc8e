import {
  CreateArchiveCommand,
  DescribeReplayCommand,
  EventBridgeClient,
  ListRulesCommand,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  StartReplayCommand,
  TestEventPatternCommand,
} from '@aws-sdk/client-eventbridge';
import { LocalEventBridge, type Target } from '../../../../local/eventbridge/bus';
import {
  accessKeyIdOf,
  type EventBridgeServer,
  startEventBridgeServer,
} from '../../../../local/eventbridge/server';

const delivered: Array<{ target: Target; payload: string }> = [];
const authorizations: Array<[string | undefined, string, string]> = [];
const bridge = new LocalEventBridge({
  account: '111122223333',
  region: 'eu-west-1',
  deliver: async (target, payload) => {
    delivered.push({ target, payload });
  },
  retryDelayMs: () => 0,
});
let server: EventBridgeServer;

const clientFor = (accessKeyId: string) =>
  new EventBridgeClient({
    endpoint: server.url,
    region: 'eu-west-1',
    credentials: { accessKeyId, secretAccessKey: 'not-checked' },
    maxAttempts: 1,
  });

beforeAll(async () => {
  server = await startEventBridgeServer({
    bridge,
    authorize: (accessKeyId, action, resourceArn) => {
      authorizations.push([accessKeyId, action, resourceArn]);
      if (accessKeyId === 'AKIDEXPLAINED')
        return { allowed: false, message: `role lacks ${action} on ${resourceArn}` };
      return accessKeyId !== 'AKIDDENIED';
    },
  });
  bridge.createEventBus('plant');
});

afterAll(async () => {
  await server.close();
});

describe('EventBridge JSON protocol server', () => {
  it('binds to loopback on an ephemeral port', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('creates rules and targets and routes PutEvents through them', async () => {
    const client = clientFor('AKIDORDERS');
    const { RuleArn } = await client.send(
      new PutRuleCommand({
        Name: 'to-queue',
        EventBusName: 'plant',
        EventPattern: '{"source":["plant.sap"]}',
      }),
    );
    await client.send(
      new PutTargetsCommand({
        Rule: 'to-queue',
        EventBusName: 'plant',
        Targets: [{ Id: 'q', Arn: 'arn:aws:sqs:eu-west-1:111122223333:orders', InputPath: '$.detail' }],
      }),
    );

    const response = await client.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: 'plant',
            Source: 'plant.sap',
            DetailType: 'ProductionOrderReleased',
            Detail: '{"order":"1"}',
          },
          { EventBusName: 'plant', Source: 'plant.sap', DetailType: 'X' },
        ],
      }),
    );
    await bridge.drain();

    expect(RuleArn).toBe('arn:aws:events:eu-west-1:111122223333:rule/plant/to-queue');
    expect(response.FailedEntryCount).toBe(1);
    expect(response.Entries?.[0]?.EventId).toEqual(expect.any(String));
    expect(response.Entries?.[1]?.ErrorCode).toBe('InvalidArgument');
    expect(delivered).toEqual([{ target: expect.objectContaining({ Id: 'q' }), payload: '{"order":"1"}' }]);
  });

  it('keeps every target setting the SDK sends', async () => {
    const target = {
      Id: 'sfn',
      Arn: 'arn:aws:states:eu-west-1:111122223333:stateMachine:orders',
      RoleArn: 'arn:aws:iam::111122223333:role/events',
      InputTransformer: { InputPathsMap: { order: '$.detail.order' }, InputTemplate: '{"order": <order>}' },
      RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 120 },
      DeadLetterConfig: { Arn: 'arn:aws:sqs:eu-west-1:111122223333:dlq' },
    };
    const client = clientFor('AKIDORDERS');
    await client.send(
      new PutRuleCommand({ Name: 'to-sfn', EventBusName: 'plant', EventPattern: '{"source":["x"]}' }),
    );

    const put = await client.send(
      new PutTargetsCommand({ Rule: 'to-sfn', EventBusName: 'plant', Targets: [target] }),
    );

    expect(put.FailedEntryCount).toBe(0);
    expect(bridge.listTargetsByRule({ EventBusName: 'plant', Rule: 'to-sfn' }).Targets).toEqual([target]);
  });

  it('lists rules', async () => {
    const { Rules } = await clientFor('AKIDORDERS').send(new ListRulesCommand({ EventBusName: 'plant' }));
    expect(Rules?.map((r) => r.Name)).toEqual(['to-queue', 'to-sfn']);
  });

  it('answers TestEventPattern', async () => {
    const event = {
      id: '1',
      account: '111122223333',
      source: 'plant.sap',
      time: '2026-11-25T03:00:00Z',
      region: 'eu-west-1',
      resources: [],
      'detail-type': 'X',
      detail: {},
    };
    const { Result } = await clientFor('AKIDORDERS').send(
      new TestEventPatternCommand({
        EventPattern: '{"source":[{"prefix":"plant."}]}',
        Event: JSON.stringify(event),
      }),
    );
    expect(Result).toBe(true);
  });

  it('returns InvalidEventPatternException in the AWS error shape', async () => {
    const error = await clientFor('AKIDORDERS')
      .send(new PutRuleCommand({ Name: 'bad', EventPattern: '{"source":"plant.sap"}' }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'InvalidEventPatternException',
      message: 'Event pattern is not valid. Reason: "source" must be an object or an array',
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('rejects an entry list above ten with ValidationException', async () => {
    const Entries = Array.from({ length: 11 }, () => ({ Source: 's', DetailType: 'd', Detail: '{}' }));
    const error = await clientFor('AKIDORDERS')
      .send(new PutEventsCommand({ Entries }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ValidationException' });
  });

  it('archives events and replays them, with timestamps in the protocol format', async () => {
    const client = clientFor('AKIDOPS');
    const { ArchiveArn } = await client.send(
      new CreateArchiveCommand({
        ArchiveName: 'plant-archive',
        EventSourceArn: bridge.busArn('plant'),
        RetentionDays: 1,
      }),
    );
    await client.send(
      new PutEventsCommand({
        Entries: [{ EventBusName: 'plant', Source: 'plant.sap', DetailType: 'D', Detail: '{"order":"2"}' }],
      }),
    );
    await bridge.drain();
    delivered.length = 0;

    const started = await client.send(
      new StartReplayCommand({
        ReplayName: 'replay-1',
        EventSourceArn: ArchiveArn,
        EventStartTime: new Date(Date.now() - 3_600_000),
        EventEndTime: new Date(Date.now() + 3_600_000),
        Destination: { Arn: bridge.busArn('plant') },
      }),
    );
    await bridge.drain();
    const described = await client.send(new DescribeReplayCommand({ ReplayName: 'replay-1' }));

    expect(started.State).toBe('STARTING');
    expect(described.State).toBe('COMPLETED');
    expect(described.ReplayStartTime).toBeInstanceOf(Date);
    expect(delivered.map((d) => d.payload)).toEqual(['{"order":"2"}']);
  });

  it('hands the caller access key id, action and resource to authorize', async () => {
    authorizations.length = 0;
    await clientFor('AKIDCHECKED').send(
      new PutEventsCommand({
        Entries: [{ EventBusName: 'plant', Source: 's', DetailType: 'd', Detail: '{}' }],
      }),
    );
    expect(authorizations).toEqual([
      ['AKIDCHECKED', 'events:PutEvents', 'arn:aws:events:eu-west-1:111122223333:event-bus/plant'],
    ]);
  });

  it('answers AccessDeniedException when authorize refuses', async () => {
    const error = await clientFor('AKIDDENIED')
      .send(new PutEventsCommand({ Entries: [{ Source: 's', DetailType: 'd', Detail: '{}' }] }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'AccessDeniedException',
      message:
        'User: AKIDDENIED is not authorized to perform: events:PutEvents on resource: arn:aws:events:eu-west-1:111122223333:event-bus/default',
    });
  });

  it('uses the message of a denial decision', async () => {
    const error = await clientFor('AKIDEXPLAINED')
      .send(new PutRuleCommand({ Name: 'x', EventPattern: '{"source":["s"]}' }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'AccessDeniedException',
      message: 'role lacks events:PutRule on arn:aws:events:eu-west-1:111122223333:rule/x',
    });
  });

  it('answers UnknownOperationException for unsupported targets', async () => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'x-amz-target': 'AWSEvents.DeleteEverything', 'content-type': 'application/x-amz-json-1.1' },
      body: '{}',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      __type: 'UnknownOperationException',
      message: expect.any(String),
    });
  });
});

describe('accessKeyIdOf', () => {
  it('reads the access key id from a SigV4 authorization header', () => {
    expect(
      accessKeyIdOf(
        'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261125/us-east-1/events/aws4_request, SignedHeaders=host, Signature=abc',
      ),
    ).toBe('AKIDEXAMPLE');
  });

  it('returns undefined without an authorization header', () => {
    expect(accessKeyIdOf(undefined)).toBeUndefined();
  });
});
