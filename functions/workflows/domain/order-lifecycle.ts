/**
 * What an SAP order event means for an order already (or not yet) in flight. Pure: the task
 * handler reads the state, asks here, then writes conditionally.
 */
import type { OrderState } from './repository';

export type OrderEventType =
  | 'ProductionOrderReleased'
  | 'ProductionOrderChanged'
  | 'ProductionOrderCancelled';

export type OrderAction =
  /** First sight of the order: hand it to the MES and wait for the acknowledgement. */
  | 'release'
  /** The order is already with the MES: send the full new state, no second ack wait. */
  | 'change'
  /** Withdraw the order from the MES and wake a release still waiting for its ack. */
  | 'cancel'
  /** A re-delivery or an older fact arriving after a newer one: nothing to do. */
  | 'ignore';

export const decideOrderAction = (
  current: OrderState | undefined,
  eventType: OrderEventType,
  occurredAt: string,
): { action: OrderAction; reason: string } => {
  if (current && Date.parse(occurredAt) < Date.parse(current.version))
    return { action: 'ignore', reason: `stale: an event of ${current.version} was already applied` };
  if (current?.status === 'CANCELLED') return { action: 'ignore', reason: 'order already cancelled' };
  if (eventType === 'ProductionOrderCancelled')
    return current
      ? { action: 'cancel', reason: 'cancelled in flight' }
      : { action: 'ignore', reason: 'cancelled before release was seen; tombstone recorded' };
  if (!current) return { action: 'release', reason: 'new order' };
  if (occurredAt === current.version) return { action: 'ignore', reason: 'duplicate delivery' };
  if (eventType === 'ProductionOrderReleased')
    return current.status === 'NOT_ACKNOWLEDGED' || current.status === 'REFUSED'
      ? { action: 'release', reason: `re-driven after ${current.status}` }
      : { action: 'ignore', reason: 'already released' };
  return current.status === 'CLOSED'
    ? { action: 'ignore', reason: 'order already closed' }
    : { action: 'change', reason: 'changed in flight' };
};
