/**
 * The audit trail's unit: one hop of one message through plantsync. A hop says where the message was
 * (component), what happened there (kind, outcome), when and for how long, and which business objects
 * it concerned. It never carries a payload body or a secret: errors keep their name and a short,
 * redacted message.
 */
import { z } from 'zod';
import { Identifier, PlantCode, Timestamp } from '../../events/primitives';

export const HOP_KINDS = [
  'ingress',
  'event-published',
  'rule-delivered',
  'function-handled',
  'state-transition',
  'outbound-call',
  'dead-lettered',
] as const;
export const HopKind = z.enum(HOP_KINDS);
export type HopKind = z.infer<typeof HopKind>;

/** The business keys a trace can start from. */
export const BUSINESS_KEY_KINDS = [
  'order',
  'mes-job',
  'work-order',
  'equipment',
  'notification',
  'downtime',
  'alert',
] as const;
export const BusinessKeyKind = z.enum(BUSINESS_KEY_KINDS);
export type BusinessKeyKind = z.infer<typeof BusinessKeyKind>;

export const BusinessKey = z.object({ kind: BusinessKeyKind, value: Identifier });
export type BusinessKey = z.infer<typeof BusinessKey>;

export const MAX_ERROR_MESSAGE = 300;

export const HopError = z.object({
  name: z.string().min(1).max(80),
  message: z.string().max(MAX_ERROR_MESSAGE),
});
export type HopError = z.infer<typeof HopError>;

export const Hop = z.object({
  kind: HopKind,
  at: Timestamp.describe('when the hop started'),
  durationMs: z.number().nonnegative().describe('0 for instantaneous hops such as a publication'),
  correlationId: Identifier,
  causationId: Identifier.optional(),
  plant: PlantCode.optional(),
  component: z.string().min(1).max(200).describe('function, rule, state machine, state or system name'),
  detailType: z.string().max(100).optional().describe('the canonical event the hop carried, if any'),
  target: z
    .string()
    .max(300)
    .optional()
    .describe('where the hop went: a rule target, a queue, or an outbound system and operation'),
  outcome: z.enum(['ok', 'error']),
  error: HopError.optional(),
  keys: z.array(BusinessKey).default([]),
});
export type Hop = z.infer<typeof Hop>;
export type HopInput = z.input<typeof Hop>;

const SECRET_PATTERNS: readonly RegExp[] = [
  /\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+/gi,
  /\b(password|passwd|pwd|secret|token|api[_-]?key|apikey|authorization|signature|x-csrf-token)\b(\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s,;&]+)/gi,
];

/** An error message fit for the trail: secrets redacted, newlines folded, cut to MAX_ERROR_MESSAGE. */
export const safeMessage = (message: string): string => {
  let text = message.replace(/\s+/g, ' ').trim();
  text = text.replace(SECRET_PATTERNS[0] as RegExp, '$1 [redacted]');
  text = text.replace(SECRET_PATTERNS[1] as RegExp, '$1$2[redacted]');
  return text.length > MAX_ERROR_MESSAGE ? `${text.slice(0, MAX_ERROR_MESSAGE - 1)}…` : text;
};

/** The error part of a failed hop from anything thrown. */
export const hopErrorOf = (error: unknown): HopError => {
  if (error instanceof Error)
    return { name: error.name.slice(0, 80) || 'Error', message: safeMessage(error.message) };
  return { name: 'Error', message: safeMessage(String(error)) };
};
