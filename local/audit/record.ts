/**
 * Small builders the runtime calls at each hop, so every producer of hops fills them the same way.
 */
import { businessKeysOf } from './business-keys';
import { type Hop, type HopKind, hopErrorOf } from './hop';

interface CanonicalDetailLike {
  readonly metadata?: {
    readonly correlationId?: unknown;
    readonly eventId?: unknown;
    readonly causationId?: unknown;
    readonly eventType?: unknown;
    readonly plant?: unknown;
  };
}

const str = (value: unknown): string | undefined => (typeof value === 'string' && value ? value : undefined);

/**
 * A hop about a canonical event (published, delivered by a rule, handled by a function, dead-lettered):
 * correlation, plant, detail type and business keys come from the event itself.
 * For `event-published` the causation is what caused the event; for the hops after it, the event.
 */
export const eventHop = (
  kind: HopKind,
  detail: unknown,
  fields: {
    readonly component: string;
    readonly at: Date | string;
    readonly durationMs?: number;
    readonly target?: string;
    readonly detailType?: string;
    readonly error?: unknown;
  },
): Hop | undefined => {
  const metadata = (detail as CanonicalDetailLike | null)?.metadata;
  const correlationId = str(metadata?.correlationId);
  if (!correlationId) return undefined;
  const causationId = kind === 'event-published' ? str(metadata?.causationId) : str(metadata?.eventId);
  const plant = str(metadata?.plant);
  const detailType = fields.detailType ?? str(metadata?.eventType);
  return {
    kind,
    at: typeof fields.at === 'string' ? fields.at : fields.at.toISOString(),
    durationMs: Math.max(0, Math.round(fields.durationMs ?? 0)),
    correlationId,
    ...(causationId ? { causationId } : {}),
    ...(plant ? { plant } : {}),
    component: fields.component,
    ...(detailType ? { detailType } : {}),
    ...(fields.target ? { target: fields.target } : {}),
    outcome: fields.error === undefined ? 'ok' : 'error',
    ...(fields.error === undefined ? {} : { error: hopErrorOf(fields.error) }),
    keys: businessKeysOf(detail),
  };
};
