import {
  DeliveryError,
  type DeliveryMeta,
  type DroppedDelivery,
  EventBridgeError,
  LocalEventBridge,
  putEventsEntrySize,
  type Target,
} from '../../../../local/eventbridge/bus';

interface Delivered {
  target: Target;
  payload: string;
  meta: DeliveryMeta;
}

function setup(
  options: { failures?: (target: Target, attempt: number) => Error | undefined; now?: () => Date } = {},
) {
  const delivered: Delivered[] = [];
  const dropped: DroppedDelivery[] = [];
  const delays: number[] = [];
  let ids = 0;
  const bridge = new LocalEventBridge({
    account: '111122223333',
    region: 'eu-west-1',
    deliver: async (target, payload, meta) => {
      const failure = options.failures?.(target, meta.attempt);
      if (failure) throw failure;
      delivered.push({ target, payload, meta });
    },
    onDropped: (d) => dropped.push(d),
    retryDelayMs: (attempt) => attempt * 10,
    sleep: async (ms) => {
      delays.push(ms);
    },
    newId: () => `event-${++ids}`,
    ...(options.now ? { now: options.now } : {}),
  });
  return { bridge, delivered, dropped, delays };
}

const entry = (detail: Record<string, unknown> = { state: 'ok' }, extra: Record<string, unknown> = {}) => ({
  Source: 'plant.mes',
  DetailType: 'MachineStateChanged',
  Detail: JSON.stringify(detail),
  EventBusName: 'plant',
  ...extra,
});

function withRule(
  bridge: LocalEventBridge,
  targets: Target[],
  pattern: object = { source: ['plant.mes'] },
  name = 'r1',
) {
  bridge.createEventBus('plant');
  bridge.putRule({ EventBusName: 'plant', Name: name, EventPattern: JSON.stringify(pattern) });
  bridge.putTargets({ EventBusName: 'plant', Rule: name, Targets: targets });
}

const queue = (id = 't1'): Target => ({ Id: id, Arn: `arn:aws:sqs:eu-west-1:111122223333:${id}` });

describe('putEvents', () => {
  it('returns an event id per accepted entry and builds the full EventBridge event', async () => {
    const { bridge, delivered } = setup();
    withRule(bridge, [queue()]);

    const response = bridge.putEvents([
      entry({ state: 'ok' }, { Resources: ['arn:x'], Time: new Date('2026-11-25T03:00:00.123Z') }),
    ]);
    await bridge.drain();

    expect(response).toEqual({ FailedEntryCount: 0, Entries: [{ EventId: 'event-1' }] });
    expect(JSON.parse(delivered[0]?.payload ?? '')).toEqual({
      version: '0',
      id: 'event-1',
      'detail-type': 'MachineStateChanged',
      source: 'plant.mes',
      account: '111122223333',
      time: '2026-11-25T03:00:00Z',
      region: 'eu-west-1',
      resources: ['arn:x'],
      detail: { state: 'ok' },
    });
  });

  it('delivers after putEvents has returned', async () => {
    const { bridge, delivered } = setup();
    withRule(bridge, [queue()]);

    bridge.putEvents([entry()]);
    const deliveredBeforeDrain = delivered.length;
    await bridge.drain();

    expect([deliveredBeforeDrain, delivered.length]).toEqual([0, 1]);
  });

  it('reports per-entry errors for missing fields and malformed detail', () => {
    const { bridge } = setup();
    bridge.createEventBus('plant');

    const response = bridge.putEvents([
      { DetailType: 'x', Detail: '{}', EventBusName: 'plant' },
      { Source: 's', Detail: '{}', EventBusName: 'plant' },
      { Source: 's', DetailType: 'x', EventBusName: 'plant' },
      { Source: 's', DetailType: 'x', Detail: '[1,2]', EventBusName: 'plant' },
      { Source: 's', DetailType: 'x', Detail: 'not json', EventBusName: 'plant' },
      entry(),
    ]);

    expect(response.FailedEntryCount).toBe(5);
    expect(response.Entries.map((e) => ('ErrorCode' in e ? e.ErrorCode : 'ok'))).toEqual([
      'InvalidArgument',
      'InvalidArgument',
      'InvalidArgument',
      'MalformedDetail',
      'MalformedDetail',
      'ok',
    ]);
    expect(response.Entries[0]).toEqual({
      ErrorCode: 'InvalidArgument',
      ErrorMessage: 'Parameter Source is not valid. Reason: Source is a required argument.',
    });
  });

  it('refuses sources reserved for AWS services', () => {
    const { bridge } = setup();
    bridge.createEventBus('plant');
    expect(bridge.putEvents([entry({}, { Source: 'aws.ec2' })]).Entries[0]).toEqual({
      ErrorCode: 'NotAuthorizedForSourceException',
      ErrorMessage: 'Not authorized for the source.',
    });
  });

  it('reports an entry for a bus that does not exist', () => {
    const { bridge } = setup();
    const response = bridge.putEvents([entry({}, { EventBusName: 'missing' })]);
    expect(response.Entries[0]).toMatchObject({ ErrorCode: 'InvalidArgument' });
  });

  it('accepts the bus as an ARN', () => {
    const { bridge } = setup();
    bridge.createEventBus('plant');
    const response = bridge.putEvents([entry({}, { EventBusName: bridge.busArn('plant') })]);
    expect(response.FailedEntryCount).toBe(0);
  });

  it('rejects more than 10 entries', () => {
    const { bridge } = setup();
    bridge.createEventBus('plant');
    expect(() => bridge.putEvents(Array.from({ length: 11 }, () => entry()))).toThrow(EventBridgeError);
  });

  it('rejects a request whose entries exceed 256 KB as AWS computes the size', () => {
    const { bridge } = setup();
    bridge.createEventBus('plant');
    const big = 'x'.repeat(
      256 * 1024 - 'plant.mes'.length - 'MachineStateChanged'.length - '{"a":""}'.length,
    );
    expect(() => bridge.putEvents([entry({ a: big })])).not.toThrow();
    expect(() => bridge.putEvents([entry({ a: `${big}y` })])).toThrow(
      'Total size of the entries in the request is over the limit.',
    );
  });

  it('computes entry size from Time, Source, DetailType, Detail and Resources in UTF-8 bytes', () => {
    expect(
      putEventsEntrySize({
        Source: 'ab',
        DetailType: 'é',
        Detail: '{}',
        Resources: ['r1', 'r2'],
        Time: new Date(),
      }),
    ).toBe(14 + 2 + 2 + 2 + 4);
  });

  it('meters billable events in 64 KB chunks', () => {
    const { bridge } = setup();
    bridge.createEventBus('plant');
    bridge.putEvents([entry({ a: 'x'.repeat(70 * 1024) }), entry()]);
    expect(bridge.metering().billablePutEvents).toBe(3);
    expect(bridge.metering().acceptedEntries).toBe(2);
  });
});

describe('rules and routing', () => {
  it('rejects an invalid pattern with InvalidEventPatternException', () => {
    const { bridge } = setup();
    expect(() => bridge.putRule({ Name: 'bad', EventPattern: '{"source":"x"}' })).toThrow(
      expect.objectContaining({ name: 'InvalidEventPatternException' }),
    );
  });

  it('routes only to rules whose pattern matches', async () => {
    const { bridge, delivered } = setup();
    withRule(bridge, [queue('a')], { detail: { state: ['ok'] } }, 'ok-rule');
    bridge.putRule({
      EventBusName: 'plant',
      Name: 'down-rule',
      EventPattern: '{"detail":{"state":["down"]}}',
    });
    bridge.putTargets({ EventBusName: 'plant', Rule: 'down-rule', Targets: [queue('b')] });

    bridge.putEvents([entry({ state: 'down' })]);
    await bridge.drain();

    expect(delivered.map((d) => d.target.Id)).toEqual(['b']);
    expect(delivered[0]?.meta.rule).toBe('down-rule');
    expect(delivered[0]?.meta.ruleArn).toBe('arn:aws:events:eu-west-1:111122223333:rule/plant/down-rule');
  });

  it('skips disabled rules', async () => {
    const { bridge, delivered } = setup();
    withRule(bridge, [queue()]);
    bridge.putRule({
      EventBusName: 'plant',
      Name: 'r1',
      EventPattern: '{"source":["plant.mes"]}',
      State: 'DISABLED',
    });

    bridge.putEvents([entry()]);
    await bridge.drain();

    expect(delivered).toHaveLength(0);
  });

  it('keeps targets when a rule is updated', () => {
    const { bridge } = setup();
    withRule(bridge, [queue()]);
    bridge.putRule({ EventBusName: 'plant', Name: 'r1', EventPattern: '{"source":["other"]}' });
    expect(bridge.listTargetsByRule({ EventBusName: 'plant', Rule: 'r1' }).Targets).toHaveLength(1);
  });

  it('does not route events from other buses', async () => {
    const { bridge, delivered } = setup();
    withRule(bridge, [queue()]);
    bridge.putEvents([entry({}, { EventBusName: 'default' })]);
    await bridge.drain();
    expect(delivered).toHaveLength(0);
  });

  it('applies InputPath and InputTransformer per target', async () => {
    const { bridge, delivered } = setup();
    withRule(bridge, [
      { ...queue('path'), InputPath: '$.detail' },
      {
        ...queue('template'),
        InputTransformer: {
          InputPathsMap: { s: '$.detail.state' },
          InputTemplate: '{"state": <s>, "rule": "<aws.events.rule-name>"}',
        },
      },
    ]);

    bridge.putEvents([entry({ state: 'ok' })]);
    await bridge.drain();

    const byId = Object.fromEntries(delivered.map((d) => [d.target.Id, JSON.parse(d.payload)]));
    expect(byId).toEqual({ path: { state: 'ok' }, template: { state: 'ok', rule: 'r1' } });
  });

  it('lists rules with their patterns and states', () => {
    const { bridge } = setup();
    withRule(bridge, [queue()]);
    expect(bridge.listRules({ EventBusName: 'plant' }).Rules).toEqual([
      expect.objectContaining({
        Name: 'r1',
        EventPattern: '{"source":["plant.mes"]}',
        State: 'ENABLED',
        EventBusName: 'plant',
      }),
    ]);
  });

  it('rejects invalid target settings', () => {
    const { bridge } = setup();
    withRule(bridge, [queue()]);
    expect(() =>
      bridge.putTargets({
        EventBusName: 'plant',
        Rule: 'r1',
        Targets: [{ ...queue(), RetryPolicy: { MaximumRetryAttempts: 200 } }],
      }),
    ).toThrow('MaximumRetryAttempts');
    expect(() =>
      bridge.putTargets({
        EventBusName: 'plant',
        Rule: 'r1',
        Targets: [{ ...queue(), InputPath: 'detail' }],
      }),
    ).toThrow('Invalid JSONPath');
  });

  it('refuses a sixth target on a rule', () => {
    const { bridge } = setup();
    withRule(
      bridge,
      [1, 2, 3, 4, 5].map((n) => queue(`t${n}`)),
    );
    const result = bridge.putTargets({ EventBusName: 'plant', Rule: 'r1', Targets: [queue('t6')] });
    expect(result.FailedEntries).toEqual([
      expect.objectContaining({ TargetId: 't6', ErrorCode: 'LimitExceededException' }),
    ]);
  });
});

describe('retries and dead-letter queues', () => {
  it('retries a failing delivery with backoff until it succeeds', async () => {
    const { bridge, delivered, delays } = setup({
      failures: (_target, attempt) => (attempt < 2 ? new Error('throttled') : undefined),
    });
    withRule(bridge, [queue()]);

    bridge.putEvents([entry()]);
    await bridge.drain();

    expect(delivered.map((d) => d.meta.attempt)).toEqual([2]);
    expect(delays).toEqual([10, 20]);
  });

  it('sends the event to the dead-letter queue with AWS error attributes once retries are exhausted', async () => {
    const dlq = 'arn:aws:sqs:eu-west-1:111122223333:dlq';
    const { bridge, delivered, dropped } = setup({
      failures: (target) =>
        target.Arn === dlq ? undefined : new DeliveryError('ThrottlingException', 'slow down'),
    });
    withRule(bridge, [
      { ...queue(), RetryPolicy: { MaximumRetryAttempts: 2 }, DeadLetterConfig: { Arn: dlq } },
    ]);

    bridge.putEvents([entry()]);
    await bridge.drain();

    expect(delivered).toHaveLength(1);
    expect(delivered[0]?.target.Arn).toBe(dlq);
    expect(delivered[0]?.meta.deadLetter).toEqual({
      ERROR_CODE: 'ThrottlingException',
      ERROR_MESSAGE: 'slow down',
      EXHAUSTED_RETRY_CONDITION: 'MaximumRetryAttempts',
      RETRY_ATTEMPTS: 2,
      RULE_ARN: 'arn:aws:events:eu-west-1:111122223333:rule/plant/r1',
      TARGET_ARN: 'arn:aws:sqs:eu-west-1:111122223333:t1',
    });
    expect(JSON.parse(delivered[0]?.payload ?? '').id).toBe('event-1');
    expect(dropped).toHaveLength(0);
    expect(bridge.metering()).toMatchObject({ deliveryFailures: 3, sentToDeadLetter: 1, dropped: 0 });
  });

  it('does not retry errors AWS does not retry', async () => {
    const { bridge, dropped, delays } = setup({
      failures: () => new DeliveryError('AccessDeniedException', 'no permission', false),
    });
    withRule(bridge, [queue()]);

    bridge.putEvents([entry()]);
    await bridge.drain();

    expect(delays).toEqual([]);
    expect(dropped[0]?.reason).toMatchObject({
      EXHAUSTED_RETRY_CONDITION: 'NonRetryableError',
      RETRY_ATTEMPTS: 0,
    });
  });

  it('stops retrying when the event would exceed the maximum event age', async () => {
    let clock = Date.parse('2026-11-25T03:00:00Z');
    const { bridge, dropped } = setup({
      failures: () => {
        clock += 30_000;
        return new Error('down');
      },
      now: () => new Date(clock),
    });
    withRule(bridge, [{ ...queue(), RetryPolicy: { MaximumEventAgeInSeconds: 60 } }]);

    bridge.putEvents([entry()]);
    await bridge.drain();

    expect(dropped[0]?.reason.EXHAUSTED_RETRY_CONDITION).toBe('MaximumEventAgeInSeconds');
  });

  it('reports a dropped event and counts it when there is no dead-letter queue', async () => {
    const { bridge, dropped } = setup({ failures: () => new Error('boom') });
    withRule(bridge, [{ ...queue(), RetryPolicy: { MaximumRetryAttempts: 0 } }]);

    bridge.putEvents([entry()]);
    await bridge.drain();

    expect(dropped).toEqual([
      expect.objectContaining({ rule: 'r1', reason: expect.objectContaining({ ERROR_MESSAGE: 'boom' }) }),
    ]);
    expect(bridge.metering().dropped).toBe(1);
  });

  it('drops the event when the dead-letter queue itself fails', async () => {
    const { bridge, dropped } = setup({ failures: () => new Error('everything is down') });
    withRule(bridge, [
      {
        ...queue(),
        RetryPolicy: { MaximumRetryAttempts: 0 },
        DeadLetterConfig: { Arn: 'arn:aws:sqs:x:1:dlq' },
      },
    ]);

    bridge.putEvents([entry()]);
    await bridge.drain();

    expect(dropped).toHaveLength(1);
  });
});

describe('archives and replays', () => {
  function archived(now: () => Date) {
    const env = setup({ now });
    withRule(env.bridge, [queue('live')], { source: ['plant.mes'] }, 'live');
    env.bridge.putRule({ EventBusName: 'plant', Name: 'other', EventPattern: '{"source":["plant.mes"]}' });
    env.bridge.putTargets({ EventBusName: 'plant', Rule: 'other', Targets: [queue('other')] });
    const { ArchiveArn } = env.bridge.createArchive({
      ArchiveName: 'plant-archive',
      EventSourceArn: env.bridge.busArn('plant'),
      EventPattern: '{"detail":{"keep":[true]}}',
      RetentionDays: 7,
    });
    return { ...env, ArchiveArn };
  }

  it('archives only events matching the archive pattern', async () => {
    const { bridge } = archived(() => new Date('2026-11-25T03:00:00Z'));
    bridge.putEvents([entry({ keep: true }), entry({ keep: false })]);
    await bridge.drain();
    expect(bridge.archivedEvents('plant-archive').map((e) => e.detail)).toEqual([{ keep: true }]);
  });

  it('replays archived events in the window to the rules, adding replay-name', async () => {
    let clock = Date.parse('2026-11-25T03:00:00Z');
    const { bridge, delivered, ArchiveArn } = archived(() => new Date(clock));
    bridge.putEvents([entry({ keep: true, n: 1 })]);
    clock += 60_000;
    bridge.putEvents([entry({ keep: true, n: 2 })]);
    await bridge.drain();
    delivered.length = 0;

    const started = bridge.startReplay({
      ReplayName: 'r-1',
      EventSourceArn: ArchiveArn,
      EventStartTime: new Date('2026-11-25T03:00:30Z'),
      EventEndTime: new Date('2026-11-25T04:00:00Z'),
      Destination: { Arn: bridge.busArn('plant') },
    });
    await bridge.drain();

    expect(started.State).toBe('STARTING');
    expect(
      delivered.map((d) => [
        d.target.Id,
        JSON.parse(d.payload).detail.n,
        JSON.parse(d.payload)['replay-name'],
      ]),
    ).toEqual([
      ['live', 2, 'r-1'],
      ['other', 2, 'r-1'],
    ]);
    expect(bridge.describeReplay({ ReplayName: 'r-1' })).toMatchObject({
      State: 'COMPLETED',
      ReplayName: 'r-1',
    });
    expect(bridge.metering().replayedEvents).toBe(1);
  });

  it('replays only to the rules named in FilterArns', async () => {
    const { bridge, delivered, ArchiveArn } = archived(() => new Date('2026-11-25T03:00:00Z'));
    bridge.putEvents([entry({ keep: true })]);
    await bridge.drain();
    delivered.length = 0;

    bridge.startReplay({
      ReplayName: 'r-2',
      EventSourceArn: ArchiveArn,
      EventStartTime: new Date('2026-11-25T02:00:00Z'),
      EventEndTime: new Date('2026-11-25T04:00:00Z'),
      Destination: { Arn: bridge.busArn('plant'), FilterArns: [bridge.ruleArn('plant', 'other')] },
    });
    await bridge.drain();

    expect(delivered.map((d) => d.target.Id)).toEqual(['other']);
  });

  it('does not archive replayed events again', async () => {
    const { bridge, ArchiveArn } = archived(() => new Date('2026-11-25T03:00:00Z'));
    bridge.putEvents([entry({ keep: true })]);
    bridge.startReplay({
      ReplayName: 'r-3',
      EventSourceArn: ArchiveArn,
      EventStartTime: new Date('2026-11-25T02:00:00Z'),
      EventEndTime: new Date('2026-11-25T04:00:00Z'),
      Destination: { Arn: bridge.busArn('plant') },
    });
    await bridge.drain();
    expect(bridge.archivedEvents('plant-archive')).toHaveLength(1);
  });

  it('rejects a replay to a bus other than the archive source', () => {
    const { bridge, ArchiveArn } = archived(() => new Date());
    expect(() =>
      bridge.startReplay({
        ReplayName: 'r-4',
        EventSourceArn: ArchiveArn,
        EventStartTime: new Date(0),
        EventEndTime: new Date(),
        Destination: { Arn: bridge.busArn('default') },
      }),
    ).toThrow('archive source event bus');
  });

  it('forgets events older than the retention period', async () => {
    let clock = Date.parse('2026-11-01T00:00:00Z');
    const { bridge } = archived(() => new Date(clock));
    bridge.putEvents([entry({ keep: true })]);
    clock += 8 * 86_400_000;
    expect(bridge.archivedEvents('plant-archive')).toHaveLength(0);
  });

  it('reports an unknown replay', () => {
    const { bridge } = setup();
    expect(() => bridge.describeReplay({ ReplayName: 'nope' })).toThrow(
      expect.objectContaining({ name: 'ResourceNotFoundException' }),
    );
  });
});

describe('testEventPattern', () => {
  const event = {
    id: '1',
    account: '111122223333',
    source: 'plant.mes',
    time: '2026-11-25T03:00:00Z',
    region: 'eu-west-1',
    resources: [],
    'detail-type': 'X',
    detail: {},
  };

  it('tells whether the event matches', () => {
    const { bridge } = setup();
    expect(bridge.testEventPattern('{"source":["plant.mes"]}', JSON.stringify(event))).toBe(true);
    expect(bridge.testEventPattern('{"source":["plant.sap"]}', JSON.stringify(event))).toBe(false);
  });

  it('requires the mandatory event fields', () => {
    const { bridge } = setup();
    const { region: _region, ...withoutRegion } = event;
    expect(() => bridge.testEventPattern('{"source":["plant.mes"]}', JSON.stringify(withoutRegion))).toThrow(
      'Provided Event must have mandatory field region',
    );
  });
});

describe('bus-to-bus forwarding', () => {
  it('routes a forwarded event unchanged on the target bus', async () => {
    const { bridge, delivered } = setup();
    withRule(bridge, [queue()]);
    const event = {
      version: '0' as const,
      id: 'original-id',
      'detail-type': 'MachineStateChanged',
      source: 'plant.mes',
      account: '111122223333',
      time: '2026-11-25T03:00:00Z',
      region: 'eu-west-1',
      resources: [],
      detail: { state: 'ok' },
    };

    bridge.forwardEvent(bridge.busArn('plant'), event);
    await bridge.drain();

    expect(JSON.parse(delivered[0]?.payload ?? '')).toEqual(event);
  });
});
