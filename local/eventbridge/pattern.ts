/**
 * EventBridge event pattern matching, held to AWS's documented semantics (the EventBridge user guide's
 * pattern pages, and aws/event-ruler, the engine behind them). Validation messages reuse event-ruler's
 * wording, prefixed the way the EventBridge API reports them.
 */
import { compareIp, type IpRange, parseCidr, parseIp } from './ip';

export class InvalidEventPatternError extends Error {
  override readonly name = 'InvalidEventPatternException';
  constructor(reason: string) {
    super(`Event pattern is not valid. Reason: ${reason}`);
  }
}

const OR = '$or';
const OPERATORS = new Set([
  'prefix',
  'suffix',
  'anything-but',
  'numeric',
  'exists',
  'cidr',
  'equals-ignore-case',
  'wildcard',
]);
/** Numeric matching is limited to this magnitude (user guide, "Numeric matching"). */
const NUMERIC_LIMIT = 5.0e9;
/** Numbers compare with six digits right of the decimal point, truncated as event-ruler does. */
const toComparable = (n: number): number => Math.trunc(n * 1e6);

type Scalar = string | number | boolean | null;

type Condition =
  | { kind: 'exact'; value: Scalar; ip?: bigint; ipVersion?: 4 | 6 }
  | { kind: 'prefix'; value: string; ignoreCase: boolean }
  | { kind: 'suffix'; value: string; ignoreCase: boolean }
  | { kind: 'equals-ignore-case'; value: string }
  | { kind: 'wildcard'; regex: RegExp }
  | { kind: 'numeric'; lower?: { value: number; open: boolean }; upper?: { value: number; open: boolean } }
  | { kind: 'exists'; value: boolean }
  | { kind: 'cidr'; range: IpRange }
  | { kind: 'anything-but'; excluded: (value: Scalar) => boolean };

interface ObjectNode {
  fields: Array<{ name: string; node: ObjectNode | Condition[] }>;
  /** Each entry is one `$or`: at least one alternative must match. */
  ors: ObjectNode[][];
}

/** A validated, compiled pattern; compile once, match many events. */
export class CompiledPattern {
  constructor(private readonly root: ObjectNode) {}

  matches(event: unknown): boolean {
    return matchObject(this.root, event);
  }
}

function fail(reason: string): never {
  throw new InvalidEventPatternError(reason);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    return fail((error as Error).message);
  }
}

/** Validates and compiles a pattern given as a JSON string or an already parsed object. */
export function compilePattern(pattern: unknown): CompiledPattern {
  const parsed = typeof pattern === 'string' ? parseJson(pattern) : pattern;
  if (!isPlainObject(parsed)) fail('Filter is not an object');
  return new CompiledPattern(compileObject(parsed, false));
}

/** Throws InvalidEventPatternError when AWS would reject the pattern. */
export function validatePattern(pattern: unknown): void {
  compilePattern(pattern);
}

/** True when the event (object or JSON string) matches the pattern (object or JSON string). */
export function matchesPattern(pattern: unknown, event: unknown): boolean {
  const parsedEvent = typeof event === 'string' ? JSON.parse(event) : event;
  return compilePattern(pattern).matches(parsedEvent);
}

function compileObject(source: Record<string, unknown>, insideOr: boolean): ObjectNode {
  const node: ObjectNode = { fields: [], ors: [] };
  const entries = Object.entries(source);
  if (entries.length === 0) fail('Empty objects are not allowed');
  for (const [name, value] of entries) {
    if (name === OR) {
      node.ors.push(compileOr(value));
      continue;
    }
    if (insideOr && OPERATORS.has(name)) {
      fail(`${name} is Ruler reserved fieldName which cannot be used inside ${OR}.`);
    }
    if (Array.isArray(value)) node.fields.push({ name, node: compileConditions(value) });
    else if (isPlainObject(value)) node.fields.push({ name, node: compileObject(value, insideOr) });
    else fail(`"${name}" must be an object or an array`);
  }
  return node;
}

function compileOr(value: unknown): ObjectNode[] {
  if (!Array.isArray(value)) fail(`It must be an Array followed with ${OR}.`);
  const alternatives = value.map((item) => {
    if (!isPlainObject(item)) fail(`Only JSON object is allowed in array of ${OR} relationship.`);
    return compileObject(item, true);
  });
  if (alternatives.length < 2) fail(`There must have at least 2 Objects in ${OR} relationship.`);
  return alternatives;
}

function compileConditions(values: unknown[]): Condition[] {
  if (values.length === 0) fail('Empty arrays are not allowed');
  return values.map((value): Condition => {
    if (isPlainObject(value)) return compileMatchExpression(value);
    if (typeof value === 'string') {
      const ip = parseIp(value);
      return ip ? { kind: 'exact', value, ip: ip.value, ipVersion: ip.version } : { kind: 'exact', value };
    }
    if (typeof value === 'number' || typeof value === 'boolean' || value === null) {
      return { kind: 'exact', value };
    }
    return fail('Match value must be String, number, true, false, or null');
  });
}

function onlyKey(expression: Record<string, unknown>): [string, unknown] {
  const entries = Object.entries(expression);
  const first = entries[0];
  if (!first) fail('Match expression name not found');
  if (entries.length > 1) fail('Only one key allowed in match expression');
  return first;
}

function compileMatchExpression(expression: Record<string, unknown>): Condition {
  const [operator, operand] = onlyKey(expression);
  switch (operator) {
    case 'prefix':
    case 'suffix': {
      const { value, ignoreCase } = stringOrIgnoreCase(operator, operand);
      return { kind: operator, value, ignoreCase };
    }
    case 'equals-ignore-case':
      if (typeof operand !== 'string') fail('equals-ignore-case match pattern must be a string');
      return { kind: 'equals-ignore-case', value: operand };
    case 'wildcard':
      if (typeof operand !== 'string') fail('wildcard match pattern must be a string');
      return { kind: 'wildcard', regex: compileWildcard(operand) };
    case 'numeric':
      return compileNumeric(operand);
    case 'exists':
      if (typeof operand !== 'boolean') fail('exists match pattern must be either true or false.');
      return { kind: 'exists', value: operand };
    case 'cidr': {
      if (typeof operand !== 'string') fail('cidr match pattern must be a string');
      const range = parseCidr(operand);
      if (!range) fail(`Malformed CIDR: ${operand}`);
      return { kind: 'cidr', range };
    }
    case 'anything-but':
      return { kind: 'anything-but', excluded: compileAnythingBut(operand) };
    default:
      return fail(`Unrecognized match type ${operator}`);
  }
}

function stringOrIgnoreCase(operator: string, operand: unknown): { value: string; ignoreCase: boolean } {
  if (typeof operand === 'string') return { value: operand, ignoreCase: false };
  if (isPlainObject(operand)) {
    const [inner, value] = onlyKey(operand);
    if (inner !== 'equals-ignore-case') fail(`Unsupported ${operator} pattern: ${inner}`);
    if (typeof value !== 'string') fail('equals-ignore-case match pattern must be a string');
    return { value, ignoreCase: true };
  }
  return fail(`${operator} match pattern must be a string`);
}

/**
 * `*` matches zero or more characters. `\*` is a literal asterisk and `\\` a literal backslash; any other
 * escape, and two consecutive unescaped wildcards, are rejected.
 */
function compileWildcard(pattern: string): RegExp {
  let source = '';
  let previousWasWildcard = false;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] as string;
    if (char === '\\') {
      const next = pattern[i + 1];
      if (next !== '*' && next !== '\\') fail(`Invalid escape character at pos ${i}`);
      source += escapeRegex(next);
      i++;
      previousWasWildcard = false;
    } else if (char === '*') {
      if (previousWasWildcard) fail(`Consecutive wildcard characters at pos ${i}`);
      source += '.*';
      previousWasWildcard = true;
    } else {
      source += escapeRegex(char);
      previousWasWildcard = false;
    }
  }
  return new RegExp(`^${source}$`, 'su');
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function numericOperand(operator: string, value: unknown): number {
  if (typeof value !== 'number') fail(`Value of ${operator} must be numeric`);
  if (value < -NUMERIC_LIMIT || value > NUMERIC_LIMIT) {
    fail('Value must be between -5.0E9 and +5.0E9, inclusive');
  }
  return value;
}

function compileNumeric(operand: unknown): Condition {
  if (!Array.isArray(operand)) fail('Value of numeric must be an array.');
  const [operator, first, second, top, ...rest] = operand;
  if (typeof operator !== 'string') fail(`Invalid member in numeric match: ${JSON.stringify(operator)}`);
  const value = numericOperand(operator, first);
  switch (operator) {
    case '=':
      if (operand.length > 2) fail('Too many elements in numeric expression');
      return { kind: 'numeric', lower: { value, open: false }, upper: { value, open: false } };
    case '<':
    case '<=':
      if (operand.length > 2) fail('Too many elements in numeric expression');
      return { kind: 'numeric', upper: { value, open: operator === '<' } };
    case '>':
    case '>=': {
      const lower = { value, open: operator === '>' };
      if (operand.length === 2) return { kind: 'numeric', lower };
      if (typeof second !== 'string') fail(`Bad value in numeric range: ${JSON.stringify(second)}`);
      if (second !== '<' && second !== '<=') fail(`Bad numeric range operator: ${second}`);
      const upperValue = numericOperand(second, top);
      if (rest.length > 0) fail('Too many terms in numeric range expression');
      if (toComparable(value) >= toComparable(upperValue)) fail('Bottom must be less than top');
      return { kind: 'numeric', lower, upper: { value: upperValue, open: second === '<' } };
    }
    default:
      return fail(`Unrecognized numeric range operator: ${operator}`);
  }
}

/** Returns the predicate for values anything-but excludes; anything-but matches every other value. */
function compileAnythingBut(operand: unknown): (value: Scalar) => boolean {
  if (isPlainObject(operand)) {
    const [inner, value] = onlyKey(operand);
    switch (inner) {
      case 'prefix':
      case 'suffix': {
        if (typeof value !== 'string') fail('prefix/suffix match pattern must be a string');
        if (value === '') fail('Null prefix/suffix not allowed');
        return inner === 'prefix'
          ? (v) => typeof v === 'string' && v.startsWith(value)
          : (v) => typeof v === 'string' && v.endsWith(value);
      }
      case 'equals-ignore-case': {
        const values = stringList(value, 'anything-but/equals-ignore-case').map((s) => s.toLowerCase());
        return (v) => typeof v === 'string' && values.includes(v.toLowerCase());
      }
      case 'wildcard': {
        const regexes = stringList(value, 'anything-but/wildcard').map(compileWildcard);
        return (v) => typeof v === 'string' && regexes.some((regex) => regex.test(v));
      }
      default:
        return fail(`Unsupported anything-but pattern: ${inner}`);
    }
  }
  const list = Array.isArray(operand) ? operand : [operand];
  if (!Array.isArray(operand) && typeof operand !== 'string' && typeof operand !== 'number') {
    fail('Value of anything-but must be an array or single string/number value.');
  }
  if (list.some((v) => typeof v !== 'string' && typeof v !== 'number')) {
    fail('Inside anything but list, start|null|boolean is not supported.');
  }
  const numbers = list.filter((v): v is number => typeof v === 'number');
  const strings = list.filter((v): v is string => typeof v === 'string');
  if (numbers.length > 0 === strings.length > 0) {
    fail('Inside anything but list, either all values are number or string, mixed type is not supported');
  }
  if (numbers.length > 0) {
    const comparables = numbers.map((n) => toComparable(numericOperand('anything-but', n)));
    return (v) => typeof v === 'number' && comparables.includes(toComparable(v));
  }
  return (v) => typeof v === 'string' && strings.includes(v);
}

function stringList(value: unknown, context: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) fail('Empty arrays are not allowed');
  if (list.some((v) => typeof v !== 'string')) {
    fail(`Inside ${context} list, number|start|null|boolean is not supported.`);
  }
  return list as string[];
}

// ---------------------------------------------------------------------------------------------------
// Matching

function matchObject(node: ObjectNode, event: unknown): boolean {
  const source = isPlainObject(event) ? event : undefined;
  for (const { name, node: child } of node.fields) {
    const value = source && Object.hasOwn(source, name) ? source[name] : undefined;
    const ok = Array.isArray(child) ? matchConditions(child, value) : matchNested(child, value);
    if (!ok) return false;
  }
  return node.ors.every((alternatives) =>
    alternatives.some((alternative) => matchObject(alternative, event)),
  );
}

/**
 * A nested pattern applied to an array of objects matches when one element matches all of it
 * (event-ruler's "array-consistent" matching).
 */
function matchNested(node: ObjectNode, value: unknown): boolean {
  if (Array.isArray(value)) {
    const objects = value.flat(Number.POSITIVE_INFINITY).filter(isPlainObject);
    if (objects.length === 0) return matchObject(node, undefined);
    return objects.some((object) => matchObject(node, object));
  }
  return matchObject(node, value);
}

/** Leaf values of a field: a scalar, or the scalars of an array (objects are not leaves). */
function leafValues(value: unknown): Scalar[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) {
    return value.flat(Number.POSITIVE_INFINITY).filter((v): v is Scalar => !isPlainObject(v));
  }
  return isPlainObject(value) ? [] : [value as Scalar];
}

function matchConditions(conditions: Condition[], value: unknown): boolean {
  const leaves = leafValues(value);
  return conditions.some((condition) =>
    condition.kind === 'exists'
      ? condition.value === leaves.length > 0
      : leaves.some((leaf) => matchLeaf(condition, leaf)),
  );
}

function inNumericRange(n: number): boolean {
  return n >= -NUMERIC_LIMIT && n <= NUMERIC_LIMIT;
}

function matchLeaf(condition: Exclude<Condition, { kind: 'exists' }>, value: Scalar): boolean {
  switch (condition.kind) {
    case 'exact':
      return matchExact(condition, value);
    case 'prefix':
      return (
        typeof value === 'string' &&
        (condition.ignoreCase
          ? value.toLowerCase().startsWith(condition.value.toLowerCase())
          : value.startsWith(condition.value))
      );
    case 'suffix':
      return (
        typeof value === 'string' &&
        (condition.ignoreCase
          ? value.toLowerCase().endsWith(condition.value.toLowerCase())
          : value.endsWith(condition.value))
      );
    case 'equals-ignore-case':
      return typeof value === 'string' && value.toLowerCase() === condition.value.toLowerCase();
    case 'wildcard':
      return typeof value === 'string' && condition.regex.test(value);
    case 'numeric':
      return typeof value === 'number' && inNumericRange(value) && matchRange(condition, toComparable(value));
    case 'cidr': {
      if (typeof value !== 'string') return false;
      const ip = parseIp(value);
      return ip !== undefined && compareIp(condition.range, ip);
    }
    case 'anything-but':
      return !condition.excluded(value);
  }
}

function matchExact(condition: Extract<Condition, { kind: 'exact' }>, value: Scalar): boolean {
  if (value === condition.value) return true;
  if (typeof condition.value === 'number' && typeof value === 'number') {
    return (
      inNumericRange(condition.value) &&
      inNumericRange(value) &&
      toComparable(condition.value) === toComparable(value)
    );
  }
  if (condition.ip !== undefined && typeof value === 'string') {
    const ip = parseIp(value);
    return ip !== undefined && ip.version === condition.ipVersion && ip.value === condition.ip;
  }
  return false;
}

function matchRange(condition: Extract<Condition, { kind: 'numeric' }>, n: number): boolean {
  const { lower, upper } = condition;
  if (lower) {
    const bound = toComparable(lower.value);
    if (lower.open ? n <= bound : n < bound) return false;
  }
  if (upper) {
    const bound = toComparable(upper.value);
    if (upper.open ? n >= bound : n > bound) return false;
  }
  return true;
}
