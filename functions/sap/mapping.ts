import * as z from 'zod';
import { PlantCode, Unit } from '../../events';
import { isValidTimeZone } from './time';

/**
 * Per-plant SAP mappings, embedded by infra config (one entry per plant: adding a plant is a config
 * change, never code). Schemas are the types: use `z.input` to write config, `z.infer` to read it.
 */

export const TimeZoneName = z
  .string()
  .min(1)
  .refine(isValidTimeZone, 'an IANA time zone known to Intl, e.g. "Europe/Berlin"')
  .describe('IANA time zone name');

/** SAP internal unit (T006-MSEHI), e.g. "ST", "KG". */
const SapUnit = z.string().regex(/^[A-Z0-9%]{1,3}$/, 'an SAP internal unit of up to 3 characters, e.g. "ST"');

export const WorkCenterMapping = z.object({
  /** The MES line this work center runs on. */
  line: z.string().min(1).max(40),
  /** The equipment (EQUNR) the work center stands for, where it is one machine. */
  equipmentId: z.string().min(1).max(40).optional(),
});

export const MaintenancePostingDefaults = z.object({
  /** QMEL-QMART used for notifications created by plantsync, e.g. "M2" (malfunction report). */
  notificationType: z.string().min(1).max(2),
  /** AUFK-AUART for maintenance orders, e.g. "PM01". */
  orderType: z.string().min(1).max(4),
  /** Maintenance planning plant (IWERK) when it differs from the plant. */
  planningPlant: PlantCode.optional(),
  /** Main work center for maintenance orders (ARBPL), e.g. "MECH". */
  mainWorkCenter: z.string().min(1).max(8).optional(),
});

export const InventoryAdjustmentPosting = z.object({
  /** Movement type for a positive difference (stock found), e.g. 501 receipt without purchase order. */
  increase: z
    .string()
    .regex(/^\d{3}$/)
    .default('501'),
  /** Movement type for a negative difference (stock missing), e.g. 551 withdrawal for scrapping. */
  decrease: z
    .string()
    .regex(/^\d{3}$/)
    .default('551'),
  /** Cost center the movement types need for account assignment (KOSTL). */
  costCenter: z.string().min(1).max(10).optional(),
});

export const PlantMapping = z.object({
  /** SAP plant (WERKS). */
  plant: PlantCode,
  /** Wall-clock zone of the plant: SAP scheduling dates and times are read in it. */
  timeZone: TimeZoneName,
  /** Production order types (AUART) that go to the MES; others are skipped, e.g. ["PP01", "YBM4"]. */
  orderTypes: z.array(z.string().min(1).max(4)).min(1),
  /** Work center (ARBPL) → MES line. */
  workCenters: z.record(z.string().min(1).max(8), WorkCenterMapping).default({}),
  /** SAP unit → UN/ECE Rec 20 code, on top of the built-in table (functions/sap/units.ts). */
  units: z.record(SapUnit, Unit).default({}),
  /** Storage location for goods issue / receipt when the MES does not name one (LGORT). */
  defaultStorageLocation: z.string().min(1).max(4).optional(),
  /** Language (ISO 639-1) for descriptions picked from multi-language segments (E1MAKTM). */
  language: z.string().length(2).default('EN'),
  /** SAP PM postings; absent when the plant's maintenance platform is not SAP PM. */
  maintenance: MaintenancePostingDefaults.optional(),
  /** How approved MES inventory adjustments are posted. */
  inventoryAdjustment: InventoryAdjustmentPosting.default({ increase: '501', decrease: '551' }),
});
export type PlantMapping = z.infer<typeof PlantMapping>;

export const SapMappings = z
  .object({
    /** Zone of the SAP application server: EDI_DC40 CREDAT/CRETIM are read in it. */
    systemTimeZone: TimeZoneName,
    /**
     * Logical systems (EDI_DC40/SNDPRN) allowed to send IDocs, e.g. ["S4HCLNT100"]. Empty accepts any
     * sender (only for local use; deployed environments list theirs).
     */
    senders: z.array(z.string().min(1).max(10)).default([]),
    plants: z.array(PlantMapping).min(1),
  })
  .superRefine((value, ctx) => {
    const seen = new Set<string>();
    for (const [i, p] of value.plants.entries()) {
      if (seen.has(p.plant))
        ctx.addIssue({
          code: 'custom',
          path: ['plants', i, 'plant'],
          message: `plant ${p.plant} is listed twice`,
        });
      seen.add(p.plant);
    }
  });
export type SapMappings = z.infer<typeof SapMappings>;
export type SapMappingsInput = z.input<typeof SapMappings>;

/** Parses config and fails with every problem named (config must fail fast and loudly). */
export const parseSapMappings = (input: unknown): SapMappings => {
  const parsed = SapMappings.safeParse(input);
  if (!parsed.success) throw new Error(`invalid SAP mappings: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
};

export const plantMappingFor = (mappings: SapMappings, plant: string): PlantMapping | undefined =>
  mappings.plants.find((p) => p.plant === plant);

/** The MES line of a work center in a plant, if mapped. */
export const lineForWorkCenter = (mapping: PlantMapping, workCenter: string): string | undefined =>
  mapping.workCenters[workCenter]?.line;
