import { NotFoundError, ValidationError } from '../../shared/errors';
import { parseCanonicalEvent } from '../../shared/middleware';
import { MesClient, type MesClientOptions, type OrderResult } from '../mes/client';
import type { MesPlantSettings } from '../mes/config';

export const ORDER_EVENTS = [
  'ProductionOrderReleased',
  'ProductionOrderChanged',
  'ProductionOrderCancelled',
] as const;

export interface MesPublisherDeps {
  readonly plants: ReadonlyMap<string, MesPlantSettings>;
  /** Builds the client of a plant; overridable so tests and the local runtime point at a fake MES. */
  readonly clientFor?: (plant: string, settings: MesPlantSettings) => MesClient;
  readonly clientOptions?: Omit<MesClientOptions, 'plant' | 'settings'>;
}

/**
 * One queue message (an EventBridge event delivered to the plant's mes-outbound buffer) → one call
 * to the plant's MES. The revision is the epoch milliseconds of the SAP fact, so every resend of the
 * same event carries the same revision and a later change always carries a higher one.
 */
export const createOrderPublisher = (deps: MesPublisherDeps) => {
  const clients = new Map<string, MesClient>();
  const clientOf = (plant: string): MesClient => {
    const settings = deps.plants.get(plant);
    if (!settings) throw new NotFoundError(`plant ${plant} has no MES configured`);
    let client = clients.get(plant);
    if (!client) {
      client = deps.clientFor?.(plant, settings) ?? new MesClient({ ...deps.clientOptions, plant, settings });
      clients.set(plant, client);
    }
    return client;
  };

  return async (body: unknown): Promise<OrderResult> => {
    const event = parseCanonicalEvent(body, ORDER_EVENTS);
    const { plant, occurredAt } = event.detail.metadata;
    const revision = Date.parse(occurredAt);
    if (Number.isNaN(revision)) throw new ValidationError(`occurredAt ${occurredAt} is not a date-time`);
    const client = clientOf(plant);
    switch (event.detailType) {
      case 'ProductionOrderReleased':
        return client.publishOrder('release', event.detail.data as never, revision, occurredAt);
      case 'ProductionOrderChanged':
        return client.publishOrder('change', event.detail.data as never, revision, occurredAt);
      case 'ProductionOrderCancelled':
        return client.cancelOrder(event.detail.data as never, revision, occurredAt);
    }
  };
};
