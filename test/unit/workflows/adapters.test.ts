import type { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { OwnedEventSink } from '../../../functions/workflows/adapters';

describe('OwnedEventSink', () => {
  it('publishes each event as the system that owns its type, with the correlation id', async () => {
    const sent: { Source?: string; DetailType?: string; Detail?: string }[] = [];
    const client = {
      send: async (command: PutEventsCommand) => {
        const entries = command.input.Entries ?? [];
        sent.push(...entries);
        return { FailedEntryCount: 0, Entries: entries.map((_, i) => ({ EventId: `e-${i}` })) };
      },
    };
    const sink = new OwnedEventSink('plantsync-test', client as never);

    await sink.publish([
      {
        detailType: 'MaintenanceNotificationCreated',
        data: {
          notificationId: 'N-1',
          externalReference: 'ps-1010-DT-1',
          platform: 'maintainx',
          equipmentId: '10000042',
          priority: 'high',
          title: 'Spindle overload',
          context: {},
        },
        plant: '1010',
        occurredAt: '2026-11-25T08:00:00Z',
        idempotencyKey: 'maintenance:notification:N-1',
        correlationId: 'corr-DT-1',
      },
      {
        detailType: 'SyncExceptionRaised',
        data: {
          exceptionId: 'SX-1010-1000123-order-stuck',
          kind: 'order-stuck',
          owner: { system: 'mes', role: 'MES administrator' },
          businessKey: { kind: 'order', value: '1000123' },
          reason: 'stuck',
          severity: 'high',
          details: {},
        },
        plant: '1010',
        occurredAt: '2026-11-25T08:00:00Z',
        idempotencyKey: 'SX-1010-1000123-order-stuck',
        correlationId: 'corr-order',
      },
    ]);

    expect(sent.map((e) => [e.DetailType, e.Source])).toEqual([
      ['MaintenanceNotificationCreated', 'plantsync.maintenance'],
      ['SyncExceptionRaised', 'plantsync.platform'],
    ]);
    expect(JSON.parse(sent[0]?.Detail ?? '{}').metadata).toMatchObject({
      correlationId: 'corr-DT-1',
      plant: '1010',
    });
  });
});
