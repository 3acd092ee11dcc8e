import * as z from 'zod';
import { PlantCode, Unit } from '../../events';
import { ConfigError } from '../../shared/errors';
import { GenericRestMapping } from './generic-rest';

export const RateLimitConfig = z.object({
  requestsPerSecond: z.number().positive(),
  burst: z.number().int().min(1),
});

const Currency = z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 currency code');

/** A secret's name in Secrets Manager (never the value). */
const SecretName = z.string().min(1).max(512);

export const MaintainxPlantConfig = z.object({
  platform: z.literal('maintainx'),
  /** e.g. https://api.getmaintainx.com/v1 (the local simulator in `npm start`). */
  baseUrl: z.url(),
  /** Secrets Manager secret holding the REST API bearer token. */
  apiTokenSecretName: SecretName,
  /** Secrets Manager secret holding the webhook signing secret of this plant's subscriptions. */
  webhookSecretName: SecretName,
  /** `x-organization-id` header, required by MaintainX for multi-organisation tokens. */
  organizationId: z.number().int().positive().optional(),
  /** Rate-limit key: plants sharing one MaintainX organisation share its limit. */
  tenant: z.string().min(1),
  rateLimit: RateLimitConfig,
  /** MaintainX costs are cents without a currency; this is the organisation's currency. */
  currency: Currency,
  /** Label of the MaintainX custom field (extraFields) that carries plantsync's external reference. */
  referenceField: z.string().min(1),
  /** Label of a custom field carrying the SAP equipment number (EQUNR), if the organisation has one. */
  equipmentField: z.string().min(1).optional(),
  /** SAP equipment number → MaintainX asset id. Used both ways. */
  assets: z.record(z.string(), z.number().int().positive()).default({}),
  /** MaintainX parts carry no unit of measure; the Rec 20 code used for part quantities. */
  partUnit: Unit.default('H87'),
});
export type MaintainxPlantConfig = z.infer<typeof MaintainxPlantConfig>;

export const GenericRestPlantConfig = z.object({
  platform: z.literal('generic-rest'),
  /** Secrets Manager secret holding the API credential (used as the auth header value). */
  apiTokenSecretName: SecretName.optional(),
  tenant: z.string().min(1),
  rateLimit: RateLimitConfig,
  mapping: GenericRestMapping,
});
export type GenericRestPlantConfig = z.infer<typeof GenericRestPlantConfig>;

export const SapPmPlantConfig = z.object({
  platform: z.literal('sap-pm'),
  /** SAP notification type (QMART), e.g. M1 malfunction report, M2 maintenance request. */
  notificationType: z.string().min(1).max(2),
  /** SAP maintenance order type (AUART), e.g. PM01. */
  orderType: z.string().min(1).max(4),
  /** Maintenance planning plant (IWERK); defaults to the plant itself only when set explicitly. */
  planningPlant: PlantCode,
});
export type SapPmPlantConfig = z.infer<typeof SapPmPlantConfig>;

export const MaintenancePlantConfig = z.discriminatedUnion('platform', [
  MaintainxPlantConfig,
  GenericRestPlantConfig,
  SapPmPlantConfig,
]);
export type MaintenancePlantConfig = z.infer<typeof MaintenancePlantConfig>;

/** `MAINTENANCE_PLANTS`: plant code → that plant's maintenance platform configuration. */
export const MaintenancePlants = z.record(PlantCode, MaintenancePlantConfig);
export type MaintenancePlants = z.infer<typeof MaintenancePlants>;

/** Parses the JSON of `MAINTENANCE_PLANTS`, naming every problem. */
export const parseMaintenancePlants = (json: string): MaintenancePlants => {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new ConfigError(`MAINTENANCE_PLANTS is not JSON: ${(error as Error).message}`);
  }
  const parsed = MaintenancePlants.safeParse(value);
  if (!parsed.success)
    throw new ConfigError(`MAINTENANCE_PLANTS is invalid: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
};

/** The MaintainX config of a plant, or undefined if the plant uses another platform. */
export const maintainxConfigOf = (
  plants: MaintenancePlants,
  plant: string,
): MaintainxPlantConfig | undefined => {
  const config = plants[plant];
  return config?.platform === 'maintainx' ? config : undefined;
};

/** The part of infra's PLANTS_JSON entries the maintenance functions read. */
const PlantSummary = z.looseObject({
  code: PlantCode,
  maintenance: z.looseObject({ platform: z.string(), endpoint: z.string() }),
  rateLimits: z.looseObject({ maintenance: z.object({ rps: z.number(), burst: z.number() }) }),
});

const parseJson = (name: string, text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${name} is not JSON: ${(error as Error).message}`);
  }
};

/**
 * The maintenance configuration of every plant, from the environment:
 * - `MAINTENANCE_PLANTS`: the complete form (plant → MaintenancePlantConfig), used as is; or
 * - infra's `PLANTS_JSON` (platform, endpoint, `rateLimits.maintenance`), the secret names bound as
 *   `MAINTENANCE_SECRET_<PLANT>` / `WEBHOOK_SECRET_<PLANT>`, and `MAINTENANCE_PROFILES` (plant → the
 *   profile's own settings: currency, referenceField, assets, mapping, SAP types...). The rate-limit
 *   tenant defaults to the plant code (infra models limits per plant).
 * Every missing or invalid setting is named in one ConfigError.
 */
export const maintenancePlantsFromEnv = (
  env: Readonly<Record<string, string | undefined>>,
): MaintenancePlants => {
  if (env.MAINTENANCE_PLANTS) return parseMaintenancePlants(env.MAINTENANCE_PLANTS);
  if (!env.PLANTS_JSON)
    throw new ConfigError('configuration error: neither MAINTENANCE_PLANTS nor PLANTS_JSON is set');
  const summaries = z.array(PlantSummary).safeParse(parseJson('PLANTS_JSON', env.PLANTS_JSON));
  if (!summaries.success) {
    throw new ConfigError(`PLANTS_JSON is invalid: ${z.prettifyError(summaries.error)}`);
  }
  const profiles = z
    .record(z.string(), z.record(z.string(), z.unknown()))
    .safeParse(env.MAINTENANCE_PROFILES ? parseJson('MAINTENANCE_PROFILES', env.MAINTENANCE_PROFILES) : {});
  if (!profiles.success)
    throw new ConfigError(`MAINTENANCE_PROFILES is invalid: ${z.prettifyError(profiles.error)}`);

  const plants: MaintenancePlants = {};
  const problems: string[] = [];
  for (const summary of summaries.data) {
    const { platform, endpoint, ...inline } = summary.maintenance;
    const profile = { ...inline, ...profiles.data[summary.code] };
    const apiTokenSecretName = env[`MAINTENANCE_SECRET_${summary.code}`];
    const webhookSecretName = env[`WEBHOOK_SECRET_${summary.code}`];
    const mapping = profile.mapping as Record<string, unknown> | undefined;
    const candidate = {
      platform,
      tenant: summary.code,
      rateLimit: {
        requestsPerSecond: summary.rateLimits.maintenance.rps,
        burst: summary.rateLimits.maintenance.burst,
      },
      ...(platform === 'maintainx' ? { baseUrl: endpoint, apiTokenSecretName, webhookSecretName } : {}),
      ...(platform === 'generic-rest' ? { apiTokenSecretName } : {}),
      ...profile,
      ...(platform === 'generic-rest' && mapping ? { mapping: { baseUrl: endpoint, ...mapping } } : {}),
    };
    const parsed = MaintenancePlantConfig.safeParse(candidate);
    if (parsed.success) plants[summary.code] = parsed.data;
    else {
      for (const issue of parsed.error.issues) {
        problems.push(
          `plant ${summary.code} maintenance.${issue.path.join('.') || '(root)'}: ${issue.message}`,
        );
      }
    }
  }
  if (problems.length > 0) throw new ConfigError(`maintenance configuration error: ${problems.join('; ')}`);
  return plants;
};
