/**
 * OrderAcknowledged listener (EventBridge rule; OperationStarted/Completed count as an implied
 * acceptance): hands the MES acknowledgement back to the
 * order-release execution waiting on its task token. A late or duplicate ack finds no waiting
 * execution (or Step Functions answers TaskTimedOut/InvalidToken) and is logged, not retried.
 */
import { z } from 'zod';
import { DetailType, type EventData } from '../../events';
import { loadConfig } from '../../shared/config';
import { type CanonicalEvent, eventBridgeHandler } from '../../shared/middleware';
import { logger } from '../../shared/observability';
import { correlationRepository, StepFunctionsCallbacks } from './adapters';
import type { CorrelationRepository } from './domain/repository';
import { deliverAcknowledgement } from './tasks/order-release';

let repo: CorrelationRepository | undefined;
const callbacks = new StepFunctionsCallbacks();

/** Operation progress implies the MES accepted the order, so it also ends a waiting release. */
export const acknowledgementOf = (
  event: CanonicalEvent<'OrderAcknowledged' | 'OperationStarted' | 'OperationCompleted'>,
): EventData<'OrderAcknowledged'> =>
  event.detailType === 'OrderAcknowledged'
    ? (event.detail.data as EventData<'OrderAcknowledged'>)
    : {
        orderNumber: event.detail.data.orderNumber,
        mesJobId: event.detail.data.mesJobId,
        accepted: true,
        reason: `implied by ${event.detailType}`,
      };

const ACCEPTED = [DetailType.OrderAcknowledged, DetailType.OperationStarted, DetailType.OperationCompleted];

export const handler = eventBridgeHandler(ACCEPTED, async (event) => {
  const ack = acknowledgementOf(event);
  repo ??= correlationRepository(
    loadConfig(z.object({ CORRELATION_TABLE_NAME: z.string().min(1) })).CORRELATION_TABLE_NAME,
  );
  try {
    const outcome = await deliverAcknowledgement({ repo, callbacks }, event.detail.metadata.plant, ack);
    logger.info('order acknowledgement handled', { orderNumber: ack.orderNumber, outcome });
    return outcome;
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'TaskTimedOut' || name === 'InvalidToken' || name === 'TaskDoesNotExist') {
      logger.warn('order acknowledgement arrived after the wait ended', {
        orderNumber: ack.orderNumber,
      });
      return 'no-waiting-release';
    }
    throw error;
  }
});
