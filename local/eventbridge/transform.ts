/**
 * Target input shaping: Input (constant), InputPath and InputTransformer, following the user guide's
 * "Transforming target input" rules.
 */

export class TransformValidationError extends Error {
  override readonly name = 'ValidationException';
}

export interface InputTransformer {
  InputPathsMap?: Record<string, string>;
  InputTemplate: string;
}

export interface TargetInput {
  Input?: string;
  InputPath?: string;
  InputTransformer?: InputTransformer;
}

export interface TransformContext {
  ruleName: string;
  ruleArn: string;
}

const MAX_PATHS = 100;
const MAX_TEMPLATE_LENGTH = 8192;
const MISSING = Symbol('missing');

type Segment = string | number;

/** Parses the JSONPath subset EventBridge accepts: `$`, `$.a.b`, `$.a[0]`, `$['a-b']`, `$.a.*`-free. */
export function parseJsonPath(path: string): Segment[] {
  if (!path.startsWith('$')) throw new TransformValidationError(`Invalid JSONPath: ${path}`);
  const segments: Segment[] = [];
  const re = /\.([^.[\]]+)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\]/gy;
  re.lastIndex = 1;
  while (re.lastIndex < path.length) {
    const start = re.lastIndex;
    const m = re.exec(path);
    if (!m || m.index !== start) throw new TransformValidationError(`Invalid JSONPath: ${path}`);
    if (m[1] === '*' || m[1] === '..') throw new TransformValidationError(`Unsupported JSONPath: ${path}`);
    if (m[1] !== undefined) segments.push(m[1]);
    else if (m[2] !== undefined) segments.push(Number(m[2]));
    else segments.push((m[3] ?? m[4]) as string);
  }
  return segments;
}

function select(value: unknown, segments: Segment[]): unknown {
  let current: unknown = value;
  for (const segment of segments) {
    if (typeof segment === 'number') {
      if (!Array.isArray(current) || segment >= current.length) return MISSING;
      current = current[segment];
    } else {
      if (typeof current !== 'object' || current === null || Array.isArray(current)) return MISSING;
      if (!Object.hasOwn(current, segment)) return MISSING;
      current = (current as Record<string, unknown>)[segment];
    }
  }
  return current;
}

/** Rejects target input settings AWS rejects in PutTargets. */
export function validateTargetInput(target: TargetInput): void {
  const given = [target.Input, target.InputPath, target.InputTransformer].filter((x) => x !== undefined);
  if (given.length > 1) {
    throw new TransformValidationError('Only one of Input, InputPath, or InputTransformer can be specified.');
  }
  if (target.Input !== undefined) {
    try {
      JSON.parse(target.Input);
    } catch {
      throw new TransformValidationError('Input is not valid JSON text.');
    }
  }
  if (target.InputPath !== undefined) parseJsonPath(target.InputPath);
  const transformer = target.InputTransformer;
  if (transformer) {
    const paths = Object.entries(transformer.InputPathsMap ?? {});
    if (paths.length > MAX_PATHS) {
      throw new TransformValidationError(`InputPathsMap can have at most ${MAX_PATHS} entries.`);
    }
    for (const [key, path] of paths) {
      if (/^aws\./i.test(key)) {
        throw new TransformValidationError(
          `InputPathsMap key ${key} is reserved (keys cannot start with aws.).`,
        );
      }
      parseJsonPath(path);
    }
    if (
      typeof transformer.InputTemplate !== 'string' ||
      transformer.InputTemplate.length > MAX_TEMPLATE_LENGTH
    ) {
      throw new TransformValidationError(
        `InputTemplate must be a string of at most ${MAX_TEMPLATE_LENGTH} characters.`,
      );
    }
  }
}

/** The payload string a target receives for an event. */
export function renderTargetInput(
  target: TargetInput,
  event: Record<string, unknown>,
  ctx: TransformContext,
): string {
  if (target.Input !== undefined) return target.Input;
  if (target.InputPath !== undefined) {
    const selected = select(event, parseJsonPath(target.InputPath));
    return selected === MISSING ? 'null' : JSON.stringify(selected);
  }
  if (target.InputTransformer) return renderTemplate(target.InputTransformer, event, ctx);
  return JSON.stringify(event);
}

function renderTemplate(
  transformer: InputTransformer,
  event: Record<string, unknown>,
  ctx: TransformContext,
): string {
  const values = new Map<string, unknown>();
  for (const [key, path] of Object.entries(transformer.InputPathsMap ?? {})) {
    values.set(key, select(event, parseJsonPath(path)));
  }
  const { detail: _detail, ...eventWithoutDetail } = event;
  values.set('aws.events.rule-arn', ctx.ruleArn);
  values.set('aws.events.rule-name', ctx.ruleName);
  values.set('aws.events.event.ingestion-time', event.time);
  values.set('aws.events.event', eventWithoutDetail);
  values.set('aws.events.event.json', event);

  const template = transformer.InputTemplate;
  const jsonTemplate = /^\s*[{[]/.test(template);
  let out = '';
  let inString = false;
  for (let i = 0; i < template.length; i++) {
    const char = template[i] as string;
    if (char === '<') {
      const end = template.indexOf('>', i + 1);
      const name = end > 0 ? template.slice(i + 1, end) : '';
      if (end > 0 && values.has(name)) {
        out += substitute(values.get(name), inString, jsonTemplate);
        i = end;
        continue;
      }
    }
    if (char === '\\' && inString) {
      out += char + (template[i + 1] ?? '');
      i++;
      continue;
    }
    if (char === '"') inString = !inString;
    out += char;
  }
  return out;
}

/**
 * Inside a JSON string a value is inserted as escaped text; outside strings a JSON template gets the
 * value as JSON (missing → null) and a plain-text template gets strings verbatim.
 */
function substitute(value: unknown, inString: boolean, jsonTemplate: boolean): string {
  if (inString) {
    if (value === MISSING) return '';
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    return JSON.stringify(text).slice(1, -1);
  }
  if (value === MISSING) return jsonTemplate ? 'null' : '';
  if (!jsonTemplate && typeof value === 'string') return value;
  return JSON.stringify(value);
}
