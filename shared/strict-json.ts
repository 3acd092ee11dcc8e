/**
 * JSON parsing for bodies from outside: `JSON.parse` plus the two things it lets through silently.
 * - A key given twice in one object: JSON.parse keeps the last value, so a sender (or a proxy that
 *   reads the first) and plantsync would disagree on what the message says.
 * - `__proto__`, `constructor` and `prototype` keys: harmless to JSON.parse itself, but any later
 *   merge or assignment by key can reach Object.prototype; a business message never needs them.
 * Both are refused with a ValidationError (400) naming the key and its path. The check is a scanner
 * over the text (no dependency); it runs after JSON.parse has accepted the syntax.
 */
import { ValidationError } from './errors';

export const FORBIDDEN_JSON_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export interface StrictJsonOptions {
  /** Names the body in messages ("body", "event"). */
  readonly what?: string;
  /** Refuse a key given twice in one object (default true). */
  readonly refuseDuplicateKeys?: boolean;
}

/** JSON.parse that refuses duplicate and prototype keys; syntax errors become a ValidationError too. */
export const parseStrictJson = (text: string, options: StrictJsonOptions = {}): unknown => {
  const what = options.what ?? 'body';
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ValidationError(`${what} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  const problem = findKeyProblem(text, options.refuseDuplicateKeys ?? true);
  if (problem) {
    throw new ValidationError(
      problem.kind === 'duplicate'
        ? `${what}: duplicate key "${problem.key}" at ${problem.path}`
        : `${what}: key "${problem.key}" at ${problem.path} is not allowed (prototype key)`,
    );
  }
  return value;
};

export interface KeyProblem {
  readonly kind: 'duplicate' | 'forbidden';
  readonly key: string;
  /** JSONPath-like location of the key, e.g. `$.events[2].good`. */
  readonly path: string;
}

type Frame =
  | {
      readonly kind: 'object';
      readonly path: string;
      readonly keys: Set<string>;
      key?: string;
      expectKey: boolean;
    }
  | { readonly kind: 'array'; readonly path: string; index: number };

const STRUCTURAL = /["{}[\],:]/g;

const member = (path: string, key: string): string =>
  /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;

/**
 * The first duplicate or forbidden key of a syntactically valid JSON text, or undefined. Jumps from
 * one structural character to the next, so its cost is close to one pass of a regular expression.
 */
export const findKeyProblem = (text: string, refuseDuplicates = true): KeyProblem | undefined => {
  const stack: Frame[] = [];
  const valuePath = (): string => {
    const top = stack.at(-1);
    if (!top) return '$';
    return top.kind === 'array' ? `${top.path}[${top.index}]` : member(top.path, top.key ?? '');
  };
  STRUCTURAL.lastIndex = 0;
  for (let match = STRUCTURAL.exec(text); match; match = STRUCTURAL.exec(text)) {
    const at = match.index;
    const top = stack.at(-1);
    switch (text[at]) {
      case '"': {
        let end = text.indexOf('"', at + 1);
        let escaped = false;
        while (end !== -1) {
          let backslashes = 0;
          for (let i = end - 1; text[i] === '\\'; i--) backslashes++;
          if (backslashes % 2 === 0) break;
          escaped = true;
          end = text.indexOf('"', end + 1);
        }
        if (end === -1) return undefined; // not valid JSON; JSON.parse reports it
        if (top?.kind === 'object' && top.expectKey) {
          const token = text.slice(at, end + 1);
          const key = escaped || token.includes('\\') ? (JSON.parse(token) as string) : token.slice(1, -1);
          const path = member(top.path, key);
          if (FORBIDDEN_JSON_KEYS.has(key)) return { kind: 'forbidden', key, path };
          if (refuseDuplicates && top.keys.has(key)) return { kind: 'duplicate', key, path };
          top.keys.add(key);
          top.key = key;
          top.expectKey = false;
        }
        STRUCTURAL.lastIndex = end + 1;
        break;
      }
      case '{':
        stack.push({ kind: 'object', path: valuePath(), keys: new Set(), expectKey: true });
        break;
      case '[':
        stack.push({ kind: 'array', path: valuePath(), index: 0 });
        break;
      case '}':
      case ']':
        stack.pop();
        break;
      case ',':
        if (top?.kind === 'object') top.expectKey = true;
        else if (top?.kind === 'array') top.index += 1;
        break;
      default: // ':'
        break;
    }
  }
  return undefined;
};
