import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { loadConfig } from '../../shared/config';
import { TransientError } from '../../shared/errors';
import { type ApiRequest, type ApiResult, apiHandler } from '../../shared/middleware';
import { logger, MetricUnit, metrics } from '../../shared/observability';
import { EventPublisher } from '../../shared/publisher';
import { maintenancePlantsFromEnv } from '../maintenance/config';
import { connectorFactory } from '../maintenance/connectors';
import { MaintainxClient } from '../maintenance/maintainx/client';
import {
  DEFAULT_MAX_BODY_BYTES,
  handleWebhook,
  parseWebhookSecret,
  SecretCache,
  type WebhookDeps,
} from '../maintenance/webhook-ingress';
import { DynamoReplayStore } from './replay-store';

/** Plant configuration comes from maintenancePlantsFromEnv (MAINTENANCE_PLANTS, or PLANTS_JSON + secrets). */
const Env = z.object({
  EVENT_BUS_NAME: z.string().min(1),
  /** The shared idempotency table (id S, TTL expiration) holds the replay claims. */
  IDEMPOTENCY_TABLE_NAME: z.string().min(1),
  MAX_BODY_BYTES: z.coerce.number().int().positive().default(DEFAULT_MAX_BODY_BYTES),
});

const secretsClient = new SecretsManagerClient({});
const dynamoClient = new DynamoDBClient({});

/** Secrets Manager, cached per name for 5 minutes. */
export const secretsManagerLoader = (client: Pick<SecretsManagerClient, 'send'>) => async (name: string) => {
  try {
    const result = await client.send(new GetSecretValueCommand({ SecretId: name }));
    if (!result.SecretString) throw new Error('secret has no string value');
    return result.SecretString;
  } catch (error) {
    // The message names the secret, never its value.
    throw new TransientError(`secret ${name} could not be read`, { cause: error });
  }
};

/** The production wiring, built on first use (so importing the module needs no environment). */
export const depsFromEnv = (env: Readonly<Record<string, string | undefined>> = process.env): WebhookDeps => {
  const config = loadConfig(Env, env);
  const plants = maintenancePlantsFromEnv(env);
  const secrets = new SecretCache(secretsManagerLoader(secretsClient));
  const publisher = new EventPublisher({
    busName: config.EVENT_BUS_NAME,
    producer: { system: 'maintenance', name: 'maintainx-webhook' },
  });
  // MaintainX gives a webhook 10 s: the costs read must finish well inside that.
  const connectors = connectorFactory({
    plants,
    secret: (name) => secrets.get(name),
    maxAttempts: 2,
    maxRetryWaitMs: 1_000,
    timeoutMs: 3_000,
    totalBudgetMs: 7_000,
  });
  return {
    plants,
    webhookSecrets: async (name) => parseWebhookSecret(await secrets.get(name)),
    replay: new DynamoReplayStore(dynamoClient, config.IDEMPOTENCY_TABLE_NAME),
    publish: async (events) => (await publisher.publish(events)).map((e) => e.eventId),
    costs: async (plant, workOrderId) => {
      const connector = connectors(plant);
      if (!(connector instanceof MaintainxClient))
        throw new TransientError(`plant ${plant} is not on MaintainX`);
      return connector.getWorkOrderCosts(workOrderId);
    },
    now: () => Date.now(),
    log: logger,
    maxBodyBytes: config.MAX_BODY_BYTES,
  };
};

/** The route handler: `/webhooks/{tool}/{plant}` → handleWebhook. */
export const webhookRoute =
  (deps: () => WebhookDeps) =>
  async (request: ApiRequest): Promise<ApiResult> => {
    const result = await handleWebhook(
      {
        tool: request.pathParameters.tool,
        plant: request.pathParameters.plant,
        headers: request.headers,
        query: request.query,
        rawBody: request.rawBody,
      },
      deps(),
    );
    // API policy violations (auth, size, validation) and replays, per outcome, for the dashboards.
    const outcome = result.body.status;
    metrics.addMetric(`Webhook${outcome[0]?.toUpperCase()}${outcome.slice(1)}`, MetricUnit.Count, 1);
    if (result.statusCode === 401) metrics.addMetric('WebhookAuthFailure', MetricUnit.Count, 1);
    return { statusCode: result.statusCode, body: result.body };
  };

/** Builds the Lambda handler around given dependencies (tests inject fakes). */
export const createHandler = (deps: () => WebhookDeps) => apiHandler(webhookRoute(deps));

let deps: WebhookDeps | undefined;
export const handler = createHandler(() => {
  deps ??= depsFromEnv();
  return deps;
});
