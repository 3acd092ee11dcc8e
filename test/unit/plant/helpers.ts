import { ManualClock } from '../../../local/plant/clock';
import { type SimRequest, type SimServer, startServer } from '../../../local/plant/http';
import { generateMasterData, type SimPlantConfig } from '../../../local/plant/master-data';

export const PLANT_1000: SimPlantConfig = {
  code: '1000',
  name: 'Hamburg assembly',
  timeZone: 'Europe/Berlin',
  mes: { profile: 'rest-json' },
  maintenance: { platform: 'maintainx' },
};

export const PLANT_2000: SimPlantConfig = {
  code: '2000',
  name: 'Porto machining',
  timeZone: 'Europe/Lisbon',
  mes: { profile: 'b2mml' },
  maintenance: { platform: 'sap-pm' },
};

export const masterFor = (seed: string, plant: SimPlantConfig = PLANT_1000) =>
  generateMasterData(seed, plant);

export const masterMap = (seed: string, plants: SimPlantConfig[] = [PLANT_1000, PLANT_2000]) =>
  new Map(plants.map((p) => [p.code, generateMasterData(seed, p)]));

/** A stand-in for a plantsync endpoint: records every request, answers 202 unless told otherwise. */
export class Capture {
  readonly requests: SimRequest[] = [];
  status = 202;
  /** Answer the next this many requests with 500. */
  failFirst = 0;
  private server: SimServer | undefined;

  async start(): Promise<string> {
    this.server = await startServer((request) => {
      this.requests.push(request);
      if (this.failFirst > 0) {
        this.failFirst--;
        return { status: 500, body: '' };
      }
      return { status: this.status, body: '' };
    });
    return this.server.url;
  }

  async stop(): Promise<void> {
    await this.server?.close();
  }
}

export const manualClock = () => new ManualClock(Date.parse('2026-11-25T05:00:00Z'));

import type { EventData } from '../../../events';
import { translateIdocs } from '../../../functions/sap/idoc/translate';
import { parseSapMappings } from '../../../functions/sap/mapping';
import { idocDocument } from '../../../local/plant/idoc';
import type { SimPlantMasterData, SimProductionOrder } from '../../../local/plant/master-data';
import type { SimulatedSap } from '../../../local/plant/sap';

/** The SAP connector's mapping for simulated plants (work centers from the master data). */
export const mappingsFor = (masters: SimPlantMasterData[]) =>
  parseSapMappings({
    systemTimeZone: 'UTC',
    senders: ['S4HCLNT100'],
    plants: masters.map((m) => ({
      plant: m.plant,
      timeZone: m.timeZone,
      orderTypes: ['PP01'],
      workCenters: m.workCenters,
    })),
  });

/** A simulated order as the SAP connector translates its LOIPRO01 IDoc. */
export const canonicalOrder = (
  sap: SimulatedSap,
  order: SimProductionOrder,
  masters: SimPlantMasterData[],
): EventData<'ProductionOrderReleased'> => {
  const result = translateIdocs(idocDocument('LOIPRO01', [sap.renderLoipro(order)]), {
    mappings: mappingsFor(masters),
  });
  const event = result.events[0];
  if (!event)
    throw new Error(`LOIPRO01 of ${order.orderNumber} produced no event: ${result.idocs[0]?.skipped}`);
  return event.data as EventData<'ProductionOrderReleased'>;
};
