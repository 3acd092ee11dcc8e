import { decideAdjustment } from '../../../functions/workflows/tasks/inventory';
import { detailOf } from './support/events';
import { createWorld, type World } from './support/fakes';
import { startWorkflow } from './support/harness';

const requested = () => detailOf('InventoryAdjustmentRequested', {}, { correlationId: 'corr-adj-45' });

/** Starts the workflow and waits until it is parked on the approval. */
const startAndWait = async (
  world: World,
  substitutions: Record<string, string> = { ApprovalTimeoutSeconds: '30' },
) => {
  const execution = startWorkflow('inventory-adjustment', requested(), world, substitutions);
  for (let i = 0; i < 200 && !world.callbacks.isWaiting(execution.token); i++)
    await new Promise((r) => setTimeout(r, 10));
  return execution;
};

describe('inventory-adjustment workflow', () => {
  it('posts the adjustment to SAP once it is approved', async () => {
    const world = createWorld();
    const execution = await startAndWait(world);

    const answer = await decideAdjustment(world, '1010', 'ADJ-1010-000045', {
      decision: 'approve',
      approver: 'j.novak',
    });
    const run = await execution.done;

    expect(answer).toEqual({ outcome: 'decided', status: 'APPROVED' });
    expect(run.status).toBe('SUCCEEDED');
    expect(run.path.slice(-3)).toEqual(['RouteDecision', 'PostAdjustmentToSap', 'AdjustmentPosted']);
    expect(world.sap.adjustments).toEqual([{ adjustmentId: 'ADJ-1010-000045', approvedBy: 'j.novak' }]);
  });

  it('leaves SAP untouched when the adjustment is rejected', async () => {
    const world = createWorld();
    const execution = await startAndWait(world);

    await decideAdjustment(world, '1010', 'ADJ-1010-000045', { decision: 'reject', approver: 'j.novak' });
    const run = await execution.done;

    expect(run.path.at(-1)).toBe('AdjustmentRejected');
    expect(world.sap.adjustments).toEqual([]);
  });

  it('accepts the same decision twice and refuses a different one', async () => {
    const world = createWorld();
    const execution = await startAndWait(world);
    await decideAdjustment(world, '1010', 'ADJ-1010-000045', { decision: 'approve', approver: 'a' });
    await execution.done;

    expect(
      await decideAdjustment(world, '1010', 'ADJ-1010-000045', { decision: 'approve', approver: 'a' }),
    ).toMatchObject({
      outcome: 'already-decided',
    });
    expect(
      await decideAdjustment(world, '1010', 'ADJ-1010-000045', { decision: 'reject', approver: 'b' }),
    ).toMatchObject({
      outcome: 'conflict',
    });
    expect(
      await decideAdjustment(world, '1010', 'ADJ-UNKNOWN', { decision: 'reject', approver: 'b' }),
    ).toEqual({
      outcome: 'not-found',
    });
  });

  it('expires when nobody decides in time, without touching SAP', async () => {
    const world = createWorld();
    const execution = await startAndWait(world, { ApprovalTimeoutSeconds: '1' });

    const run = await execution.done;

    expect(run.error).toBe('ApprovalExpired');
    expect(run.path.slice(-2)).toEqual(['MarkExpired', 'ApprovalExpired']);
    expect(await world.repo.getClaim('ADJUSTMENT#1010', 'ADJ-1010-000045')).toMatchObject({
      status: 'EXPIRED',
    });
  });

  it('retries the SAP posting after a transient error', async () => {
    const world = createWorld();
    world.sap.failures.fail('postInventoryAdjustment', 'TransientError', 1);
    const execution = await startAndWait(world);

    await decideAdjustment(world, '1010', 'ADJ-1010-000045', { decision: 'approve', approver: 'a' });
    const run = await execution.done;

    expect(run.retried).toEqual(['PostAdjustmentToSap']);
    expect(world.sap.adjustments).toHaveLength(1);
  });

  it('raises a sync exception for the inventory controller when SAP refuses', async () => {
    const world = createWorld();
    world.sap.failures.fail(
      'postInventoryAdjustment',
      'BusinessRuleError',
      1,
      'Posting period 11/2026 is closed',
    );
    const execution = await startAndWait(world);

    await decideAdjustment(world, '1010', 'ADJ-1010-000045', { decision: 'approve', approver: 'a' });
    const run = await execution.done;

    expect(run.error).toBe('RejectedBySap');
    expect(world.events.ofType('SyncExceptionRaised')[0]?.data).toMatchObject({
      kind: 'sap-business-rejection',
      owner: { system: 'sap', role: 'inventory controller' },
      businessKey: { kind: 'adjustment', value: 'ADJ-1010-000045' },
    });
  });

  it('dead-letters a permanent SAP error', async () => {
    const world = createWorld();
    world.sap.failures.fail('postInventoryAdjustment', 'PermanentError', 1);
    const execution = await startAndWait(world);

    await decideAdjustment(world, '1010', 'ADJ-1010-000045', { decision: 'approve', approver: 'a' });
    const run = await execution.done;

    expect(run.error).toBe('DeadLettered');
    expect(run.deadLetters[0]).toMatchObject({
      workflow: 'inventory-adjustment',
      correlationId: 'corr-adj-45',
    });
  });

  it('asks for approval once for a duplicate request', async () => {
    const world = createWorld();
    const first = await startAndWait(world);

    const duplicate = await startWorkflow('inventory-adjustment', requested(), world).done;
    await decideAdjustment(world, '1010', 'ADJ-1010-000045', { decision: 'reject', approver: 'a' });
    await first.done;

    expect(duplicate.path.at(-1)).toBe('AdjustmentAlreadyHandled');
  });

  it('refuses a decision that arrives before the request reached the workflow (out of order)', async () => {
    const world = createWorld();

    expect(
      await decideAdjustment(world, '1010', 'ADJ-1010-000045', { decision: 'approve', approver: 'a' }),
    ).toEqual({
      outcome: 'not-found',
    });
  });
});
