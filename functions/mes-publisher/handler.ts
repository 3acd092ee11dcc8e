import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { loadConfig } from '../../shared/config';
import { ConfigError } from '../../shared/errors';
import { type SqsBatchOptions, sqsBatchHandler } from '../../shared/middleware';
import { logger } from '../../shared/observability';
import { MesClient } from '../mes/client';
import { parseMesPlants } from '../mes/config';
import { createOrderPublisher, type MesPublisherDeps } from './publisher';

const Config = z.object({
  PLANTS_JSON: z.string().min(2),
  MES_TIMEOUT_MS: z.coerce.number().int().positive().default(5000),
  MES_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
});

/** The handler with its ports given (tests, the local runtime). */
export const buildHandler = (deps: MesPublisherDeps, options: SqsBatchOptions = {}) => {
  const publish = createOrderPublisher(deps);
  return sqsBatchHandler(async ({ body }) => {
    const result = await publish(body);
    logger.info('order sent to MES', { ...result });
  }, options);
};

const secrets = new SecretsManagerClient({});
const SECRET_TTL_MS = 5 * 60_000;
const cache = new Map<string, { headers: Record<string, string>; at: number }>();

/**
 * Credentials from the plant's MES secret (bound as MES_SECRET_<PLANT>, the secret's name). The
 * secret is JSON: `{ "apiKey": ... }` → x-api-key, `{ "token": ... }` → Bearer, or
 * `{ "username", "password" }` → Basic. Cached for five minutes; never logged.
 */
export const authHeadersFor =
  (plant: string, configured?: string) => async (): Promise<Record<string, string>> => {
    const name = process.env[`MES_SECRET_${plant}`] ?? configured;
    if (!name) throw new ConfigError(`MES_SECRET_${plant} is not set and plant ${plant} names no MES secret`);
    const cached = cache.get(name);
    if (cached && Date.now() - cached.at < SECRET_TTL_MS) return cached.headers;
    const out = await secrets.send(new GetSecretValueCommand({ SecretId: name }));
    const value = JSON.parse(out.SecretString ?? '{}') as {
      apiKey?: string;
      token?: string;
      username?: string;
      password?: string;
    };
    const headers: Record<string, string> = value.apiKey
      ? { 'x-api-key': value.apiKey }
      : value.token
        ? { authorization: `Bearer ${value.token}` }
        : value.username && value.password
          ? {
              authorization: `Basic ${Buffer.from(`${value.username}:${value.password}`).toString('base64')}`,
            }
          : {};
    cache.set(name, { headers, at: Date.now() });
    return headers;
  };

const fromEnvironment = () => {
  const config = loadConfig(Config);
  const plants = parseMesPlants(config.PLANTS_JSON);
  // Lambda timeout is 25 s: 3 attempts of at most 5 s plus backoff stay well inside it.
  return buildHandler({
    plants,
    clientFor: (plant, settings) =>
      new MesClient({
        plant,
        settings,
        timeoutMs: config.MES_TIMEOUT_MS,
        maxAttempts: config.MES_MAX_ATTEMPTS,
        authHeaders: authHeadersFor(plant, settings.secretName),
      }),
  });
};

// Built on first use so importing the module needs no environment.
let built: ReturnType<typeof buildHandler> | undefined;
export const handler: ReturnType<typeof buildHandler> = ((event, context) => {
  built ??= fromEnvironment();
  return built(event, context);
}) as ReturnType<typeof buildHandler>;
