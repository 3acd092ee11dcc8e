import { detailOf } from './support/events';
import { createWorld } from './support/fakes';
import { runWorkflow } from './support/harness';

const completed = (completedAt = '2026-11-29T01:40:00+01:00', equipmentAvailable = true) =>
  detailOf('WorkOrderCompleted', { completedAt, equipmentAvailable }, { correlationId: 'corr-wo-5531207' });

describe('maintenance-completion workflow', () => {
  it('posts labour, parts and cost to SAP and reports the equipment available to the MES', async () => {
    const world = createWorld();

    const run = await runWorkflow('maintenance-completion', completed(), world);

    expect(run.status).toBe('SUCCEEDED');
    expect(run.path).toEqual([
      'UnwrapEventBridgeEvent',
      'ClaimCompletion',
      'RouteCompletionClaim',
      'PostCompletionToSap',
      'ReportAvailabilityToMes',
      'CompletionSynchronised',
    ]);
    expect(world.sap.completions).toEqual(['5531207@2026-11-29T01:40:00+01:00']);
    expect(world.mes.availability).toEqual([{ equipmentId: '10000042', available: true }]);
    expect(run.taskPayloads.every((t) => t.payload.correlationId === 'corr-wo-5531207')).toBe(true);
  });

  it('accepts the whole EventBridge event as input and works on its detail', async () => {
    const world = createWorld();
    const event = {
      version: '0',
      id: 'evt-1',
      'detail-type': 'WorkOrderCompleted',
      source: 'plantsync.maintenance',
      time: '2026-11-29T00:41:00Z',
      detail: completed(),
    };

    const run = await runWorkflow('maintenance-completion', event, world);

    expect(run.path.slice(0, 3)).toEqual(['UnwrapEventBridgeEvent', 'TakeEventDetail', 'ClaimCompletion']);
    expect(run.status).toBe('SUCCEEDED');
    expect(world.sap.completions).toHaveLength(1);
  });

  it('reports an asset that still cannot produce as unavailable', async () => {
    const world = createWorld();

    await runWorkflow('maintenance-completion', completed(undefined, false), world);

    expect(world.mes.availability).toEqual([{ equipmentId: '10000042', available: false }]);
  });

  it.each(['TransientError', 'Lambda.ServiceException', 'States.Timeout'])(
    'retries the SAP posting after %s',
    async (errorName) => {
      const world = createWorld();
      world.sap.failures.fail('postMaintenanceCompletion', errorName, 1);

      const run = await runWorkflow('maintenance-completion', completed(), world);

      expect(run.status).toBe('SUCCEEDED');
      expect(run.retried).toEqual(['PostCompletionToSap']);
      expect(world.sap.completions).toHaveLength(1);
    },
  );

  it('raises a sync exception for the maintenance controller when SAP rejects the cost posting', async () => {
    const world = createWorld();
    world.sap.failures.fail(
      'postMaintenanceCompletion',
      'BusinessRuleError',
      1,
      'Cost centre 4711 is blocked',
    );

    const run = await runWorkflow('maintenance-completion', completed(), world);

    expect(run.error).toBe('RejectedBySap');
    expect(world.events.ofType('SyncExceptionRaised')[0]?.data).toMatchObject({
      kind: 'sap-business-rejection',
      owner: { system: 'sap', role: 'maintenance controller' },
      businessKey: { kind: 'work-order', value: '5531207' },
    });
    expect(world.mes.availability).toEqual([]);
  });

  it('raises a sync exception for the MES administrator when the MES refuses the availability', async () => {
    const world = createWorld();
    world.mes.failures.fail('reportEquipmentAvailability', 'BusinessRuleError', 1);

    const run = await runWorkflow('maintenance-completion', completed(), world);

    expect(run.error).toBe('RejectedByMes');
    expect(world.events.ofType('SyncExceptionRaised')[0]?.data).toMatchObject({
      kind: 'mes-business-rejection',
    });
  });

  it('dead-letters a permanent error', async () => {
    const world = createWorld();
    world.sap.failures.fail('postMaintenanceCompletion', 'ValidationError', 1);

    const run = await runWorkflow('maintenance-completion', completed(), world);

    expect(run.error).toBe('DeadLettered');
    expect(run.retried).toEqual([]);
    expect(run.deadLetters[0]).toMatchObject({
      workflow: 'maintenance-completion',
      correlationId: 'corr-wo-5531207',
    });
  });

  it('posts a duplicate completion once', async () => {
    const world = createWorld();
    await runWorkflow('maintenance-completion', completed(), world);

    const again = await runWorkflow('maintenance-completion', completed(), world);

    expect(again.path.at(-1)).toBe('CompletionAlreadyHandled');
    expect(world.sap.completions).toHaveLength(1);
  });

  it('ignores an older completion of a re-opened work order arriving after the newer one', async () => {
    const world = createWorld();
    await runWorkflow('maintenance-completion', completed('2026-11-30T10:00:00+01:00'), world);

    const late = await runWorkflow('maintenance-completion', completed('2026-11-29T01:40:00+01:00'), world);

    expect(late.output).toMatchObject({ claim: { outcome: 'stale' } });
    expect(world.sap.completions).toEqual(['5531207@2026-11-30T10:00:00+01:00']);
  });
});
