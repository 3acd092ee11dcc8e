import { deliverAcknowledgement } from '../../../functions/workflows/tasks/order-release';
import { detailOf } from './support/events';
import { createWorld, type World } from './support/fakes';
import { runWorkflow, startWorkflow } from './support/harness';

const released = (occurredAt = '2026-11-25T07:00:00Z') =>
  detailOf('ProductionOrderReleased', {}, { occurredAt, correlationId: 'corr-order-1000123' });

/** The MES answers every release with an OrderAcknowledged (through the real ack listener). */
const mesAcknowledges = (world: World, accepted = true, reason?: string) => {
  world.mes.onRelease = (ctx, order) => {
    setImmediate(() => {
      void deliverAcknowledgement(world, ctx.plant, {
        orderNumber: order.orderNumber,
        mesJobId: 'JOB-1010-000871',
        accepted,
        ...(reason ? { reason } : {}),
      });
    });
  };
};

describe('order-release workflow', () => {
  it('hands a released order to the MES, waits for the ack and marks it acknowledged', async () => {
    const world = createWorld();
    mesAcknowledges(world);

    const run = await runWorkflow('order-release', released(), world);

    expect(run.status).toBe('SUCCEEDED');
    expect(run.path).toEqual([
      'UnwrapEventBridgeEvent',
      'LoadAckPolicy',
      'RecordOrderEvent',
      'RouteOrderAction',
      'ApplyPlantAckSla',
      'ExposeAckTimeout',
      'PublishAndWaitForAck',
      'RouteAckOutcome',
      'MarkAcknowledged',
      'OrderAcknowledged',
    ]);
    expect(world.mes.released).toEqual([{ orderNumber: '1000123', correlationId: 'corr-order-1000123' }]);
    const state = await world.repo.getOrder('1010', '1000123');
    expect(state).toMatchObject({ status: 'ACKNOWLEDGED', mesJobId: 'JOB-1010-000871' });
    expect(state?.taskToken).toBeUndefined();
    expect(world.metrics.named('OrderSynchronisationLatency')).toHaveLength(1);
  });

  it('carries the correlation id into every task payload', async () => {
    const world = createWorld();
    mesAcknowledges(world);

    const run = await runWorkflow('order-release', released(), world);

    expect(run.taskPayloads.length).toBeGreaterThan(0);
    expect(new Set(run.taskPayloads.map((t) => t.payload.correlationId))).toEqual(
      new Set(['corr-order-1000123']),
    );
  });

  it.each(['TransientError', 'Lambda.TooManyRequestsException', 'Lambda.ServiceException'])(
    'retries the MES hand-over after a %s and then succeeds',
    async (errorName) => {
      const world = createWorld();
      mesAcknowledges(world);
      world.mes.failures.fail('releaseOrder', errorName, 1);

      const run = await runWorkflow('order-release', released(), world);

      expect(run.status).toBe('SUCCEEDED');
      expect(run.retried).toEqual(['PublishAndWaitForAck']);
      expect(world.mes.released).toHaveLength(1);
    },
  );

  it('re-publishes after an ack timeout and succeeds when the second attempt is acknowledged', async () => {
    const world = createWorld();
    let releases = 0;
    world.mes.onRelease = (ctx, order) => {
      releases += 1;
      if (releases === 2)
        setImmediate(() => {
          void deliverAcknowledgement(world, ctx.plant, {
            orderNumber: order.orderNumber,
            mesJobId: 'JOB-2',
            accepted: true,
          });
        });
    };

    const run = await runWorkflow('order-release', released(), world);

    expect(run.status).toBe('SUCCEEDED');
    expect(run.path.filter((s) => s === 'PublishAndWaitForAck')).toHaveLength(2);
    expect(run.path).toContain('CountAckAttempt');
    expect(await world.repo.getOrder('1010', '1000123')).toMatchObject({
      status: 'ACKNOWLEDGED',
      mesJobId: 'JOB-2',
    });
  });

  it('raises order-not-acknowledged to the MES administrator after the last timed-out attempt', async () => {
    const world = createWorld();

    const run = await runWorkflow('order-release', released(), world);

    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('OrderNotAcknowledged');
    expect(run.path.filter((s) => s === 'PublishAndWaitForAck')).toHaveLength(2);
    expect(run.path.slice(-3)).toEqual([
      'MarkNotAcknowledged',
      'RaiseOrderNotAcknowledged',
      'OrderNotAcknowledged',
    ]);
    const [exception] = world.events.ofType('SyncExceptionRaised');
    expect(exception?.data).toMatchObject({
      kind: 'order-not-acknowledged',
      owner: { system: 'mes', role: 'MES administrator' },
      businessKey: { kind: 'order', value: '1000123' },
      details: { attempts: '2', timeoutSeconds: '1' },
    });
    expect(exception?.correlationId).toBe('corr-order-1000123');
    expect(await world.repo.getOrder('1010', '1000123')).toMatchObject({ status: 'NOT_ACKNOWLEDGED' });
  });

  it("waits for the ack as long as the plant's own SLA says, not the environment default", async () => {
    const world = createWorld();
    world.reference.sla = { orderAckTimeoutSeconds: 1 };

    const run = await runWorkflow('order-release', released(), world, {
      AckTimeoutSeconds: '3600',
      AckMaxAttempts: '1',
    });

    expect(run.error).toBe('OrderNotAcknowledged');
    expect(world.events.ofType('SyncExceptionRaised')[0]?.data).toMatchObject({
      details: { timeoutSeconds: '1' },
    });
  });

  it('raises order-refused-by-mes to the production planner when the MES refuses the order', async () => {
    const world = createWorld();
    mesAcknowledges(world, false, 'Routing references unknown work centre MILL09');

    const run = await runWorkflow('order-release', released(), world);

    expect(run.error).toBe('OrderRefusedByMes');
    expect(world.events.ofType('SyncExceptionRaised')[0]?.data).toMatchObject({
      kind: 'order-refused-by-mes',
      owner: { system: 'sap', role: 'production planner' },
      reason: 'Routing references unknown work centre MILL09',
    });
    expect(await world.repo.getOrder('1010', '1000123')).toMatchObject({ status: 'REFUSED' });
  });

  it('raises mes-business-rejection when the MES refuses to take the order at hand-over', async () => {
    const world = createWorld();
    world.mes.failures.fail('releaseOrder', 'BusinessRuleError', 1, 'Material FG-4711 unknown in MES');

    const run = await runWorkflow('order-release', released(), world);

    expect(run.error).toBe('HandOverRejectedByMes');
    expect(run.retried).toEqual([]);
    expect(world.events.ofType('SyncExceptionRaised')[0]?.data).toMatchObject({
      kind: 'mes-business-rejection',
      owner: { system: 'mes', role: 'MES administrator' },
      reason: 'Material FG-4711 unknown in MES',
    });
  });

  it('sends a permanent MES refusal to the dead-letter queue with the reason and the correlation id', async () => {
    const world = createWorld();
    world.mes.failures.fail('releaseOrder', 'PermanentError', 1, 'MES rejected the payload schema');

    const run = await runWorkflow('order-release', released(), world);

    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('DeadLettered');
    expect(run.retried).toEqual([]);
    expect(run.deadLetters).toHaveLength(1);
    expect(run.deadLetters[0]).toMatchObject({
      workflow: 'order-release',
      correlationId: 'corr-order-1000123',
      state: { error: { Error: 'PermanentError', Cause: 'MES rejected the payload schema' } },
    });
  });

  it('dead-letters after the transient retries are exhausted', async () => {
    const world = createWorld();
    world.mes.failures.fail('releaseOrder', 'TransientError');

    const run = await runWorkflow('order-release', released(), world);

    expect(run.error).toBe('DeadLettered');
    expect(run.retried).toHaveLength(4);
    expect(world.mes.failures.count('releaseOrder')).toBe(5);
  });

  it('ignores a duplicate delivery of the same release', async () => {
    const world = createWorld();
    mesAcknowledges(world);
    const event = released();
    await runWorkflow('order-release', event, world);

    const again = await runWorkflow('order-release', event, world);

    expect(again.status).toBe('SUCCEEDED');
    expect(again.path).toContain('IgnoredDuplicateOrStale');
    expect(world.mes.released).toHaveLength(1);
  });

  it('sends the full new state of a changed order in flight to the MES without a second ack wait', async () => {
    const world = createWorld();
    mesAcknowledges(world);
    await runWorkflow('order-release', released(), world);

    const run = await runWorkflow(
      'order-release',
      detailOf('ProductionOrderChanged', {}, { occurredAt: '2026-11-25T07:30:00Z' }),
      world,
    );

    expect(run.path).toEqual([
      'UnwrapEventBridgeEvent',
      'LoadAckPolicy',
      'RecordOrderEvent',
      'RouteOrderAction',
      'PublishOrderChange',
      'ChangeSentToMes',
    ]);
    expect(world.mes.changed).toEqual(['1000123']);
  });

  it('ignores a change that is older than what was already applied (out of order)', async () => {
    const world = createWorld();
    mesAcknowledges(world);
    await runWorkflow('order-release', released('2026-11-25T07:00:00Z'), world);

    const run = await runWorkflow(
      'order-release',
      detailOf('ProductionOrderChanged', {}, { occurredAt: '2026-11-25T06:00:00Z' }),
      world,
    );

    expect(run.path).toContain('IgnoredDuplicateOrStale');
    expect(world.mes.changed).toEqual([]);
  });

  it('ignores a release that arrives after its cancellation (out of order)', async () => {
    const world = createWorld();
    await runWorkflow(
      'order-release',
      detailOf('ProductionOrderCancelled', {}, { occurredAt: '2026-11-25T07:10:00Z' }),
      world,
    );

    const run = await runWorkflow('order-release', released('2026-11-25T07:00:00Z'), world);

    expect(run.path).toContain('IgnoredDuplicateOrStale');
    expect(world.mes.released).toEqual([]);
    expect(await world.repo.getOrder('1010', '1000123')).toMatchObject({ status: 'CANCELLED' });
  });

  it('withdraws an order cancelled while waiting for its ack and ends the waiting release', async () => {
    const world = createWorld();
    const release = startWorkflow('order-release', released(), world, { AckTimeoutSeconds: '30' });
    await new Promise<void>((resolve) => {
      world.mes.onRelease = () => setImmediate(resolve);
    });

    const cancel = await runWorkflow(
      'order-release',
      detailOf('ProductionOrderCancelled', {}, { occurredAt: '2026-11-25T07:20:00Z' }),
      world,
    );
    const waiting = await release.done;

    expect(cancel.path).toContain('PublishOrderCancellation');
    expect(world.mes.cancelled).toEqual(['1000123']);
    expect(waiting.status).toBe('SUCCEEDED');
    expect(waiting.path.at(-1)).toBe('CancelledWhileWaitingForAck');
    expect(await world.repo.getOrder('1010', '1000123')).toMatchObject({ status: 'CANCELLED' });
  });
});

describe('OrderAcknowledged listener', () => {
  it('does nothing for an ack no release is waiting for (duplicate or late)', async () => {
    const world = createWorld();

    const outcome = await deliverAcknowledgement(world, '1010', {
      orderNumber: '1000123',
      mesJobId: 'JOB-1',
      accepted: true,
    });

    expect(outcome).toBe('no-waiting-release');
    expect(world.callbacks.sent).toEqual([]);
  });
});
