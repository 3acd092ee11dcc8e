/**
 * The subset of JSON Schema (draft 4, as API Gateway models use it) that request validation needs:
 * type, required, properties, additionalProperties, items, enum, const, pattern, min/max length,
 * minimum/maximum (with exclusive flags), min/max items, allOf/anyOf/oneOf/not, $ref to #/definitions.
 */
type Schema = Record<string, unknown>;

export function validateJsonSchema(
  schema: Schema,
  value: unknown,
  root: Schema = schema,
  path = '$',
): string[] {
  const errors: string[] = [];
  const ref = schema.$ref;
  if (typeof ref === 'string') {
    const target = ref
      .replace(/^#\/?/, '')
      .split('/')
      .filter(Boolean)
      .reduce<unknown>((node, key) => (node as Schema | undefined)?.[key], root);
    return target
      ? validateJsonSchema(target as Schema, value, root, path)
      : [`${path}: unresolved $ref ${ref}`];
  }
  const type = schema.type;
  if (type !== undefined) {
    const types = Array.isArray(type) ? (type as string[]) : [String(type)];
    if (!types.some((t) => isType(t, value))) return [`${path}: expected ${types.join(' or ')}`];
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
    errors.push(`${path}: not one of the allowed values`);
  }
  if ('const' in schema && JSON.stringify(schema.const) !== JSON.stringify(value))
    errors.push(`${path}: not the constant`);
  if (typeof value === 'string') {
    if (typeof schema.minLength === 'number' && [...value].length < schema.minLength)
      errors.push(`${path}: too short`);
    if (typeof schema.maxLength === 'number' && [...value].length > schema.maxLength)
      errors.push(`${path}: too long`);
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) {
      errors.push(`${path}: does not match ${schema.pattern}`);
    }
  }
  if (typeof value === 'number') {
    const min = schema.minimum;
    const max = schema.maximum;
    if (typeof min === 'number' && (schema.exclusiveMinimum === true ? value <= min : value < min)) {
      errors.push(`${path}: below minimum`);
    }
    if (typeof max === 'number' && (schema.exclusiveMaximum === true ? value >= max : value > max)) {
      errors.push(`${path}: above maximum`);
    }
    if (typeof schema.exclusiveMinimum === 'number' && value <= schema.exclusiveMinimum)
      errors.push(`${path}: below minimum`);
    if (typeof schema.exclusiveMaximum === 'number' && value >= schema.exclusiveMaximum)
      errors.push(`${path}: above maximum`);
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems)
      errors.push(`${path}: too few items`);
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems)
      errors.push(`${path}: too many items`);
    if (schema.items && typeof schema.items === 'object' && !Array.isArray(schema.items)) {
      value.forEach((item, i) => {
        errors.push(...validateJsonSchema(schema.items as Schema, item, root, `${path}[${i}]`));
      });
    }
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>;
    for (const key of (schema.required as string[] | undefined) ?? []) {
      if (!(key in obj)) errors.push(`${path}: missing required property ${key}`);
    }
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    for (const [key, v] of Object.entries(obj)) {
      const sub = properties[key];
      if (sub) errors.push(...validateJsonSchema(sub, v, root, `${path}.${key}`));
      else if (schema.additionalProperties === false) errors.push(`${path}: unexpected property ${key}`);
      else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
        errors.push(...validateJsonSchema(schema.additionalProperties as Schema, v, root, `${path}.${key}`));
      }
    }
  }
  for (const sub of (schema.allOf as Schema[] | undefined) ?? [])
    errors.push(...validateJsonSchema(sub, value, root, path));
  if (
    Array.isArray(schema.anyOf) &&
    !schema.anyOf.some((s) => validateJsonSchema(s as Schema, value, root, path).length === 0)
  ) {
    errors.push(`${path}: matches none of anyOf`);
  }
  if (Array.isArray(schema.oneOf)) {
    const matches = schema.oneOf.filter(
      (s) => validateJsonSchema(s as Schema, value, root, path).length === 0,
    ).length;
    if (matches !== 1) errors.push(`${path}: matches ${matches} of oneOf`);
  }
  if (schema.not && validateJsonSchema(schema.not as Schema, value, root, path).length === 0) {
    errors.push(`${path}: matches a forbidden schema`);
  }
  return errors;
}

function isType(type: string, value: unknown): boolean {
  switch (type) {
    case 'null':
      return value === null;
    case 'array':
      return Array.isArray(value);
    case 'object':
      return value !== null && typeof value === 'object' && !Array.isArray(value);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    default:
      return typeof value === type;
  }
}
