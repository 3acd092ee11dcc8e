import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfigError, NotFoundError } from '../../shared/errors';
import { MesClient, type MesClientOptions } from './client';
import { parseMesPlants } from './config';

const SECRET_TTL_MS = 5 * 60_000;

/**
 * Credentials from a plant's MES secret (bound as MES_SECRET_<PLANT>, the secret's name; falls back
 * to the plant's `mes.secretName`). The secret is JSON: `{ "apiKey" }` → x-api-key, `{ "token" }` →
 * Bearer, `{ "username", "password" }` → Basic. Cached for five minutes; never logged.
 */
export const secretAuthHeaders = (
  secrets: Pick<SecretsManagerClient, 'send'>,
  plant: string,
  configured: string | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
): (() => Promise<Record<string, string>>) => {
  let cached: { headers: Record<string, string>; at: number } | undefined;
  return async () => {
    const name = env[`MES_SECRET_${plant}`] ?? configured;
    if (!name) throw new ConfigError(`MES_SECRET_${plant} is not set and plant ${plant} names no MES secret`);
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
    cached = { headers, at: Date.now() };
    return headers;
  };
};

let secretsClient: SecretsManagerClient | undefined;

/**
 * `(plant) => MesClient` from PLANTS_JSON and the plants' MES secrets: what workflows use to call
 * `readProductionStatus`, e.g. `mesClients()('1010').readProductionStatus({ equipmentId })`.
 */
export const mesClients = (
  env: Readonly<Record<string, string | undefined>> = process.env,
  options: Omit<MesClientOptions, 'plant' | 'settings' | 'authHeaders'> = {},
): ((plant: string) => MesClient) => {
  const json = env.PLANTS_JSON;
  if (!json) throw new ConfigError('PLANTS_JSON is not set');
  const plants = parseMesPlants(json);
  const clients = new Map<string, MesClient>();
  return (plant) => {
    const settings = plants.get(plant);
    if (!settings) throw new NotFoundError(`plant ${plant} has no MES configured`);
    let client = clients.get(plant);
    if (!client) {
      secretsClient ??= new SecretsManagerClient({});
      client = new MesClient({
        ...options,
        plant,
        settings,
        authHeaders: secretAuthHeaders(secretsClient, plant, settings.secretName, env),
      });
      clients.set(plant, client);
    }
    return client;
  };
};
