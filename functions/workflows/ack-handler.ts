/**
 * OrderAcknowledged listener (EventBridge rule): hands the MES acknowledgement back to the
 * order-release execution waiting on its task token. A late or duplicate ack finds no waiting
 * execution (or Step Functions answers TaskTimedOut/InvalidToken) and is logged, not retried.
 */
import { z } from 'zod';
import { DetailType } from '../../events';
import { loadConfig } from '../../shared/config';
import { eventBridgeHandler } from '../../shared/middleware';
import { logger } from '../../shared/observability';
import { correlationRepository, StepFunctionsCallbacks } from './adapters';
import type { CorrelationRepository } from './domain/repository';
import { deliverAcknowledgement } from './tasks/order-release';

let repo: CorrelationRepository | undefined;
const callbacks = new StepFunctionsCallbacks();

export const handler = eventBridgeHandler([DetailType.OrderAcknowledged], async (event) => {
  repo ??= correlationRepository(
    loadConfig(z.object({ CORRELATION_TABLE_NAME: z.string().min(1) })).CORRELATION_TABLE_NAME,
  );
  try {
    const outcome = await deliverAcknowledgement(
      { repo, callbacks },
      event.detail.metadata.plant,
      event.detail.data,
    );
    logger.info('order acknowledgement handled', { orderNumber: event.detail.data.orderNumber, outcome });
    return outcome;
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'TaskTimedOut' || name === 'InvalidToken' || name === 'TaskDoesNotExist') {
      logger.warn('order acknowledgement arrived after the wait ended', {
        orderNumber: event.detail.data.orderNumber,
      });
      return 'no-waiting-release';
    }
    throw error;
  }
});
