import { z } from 'zod';
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
