import { detailOf } from './support/events';
import { createWorld } from './support/fakes';
import { runWorkflow } from './support/harness';

// 2026-11-25 is a Wednesday; plant 1010 has a Wednesday 22:00–02:00 and a Saturday 22:00–06:00 window.
const NOW = '2026-11-25T08:00:00Z';
const alert = (alertId = 'ALERT-1', occurredAt = '2026-11-25T07:55:00Z') =>
  detailOf('AssetConditionAlertRaised', { alertId }, { occurredAt, correlationId: `corr-${alertId}` });

describe('predictive-maintenance workflow', () => {
  it('plans a work order in the next maintenance window and posts the impact to SAP', async () => {
    const world = createWorld(NOW);

    const run = await runWorkflow('predictive-maintenance', alert(), world);

    expect(run.status).toBe('SUCCEEDED');
    expect(run.path).toEqual([
      'UnwrapEventBridgeEvent',
      'ClaimAlert',
      'RouteAlertClaim',
      'ReadProductionStatus',
      'FindMaintenanceWindow',
      'CreateWorkOrder',
      'PostOperationalImpact',
      'MaintenancePlanned',
    ]);
    expect(world.maintenance.workOrders).toEqual([
      {
        workOrderId: 'WO-1',
        plannedStart: '2026-11-25T22:00:00+01:00',
        plannedEnd: '2026-11-26T02:00:00+01:00',
        status: 'open',
      },
    ]);
    expect(world.sap.impacts).toEqual([{ workOrderId: 'WO-1', affectedOrder: '1000123' }]);
  });

  it('waits for the running order to end before the window starts', async () => {
    const world = createWorld(NOW);
    world.mes.status = { equipmentId: '10000042', state: 'running', busyUntil: '2026-11-26T12:00:00Z' };

    await runWorkflow('predictive-maintenance', alert(), world);

    expect(world.maintenance.workOrders[0]).toMatchObject({ plannedStart: '2026-11-28T22:00:00+01:00' });
  });

  it('plans from the alert time when the alert is newer than the processing clock', async () => {
    // The clock lags the alert by a day (a clock-skewed worker or a simulated plant): the window
    // must not lie before the alert itself.
    const world = createWorld('2026-11-24T08:00:00Z');

    await runWorkflow('predictive-maintenance', alert('ALERT-2', '2026-11-25T23:00:00Z'), world);

    expect(world.maintenance.workOrders[0]).toMatchObject({ plannedStart: '2026-11-28T22:00:00+01:00' });
  });

  it('raises no-maintenance-window to the maintenance planner when none fits the horizon', async () => {
    const world = createWorld(NOW);

    const run = await runWorkflow('predictive-maintenance', alert(), world, { MaintenanceHorizonHours: '6' });

    expect(run.error).toBe('NoMaintenanceWindow');
    expect(world.events.ofType('SyncExceptionRaised')[0]?.data).toMatchObject({
      kind: 'no-maintenance-window',
      owner: { system: 'maintenance', role: 'maintenance planner' },
      businessKey: { kind: 'alert', value: 'ALERT-1' },
    });
    expect(world.maintenance.workOrders).toEqual([]);
  });

  it.each(['TransientError', 'Lambda.TooManyRequestsException'])(
    'retries the SAP impact posting after %s',
    async (errorName) => {
      const world = createWorld(NOW);
      world.sap.failures.fail('postOperationalImpact', errorName, 1);

      const run = await runWorkflow('predictive-maintenance', alert(), world);

      expect(run.status).toBe('SUCCEEDED');
      expect(run.retried).toEqual(['PostOperationalImpact']);
      expect(world.maintenance.workOrders[0]?.status).toBe('open');
    },
  );

  it('retries reading the MES production status after a task timeout', async () => {
    const world = createWorld(NOW);
    world.mes.failures.fail('readProductionStatus', 'States.Timeout', 1);

    const run = await runWorkflow('predictive-maintenance', alert(), world);

    expect(run.status).toBe('SUCCEEDED');
    expect(run.retried).toEqual(['ReadProductionStatus']);
  });

  it('cancels the work order when SAP rejects the impact, and raises a sync exception', async () => {
    const world = createWorld(NOW);
    world.sap.failures.fail(
      'postOperationalImpact',
      'BusinessRuleError',
      1,
      'Work centre MILL01 has no capacity',
    );

    const run = await runWorkflow('predictive-maintenance', alert(), world);

    expect(run.error).toBe('CompensatedAfterSapFailure');
    expect(run.path.slice(-4)).toEqual([
      'PostOperationalImpact',
      'CancelWorkOrder',
      'RaiseImpactNotPosted',
      'CompensatedAfterSapFailure',
    ]);
    expect(world.maintenance.workOrders[0]?.status).toBe('cancelled');
    expect(world.events.ofType('SyncExceptionRaised')[0]?.data).toMatchObject({
      kind: 'sap-business-rejection',
      reason: 'Work centre MILL01 has no capacity',
      details: { workOrderId: 'WO-1', compensation: 'work order cancelled' },
    });
  });

  it('cancels the work order when SAP stays unavailable after every retry', async () => {
    const world = createWorld(NOW);
    world.sap.failures.fail('postOperationalImpact', 'TransientError');

    const run = await runWorkflow('predictive-maintenance', alert(), world);

    expect(run.retried.filter((s) => s === 'PostOperationalImpact')).toHaveLength(4);
    expect(run.path).toContain('CancelWorkOrder');
    expect(world.maintenance.workOrders[0]?.status).toBe('cancelled');
  });

  it('raises compensation-failed and dead-letters when the work order cannot be cancelled', async () => {
    const world = createWorld(NOW);
    world.sap.failures.fail('postOperationalImpact', 'PermanentError', 1);
    world.maintenance.failures.fail(
      'cancelWorkOrder',
      'PermanentError',
      1,
      'Work order is already in progress',
    );

    const run = await runWorkflow('predictive-maintenance', alert(), world);

    expect(run.error).toBe('DeadLettered');
    expect(run.path.slice(-3)).toEqual(['RaiseCompensationFailed', 'SendToDeadLetter', 'DeadLettered']);
    expect(world.events.ofType('SyncExceptionRaised')[0]?.data).toMatchObject({
      kind: 'compensation-failed',
      businessKey: { kind: 'work-order', value: 'WO-1' },
    });
    expect(run.deadLetters[0]).toMatchObject({ correlationId: 'corr-ALERT-1' });
  });

  it('creates one work order for a duplicate alert', async () => {
    const world = createWorld(NOW);
    await runWorkflow('predictive-maintenance', alert(), world);

    const again = await runWorkflow('predictive-maintenance', alert(), world);

    expect(again.path.at(-1)).toBe('AlertAlreadyHandled');
    expect(world.maintenance.workOrders).toHaveLength(1);
  });

  it('adds no second work order for an older alert processed after a newer one (out of order)', async () => {
    const world = createWorld(NOW);
    await runWorkflow('predictive-maintenance', alert('ALERT-2', '2026-11-25T07:59:00Z'), world);

    const late = await runWorkflow('predictive-maintenance', alert('ALERT-1', '2026-11-25T07:30:00Z'), world);

    expect(late.output).toMatchObject({ claim: { outcome: 'covered', workOrderId: 'WO-1' } });
    expect(world.maintenance.workOrders).toHaveLength(1);
  });
});
