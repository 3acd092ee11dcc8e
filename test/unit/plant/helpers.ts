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
  private server: SimServer | undefined;

  async start(): Promise<string> {
    this.server = await startServer((request) => {
      this.requests.push(request);
      return { status: this.status, body: '' };
    });
    return this.server.url;
  }

  async stop(): Promise<void> {
    await this.server?.close();
  }
}

export const manualClock = () => new ManualClock(Date.parse('2026-11-25T05:00:00Z'));
