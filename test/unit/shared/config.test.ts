import { z } from 'zod';
import { loadConfig } from '../../../shared/config';
import { ConfigError } from '../../../shared/errors';

const schema = z.object({
  EVENT_BUS_NAME: z.string().min(1),
  MAX_RECEIVE_COUNT: z.coerce.number().int().positive(),
  LOG_PAYLOADS: z.enum(['true', 'false']).default('false'),
});

describe('loadConfig', () => {
  it('returns typed values', () => {
    expect(loadConfig(schema, { EVENT_BUS_NAME: 'bus', MAX_RECEIVE_COUNT: '5' })).toEqual({
      EVENT_BUS_NAME: 'bus',
      MAX_RECEIVE_COUNT: 5,
      LOG_PAYLOADS: 'false',
    });
  });

  it('names every missing and invalid variable at once', () => {
    const attempt = () => loadConfig(schema, { MAX_RECEIVE_COUNT: 'many', EVENT_BUS_NAME: '' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/EVENT_BUS_NAME is not set; MAX_RECEIVE_COUNT is invalid/);
  });
});
