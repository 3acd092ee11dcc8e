import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { loadConfig } from '../../shared/config';
import { apiHandler } from '../../shared/middleware';
import { logger, MetricUnit, metrics } from '../../shared/observability';
import { EventPublisher } from '../../shared/publisher';
import { parseMesPlants } from '../mes/config';
import { DynamoDbSeenKeys, type SeenKeys } from './dedup';
import { createMesIngress, DEFAULT_MAX_BODY_BYTES, type MesIngressDeps } from './ingress';

const Config = z.object({
  EVENT_BUS_NAME: z.string().min(1),
  PLANTS_JSON: z.string().min(2),
  IDEMPOTENCY_TABLE_NAME: z.string().min(1),
  MAX_BODY_BYTES: z.coerce.number().int().positive().default(DEFAULT_MAX_BODY_BYTES),
});

/** The handler with its ports given (tests, the local runtime). */
export const buildHandler = (deps: MesIngressDeps) => {
  const ingress = createMesIngress(deps);
  return apiHandler(async (request) => {
    const result = await ingress(request);
    const body = result.body as { accepted: number; duplicates: number };
    metrics.addMetric('MesFactsPublished', MetricUnit.Count, body.accepted);
    metrics.addMetric('MesFactsDuplicate', MetricUnit.Count, body.duplicates);
    logger.info('MES message accepted', { accepted: body.accepted, duplicates: body.duplicates });
    return result;
  });
};

const fromEnvironment = (): ReturnType<typeof buildHandler> => {
  const config = loadConfig(Config);
  const seen: SeenKeys = new DynamoDbSeenKeys(
    DynamoDBDocumentClient.from(new DynamoDBClient({})),
    config.IDEMPOTENCY_TABLE_NAME,
  );
  return buildHandler({
    plants: parseMesPlants(config.PLANTS_JSON),
    publisher: new EventPublisher({
      busName: config.EVENT_BUS_NAME,
      producer: { system: 'mes', name: 'mes-ingress' },
    }),
    seen,
    maxBodyBytes: config.MAX_BODY_BYTES,
  });
};

// Built on first use, so importing this module (tests, bundling checks) needs no environment.
let built: ReturnType<typeof buildHandler> | undefined;
export const handler: ReturnType<typeof buildHandler> = ((event, context) => {
  built ??= fromEnvironment();
  return built(event, context);
}) as ReturnType<typeof buildHandler>;
