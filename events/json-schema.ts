import * as z from 'zod';
import type { EventDefinition } from './define';

/**
 * JSON Schema for an event's full `detail`, in draft-04 because the EventBridge schema registry
 * accepts `JSONSchemaDraft4`. `io: 'input'` leaves objects open (no additionalProperties: false) so
 * consumers tolerate fields added in later minor versions.
 */
export const toJsonSchema = (definition: EventDefinition): Record<string, unknown> => ({
  ...(z.toJSONSchema(definition.detail, { target: 'draft-4', io: 'input' }) as Record<string, unknown>),
  title: definition.detailType,
  description: definition.summary,
  'x-plantsync': {
    source: definition.source,
    detailType: definition.detailType,
    owner: definition.owner,
    version: definition.version,
    schemaVersion: definition.schemaVersion,
  },
});

/** Repository-relative path of an event type's committed JSON Schema. */
export const schemaPath = (definition: Pick<EventDefinition, 'source' | 'detailType' | 'version'>): string =>
  `events/schemas/${definition.source}/${definition.detailType}.v${definition.version}.json`;

export const serializeSchema = (schema: unknown): string => `${JSON.stringify(schema, null, 2)}\n`;
