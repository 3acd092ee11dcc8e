import type { DetailType, EventDetail } from '../../events';
import { BusinessRuleError } from '../../shared/errors';
import type { PlantMapping, SapMappings } from '../sap/mapping';
import type { ODataClient } from '../sap/odata/client';
import type { PostingOutcome } from '../sap/postings/common';
import { postProductionConfirmation } from '../sap/postings/confirmation';
import { postGoodsMovement } from '../sap/postings/goods-movement';

/** Canonical events the poster writes back to SAP. */
export const POSTED_EVENT_TYPES = [
  'ProductionConfirmed',
  'MaterialMovementRecorded',
] as const satisfies readonly DetailType[];
export type PostedEventType = (typeof POSTED_EVENT_TYPES)[number];

export interface PostedEvent<T extends PostedEventType = PostedEventType> {
  readonly detailType: T;
  readonly detail: EventDetail<T>;
}

export interface PosterDeps {
  readonly client: ODataClient;
  readonly mappings: SapMappings;
}

/** A plant without a mapping is a configuration gap a person must close, not a retry. */
const plantMapping = (
  mappings: SapMappings,
  plant: string,
  businessKey: { kind: 'order'; value: string },
): PlantMapping => {
  const mapping = mappings.plants.find((p) => p.plant === plant);
  if (!mapping) {
    throw new BusinessRuleError(`plant ${plant} has no SAP mapping; add it to the plant configuration`, {
      kind: 'mapping-missing',
      owner: { system: 'plantsync', role: 'integration engineer' },
      businessKey,
    });
  }
  return mapping;
};

/**
 * Posts one canonical event to SAP, exactly once (each posting checks SAP for its deterministic
 * external reference before writing). Returns what SAP holds for it.
 */
export const postToSap = async (event: PostedEvent, deps: PosterDeps): Promise<PostingOutcome<unknown>> => {
  const { metadata } = event.detail;
  if (event.detailType === 'ProductionConfirmed') {
    const data = (event as PostedEvent<'ProductionConfirmed'>).detail.data;
    return postProductionConfirmation(deps.client, {
      confirmation: data,
      idempotencyKey: metadata.idempotencyKey,
      occurredAt: metadata.occurredAt,
      plant: plantMapping(deps.mappings, metadata.plant, { kind: 'order', value: data.orderNumber }),
    });
  }
  const data = (event as PostedEvent<'MaterialMovementRecorded'>).detail.data;
  return postGoodsMovement(deps.client, {
    movement: data,
    idempotencyKey: metadata.idempotencyKey,
    occurredAt: metadata.occurredAt,
    plant: plantMapping(deps.mappings, metadata.plant, {
      kind: 'order',
      value: data.orderNumber ?? data.movementId,
    }),
  });
};
