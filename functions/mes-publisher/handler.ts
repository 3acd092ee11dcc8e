import { z } from 'zod';
import { loadConfig } from '../../shared/config';
import { type SqsBatchOptions, sqsBatchHandler } from '../../shared/middleware';
import { logger } from '../../shared/observability';
import { parseMesPlants } from '../mes/config';
import { mesClients } from '../mes/environment';
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

const fromEnvironment = () => {
  const config = loadConfig(Config);
  // The function timeout is 25 s: 3 attempts of at most 5 s plus backoff stay well inside it.
  const clients = mesClients(process.env, {
    timeoutMs: config.MES_TIMEOUT_MS,
    maxAttempts: config.MES_MAX_ATTEMPTS,
  });
  return buildHandler({ plants: parseMesPlants(config.PLANTS_JSON), clientFor: (plant) => clients(plant) });
};

// Built on first use so importing the module needs no environment.
let built: ReturnType<typeof buildHandler> | undefined;
export const handler: ReturnType<typeof buildHandler> = ((event, context) => {
  built ??= fromEnvironment();
  return built(event, context);
}) as ReturnType<typeof buildHandler>;
