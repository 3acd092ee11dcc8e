import { readFileSync } from 'node:fs';
import {
  compilePattern,
  InvalidEventPatternError,
  matchesPattern,
  validatePattern,
} from '../../../../local/eventbridge/pattern';

interface Example {
  page: string;
  name: string;
  pattern: unknown;
  matches: unknown[];
  nonMatches: unknown[];
}
interface InvalidExample {
  name: string;
  pattern: unknown;
  reason: string;
}

const fixture = JSON.parse(
  readFileSync(new URL('../../../fixtures/eventbridge/user-guide-examples.json', import.meta.url), 'utf8'),
) as { examples: Example[]; invalid: InvalidExample[] };

describe('EventBridge user guide examples', () => {
  describe.each(fixture.examples)('$page: $name', ({ pattern, matches, nonMatches }) => {
    it.each(matches.map((event) => [JSON.stringify(event), event]))('matches %s', (_label, event) => {
      expect(matchesPattern(pattern, event)).toBe(true);
    });
    it.each(nonMatches.map((event) => [JSON.stringify(event), event]))(
      'does not match %s',
      (_label, event) => {
        expect(matchesPattern(pattern, event)).toBe(false);
      },
    );
  });
});

describe('invalid patterns', () => {
  it.each(fixture.invalid.map((c) => [c.name, c.pattern, c.reason] as const))(
    'rejects %s',
    (_name, pattern, reason) => {
      let caught: unknown;
      try {
        validatePattern(pattern);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(InvalidEventPatternError);
      expect((caught as Error).name).toBe('InvalidEventPatternException');
      expect((caught as Error).message).toContain(reason);
    },
  );

  it('prefixes every reason the way the EventBridge API does', () => {
    expect(() => validatePattern({ source: 'aws.ec2' })).toThrow(
      'Event pattern is not valid. Reason: "source" must be an object or an array',
    );
  });

  it('accepts a pattern given as a JSON string', () => {
    expect(() => validatePattern('{"source":["aws.ec2"]}')).not.toThrow();
  });

  it('treats "$or" inside a nested object like the top level', () => {
    expect(() => validatePattern({ detail: { $or: [{ a: ['1'] }] } })).toThrow('at least 2 Objects');
  });
});

describe('exact values', () => {
  it('matches numbers numerically, whatever their JSON spelling', () => {
    expect(matchesPattern({ n: [300] }, '{"n": 3.0e2}')).toBe(true);
  });

  it('does not match a number against its string form', () => {
    expect(matchesPattern({ n: ['5'] }, { n: 5 })).toBe(false);
    expect(matchesPattern({ n: [5] }, { n: '5' })).toBe(false);
  });

  it('matches booleans only against booleans', () => {
    expect(matchesPattern({ b: [true] }, { b: true })).toBe(true);
    expect(matchesPattern({ b: [true] }, { b: 'true' })).toBe(false);
    expect(matchesPattern({ b: [false] }, { b: true })).toBe(false);
  });

  it('matches account-sized numbers beyond the numeric range exactly', () => {
    expect(matchesPattern({ account: [123456789012] }, { account: 123456789012 })).toBe(true);
    expect(matchesPattern({ account: [123456789012] }, { account: 123456789013 })).toBe(false);
  });

  it('matches IP address values in any spelling of the same address', () => {
    expect(matchesPattern({ ip: ['2001:db8::1'] }, { ip: '2001:0db8:0:0:0:0:0:1' })).toBe(true);
  });

  it('requires the field to be at the same nesting level', () => {
    expect(matchesPattern({ detail: { state: ['x'] } }, { state: 'x' })).toBe(false);
  });

  it('does not match a leaf pattern against an object value', () => {
    expect(matchesPattern({ detail: ['x'] }, { detail: { x: 'x' } })).toBe(false);
  });

  it('does not match a nested pattern against a scalar value', () => {
    expect(matchesPattern({ detail: { state: ['x'] } }, { detail: 'x' })).toBe(false);
  });

  it('ignores event fields the pattern does not name', () => {
    expect(matchesPattern({ a: ['1'] }, { a: '1', b: '2', c: { d: 3 } })).toBe(true);
  });
});

describe('arrays in events', () => {
  it('matches a scalar pattern against any element of an event array', () => {
    expect(matchesPattern({ tags: ['b'] }, { tags: ['a', 'b'] })).toBe(true);
  });

  it('applies operators to each element of an event array', () => {
    expect(matchesPattern({ n: [{ numeric: ['>', 10] }] }, { n: [1, 2, 11] })).toBe(true);
    expect(matchesPattern({ n: [{ numeric: ['>', 10] }] }, { n: [1, 2, 3] })).toBe(false);
  });

  it('matches nested arrays of scalars', () => {
    expect(matchesPattern({ n: ['x'] }, { n: [['y'], ['x']] })).toBe(true);
  });

  it('requires fields of an array of objects to match within one element', () => {
    const event = {
      employees: [
        { firstName: 'John', lastName: 'Doe' },
        { firstName: 'Anna', lastName: 'Smith' },
      ],
    };
    expect(matchesPattern({ employees: { firstName: ['Anna'], lastName: ['Smith'] } }, event)).toBe(true);
    expect(matchesPattern({ employees: { firstName: ['John'], lastName: ['Smith'] } }, event)).toBe(false);
  });

  it('treats an empty event array as having no leaf values', () => {
    expect(matchesPattern({ tags: [{ exists: false }] }, { tags: [] })).toBe(true);
    expect(matchesPattern({ tags: [{ exists: true }] }, { tags: [] })).toBe(false);
  });

  it('matches anything-but when any element is not excluded', () => {
    expect(matchesPattern({ s: [{ 'anything-but': 'a' }] }, { s: ['a', 'b'] })).toBe(true);
    expect(matchesPattern({ s: [{ 'anything-but': 'a' }] }, { s: ['a'] })).toBe(false);
  });
});

describe('string operators', () => {
  it('does not apply prefix, suffix, equals-ignore-case or wildcard to non-strings', () => {
    expect(matchesPattern({ v: [{ prefix: '1' }] }, { v: 12 })).toBe(false);
    expect(matchesPattern({ v: [{ suffix: 'e' }] }, { v: true })).toBe(false);
    expect(matchesPattern({ v: [{ 'equals-ignore-case': 'null' }] }, { v: null })).toBe(false);
    expect(matchesPattern({ v: [{ wildcard: '*' }] }, { v: 1 })).toBe(false);
  });

  it('matches an empty prefix against any string', () => {
    expect(matchesPattern({ v: [{ prefix: '' }] }, { v: 'anything' })).toBe(true);
  });
});

describe('wildcard', () => {
  it('matches zero characters', () => {
    expect(matchesPattern({ f: [{ wildcard: 'a*b' }] }, { f: 'ab' })).toBe(true);
  });

  it('anchors the whole value', () => {
    expect(matchesPattern({ f: [{ wildcard: 'a*b' }] }, { f: 'xab' })).toBe(false);
    expect(matchesPattern({ f: [{ wildcard: 'a*b' }] }, { f: 'abx' })).toBe(false);
  });

  it('treats an escaped asterisk as a literal asterisk', () => {
    expect(matchesPattern({ f: [{ wildcard: 'a\\*b' }] }, { f: 'a*b' })).toBe(true);
    expect(matchesPattern({ f: [{ wildcard: 'a\\*b' }] }, { f: 'axb' })).toBe(false);
  });

  it('treats an escaped backslash as a literal backslash', () => {
    expect(matchesPattern({ f: [{ wildcard: 'a\\\\*' }] }, { f: 'a\\anything' })).toBe(true);
    expect(matchesPattern({ f: [{ wildcard: 'a\\\\*' }] }, { f: 'a/anything' })).toBe(false);
  });

  it('allows a wildcard after an escaped asterisk', () => {
    expect(() => validatePattern({ f: [{ wildcard: '\\**' }] })).not.toThrow();
    expect(matchesPattern({ f: [{ wildcard: '\\**' }] }, { f: '*tail' })).toBe(true);
  });

  it('treats regular-expression characters literally', () => {
    expect(matchesPattern({ f: [{ wildcard: 'a.(b)+*' }] }, { f: 'a.(b)+c' })).toBe(true);
    expect(matchesPattern({ f: [{ wildcard: 'a.(b)+*' }] }, { f: 'ax(b)+c' })).toBe(false);
  });

  it('matches across newlines', () => {
    expect(matchesPattern({ f: [{ wildcard: 'a*b' }] }, { f: 'a\nb' })).toBe(true);
  });

  it('is case-sensitive', () => {
    expect(matchesPattern({ f: [{ wildcard: '*.png' }] }, { f: 'x.PNG' })).toBe(false);
  });
});

describe('numeric', () => {
  it('includes an inclusive lower bound and excludes an open upper bound', () => {
    const pattern = { n: [{ numeric: ['>=', 1, '<', 2] }] };
    expect(matchesPattern(pattern, { n: 1 })).toBe(true);
    expect(matchesPattern(pattern, { n: 2 })).toBe(false);
  });

  it('supports <= alone', () => {
    expect(matchesPattern({ n: [{ numeric: ['<=', -1] }] }, { n: -1 })).toBe(true);
    expect(matchesPattern({ n: [{ numeric: ['<=', -1] }] }, { n: -0.5 })).toBe(false);
  });

  it('compares with six decimal digits of precision', () => {
    expect(matchesPattern({ n: [{ numeric: ['=', 1.0000001] }] }, { n: 1.0000002 })).toBe(true);
  });

  it('does not match event numbers outside the documented range', () => {
    expect(matchesPattern({ n: [{ numeric: ['>', 0] }] }, { n: 6e9 })).toBe(false);
  });

  it('accepts the range limits themselves', () => {
    expect(matchesPattern({ n: [{ numeric: ['>=', -5e9, '<=', 5e9] }] }, { n: 5e9 })).toBe(true);
  });
});

describe('exists', () => {
  it('does not match exists true against an intermediate object', () => {
    expect(matchesPattern({ detail: [{ exists: true }] }, { detail: { a: 1 } })).toBe(false);
  });

  it('matches exists false when an intermediate object is missing', () => {
    expect(matchesPattern({ detail: { a: [{ exists: false }] } }, { source: 'x' })).toBe(true);
  });

  it('combines exists false with other fields', () => {
    const pattern = { source: ['s'], detail: { a: [{ exists: false }] } };
    expect(matchesPattern(pattern, { source: 's', detail: { b: 1 } })).toBe(true);
    expect(matchesPattern(pattern, { source: 's', detail: { a: 1 } })).toBe(false);
  });

  it('excludes replayed events with exists false on replay-name', () => {
    const pattern = { source: ['s'], 'replay-name': [{ exists: false }] };
    expect(matchesPattern(pattern, { source: 's' })).toBe(true);
    expect(matchesPattern(pattern, { source: 's', 'replay-name': 'r1' })).toBe(false);
  });
});

describe('cidr', () => {
  it('matches a /32 only for that address', () => {
    expect(matchesPattern({ ip: [{ cidr: '192.168.1.7/32' }] }, { ip: '192.168.1.7' })).toBe(true);
    expect(matchesPattern({ ip: [{ cidr: '192.168.1.7/32' }] }, { ip: '192.168.1.8' })).toBe(false);
  });

  it('matches everything of one family with /0', () => {
    expect(matchesPattern({ ip: [{ cidr: '0.0.0.0/0' }] }, { ip: '8.8.8.8' })).toBe(true);
    expect(matchesPattern({ ip: [{ cidr: '0.0.0.0/0' }] }, { ip: '::1' })).toBe(false);
  });

  it('ignores host bits in the block address', () => {
    expect(matchesPattern({ ip: [{ cidr: '10.0.0.77/24' }] }, { ip: '10.0.0.1' })).toBe(true);
  });
});

describe('anything-but', () => {
  it('does not match an absent field', () => {
    expect(matchesPattern({ s: [{ 'anything-but': 'a' }] }, {})).toBe(false);
  });

  it('matches values of other types than the excluded ones', () => {
    expect(matchesPattern({ s: [{ 'anything-but': 'a' }] }, { s: 1 })).toBe(true);
    expect(matchesPattern({ s: [{ 'anything-but': [1] }] }, { s: 'a' })).toBe(true);
  });
});

describe('compiled patterns', () => {
  it('can be reused for many events', () => {
    const compiled = compilePattern('{"source":["a"]}');
    expect([{ source: 'a' }, { source: 'b' }].map((e) => compiled.matches(e))).toEqual([true, false]);
  });

  it('accepts events given as JSON strings', () => {
    expect(matchesPattern({ source: ['a'] }, '{"source":"a"}')).toBe(true);
  });
});
