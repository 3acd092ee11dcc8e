import { ValidationError } from '../../../shared/errors';
import { findKeyProblem, parseStrictJson } from '../../../shared/strict-json';

describe('parseStrictJson', () => {
  it('parses ordinary JSON like JSON.parse', () => {
    const text = '{"a":[1,{"b":"x\\"y","c":null}],"d":{"e":true},"f":"{[,:]}"}';

    expect(parseStrictJson(text)).toEqual(JSON.parse(text));
  });

  it('allows the same key in different objects and array elements', () => {
    expect(findKeyProblem('{"a":{"k":1},"b":{"k":2},"c":[{"k":1},{"k":2}]}')).toBeUndefined();
  });

  it('finds a duplicate key with its path, also inside arrays', () => {
    expect(findKeyProblem('{"events":[{"id":1},{"id":2,"good":1,"good":2}]}')).toEqual({
      kind: 'duplicate',
      key: 'good',
      path: '$.events[1].good',
    });
  });

  it('sees a key spelled with escapes as the key it decodes to', () => {
    expect(findKeyProblem('{"\\u005f_proto__":{}}')).toEqual({
      kind: 'forbidden',
      key: '__proto__',
      path: '$.__proto__',
    });
    expect(findKeyProblem('{"a":1,"\\u0061":2}')).toMatchObject({ kind: 'duplicate', key: 'a' });
  });

  it('does not mistake string values that look like keys for keys', () => {
    expect(findKeyProblem('{"a":"__proto__","b":["constructor","a"],"c":"x\\\\","d":1}')).toBeUndefined();
  });

  it('names a key that is not an identifier in brackets', () => {
    expect(findKeyProblem('{"a b":1,"a b":2}')).toMatchObject({ path: '$["a b"]' });
  });

  it('allows duplicates when told to, but never prototype keys', () => {
    expect(findKeyProblem('{"a":1,"a":2}', false)).toBeUndefined();
    expect(findKeyProblem('{"a":1,"constructor":2}', false)).toMatchObject({ kind: 'forbidden' });
  });

  it('throws a ValidationError for malformed JSON, naming what it parsed', () => {
    expect(() => parseStrictJson('{"a":', { what: 'event' })).toThrow(ValidationError);
    expect(() => parseStrictJson('{"a":', { what: 'event' })).toThrow(/^event is not valid JSON/);
  });
});
