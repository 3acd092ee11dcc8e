import type { PutEventsCommand, PutEventsResultEntry } from '@aws-sdk/client-eventbridge';
import { DetailType, definitionOf, OwnershipViolationError } from '../../../events';
import { runWithCorrelation } from '../../../shared/correlation';
import { ValidationError } from '../../../shared/errors';
import {
  EventPublisher,
  EventTooLargeError,
  MAX_BYTES_PER_CALL,
  PublishError,
  type PublishRequest,
} from '../../../shared/publisher';

type Reply = (entries: NonNullable<PutEventsCommand['input']['Entries']>) => PutEventsResultEntry[] | Error;

/** A fake EventBridge client: records every call and answers with the scripted replies in turn. */
const fakeClient = (...replies: Reply[]) => {
  const calls: NonNullable<PutEventsCommand['input']['Entries']>[] = [];
  const ok: Reply = (entries) => entries.map((_, i) => ({ EventId: `id-${calls.length}-${i}` }));
  return {
    calls,
    send: async (command: PutEventsCommand) => {
      const entries = command.input.Entries ?? [];
      calls.push(entries);
      const reply = (replies[calls.length - 1] ?? ok)(entries);
      if (reply instanceof Error) throw reply;
      return { Entries: reply, FailedEntryCount: reply.filter((r) => r.ErrorCode).length, $metadata: {} };
    },
  };
};

const downtime = (n: number): PublishRequest => ({
  detailType: DetailType.DowntimeStarted,
  data: { ...definitionOf(DetailType.DowntimeStarted).example, downtimeId: `DT-${n}` },
  plant: '1010',
  occurredAt: '2026-11-25T06:00:00+01:00',
  idempotencyKey: `mes:downtime:DT-${n}`,
});

const publisherWith = (client: ReturnType<typeof fakeClient>, sleeps: number[] = []) =>
  new EventPublisher({
    busName: 'plantsync-test',
    producer: { system: 'mes', name: 'ingress' },
    client: client as never,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
  });

describe('EventPublisher', () => {
  it('sends at most 10 entries per PutEvents call', async () => {
    const client = fakeClient();
    const published = await publisherWith(client).publish(Array.from({ length: 23 }, (_, i) => downtime(i)));
    expect(published).toHaveLength(23);
    expect(client.calls.map((c) => c.length)).toEqual([10, 10, 3]);
  });

  it('splits batches so no call exceeds 256 KB', async () => {
    const client = fakeClient();
    const publisher = new EventPublisher({
      busName: 'b',
      producer: { system: 'plantsync', name: 'test' },
      client: client as never,
    });
    // ~60 KB each: the size limit, not the 10-entry limit, decides the batches.
    const big = (n: number): PublishRequest => ({
      ...downtime(n),
      detailType: DetailType.SyncExceptionRaised,
      data: {
        ...definitionOf(DetailType.SyncExceptionRaised).example,
        exceptionId: `SX-${n}`,
        details: Object.fromEntries(Array.from({ length: 15 }, (_, i) => [`k${i}`, 'x'.repeat(4000)])),
      },
    });
    await publisher.publish(Array.from({ length: 9 }, (_, i) => big(i)));
    expect(client.calls.map((c) => c.length)).toEqual([4, 4, 1]);
    for (const call of client.calls) {
      const bytes = call.reduce(
        (sum, e) => sum + Buffer.byteLength(`${e.Source}${e.DetailType}${e.Detail}`) + 14,
        0,
      );
      expect(bytes).toBeLessThanOrEqual(MAX_BYTES_PER_CALL);
    }
  });

  it('retries only the entries that failed, with backoff', async () => {
    const sleeps: number[] = [];
    const client = fakeClient((entries) =>
      entries.map((_, i) =>
        i === 1 ? { ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' } : { EventId: `e${i}` },
      ),
    );
    const published = await publisherWith(client, sleeps).publish([downtime(1), downtime(2), downtime(3)]);
    expect(published).toHaveLength(3);
    expect(client.calls.map((c) => c.length)).toEqual([3, 1]);
    expect(JSON.parse(client.calls[1]?.[0]?.Detail ?? '{}').data.downtimeId).toBe('DT-2');
    expect(sleeps).toHaveLength(1);
  });

  it('retries a whole call that was throttled', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    const client = fakeClient(
      () => throttled,
      () => throttled,
    );
    const published = await publisherWith(client).publish([downtime(1), downtime(2)]);
    expect(published).toHaveLength(2);
    expect(client.calls).toHaveLength(3);
  });

  it('surfaces entries that still fail after every attempt as a retryable PublishError', async () => {
    const failing: Reply = (entries) =>
      entries.map(() => ({ ErrorCode: 'InternalFailure', ErrorMessage: 'boom' }));
    const client = fakeClient(failing, failing, failing, failing);
    const error = await publisherWith(client)
      .publish([downtime(1)])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PublishError);
    expect((error as PublishError).failed).toHaveLength(1);
    expect((error as PublishError).retryable).toBe(true);
    expect(client.calls).toHaveLength(4);
  });

  it('does not retry a permanent entry failure and reports it as not retryable', async () => {
    const client = fakeClient((entries) =>
      entries.map((_, i) =>
        i === 0 ? { ErrorCode: 'MalformedDetail', ErrorMessage: 'bad' } : { EventId: 'ok' },
      ),
    );
    const error = (await publisherWith(client)
      .publish([downtime(1), downtime(2)])
      .catch((e: unknown) => e)) as PublishError;
    expect(error).toBeInstanceOf(PublishError);
    expect(error.retryable).toBe(false);
    expect(error.published).toHaveLength(1);
    expect(client.calls).toHaveLength(1);
  });

  it('refuses an event over 256 KB before sending anything', async () => {
    const client = fakeClient();
    const huge: PublishRequest = {
      ...downtime(1),
      detailType: DetailType.SyncExceptionRaised,
      data: {
        ...definitionOf(DetailType.SyncExceptionRaised).example,
        details: Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`k${i}`, 'x'.repeat(4000)])),
      },
    };
    const publisher = new EventPublisher({
      busName: 'b',
      producer: { system: 'plantsync', name: 'test' },
      client: client as never,
    });
    await expect(publisher.publish([huge])).rejects.toBeInstanceOf(EventTooLargeError);
    expect(client.calls).toHaveLength(0);
  });

  it('refuses an event whose system does not own its type', async () => {
    const client = fakeClient();
    const publisher = new EventPublisher({
      busName: 'b',
      producer: { system: 'sap', name: 'x' },
      client: client as never,
    });
    await expect(publisher.publish([downtime(1)])).rejects.toBeInstanceOf(OwnershipViolationError);
    expect(client.calls).toHaveLength(0);
  });

  it('refuses invalid data with the reason', async () => {
    const client = fakeClient();
    const bad = { ...downtime(1), data: { downtimeId: 'DT-1' } };
    await expect(publisherWith(client).publish([bad])).rejects.toThrow(ValidationError);
    await expect(publisherWith(client).publish([bad])).rejects.toThrow(/equipmentId/);
  });

  it('carries the ambient correlation id and the causing event id into the envelope', async () => {
    const client = fakeClient();
    const [event] = await runWithCorrelation({ correlationId: 'order-1000123', causationId: 'evt-42' }, () =>
      publisherWith(client).publish([downtime(1)]),
    );
    const sent = JSON.parse(client.calls[0]?.[0]?.Detail ?? '{}');
    expect(sent.metadata).toMatchObject({
      correlationId: 'order-1000123',
      causationId: 'evt-42',
      eventType: 'DowntimeStarted',
      producer: 'mes.ingress',
      plant: '1010',
      idempotencyKey: 'mes:downtime:DT-1',
      schemaVersion: '1.0',
    });
    expect(event?.correlationId).toBe('order-1000123');
    expect(client.calls[0]?.[0]).toMatchObject({ Source: 'plantsync.mes', DetailType: 'DowntimeStarted' });
  });

  it('starts a new correlation when there is none', async () => {
    const client = fakeClient();
    const [a] = await publisherWith(client).publish([downtime(1)]);
    const [b] = await publisherWith(client).publish([downtime(2)]);
    expect(a?.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(a?.correlationId).not.toBe(b?.correlationId);
  });
});
