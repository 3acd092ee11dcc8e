import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { loadConfig } from '../../shared/config';
import { correlationHeaders, runWithCorrelation } from '../../shared/correlation';
import { ConfigError, TransientError, ValidationError } from '../../shared/errors';
import { type SqsBatchOptions, sqsBatchHandler } from '../../shared/middleware';
import { logger } from '../../shared/observability';
import { EventPublisher } from '../../shared/publisher';
import { maintenancePlantsFromEnv } from '../maintenance/config';
import { connectorFactory } from '../maintenance/connectors';
import { type EgressDeps, executeCommand, parseCommand } from '../maintenance/egress';
import { TenantRateLimiter } from '../maintenance/rate-limiter';
import type { SapPmPort } from '../maintenance/sap-pm';
import { SecretCache } from '../maintenance/webhook-ingress';
import { ODataSapPmAdapter } from '../sap/adapters/sap-pm-port';
import { parseSapMappings, plantMappingFor } from '../sap/mapping';
import { SecretAuthProvider, secretsManagerLoader } from '../sap/odata/auth';
import { ODataClient } from '../sap/odata/client';

const secretsClient = new SecretsManagerClient({});

/** Plant configuration comes from maintenancePlantsFromEnv (MAINTENANCE_PLANTS, or PLANTS_JSON + secrets). */
const Env = z.object({
  EVENT_BUS_NAME: z.string().min(1),
  /** Longest in-invocation wait for a token or a Retry-After before the message goes back to the queue. */
  MAX_RETRY_WAIT_MS: z.coerce.number().int().min(0).default(10_000),
});

/** Needed only when a plant's maintenance platform is SAP PM (the SAP connector's OData settings). */
const SapEnv = z.object({
  SAP_BASE_URL: z.url(),
  SAP_CLIENT: z
    .string()
    .regex(/^\d{3}$/)
    .optional(),
  SAP_SECRET_ID: z.string().min(1),
  SAP_MAPPINGS: z.string().min(2),
  SAP_TIMEOUT_MS: z.coerce.number().int().positive().default(15_000),
});

/** SAP PM plants go through functions/sap's OData adapter of the SAP PM port. */
const sapPmFromEnv = (env: Readonly<Record<string, string | undefined>>): ((plant: string) => SapPmPort) => {
  const config = loadConfig(SapEnv, env);
  const client = new ODataClient({
    baseUrl: config.SAP_BASE_URL,
    ...(config.SAP_CLIENT ? { sapClient: config.SAP_CLIENT } : {}),
    auth: new SecretAuthProvider({
      secretId: config.SAP_SECRET_ID,
      loadSecret: secretsManagerLoader(secretsClient),
    }),
    timeoutMs: config.SAP_TIMEOUT_MS,
    headers: correlationHeaders,
  });
  const mappings = parseSapMappings(JSON.parse(config.SAP_MAPPINGS));
  return (plant) => {
    const mapping = plantMappingFor(mappings, plant);
    if (!mapping) throw new ValidationError(`plant ${plant} is on SAP PM but has no SAP mapping`);
    return new ODataSapPmAdapter(client, mapping);
  };
};

export const depsFromEnv = (env: Readonly<Record<string, string | undefined>> = process.env): EgressDeps => {
  const config = loadConfig(Env, env);
  const plants = maintenancePlantsFromEnv(env);
  const secrets = new SecretCache(async (name) => {
    try {
      const result = await secretsClient.send(new GetSecretValueCommand({ SecretId: name }));
      if (!result.SecretString) throw new Error('secret has no string value');
      return result.SecretString;
    } catch (error) {
      throw new TransientError(`secret ${name} could not be read`, { cause: error });
    }
  });
  const publisher = new EventPublisher({
    busName: config.EVENT_BUS_NAME,
    producer: { system: 'maintenance', name: 'maintenance-egress' },
  });
  const usesSapPm = Object.values(plants).some((p) => p.platform === 'sap-pm');
  if (usesSapPm && !env.SAP_BASE_URL) {
    throw new ConfigError(
      'configuration error: a plant uses SAP PM, so SAP_BASE_URL, SAP_SECRET_ID and SAP_MAPPINGS are needed',
    );
  }
  return {
    connectorFor: connectorFactory({
      plants,
      ...(usesSapPm ? { sapPm: sapPmFromEnv(env) } : {}),
      secret: (name) => secrets.get(name),
      limiter: new TenantRateLimiter({ maxWaitMs: config.MAX_RETRY_WAIT_MS }),
      maxRetryWaitMs: config.MAX_RETRY_WAIT_MS,
    }),
    publish: (requests) => publisher.publish(requests),
    now: () => new Date(),
    log: logger,
  };
};

/**
 * SQS consumer of maintenance commands. Transient failures (429/Retry-After beyond the wait budget,
 * rate limit, 5xx, timeouts) become batch item failures, so the message stays buffered in the queue
 * and returns after its visibility timeout; validation errors and permanent 4xx refusals are
 * dead-lettered with the reason (shared/middleware sqsBatchHandler).
 */
export const createHandler = (deps: () => EgressDeps, options: SqsBatchOptions = {}) =>
  sqsBatchHandler(async ({ body }) => {
    const command = parseCommand(body);
    const run = () => executeCommand(command, deps());
    if (command.correlationId) {
      await runWithCorrelation(
        {
          correlationId: command.correlationId,
          ...(command.causationId ? { causationId: command.causationId } : {}),
        },
        run,
      );
    } else {
      await run();
    }
  }, options);

let deps: EgressDeps | undefined;
export const handler = createHandler(() => {
  deps ??= depsFromEnv();
  return deps;
});
