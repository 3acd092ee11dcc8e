import { detailOf } from '../../integration/workflows/support/events';
import { createWorld } from '../../integration/workflows/support/fakes';
import { startWorkflow } from '../../integration/workflows/support/harness';

describe('inventory-adjustment expiry', () => {
  it('raises an approval-expired sync exception for the inventory controller', async () => {
    const world = createWorld();
    const execution = startWorkflow(
      'inventory-adjustment',
      detailOf('InventoryAdjustmentRequested', {}, { correlationId: 'corr-adj-45' }),
      world,
      { ApprovalTimeoutSeconds: '1' },
    );

    const run = await execution.done;

    expect(run.deadLetters).toEqual([]);
    expect(run.error).toBe('ApprovalExpired');
    expect(world.events.ofType('SyncExceptionRaised').map((e) => e.data)).toEqual([
      expect.objectContaining({
        kind: 'approval-expired',
        owner: { system: 'sap', role: 'inventory controller' },
        businessKey: { kind: 'adjustment', value: 'ADJ-1010-000045' },
        severity: 'medium',
      }),
    ]);
  });
});
