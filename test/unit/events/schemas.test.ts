import { z } from 'zod';
import { catalogue, findBreakingChanges } from '../../../events';
import { exportSchemas } from '../../../events/export-schemas';
import { consumersByDetailType } from '../../../infra/routing';

const schemaOf = (type: z.ZodType) => z.toJSONSchema(type, { target: 'draft-4', io: 'input' });

describe('committed JSON Schemas', () => {
  it('and docs/events.md match the zod schemas exactly (run `npm run schemas` after changing an event)', () => {
    const result = exportSchemas({ write: false, consumers: consumersByDetailType() });
    expect(result.written).toEqual([]);
    expect(result.stale).toEqual([]);
    expect(result.breaking).toEqual([]);
    expect(result.unchanged).toHaveLength(catalogue.length + 1);
  });
});

describe('the compatibility check', () => {
  const v1 = z.object({
    orderNumber: z.string(),
    status: z.enum(['open', 'closed']),
    quantity: z.object({ value: z.string(), unit: z.string() }),
    note: z.string().optional(),
  });

  it('accepts an identical schema and an added optional field', () => {
    expect(findBreakingChanges(schemaOf(v1), schemaOf(v1))).toEqual([]);
    expect(findBreakingChanges(schemaOf(v1), schemaOf(v1.extend({ line: z.string().optional() })))).toEqual(
      [],
    );
  });

  it('accepts a widened enum and a relaxed constraint', () => {
    const widened = v1.extend({
      status: z.enum(['open', 'closed', 'held']),
      orderNumber: z.string().max(50),
    });
    const before = v1.extend({ orderNumber: z.string().max(12) });
    expect(findBreakingChanges(schemaOf(before), schemaOf(widened))).toEqual([]);
  });

  it('catches a removed field', () => {
    const breaks = findBreakingChanges(schemaOf(v1), schemaOf(v1.omit({ note: true })));
    expect(breaks).toEqual([expect.objectContaining({ kind: 'removed-field', path: '$.note' })]);
  });

  it('catches a removed nested field', () => {
    const after = v1.extend({ quantity: z.object({ value: z.string() }) });
    expect(findBreakingChanges(schemaOf(v1), schemaOf(after))).toEqual([
      expect.objectContaining({ kind: 'removed-field', path: '$.quantity.unit' }),
    ]);
  });

  it('catches a narrowed type: string to number, enum value dropped, pattern added', () => {
    const typeChanged = v1.extend({ orderNumber: z.number() });
    const enumNarrowed = v1.extend({ status: z.enum(['open']) });
    const patterned = v1.extend({ orderNumber: z.string().regex(/^\d+$/) });
    for (const after of [typeChanged, enumNarrowed, patterned]) {
      const breaks = findBreakingChanges(schemaOf(v1), schemaOf(after));
      expect(breaks.map((b) => b.kind)).toContain('narrowed-type');
    }
  });

  it('catches a new required field and an optional field made required', () => {
    const added = findBreakingChanges(schemaOf(v1), schemaOf(v1.extend({ line: z.string() })));
    expect(added).toEqual([expect.objectContaining({ kind: 'new-required-field', path: '$.line' })]);
    const tightened = findBreakingChanges(schemaOf(v1), schemaOf(v1.extend({ note: z.string() })));
    expect(tightened).toEqual([expect.objectContaining({ kind: 'new-required-field', path: '$.note' })]);
  });

  it('catches a break inside an array of objects', () => {
    const before = z.object({ items: z.array(z.object({ id: z.string(), qty: z.string() })) });
    const after = z.object({ items: z.array(z.object({ id: z.string() })) });
    expect(findBreakingChanges(schemaOf(before), schemaOf(after))).toEqual([
      expect.objectContaining({ kind: 'removed-field', path: '$.items[].qty' }),
    ]);
  });

  it('catches a break in a real event schema changed in place', () => {
    const definition = catalogue.find((d) => d.detailType === 'DowntimeStarted');
    if (!definition) throw new Error('DowntimeStarted missing');
    const changed = definition.data.omit({ reasonCode: true }).extend({ shift: z.string() });
    const breaks = findBreakingChanges(schemaOf(definition.data), schemaOf(changed));
    expect(breaks.map((b) => b.kind).sort()).toEqual(['new-required-field', 'removed-field']);
  });
});
