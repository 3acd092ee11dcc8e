import { z } from 'zod';
import { parseMaintenancePlants } from '../../functions/maintenance/config';
import { parseMesPlants } from '../../functions/mes/config';
import { parseSapMappings } from '../../functions/sap/mapping';
import { PlantReference } from '../../functions/workflows/plant-reference';
import type { ConfigDocument } from '../functions';
import { ConfigValidationError, type EnvironmentConfig } from './schema';

/**
 * The configuration documents functions read (one environment variable each), rendered from the
 * validated environment config and checked with each connector's own schema at synth time, so a
 * bad plant entry fails `cdk synth` instead of the first invocation.
 */
export const renderDocuments = (config: EnvironmentConfig): Readonly<Record<ConfigDocument, string>> => {
  const plants = config.plants.map((p) => ({
    code: p.code,
    name: p.name,
    timeZone: p.timeZone,
    mes: {
      profile: p.mes.profile,
      endpoint: p.mes.endpoint,
      secretName: p.mes.secretName,
      ...(p.mes.b2mmlVersion ? { b2mmlVersion: p.mes.b2mmlVersion } : {}),
    },
    maintenance: { platform: p.maintenance.platform, endpoint: p.maintenance.endpoint },
    sla: p.sla,
    rateLimits: p.rateLimits,
    flappingWindowSeconds: p.flapping.windowSeconds,
    shifts: p.shiftCalendar,
    maintenanceWindows: p.maintenanceWindows,
    blackoutDates: p.blackoutDates,
  }));
  const maintenance = Object.fromEntries(
    config.plants.map((p) => [
      p.code,
      {
        platform: p.maintenance.platform,
        baseUrl: p.maintenance.endpoint,
        apiTokenSecretName: p.maintenance.secretName,
        webhookSecretName: p.maintenance.webhookSecretName,
        rateLimit: { requestsPerSecond: p.rateLimits.maintenance.rps, burst: p.rateLimits.maintenance.burst },
        ...p.maintenance.connector,
      },
    ]),
  );
  const sap = {
    systemTimeZone: config.sap.systemTimeZone,
    senders: config.sap.senders,
    plants: config.plants.map((p) => ({ plant: p.code, timeZone: p.timeZone, ...p.sap })),
  };
  const check = (name: ConfigDocument, parse: () => unknown) => {
    try {
      parse();
    } catch (error) {
      throw new ConfigValidationError(config.name, [`${name}: ${(error as Error).message}`]);
    }
  };
  const documents = {
    PLANTS_JSON: JSON.stringify(plants),
    MAINTENANCE_PLANTS: JSON.stringify(maintenance),
    SAP_MAPPINGS: JSON.stringify(sap),
  };
  check('PLANTS_JSON', () => parseMesPlants(documents.PLANTS_JSON));
  check('PLANTS_JSON', () => z.array(PlantReference).parse(plants));
  check('MAINTENANCE_PLANTS', () => parseMaintenancePlants(documents.MAINTENANCE_PLANTS));
  check('SAP_MAPPINGS', () => parseSapMappings(sap));
  return documents;
};
