import { createTaskRegistry } from '../../../functions/workflows/tasks';
import type { KpiUnit } from '../../../shared/kpi-metrics';
import { detailOf } from '../../integration/workflows/support/events';
import { createWorld, FakeMetrics, type World } from '../../integration/workflows/support/fakes';
import { runWorkflow } from '../../integration/workflows/support/harness';

/** The workflow tests' metrics fake, also keeping the plant dimension of every record. */
class PlantMetrics extends FakeMetrics {
  readonly withPlant: { name: string; value: number; unit: string; plant: string }[] = [];
  override record(name: string, value: number, unit: KpiUnit, plant?: string) {
    super.record(name, value, unit);
    this.withPlant.push({ name, value, unit, plant: plant ?? '' });
  }
  of(name: string) {
    return this.withPlant.filter((m) => m.name === name);
  }
}

const worldWithPlantMetrics = (): World & { metrics: PlantMetrics } => ({
  ...createWorld(),
  metrics: new PlantMetrics(),
});

const knownOrder = async (world: World) => {
  await world.repo.markOrderKnown('1010', '1000123');
  await world.repo.saveOrder(
    {
      plant: '1010',
      orderNumber: '1000123',
      status: 'RELEASED',
      version: '2026-11-25T07:00:00Z',
      statusSince: '2026-11-25T07:00:30Z',
      releasedAt: '2026-11-25T07:59:30Z',
      correlationId: 'corr-order-1000123',
    },
    undefined,
  );
};

const confirmation = (overrides: Record<string, unknown> = {}) =>
  detailOf('ProductionConfirmed', { confirmationId: 'CONF-1', finalConfirmation: false, ...overrides });

describe('workflow KPI metrics', () => {
  it('emits ConfirmationPosted and a succeeded SAP call for a posted confirmation, per plant', async () => {
    const world = worldWithPlantMetrics();
    await knownOrder(world);

    const run = await runWorkflow('execution-to-sap', confirmation(), world);

    expect(run.status).toBe('SUCCEEDED');
    expect(world.metrics.of('ConfirmationPosted')).toEqual([
      { name: 'ConfirmationPosted', value: 1, unit: 'Count', plant: '1010' },
    ]);
    expect(world.metrics.of('SapCallSucceeded').length).toBeGreaterThanOrEqual(2);
    expect(world.metrics.of('SapCallFailed')).toEqual([]);
  });

  it('emits ConfirmationRejected and a failed SAP call when SAP refuses the posting for good', async () => {
    const world = worldWithPlantMetrics();
    await knownOrder(world);
    world.sap.failures.fail('postConfirmation', 'PermanentError', 1, 'HTTP 403 from SAP gateway');

    await runWorkflow('execution-to-sap', confirmation(), world);

    expect(world.metrics.of('ConfirmationRejected')).toEqual([
      { name: 'ConfirmationRejected', value: 1, unit: 'Count', plant: '1010' },
    ]);
    expect(world.metrics.of('SapCallFailed')).toEqual([
      { name: 'SapCallFailed', value: 1, unit: 'Count', plant: '1010' },
    ]);
  });

  it('emits ConfirmationRejected when SAP has no such operation on the order', async () => {
    const world = worldWithPlantMetrics();
    await knownOrder(world);

    await runWorkflow('execution-to-sap', confirmation({ operationNumber: '0990' }), world);

    expect(world.metrics.of('ConfirmationRejected')).toEqual([
      { name: 'ConfirmationRejected', value: 1, unit: 'Count', plant: '1010' },
    ]);
    expect(world.metrics.of('ConfirmationPosted')).toEqual([]);
  });

  it('emits OrderSynchronisationLatency in seconds where the MES acknowledgement is recorded', async () => {
    const world = worldWithPlantMetrics();
    await knownOrder(world);
    const tasks = createTaskRegistry(world);

    await tasks['order-release/mark-acknowledged']?.({
      task: 'order-release/mark-acknowledged',
      correlationId: 'corr-order-1000123',
      plant: '1010',
      orderNumber: '1000123',
      ack: { mesJobId: 'JOB-1' },
    });

    expect(world.metrics.of('OrderSynchronisationLatency')).toEqual([
      { name: 'OrderSynchronisationLatency', value: 30, unit: 'Seconds', plant: '1010' },
    ]);
  });

  it('emits WorkOrderCompletionPosted per plant when a completion reaches SAP', async () => {
    const world = worldWithPlantMetrics();
    const tasks = createTaskRegistry(world);
    const completion = detailOf('WorkOrderCompleted', {}, { plant: '2000' }).data;

    await tasks['completion/post-to-sap']?.({
      task: 'completion/post-to-sap',
      correlationId: 'corr-wo-1',
      plant: '2000',
      completion,
    });

    expect(world.metrics.of('WorkOrderCompletionPosted')).toEqual([
      { name: 'WorkOrderCompletionPosted', value: 1, unit: 'Count', plant: '2000' },
    ]);
    expect(world.metrics.of('SapCallSucceeded')).toEqual([
      { name: 'SapCallSucceeded', value: 1, unit: 'Count', plant: '2000' },
    ]);
  });

  it('counts a failed MES call for the integration failure rate', async () => {
    const world = worldWithPlantMetrics();
    world.mes.failures.fail('cancelOrder', 'TransientError', 1);
    const tasks = createTaskRegistry(world);

    await expect(
      tasks['order-release/publish-cancellation']?.({
        task: 'order-release/publish-cancellation',
        correlationId: 'corr-cancel-1',
        plant: '1010',
        orderNumber: '1000123',
        reason: 'cancelled in SAP',
      }),
    ).rejects.toMatchObject({ name: 'TransientError' });

    expect(world.metrics.of('MesCallFailed')).toEqual([
      { name: 'MesCallFailed', value: 1, unit: 'Count', plant: '1010' },
    ]);
  });
});
