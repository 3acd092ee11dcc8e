import type { OrderStatus } from '../../../functions/workflows/domain/repository';
import { createTaskRegistry } from '../../../functions/workflows/tasks';
import { scheduledInput } from './support/events';
import { createWorld, type World } from './support/fakes';
import { runWorkflow } from './support/harness';

const NOW = '2026-11-25T10:00:00Z';

const seedOrder = async (world: World, orderNumber: string, status: OrderStatus, statusSince: string) => {
  await world.repo.saveOrder(
    {
      plant: '1010',
      orderNumber,
      status,
      version: statusSince,
      statusSince,
      releasedAt: statusSince,
      correlationId: `corr-order-${orderNumber}`,
    },
    undefined,
  );
};

describe('stuck-order-sweeper workflow', () => {
  const seed = async (world: World) => {
    await seedOrder(world, '1000001', 'AWAITING_ACK', '2026-11-25T08:00:00Z'); // 2 h: stuck
    await seedOrder(world, '1000002', 'ACKNOWLEDGED', '2026-11-25T09:50:00Z'); // 10 min: fine
    await seedOrder(world, '1000003', 'CLOSED', '2026-11-25T01:00:00Z'); // closed: never stuck
    await seedOrder(world, '1000004', 'RELEASED', '2026-11-25T07:00:00Z'); // 3 h: stuck
  };

  it('raises order-stuck with the owner of each status for orders past their SLA, and counts them', async () => {
    const world = createWorld(NOW);
    await seed(world);

    const run = await runWorkflow('stuck-order-sweeper', scheduledInput(), world);

    expect(run.status).toBe('SUCCEEDED');
    const raised = world.events.ofType('SyncExceptionRaised').map((e) => e.data);
    expect(raised).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: 'order-stuck',
          businessKey: { kind: 'order', value: '1000001' },
          owner: { system: 'mes', role: 'MES administrator' },
        }),
        expect.objectContaining({
          kind: 'order-stuck',
          businessKey: { kind: 'order', value: '1000004' },
          owner: { system: 'plantsync', role: 'integration engineer' },
        }),
      ]),
    );
    expect(raised).toHaveLength(2);
    expect(world.metrics.named('OrdersStuck')).toEqual([{ name: 'OrdersStuck', value: 2, unit: 'Count' }]);
  });

  it("uses the plant's own stuck-order SLA when it has one", async () => {
    const world = createWorld(NOW);
    world.reference.sla = { stuckOrderAfterSeconds: 300 };
    await seedOrder(world, '1000002', 'ACKNOWLEDGED', '2026-11-25T09:50:00Z');

    await runWorkflow('stuck-order-sweeper', scheduledInput(), world);

    expect(world.events.ofType('SyncExceptionRaised')[0]?.data).toMatchObject({
      businessKey: { kind: 'order', value: '1000002' },
      details: { slaSeconds: '300' },
    });
  });

  it('carries the order correlation id onto the exception so the order can be traced', async () => {
    const world = createWorld(NOW);
    await seedOrder(world, '1000001', 'AWAITING_ACK', '2026-11-25T08:00:00Z');

    await runWorkflow('stuck-order-sweeper', scheduledInput(), world);

    expect(world.events.ofType('SyncExceptionRaised')[0]?.correlationId).toBe('corr-order-1000001');
  });

  it('raises each stuck order once across repeated sweeps', async () => {
    const world = createWorld(NOW);
    await seed(world);
    await runWorkflow('stuck-order-sweeper', scheduledInput(), world);

    const second = await runWorkflow('stuck-order-sweeper', scheduledInput(), world);

    expect(second.status).toBe('SUCCEEDED');
    expect(world.events.ofType('SyncExceptionRaised')).toHaveLength(2);
  });

  it('retries raising after a transient publish failure without losing the exception', async () => {
    const world = createWorld(NOW);
    await seedOrder(world, '1000001', 'AWAITING_ACK', '2026-11-25T08:00:00Z');
    world.events.failures.fail('publish', 'TransientError', 1);

    const run = await runWorkflow('stuck-order-sweeper', scheduledInput(), world);

    expect(run.retried).toEqual(['RaiseStuckOrder']);
    expect(world.events.ofType('SyncExceptionRaised')).toHaveLength(1);
  });

  it('dead-letters one stuck order that cannot be raised and still raises the others', async () => {
    const world = createWorld(NOW);
    await seed(world);
    world.events.failures.fail('publish', 'PermanentError', 1);

    const run = await runWorkflow('stuck-order-sweeper', scheduledInput(), world);

    expect(run.status).toBe('SUCCEEDED');
    expect(run.deadLetters).toHaveLength(1);
    expect(world.events.ofType('SyncExceptionRaised')).toHaveLength(1);
  });

  it('skips an order that moved on between the sweep and the raise (out of order)', async () => {
    const world = createWorld(NOW);
    await seedOrder(world, '1000001', 'ACKNOWLEDGED', '2026-11-25T09:59:00Z');
    const raise = createTaskRegistry(world)['sweeper/raise-stuck'];

    const result = await raise?.({
      task: 'sweeper/raise-stuck',
      correlationId: 'corr-schedule-1',
      plant: '1010',
      slaSeconds: 3600,
      order: {
        plant: '1010',
        orderNumber: '1000001',
        status: 'AWAITING_ACK',
        statusSince: '2026-11-25T08:00:00Z',
      },
    });

    expect(result).toEqual({ outcome: 'skipped' });
    expect(world.events.published).toEqual([]);
  });
});

describe('reconciliation workflow', () => {
  const run1 = scheduledInput({ runId: 'RECON-1010-20261125T0200', scheduledAt: '2026-11-25T02:00:00Z' });

  const seedSystems = (world: World) => {
    world.sap.equipment = [
      { equipmentId: '10000042', description: 'CNC milling centre DMU 50', workCenter: 'MILL01' },
      { equipmentId: '10000043', description: 'Washer', workCenter: 'WASH01' },
      { equipmentId: '10000044', description: 'Press', workCenter: 'PRESS1' },
    ];
    world.mes.equipment = [
      { equipmentId: '10000042', description: 'DMU50 mill', workCenter: 'MILL01' },
      { equipmentId: '10000044', description: 'Press', workCenter: 'PRESS1' },
    ];
    world.maintenance.assets = [
      { equipmentId: '10000042', description: 'CNC milling centre DMU 50' },
      { equipmentId: '10000044', description: 'Press' },
    ];
    world.sap.orderStatuses = [
      { orderNumber: '1000123', status: 'in-execution' },
      { orderNumber: '1000124', status: 'released' },
    ];
    world.mes.orderStatuses = [
      { orderNumber: '1000123', status: 'completed' },
      { orderNumber: '1000124', status: 'released' },
    ];
  };

  it('emits a drift event per differing record with the variance, for equipment and order status', async () => {
    const world = createWorld(NOW);
    seedSystems(world);

    const run = await runWorkflow('reconciliation', run1, world);

    expect(run.status).toBe('SUCCEEDED');
    expect(run.output).toMatchObject({
      results: {
        equipmentMaster: { compared: 3, drifted: 2, variance: '0.667' },
        orderStatus: { compared: 2, drifted: 1, variance: '0.500' },
      },
    });
    const drifts = world.events.ofType('ReconciliationDriftDetected').map((e) => e.data);
    expect(drifts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          domain: 'equipment-master',
          businessKey: { kind: 'equipment', value: '10000042' },
          differences: [
            {
              field: 'description',
              values: {
                sap: 'CNC milling centre DMU 50',
                mes: 'DMU50 mill',
                maintenance: 'CNC milling centre DMU 50',
              },
            },
          ],
        }),
        expect.objectContaining({
          domain: 'order-status',
          businessKey: { kind: 'order', value: '1000123' },
          differences: [{ field: 'status', values: { sap: 'in-execution', mes: 'completed' } }],
        }),
      ]),
    );
    expect(drifts).toHaveLength(3);
    expect(world.metrics.named('ReconciliationVariance').map((m) => m.value)).toEqual(
      expect.arrayContaining([50]),
    );
  });

  it('does the same run only once', async () => {
    const world = createWorld(NOW);
    seedSystems(world);
    await runWorkflow('reconciliation', run1, world);

    const again = await runWorkflow('reconciliation', run1, world);

    expect(again.path.at(-1)).toBe('RunAlreadyDone');
    expect(world.events.ofType('ReconciliationDriftDetected')).toHaveLength(3);
  });

  it('skips an older schedule that fires after a newer run (out of order)', async () => {
    const world = createWorld(NOW);
    seedSystems(world);
    await runWorkflow(
      'reconciliation',
      scheduledInput({ runId: 'RECON-1010-20261125T0400', scheduledAt: '2026-11-25T04:00:00Z' }),
      world,
    );

    const late = await runWorkflow('reconciliation', run1, world);

    expect(late.output).toMatchObject({ claim: { outcome: 'stale' } });
    expect(world.events.ofType('ReconciliationDriftDetected')).toHaveLength(3);
  });

  it('retries a system that is briefly unavailable', async () => {
    const world = createWorld(NOW);
    seedSystems(world);
    world.sap.failures.fail('listEquipment', 'TransientError', 1);

    const run = await runWorkflow('reconciliation', run1, world);

    expect(run.status).toBe('SUCCEEDED');
    expect(run.retried).toEqual(['ReconcileEquipmentMaster']);
  });

  it('retries a system call that timed out', async () => {
    const world = createWorld(NOW);
    seedSystems(world);
    world.maintenance.failures.fail('listAssets', 'States.Timeout', 1);

    const run = await runWorkflow('reconciliation', run1, world);

    expect(run.status).toBe('SUCCEEDED');
    expect(run.retried).toEqual(['ReconcileEquipmentMaster']);
  });

  it('dead-letters the run when a system refuses for good', async () => {
    const world = createWorld(NOW);
    seedSystems(world);
    world.mes.failures.fail('listOrderStatuses', 'PermanentError');

    const run = await runWorkflow('reconciliation', run1, world);

    expect(run.error).toBe('DeadLettered');
    expect(run.deadLetters[0]).toMatchObject({
      workflow: 'reconciliation',
      correlationId: 'corr-schedule-1',
    });
  });
});
