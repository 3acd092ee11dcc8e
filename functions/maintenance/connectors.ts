import { ValidationError } from '../../shared/errors';
import type { MaintenancePlantConfig, MaintenancePlants } from './config';
import { GenericRestConnector } from './generic-rest';
import { RestTransport } from './http';
import { MaintainxClient } from './maintainx/client';
import type { MaintenanceConnector } from './model';
import { type Clock, TenantRateLimiter } from './rate-limiter';
import { SapPmConnector, type SapPmPort } from './sap-pm';

export interface ConnectorFactoryOptions {
  readonly plants: MaintenancePlants;
  /** Secret value by Secrets Manager name (cached by the caller). */
  readonly secret: (name: string) => Promise<string>;
  /** Shared by every plant so tenants that share an organisation share a bucket. */
  readonly limiter?: TenantRateLimiter;
  /** The SAP connector's implementation of the SAP PM port for a plant on `sap-pm`. */
  readonly sapPm?: (plant: string) => SapPmPort;
  readonly fetch?: typeof fetch;
  readonly clock?: Clock;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  readonly maxAttempts?: number;
  readonly maxRetryWaitMs?: number;
  readonly timeoutMs?: number;
  readonly totalBudgetMs?: number;
}

/** Plant → its maintenance connector, built once per plant from configuration. */
export const connectorFactory = (
  options: ConnectorFactoryOptions,
): ((plant: string) => MaintenanceConnector) => {
  const limiter =
    options.limiter ??
    new TenantRateLimiter({
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.sleep ? { sleep: options.sleep } : {}),
    });
  const cache = new Map<string, MaintenanceConnector>();
  const transport = (
    config: Extract<MaintenancePlantConfig, { tenant: string }>,
    baseUrl: string,
    auth: () => Promise<Record<string, string>>,
  ) =>
    new RestTransport({
      baseUrl,
      tenant: config.tenant,
      rateLimit: config.rateLimit,
      limiter,
      headers: auth,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.sleep ? { sleep: options.sleep } : {}),
      ...(options.random ? { random: options.random } : {}),
      ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
      ...(options.maxRetryWaitMs !== undefined ? { maxRetryWaitMs: options.maxRetryWaitMs } : {}),
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.totalBudgetMs ? { totalBudgetMs: options.totalBudgetMs } : {}),
    });

  const build = (plant: string, config: MaintenancePlantConfig): MaintenanceConnector => {
    switch (config.platform) {
      case 'maintainx':
        return new MaintainxClient(
          transport(config, config.baseUrl, async () => ({
            authorization: `Bearer ${(await options.secret(config.apiTokenSecretName)).trim()}`,
            ...(config.organizationId ? { 'x-organization-id': String(config.organizationId) } : {}),
          })),
          config,
        );
      case 'generic-rest': {
        const { mapping } = config;
        const secretName = config.apiTokenSecretName;
        return new GenericRestConnector(
          transport(config, mapping.baseUrl, async () =>
            secretName
              ? { [mapping.authHeader]: `${mapping.authPrefix}${(await options.secret(secretName)).trim()}` }
              : {},
          ),
          mapping,
        );
      }
      case 'sap-pm':
        if (!options.sapPm)
          throw new ValidationError(`plant ${plant} uses SAP PM but no SAP PM port is wired`);
        return new SapPmConnector(options.sapPm(plant), config);
    }
  };

  return (plant) => {
    const hit = cache.get(plant);
    if (hit) return hit;
    const config = options.plants[plant];
    if (!config) throw new ValidationError(`plant ${plant} has no maintenance platform configured`);
    const connector = build(plant, config);
    cache.set(plant, connector);
    return connector;
  };
};
