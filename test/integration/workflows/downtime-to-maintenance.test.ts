import { detailOf } from './support/events';
import { createWorld } from './support/fakes';
import { runWorkflow } from './support/harness';

const started = (
  downtimeId = 'DT-1',
  occurredAt = '2026-11-25T07:58:00Z',
  extra: Record<string, unknown> = {},
) =>
  detailOf('DowntimeStarted', { downtimeId, ...extra }, { occurredAt, correlationId: `corr-${downtimeId}` });
const ended = (downtimeId = 'DT-1', occurredAt = '2026-11-25T08:20:00Z') =>
  detailOf(
    'DowntimeEnded',
    { downtimeId, duration: { value: '1320', unit: 'SEC' } },
    { occurredAt, correlationId: `corr-${downtimeId}-end` },
  );

describe('downtime-to-maintenance workflow', () => {
  it('creates one enriched notification, records it and emits MaintenanceNotificationCreated', async () => {
    const world = createWorld('2026-11-25T08:00:00Z');

    const run = await runWorkflow('downtime-to-maintenance', started(), world);

    expect(run.status).toBe('SUCCEEDED');
    expect(run.path).toEqual([
      'UnwrapEventBridgeEvent',
      'RouteDowntimeEvent',
      'DeduplicateFault',
      'RouteDedupDecision',
      'EnrichContext',
      'CreateNotification',
      'RecordNotification',
      'EmitNotificationCreated',
      'EndedWhileCreating',
      'NotificationCreated',
    ]);
    expect(world.maintenance.notifications).toEqual([
      {
        notificationId: 'N-1',
        externalReference: 'ps-1010-DT-1',
        context: { orderNumber: '1000123', shift: 'early', line: 'L01' },
      },
    ]);
    const [created] = world.events.ofType('MaintenanceNotificationCreated');
    expect(created?.data).toMatchObject({
      notificationId: 'N-1',
      equipmentId: '10000042',
      downtimeId: 'DT-1',
    });
    expect(created?.correlationId).toBe('corr-DT-1');
    expect(world.metrics.named('DowntimeToMaintenanceResponseTime')).toEqual([
      { name: 'DowntimeToMaintenanceResponseTime', value: 120, unit: 'Seconds' },
    ]);
  });

  it('adds no notification for a second signal of the same open fault', async () => {
    const world = createWorld();
    await runWorkflow('downtime-to-maintenance', started('DT-1'), world);

    const again = await runWorkflow('downtime-to-maintenance', started('DT-2'), world);

    expect(again.path.at(-1)).toBe('NoNewNotification');
    expect(world.maintenance.notifications).toHaveLength(1);
  });

  it('adds no notification for a duplicate delivery of the same downtime', async () => {
    const world = createWorld();
    const event = started('DT-1');
    await runWorkflow('downtime-to-maintenance', event, world);

    await runWorkflow('downtime-to-maintenance', event, world);

    expect(world.maintenance.notifications).toHaveLength(1);
  });

  it('treats a fault that comes back inside the flapping window as the same notification', async () => {
    const world = createWorld('2026-11-25T08:00:00Z');
    await runWorkflow('downtime-to-maintenance', started('DT-1'), world);
    await runWorkflow('downtime-to-maintenance', ended('DT-1', '2026-11-25T08:01:00Z'), world);
    world.clock.set('2026-11-25T08:05:00Z');

    const flapping = await runWorkflow(
      'downtime-to-maintenance',
      started('DT-2', '2026-11-25T08:04:50Z'),
      world,
    );

    expect(flapping.path.at(-1)).toBe('NoNewNotification');
    expect(world.maintenance.notifications).toHaveLength(1);
    expect(world.metrics.named('DowntimeSignalSuppressed')).toHaveLength(1);
  });

  it('creates a new notification when the fault comes back after the flapping window', async () => {
    const world = createWorld('2026-11-25T08:00:00Z');
    await runWorkflow('downtime-to-maintenance', started('DT-1'), world);
    await runWorkflow('downtime-to-maintenance', ended('DT-1', '2026-11-25T08:01:00Z'), world);
    world.clock.set('2026-11-25T09:00:00Z');

    await runWorkflow('downtime-to-maintenance', started('DT-2', '2026-11-25T08:59:00Z'), world);

    expect(world.maintenance.notifications).toHaveLength(2);
  });

  it('judges flapping on the signals own times, not on when a queued event is processed', async () => {
    // Processing lags far behind the machine: the wall clock is hours before the signal times.
    const world = createWorld('2026-11-25T05:00:00Z');
    await runWorkflow('downtime-to-maintenance', started('DT-1', '2026-11-25T07:58:00Z'), world);
    await runWorkflow('downtime-to-maintenance', ended('DT-1', '2026-11-25T08:01:00Z'), world);

    await runWorkflow('downtime-to-maintenance', started('DT-2', '2026-11-25T09:30:00Z'), world);
    const flap = await runWorkflow('downtime-to-maintenance', started('DT-3', '2026-11-25T09:30:30Z'), world);

    expect(world.maintenance.notifications).toHaveLength(2);
    expect(flap.path.at(-1)).toBe('NoNewNotification');
  });

  it('creates nothing for planned downtime', async () => {
    const world = createWorld();

    const run = await runWorkflow(
      'downtime-to-maintenance',
      started('DT-P', undefined, { planned: true }),
      world,
    );

    expect(run.path.at(-1)).toBe('NoNewNotification');
    expect(world.maintenance.notifications).toEqual([]);
  });

  it('updates the notification and closes the fault when the downtime ends', async () => {
    const world = createWorld();
    await runWorkflow('downtime-to-maintenance', started('DT-1'), world);

    const run = await runWorkflow('downtime-to-maintenance', ended('DT-1'), world);

    expect(run.path).toEqual([
      'UnwrapEventBridgeEvent',
      'RouteDowntimeEvent',
      'UpdateNotificationOnEnd',
      'DowntimeEndRecorded',
    ]);
    expect(world.maintenance.notificationUpdates).toEqual([
      { notificationId: 'N-1', downtimeEndedAt: '2026-11-25T08:20:00Z' },
    ]);
    expect(await world.repo.getFault('1010', '10000042', 'E-SPINDLE-OVERLOAD')).toMatchObject({
      status: 'CLOSED',
    });
  });

  it('keeps an end that arrives before its start and applies it once the notification exists', async () => {
    const world = createWorld();
    const early = await runWorkflow('downtime-to-maintenance', ended('DT-1'), world);
    expect(early.output).toMatchObject({ ended: { outcome: 'kept-until-notification-exists' } });

    const run = await runWorkflow('downtime-to-maintenance', started('DT-1'), world);

    expect(run.path.slice(-2)).toEqual(['ApplyEarlyEnd', 'NotificationCreatedAndClosed']);
    expect(world.maintenance.notifications).toHaveLength(1);
    expect(world.maintenance.notificationUpdates).toEqual([
      { notificationId: 'N-1', downtimeEndedAt: '2026-11-25T08:20:00Z' },
    ]);
  });

  it.each(['TransientError', 'Lambda.ServiceException', 'States.Timeout'])(
    'retries the notification create after %s',
    async (errorName) => {
      const world = createWorld();
      world.maintenance.failures.fail('createNotification', errorName, 2);

      const run = await runWorkflow('downtime-to-maintenance', started(), world);

      expect(run.status).toBe('SUCCEEDED');
      expect(run.retried).toEqual(['CreateNotification', 'CreateNotification']);
      expect(world.maintenance.notifications).toHaveLength(1);
    },
  );

  it('raises a sync exception for the maintenance planner and frees the fault when the platform refuses', async () => {
    const world = createWorld();
    world.maintenance.failures.fail(
      'createNotification',
      'BusinessRuleError',
      1,
      'Asset A-10000042 is archived',
    );

    const run = await runWorkflow('downtime-to-maintenance', started(), world);

    expect(run.error).toBe('NotificationRejected');
    expect(run.path).toContain('ReleaseClaimAfterRejection');
    expect(world.events.ofType('SyncExceptionRaised')[0]?.data).toMatchObject({
      kind: 'maintenance-business-rejection',
      owner: { system: 'maintenance', role: 'maintenance planner' },
      businessKey: { kind: 'downtime', value: 'DT-1' },
    });
    expect(await world.repo.getFault('1010', '10000042', 'E-SPINDLE-OVERLOAD')).toBeUndefined();
  });

  it('frees the fault and dead-letters when retries are exhausted, so the next signal tries again', async () => {
    const world = createWorld();
    world.maintenance.failures.fail('createNotification', 'TransientError', 5);

    const run = await runWorkflow('downtime-to-maintenance', started('DT-1'), world);
    const next = await runWorkflow('downtime-to-maintenance', started('DT-2'), world);

    expect(run.error).toBe('DeadLettered');
    expect(run.path.slice(-3)).toEqual(['ReleaseFaultClaim', 'SendToDeadLetter', 'DeadLettered']);
    expect(run.deadLetters[0]).toMatchObject({
      workflow: 'downtime-to-maintenance',
      correlationId: 'corr-DT-1',
    });
    expect(next.status).toBe('SUCCEEDED');
    expect(world.maintenance.notifications).toHaveLength(1);
  });
});
