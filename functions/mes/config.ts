import * as z from 'zod';
import { ConfigError } from '../../shared/errors';

/** The MES part of a plant's configuration (infra/config/schema.ts `PlantConfig.mes`). */
export const MesPlantSettings = z.object({
  profile: z.enum(['rest-json', 'b2mml']),
  endpoint: z.url(),
  secretName: z.string().min(1).optional(),
  /** B2MML version plantsync writes (schedules); inbound documents are detected by namespace. @default V0700 */
  b2mmlVersion: z.enum(['V0600', 'V0700']).default('V0700'),
});
export type MesPlantSettings = z.infer<typeof MesPlantSettings>;

const PlantEntry = z.looseObject({ code: z.string().regex(/^[A-Z0-9]{4}$/), mes: MesPlantSettings });

/** The plant directory the MES functions need, read from PLANTS_JSON (array of plants or a map by code). */
export const parseMesPlants = (json: string): ReadonlyMap<string, MesPlantSettings> => {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    throw new ConfigError(`PLANTS_JSON is not JSON: ${(error as Error).message}`);
  }
  const list = Array.isArray(raw)
    ? raw
    : Object.entries((raw ?? {}) as Record<string, unknown>).map(([code, v]) => ({ code, ...(v as object) }));
  const parsed = z.array(PlantEntry).safeParse(list);
  if (!parsed.success) throw new ConfigError(`PLANTS_JSON is invalid: ${z.prettifyError(parsed.error)}`);
  return new Map(parsed.data.map((p) => [p.code, p.mes]));
};
