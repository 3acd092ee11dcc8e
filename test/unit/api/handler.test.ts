import { pathParameter, route } from '../../../functions/api/handler';
import { ValidationError } from '../../../shared/errors';
import type { ApiRequest } from '../../../shared/middleware';

/** A business API that records what reached it (the connectors behind it are never called here). */
const recordingApi = () => {
  const calls: { capability: string; key: string }[] = [];
  const record =
    (capability: string) =>
    async (_ctx: unknown, key: string): Promise<{ statusCode: number; body: unknown }> => {
      calls.push({ capability, key });
      return { statusCode: 200, body: {} };
    };
  const api = {
    orderStatus: record('orderStatus'),
    equipment: record('equipment'),
    releaseOrder: record('releaseOrder'),
    approveAdjustment: record('approveAdjustment'),
    createWorkOrder: record('createWorkOrder'),
  };
  return { api: api as unknown as Parameters<typeof route>[1], calls };
};

const get = (path: string, method = 'GET'): ApiRequest => ({
  method,
  path,
  pathParameters: {},
  query: { plant: '1010' },
  headers: { 'content-type': 'application/json' },
  rawBody: '{"decision":"approve","plant":"1010"}',
  json: (schema) => schema.parse(JSON.parse('{"decision":"approve","approver":"u1","plant":"1010"}')),
});

const refusal = async (request: ApiRequest): Promise<string> => {
  const { api, calls } = recordingApi();
  try {
    await route(request, api);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    expect(calls).toEqual([]);
    return (error as Error).message;
  }
  throw new Error('expected a ValidationError');
};

describe('business API path parameters', () => {
  it('passes a valid order number, decoded, to the capability', async () => {
    const { api, calls } = recordingApi();

    await route(get('/v1/orders/1000123/status'), api);

    expect(calls).toEqual([{ capability: 'orderStatus', key: '1000123' }]);
  });

  it('refuses path traversal in the order number before any lookup', async () => {
    expect(await refusal(get('/v1/orders/..%2F..%2Fadmin/status'))).toBe(
      'path parameter order number "../../admin" is invalid: an SAP order number of up to 12 digits',
    );
  });

  it('refuses a non-numeric order number on release before reading the body', async () => {
    expect(await refusal(get('/v1/orders/ABC/release', 'POST'))).toContain(
      'path parameter order number "ABC"',
    );
  });

  it('refuses SQL in the equipment id before any lookup', async () => {
    expect(await refusal(get("/v1/equipment/1' OR '1'='1"))).toBe(
      `path parameter equipment id "1' OR '1'='1" is invalid: letters, digits and - _ . : only`,
    );
  });

  it('refuses an equipment id longer than the canonical 40 characters', async () => {
    expect(await refusal(get(`/v1/equipment/${'9'.repeat(41)}`))).toContain('path parameter equipment id');
  });

  it('refuses an adjustment id with a slash', async () => {
    expect(await refusal(get('/v1/inventory-adjustments/ADJ%2F..%2Fx/approval', 'POST'))).toContain(
      'path parameter adjustment id',
    );
  });

  it('answers 400, not 500, for broken percent-encoding', () => {
    expect(() => pathParameter('equipment id', '%E0%A4%A')).toThrow(
      'path parameter equipment id is not valid percent-encoding',
    );
  });

  it.each([
    ['equipment id', '10000042'],
    ['equipment id', 'EQ-1010.PUMP_07'],
    ['adjustment id', 'ADJ-1010-000045'],
  ] as const)('accepts the %s %s', (name, value) => {
    expect(pathParameter(name, encodeURIComponent(value))).toBe(value);
  });
});
