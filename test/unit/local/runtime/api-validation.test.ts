import { matchPath } from '../../../../local/runtime/apigateway';
import { validateJsonSchema } from '../../../../local/runtime/json-schema';

describe('API Gateway path matching', () => {
  it('extracts path parameters', () => {
    expect(matchPath('/v1/orders/{orderId}', '/v1/orders/O-1')).toEqual({ orderId: 'O-1' });
  });

  it('matches a greedy proxy parameter across segments', () => {
    expect(matchPath('/files/{proxy+}', '/files/a/b/c')).toEqual({ proxy: 'a/b/c' });
  });

  it('does not match a path of another length', () => {
    expect(matchPath('/v1/orders', '/v1/orders/O-1')).toBeUndefined();
  });
});

describe('request model validation (JSON Schema draft 4 subset)', () => {
  const schema = {
    type: 'object',
    required: ['orderId'],
    properties: {
      orderId: { type: 'string', minLength: 1 },
      quantity: { type: 'string', pattern: '^[0-9]+$' },
    },
    additionalProperties: false,
  };

  it('accepts a body that fits the model', () => {
    expect(validateJsonSchema(schema, { orderId: 'A', quantity: '3' })).toEqual([]);
  });

  it('names a missing required property', () => {
    expect(validateJsonSchema(schema, {})).toEqual(['$: missing required property orderId']);
  });

  it('rejects an unexpected property and a pattern mismatch', () => {
    const errors = validateJsonSchema(schema, { orderId: 'A', quantity: 'x', extra: 1 });

    expect(errors).toHaveLength(2);
  });

  it('follows $ref into definitions', () => {
    const withRef = {
      definitions: { id: { type: 'string' } },
      type: 'object',
      properties: { a: { $ref: '#/definitions/id' } },
    };

    expect(validateJsonSchema(withRef, { a: 1 })).toEqual(['$.a: expected string']);
  });
});
