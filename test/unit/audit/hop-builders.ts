import type { BusinessKey, Hop } from '../../../local/audit';

let minute = 0;

/** A hop with sensible defaults; `at` advances one second per call unless given. */
export const hop = (fields: Partial<Hop> & { correlationId: string; keys?: BusinessKey[] }): Hop => {
  minute++;
  return {
    kind: 'function-handled',
    at: new Date(Date.UTC(2026, 10, 25, 6, 0, minute)).toISOString(),
    durationMs: 5,
    component: 'order-release',
    outcome: 'ok',
    keys: [],
    ...fields,
  };
};

export const order = (value: string): BusinessKey => ({ kind: 'order', value });
export const equipment = (value: string): BusinessKey => ({ kind: 'equipment', value });
