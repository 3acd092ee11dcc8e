import { detailOf } from './support/events';
import { createWorld, type World } from './support/fakes';
import { runWorkflow } from './support/harness';

const confirmation = (overrides: Record<string, unknown> = {}, correlationId = 'corr-conf-1') =>
  detailOf(
    'ProductionConfirmed',
    { confirmationId: 'CONF-1', finalConfirmation: false, ...overrides },
    { correlationId },
  );

const knownOrder = async (world: World) => {
  await world.repo.markOrderKnown('1010', '1000123');
  await world.repo.saveOrder(
    {
      plant: '1010',
      orderNumber: '1000123',
      status: 'ACKNOWLEDGED',
      version: '2026-11-25T07:00:00Z',
      statusSince: '2026-11-25T07:01:00Z',
      releasedAt: '2026-11-25T07:00:30Z',
      correlationId: 'corr-order-1000123',
    },
    undefined,
  );
};

describe('execution-to-sap workflow', () => {
  it('finds the SAP operation and posts a confirmation for a known order', async () => {
    const world = createWorld();
    await knownOrder(world);

    const run = await runWorkflow('execution-to-sap', confirmation(), world);

    expect(run.status).toBe('SUCCEEDED');
    expect(run.path).toEqual([
      'UnwrapEventBridgeEvent',
      'RouteExecutionEvent',
      'CheckOrderKnown',
      'RouteOrderCheck',
      'FindSapOrderOperation',
      'PostToSap',
      'IsFinalConfirmation',
      'Posted',
    ]);
    expect(world.sap.confirmations).toEqual([
      {
        confirmationId: 'CONF-1',
        correlationId: 'corr-conf-1',
        target: { orderNumber: '1000123', operationNumber: '0010', confirmationGroup: 'RUECK-1000123-0010' },
      },
    ]);
    expect(await world.repo.getOrder('1010', '1000123')).toMatchObject({ status: 'ACKNOWLEDGED' });
  });

  it('closes the order state on the final confirmation', async () => {
    const world = createWorld();
    await knownOrder(world);

    const run = await runWorkflow('execution-to-sap', confirmation({ finalConfirmation: true }), world);

    expect(run.path.slice(-2)).toEqual(['CloseOrderState', 'OrderClosed']);
    expect(await world.repo.getOrder('1010', '1000123')).toMatchObject({ status: 'CLOSED' });
  });

  it('posts a goods movement against its order', async () => {
    const world = createWorld();
    await knownOrder(world);

    const run = await runWorkflow('execution-to-sap', detailOf('MaterialMovementRecorded'), world);

    expect(run.status).toBe('SUCCEEDED');
    expect(world.sap.movements).toEqual(['MM-1010-000871-01']);
  });

  it.each([
    ['PostToSap', 'postConfirmation', 'TransientError'],
    ['PostToSap', 'postConfirmation', 'Lambda.TooManyRequestsException'],
    ['FindSapOrderOperation', 'findOrderOperation', 'States.Timeout'],
  ])('retries %s after %s fails with %s, and posts once', async (state, method, errorName) => {
    const world = createWorld();
    await knownOrder(world);
    world.sap.failures.fail(method, errorName, 1);

    const run = await runWorkflow('execution-to-sap', confirmation(), world);

    expect(run.status).toBe('SUCCEEDED');
    expect(run.retried).toEqual([state]);
    expect(world.sap.confirmations).toHaveLength(1);
  });

  it('turns an SAP business rejection into a sync exception for the production controller', async () => {
    const world = createWorld();
    await knownOrder(world);
    world.sap.failures.fail(
      'postConfirmation',
      'BusinessRuleError',
      1,
      'Order 1000123 is locked by user PLANNER1',
    );

    const run = await runWorkflow('execution-to-sap', confirmation(), world);

    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('RejectedBySap');
    expect(run.retried).toEqual([]);
    const [exception] = world.events.ofType('SyncExceptionRaised');
    expect(exception?.data).toMatchObject({
      kind: 'sap-business-rejection',
      owner: { system: 'sap', role: 'production controller' },
      businessKey: { kind: 'order', value: '1000123' },
      reason: 'Order 1000123 is locked by user PLANNER1',
    });
    expect(exception?.correlationId).toBe('corr-conf-1');
  });

  it('raises unknown-order when SAP has no such operation', async () => {
    const world = createWorld();
    await knownOrder(world);

    const run = await runWorkflow('execution-to-sap', confirmation({ operationNumber: '0990' }), world);

    expect(run.error).toBe('UnknownSapOrder');
    expect(world.events.ofType('SyncExceptionRaised')[0]?.data).toMatchObject({ kind: 'unknown-order' });
    expect(world.sap.confirmations).toEqual([]);
  });

  it('dead-letters a permanent SAP error with the correlation id', async () => {
    const world = createWorld();
    await knownOrder(world);
    world.sap.failures.fail('postConfirmation', 'PermanentError', 1, 'HTTP 403 from SAP gateway');

    const run = await runWorkflow('execution-to-sap', confirmation(), world);

    expect(run.error).toBe('DeadLettered');
    expect(run.deadLetters[0]).toMatchObject({
      workflow: 'execution-to-sap',
      correlationId: 'corr-conf-1',
      state: { error: { Error: 'PermanentError' } },
    });
  });

  it('posts a duplicate confirmation only once', async () => {
    const world = createWorld();
    await knownOrder(world);
    await runWorkflow('execution-to-sap', confirmation(), world);

    const again = await runWorkflow('execution-to-sap', confirmation(), world);

    expect(again.path.at(-1)).toBe('DuplicateIgnored');
    expect(world.sap.confirmations).toHaveLength(1);
  });

  it('parks a confirmation that arrives before its order and posts it when the order arrives', async () => {
    const world = createWorld();

    const early = await runWorkflow('execution-to-sap', confirmation({}, 'corr-early-conf'), world);
    expect(early.path.at(-1)).toBe('ParkedUntilOrderArrives');
    expect(world.sap.confirmations).toEqual([]);

    const release = await runWorkflow('execution-to-sap', detailOf('ProductionOrderReleased'), world);

    expect(release.status).toBe('SUCCEEDED');
    expect(release.path).toEqual([
      'UnwrapEventBridgeEvent',
      'RouteExecutionEvent',
      'TakeParkedFacts',
      'CompleteParkedFacts',
      'FindSapOperationForParked',
      'PostParkedFact',
      'IsParkedFinalConfirmation',
      'ParkedFactPosted',
      'ParkedFactsCompleted',
    ]);
    expect(world.sap.confirmations).toEqual([
      expect.objectContaining({ confirmationId: 'CONF-1', correlationId: 'corr-early-conf' }),
    ]);
    expect(await world.repo.takeParked('1010', '1000123')).toEqual([]);
  });

  it('posts a confirmation directly once its order is known, without parking it', async () => {
    const world = createWorld();
    await runWorkflow('execution-to-sap', detailOf('ProductionOrderReleased'), world);

    const run = await runWorkflow('execution-to-sap', confirmation(), world);

    expect(run.path).toContain('PostToSap');
    expect(world.sap.confirmations).toHaveLength(1);
  });

  it('parks a duplicate early confirmation only once', async () => {
    const world = createWorld();
    await runWorkflow('execution-to-sap', confirmation(), world);

    const again = await runWorkflow('execution-to-sap', confirmation(), world);
    await runWorkflow('execution-to-sap', detailOf('ProductionOrderReleased'), world);

    expect(again.path.at(-1)).toBe('DuplicateIgnored');
    expect(world.sap.confirmations).toHaveLength(1);
  });

  it('raises a sync exception for a parked confirmation SAP rejects and still posts the others', async () => {
    const world = createWorld();
    await runWorkflow('execution-to-sap', confirmation({ confirmationId: 'CONF-A' }), world);
    await runWorkflow(
      'execution-to-sap',
      confirmation({ confirmationId: 'CONF-B', operationNumber: '0020' }),
      world,
    );
    world.sap.failures.fail(
      'postConfirmation',
      'BusinessRuleError',
      1,
      'Operation 0010 already finally confirmed',
    );

    const release = await runWorkflow('execution-to-sap', detailOf('ProductionOrderReleased'), world);

    expect(release.status).toBe('SUCCEEDED');
    expect(release.path).toContain('RaiseSapRejectionForParked');
    expect(world.sap.confirmations.map((c) => c.confirmationId)).toEqual(['CONF-B']);
    expect(world.events.ofType('SyncExceptionRaised')[0]?.data).toMatchObject({
      kind: 'sap-business-rejection',
    });
  });

  it('dead-letters an event type it does not handle', async () => {
    const world = createWorld();

    const run = await runWorkflow('execution-to-sap', detailOf('OperationStarted'), world);

    expect(run.error).toBe('DeadLettered');
    expect(run.deadLetters).toHaveLength(1);
  });
});
