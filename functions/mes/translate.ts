import { hash } from 'node:crypto';
import * as z from 'zod';
import { definitionOf } from '../../events/catalogue';
import { Metadata } from '../../events/envelope';
import { ValidationError } from '../../shared/errors';
import { translatePerformance } from './b2mml/inbound';
import type { MesFact } from './facts';
import { translateJsonBody } from './json/inbound';

export interface TranslatedEvent {
  readonly source: string;
  readonly detailType: string;
  readonly detail: { readonly metadata: Record<string, unknown>; readonly data: unknown };
}

/** The correlation id every offline translation carries: a placeholder, the same on every run. */
export const PREVIEW_CORRELATION_ID = 'translate-preview';

/** A UUID derived from the idempotency key, so the same input prints the same output. */
const stableUuid = (key: string): string => {
  const h = hash('sha256', key, 'hex');
  const variant = ((Number.parseInt(h.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

/** Facts → full canonical events (envelope filled deterministically), each validated against the catalogue. */
export const toPreviewEvents = (facts: readonly MesFact[], producer = 'mes.translate'): TranslatedEvent[] =>
  facts.map((fact) => {
    const definition = definitionOf(fact.detailType);
    const detail = {
      metadata: {
        eventId: stableUuid(fact.idempotencyKey),
        eventType: fact.detailType,
        schemaVersion: definition.schemaVersion,
        correlationId: PREVIEW_CORRELATION_ID,
        idempotencyKey: fact.idempotencyKey,
        plant: fact.plant,
        occurredAt: fact.occurredAt,
        emittedAt: fact.occurredAt,
        producer,
        sourceRef: fact.sourceRef,
      },
      data: fact.data,
    };
    // `fact.data` already passed the catalogue's data schema in `canonical()` (no event schema
    // transforms, so a second pass returns the same value): only the envelope is left to check.
    const metadata = Metadata.safeParse(detail.metadata);
    if (!metadata.success) {
      const parsed = definition.detail.safeParse(detail);
      throw new ValidationError(
        `invalid ${fact.detailType}: ${parsed.success ? z.prettifyError(metadata.error) : z.prettifyError(parsed.error)}`,
      );
    }
    return {
      source: definition.source,
      detailType: fact.detailType,
      detail: { metadata: metadata.data, data: fact.data } as TranslatedEvent['detail'],
    };
  });

/** `plantsync translate b2mml`: a B2MML ProductionPerformance / OperationsPerformance document → canonical events. */
export const translateB2mml = (text: string, options: { plant?: string } = {}): TranslatedEvent[] =>
  toPreviewEvents(translatePerformance(text, options));

/** `plantsync translate mes-json`: a REST/JSON MES event body → canonical events. */
export const translateMesJson = (text: string, options: { plant?: string } = {}): TranslatedEvent[] =>
  toPreviewEvents(translateJsonBody(text, options));
