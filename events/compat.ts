/**
 * Backward-compatibility check between two JSON Schemas of the same event major version.
 *
 * A change inside a major version is compatible when every event valid under the old schema is still
 * valid under the new one and no field a consumer relies on disappears. The three breaks it reports:
 * - `removed-field`: a property of the old schema is gone;
 * - `narrowed-type`: a value the old schema allowed is refused (type, enum, pattern, format, bounds);
 * - `new-required-field`: a property is required now that was not required before.
 */
export type BreakKind = 'removed-field' | 'narrowed-type' | 'new-required-field';
export interface Break {
  readonly kind: BreakKind;
  readonly path: string;
  readonly message: string;
}

type Schema = Record<string, unknown>;

const asSchema = (value: unknown): Schema => (value && typeof value === 'object' ? (value as Schema) : {});
const types = (s: Schema): Set<string> => {
  const t = s.type;
  if (t === undefined) return new Set(['any']);
  const list = Array.isArray(t) ? (t as string[]) : [t as string];
  // JSON Schema: an integer is also a number.
  return new Set(list);
};
const json = (v: unknown): string => JSON.stringify(v);

const lowerBoundKeys = ['minimum', 'exclusiveMinimum', 'minLength', 'minItems', 'minProperties'] as const;
const upperBoundKeys = ['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems', 'maxProperties'] as const;

const compareNode = (before: Schema, after: Schema, path: string, out: Break[]): void => {
  const narrowed = (message: string) => out.push({ kind: 'narrowed-type', path, message });

  if (before.$ref !== undefined || after.$ref !== undefined) {
    if (json(before.$ref) !== json(after.$ref))
      narrowed('a $ref changed; compare the referenced schemas by hand');
    return;
  }

  const alternatives = (s: Schema): Schema[] | undefined =>
    (s.anyOf ?? s.oneOf) ? ((s.anyOf ?? s.oneOf) as unknown[]).map(asSchema) : undefined;
  const beforeAlts = alternatives(before);
  const afterAlts = alternatives(after);
  if (beforeAlts || afterAlts) {
    const afterList = afterAlts ?? [after];
    for (const [i, alt] of (beforeAlts ?? [before]).entries()) {
      const fits = afterList.some((candidate) => {
        const trial: Break[] = [];
        compareNode(alt, candidate, path, trial);
        return trial.length === 0;
      });
      if (!fits) narrowed(`alternative ${i} of the old schema is no longer accepted`);
    }
    return;
  }

  const beforeTypes = types(before);
  const afterTypes = types(after);
  if (!afterTypes.has('any')) {
    for (const t of beforeTypes) {
      const stillAccepted = afterTypes.has(t) || (t === 'integer' && afterTypes.has('number'));
      if (!stillAccepted) narrowed(`type ${t === 'any' ? 'unrestricted' : t} is no longer accepted`);
    }
  }

  if (after.enum !== undefined) {
    const allowed = new Set((after.enum as unknown[]).map(json));
    if (before.enum === undefined) narrowed('an enum now restricts the values');
    else {
      const lost = (before.enum as unknown[]).filter((v) => !allowed.has(json(v)));
      if (lost.length > 0) narrowed(`enum values removed: ${lost.map(json).join(', ')}`);
    }
  }
  if (after.const !== undefined && json(after.const) !== json(before.const))
    narrowed('a const now restricts the value');

  for (const key of ['pattern', 'format', 'multipleOf'] as const) {
    if (after[key] !== undefined && json(after[key]) !== json(before[key])) {
      narrowed(`${key} ${before[key] === undefined ? 'added' : 'changed'}: ${json(after[key])}`);
    }
  }
  for (const key of lowerBoundKeys) {
    const b = before[key] as number | undefined;
    const a = after[key] as number | undefined;
    if (a !== undefined && (b === undefined || a > b)) narrowed(`${key} raised to ${a}`);
  }
  for (const key of upperBoundKeys) {
    const b = before[key] as number | undefined;
    const a = after[key] as number | undefined;
    if (a !== undefined && (b === undefined || a < b)) narrowed(`${key} lowered to ${a}`);
  }
  if (after.additionalProperties === false && before.additionalProperties !== false) {
    narrowed('additional properties are now refused');
  }

  const beforeProps = asSchema(before.properties);
  const afterProps = asSchema(after.properties);
  for (const [name, schema] of Object.entries(beforeProps)) {
    const childPath = `${path}.${name}`;
    if (!(name in afterProps)) {
      out.push({ kind: 'removed-field', path: childPath, message: `field "${name}" was removed` });
      continue;
    }
    compareNode(asSchema(schema), asSchema(afterProps[name]), childPath, out);
  }
  const beforeRequired = new Set((before.required as string[] | undefined) ?? []);
  for (const name of (after.required as string[] | undefined) ?? []) {
    if (!beforeRequired.has(name)) {
      out.push({
        kind: 'new-required-field',
        path: `${path}.${name}`,
        message: `field "${name}" is required now${name in beforeProps ? ' (it was optional)' : ''}`,
      });
    }
  }

  if (before.items !== undefined || after.items !== undefined) {
    compareNode(asSchema(before.items), asSchema(after.items), `${path}[]`, out);
  }
  if (before.additionalProperties !== undefined && typeof after.additionalProperties === 'object') {
    compareNode(
      asSchema(before.additionalProperties),
      asSchema(after.additionalProperties),
      `${path}{}`,
      out,
    );
  }
};

/** Lists every backward-incompatible difference from `before` to `after`; empty when compatible. */
export const findBreakingChanges = (before: unknown, after: unknown): Break[] => {
  const out: Break[] = [];
  compareNode(asSchema(before), asSchema(after), '$', out);
  return out;
};
