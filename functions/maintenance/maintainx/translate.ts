import { hash } from 'node:crypto';
import * as z from 'zod';
import { definitionOf } from '../../../events';
import { Metadata } from '../../../events/envelope';
import { ValidationError } from '../../../shared/errors';
import { mapMaintainxWebhook, type WebhookMappingConfig } from './webhook';

/** Correlation id of translated previews: deterministic, so CLI output can be diffed. */
export const PLACEHOLDER_CORRELATION_ID = 'translate-preview';
export const WEBHOOK_PRODUCER = 'maintenance.maintainx-webhook';

export interface TranslateOptions {
  /** @default '0000' (a placeholder plant) */
  readonly plant?: string;
  /** Webhook type, as the subscription URL's `?event=` would give it; inferred when absent. */
  readonly type?: string;
  /** @default { currency: 'EUR', referenceField: 'plantsync reference', equipmentField: 'SAP Equipment', assets: {}, partUnit: 'H87' } */
  readonly config?: Partial<WebhookMappingConfig>;
}

export interface TranslatedEvent {
  readonly source: string;
  readonly detailType: string;
  readonly detail: { readonly metadata: Record<string, unknown>; readonly data: unknown };
}

/** A UUID derived from a string, so the same input always gives the same event id. */
const deterministicUuid = (seed: string): string => {
  const h = hash('sha256', seed, 'hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

/**
 * `plantsync translate maintainx-webhook <file>`: a MaintainX webhook body (one JSON object, or an array
 * of them) → the canonical events plantsync would publish, each `{ source, detailType, detail }` with
 * full metadata (deterministic ids, placeholder correlation, emittedAt = occurredAt). Pure: no config,
 * secrets or network; an asset not mapped to SAP equipment appears as its MaintainX asset id.
 */
export const translateMaintainxWebhook = (
  text: string,
  options: TranslateOptions = {},
): TranslatedEvent[] => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ValidationError(`not JSON: ${(error as Error).message}`);
  }
  const payloads = Array.isArray(parsed) ? parsed : [parsed];
  const plant = options.plant ?? '0000';
  const config: WebhookMappingConfig = {
    currency: 'EUR',
    referenceField: 'plantsync reference',
    equipmentField: 'SAP Equipment',
    assets: {},
    partUnit: 'H87',
    ...options.config,
  };
  return payloads.flatMap((payload) =>
    mapMaintainxWebhook({
      payload,
      plant,
      config,
      ...(options.type ? { type: options.type } : {}),
      unmappedAssetAsEquipment: true,
    }).events.map((event) => {
      const definition = definitionOf(event.detailType);
      const detail = {
        metadata: {
          eventId: deterministicUuid(event.idempotencyKey),
          eventType: event.detailType,
          schemaVersion: definition.schemaVersion,
          correlationId: PLACEHOLDER_CORRELATION_ID,
          idempotencyKey: event.idempotencyKey,
          plant,
          occurredAt: event.occurredAt,
          emittedAt: event.occurredAt,
          producer: WEBHOOK_PRODUCER,
          sourceRef: event.sourceRef,
        },
        data: event.data,
      };
      // `event.data` already passed the catalogue's data schema in the mapping (no event schema
      // transforms, so a second pass returns the same value): only the envelope is left to check.
      const metadata = Metadata.safeParse(detail.metadata);
      if (!metadata.success) {
        const checked = definition.detail.safeParse(detail);
        throw new ValidationError(
          `invalid ${event.detailType}: ${z.prettifyError(checked.success ? metadata.error : checked.error)}`,
        );
      }
      return {
        source: definition.source,
        detailType: event.detailType,
        detail: { metadata: metadata.data, data: event.data },
      };
    }),
  );
};
