import * as z from 'zod';
import { Identifier, PlantCode, Timestamp } from './primitives';

/** The systems that own a domain (see BRIEF "Domain authority"). `plantsync` owns integration facts. */
export const SYSTEMS = ['sap', 'mes', 'maintenance', 'analytics', 'plantsync'] as const;
export const System = z.enum(SYSTEMS);
export type System = z.infer<typeof System>;

/** EventBridge `source` per owning system; rules and the bus policy use these constants. */
export const Source = {
  sap: 'plantsync.sap',
  mes: 'plantsync.mes',
  maintenance: 'plantsync.maintenance',
  analytics: 'plantsync.analytics',
  plantsync: 'plantsync.platform',
} as const satisfies Record<System, string>;
export type Source = (typeof Source)[System];

export const SchemaVersion = z.string().regex(/^\d+\.\d+$/, 'major.minor, e.g. "1.0"');

/**
 * Envelope metadata carried in `detail.metadata` of every canonical event.
 * `idempotencyKey` is stable across re-deliveries and re-publications of the same business fact
 * (e.g. `sap:idoc:0000000000123456`), while `eventId` is unique per publication.
 */
export const Metadata = z.object({
  eventId: z.uuid(),
  eventType: z.string().min(1),
  schemaVersion: SchemaVersion,
  correlationId: Identifier,
  causationId: Identifier.optional().describe('eventId (or request id) of what caused this event'),
  idempotencyKey: Identifier,
  plant: PlantCode,
  occurredAt: Timestamp.describe('when the fact happened in the owning system'),
  emittedAt: Timestamp.describe('when plantsync published the event'),
  producer: z.string().regex(/^[a-z0-9-]+(\.[a-z0-9-]+)*$/, 'a dotted lower-case producer name'),
  sourceRef: z
    .object({ system: System, kind: z.string().min(1), id: Identifier })
    .optional()
    .describe('the source document, e.g. an IDoc DOCNUM, a B2MML BODID or a webhook id'),
});
export type Metadata = z.infer<typeof Metadata>;

/** The `detail` of a canonical event: envelope metadata plus the type's data. */
export const canonicalDetail = <T extends z.ZodType>(data: T) => z.object({ metadata: Metadata, data });
