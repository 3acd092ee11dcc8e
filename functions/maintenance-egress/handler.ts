import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { loadConfig } from '../../shared/config';
import { runWithCorrelation } from '../../shared/correlation';
import { TransientError } from '../../shared/errors';
import { type SqsBatchOptions, sqsBatchHandler } from '../../shared/middleware';
import { logger } from '../../shared/observability';
import { EventPublisher } from '../../shared/publisher';
import { maintenancePlantsFromEnv } from '../maintenance/config';
import { connectorFactory } from '../maintenance/connectors';
import { type EgressDeps, executeCommand, parseCommand } from '../maintenance/egress';
import { TenantRateLimiter } from '../maintenance/rate-limiter';
import { SecretCache } from '../maintenance/webhook-ingress';

/** Plant configuration comes from maintenancePlantsFromEnv (MAINTENANCE_PLANTS, or PLANTS_JSON + secrets). */
const Env = z.object({
  EVENT_BUS_NAME: z.string().min(1),
  /** Longest in-invocation wait for a token or a Retry-After before the message goes back to the queue. */
  MAX_RETRY_WAIT_MS: z.coerce.number().int().min(0).default(10_000),
});

const secretsClient = new SecretsManagerClient({});

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
  return {
    // SAP PM plants are served by the SAP connector's port; wire it here once functions/sap exports one.
    connectorFor: connectorFactory({
      plants,
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
