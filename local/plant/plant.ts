import { RealtimeSimClock, type SimClock } from './clock';
import { SimulatedGenericMaintenance } from './maintenance-generic';
import { SimulatedMaintainx, type TechnicianSettings } from './maintenance-maintainx';
import {
  generateMasterData,
  type SimPlantConfig,
  type SimPlantMasterData,
  type SimProductionOrder,
} from './master-data';
import { SimulatedB2mmlMes } from './mes-b2mml';
import type { MesSettings } from './mes-core';
import { type MesFaultSettings, SimulatedRestMes } from './mes-rest';
import { SimulatedSap, type SimulatedSapOptions } from './sap';

/**
 * Starts every simulated system of a set of plants: one SAP S/4HANA (shared, as in reality), one MES
 * per plant in the plant's profile, and one MaintainX with an organisation per MaintainX plant
 * (plants on SAP PM use the simulated SAP's API_MAINTNOTIFICATION / API_MAINTENANCEORDER).
 * Everything binds 127.0.0.1 on ephemeral ports; `stop()` closes it all.
 */

export type MaintenanceTool = 'maintainx' | 'generic-rest';

export interface PlantIngress {
  /** plantsync's IDoc endpoint (the XML-HTTP port target). */
  readonly sapIdocUrl: string;
  /** plantsync's MES ingress for a plant, e.g. `${api}/v1/mes/${plant}/events`. */
  readonly mesUrl: (plant: string) => string;
  /** plantsync's webhook endpoint for a tool and plant, e.g. `${api}/webhooks/maintainx/${plant}`. */
  readonly webhookUrl: (tool: MaintenanceTool, plant: string) => string;
  /** Extra headers on IDoc posts (e.g. the ingress credential). */
  readonly sapHeaders?: () => Record<string, string>;
  /** Extra headers on MES posts (e.g. an API key of the MES relay client). */
  readonly mesHeaders?: (plant: string) => Record<string, string>;
}

export interface SimulatedPlantOptions {
  readonly seed: string | number;
  readonly plants: readonly SimPlantConfig[];
  /** @default a RealtimeSimClock at 1 real ms = 60 sim s */
  readonly clock?: SimClock;
  readonly ingress: PlantIngress;
  readonly sap?: Pick<
    SimulatedSapOptions,
    | 'faults'
    | 'rejections'
    | 'csrfTtlMs'
    | 'pageSize'
    | 'basic'
    | 'oauth'
    | 'systemTimeZone'
    | 'logicalSystem'
    | 'firstOrderNumber'
  > & { readonly idocPacketSize?: number };
  readonly mes?: MesSettings & { readonly faults?: MesFaultSettings; readonly apiKey?: string };
  readonly maintainx?: {
    readonly technicians?: TechnicianSettings;
    readonly referenceField?: string;
    readonly equipmentField?: string;
  };
  /** Start the random machine-fault process of every MES. @default true */
  readonly machineFaults?: boolean;
  /**
   * Fixed loopback ports, so the systems listen where the platform's configuration says they are
   * (the `local` environment of infra/config). @default ephemeral ports
   */
  readonly ports?: {
    readonly sap?: number;
    readonly mes?: Readonly<Record<string, number>>;
    readonly maintainx?: number;
    readonly generic?: Readonly<Record<string, number>>;
  };
}

export type SimulatedMes = SimulatedRestMes | SimulatedB2mmlMes;

export interface SimulatedPlant {
  readonly seed: string | number;
  readonly clock: SimClock;
  readonly masterData: ReadonlyMap<string, SimPlantMasterData>;
  readonly sap: SimulatedSap;
  readonly mes: ReadonlyMap<string, SimulatedMes>;
  readonly maintainx: SimulatedMaintainx | undefined;
  /** The generic REST maintenance tool of each plant on `generic-rest` (mapping: `genericMappingFor(url)`). */
  readonly generic: ReadonlyMap<string, SimulatedGenericMaintenance>;
  /** Where plantsync must call each system (put these into the platform's configuration). */
  readonly urls: {
    readonly sapOdata: string;
    readonly sapToken: string;
    /** Each plant's `mes.endpoint` (the connector calls `${endpoint}/v1/...`; B2MML schedules POST to it). */
    readonly mes: Readonly<Record<string, string>>;
    readonly maintenance: Readonly<Record<string, string>>;
  };
  /**
   * Creates `count` orders for a plant in SAP and sends their LOIPRO01 IDocs: all at once, or in
   * batches of `batch` every `everyMs` of simulated time (a planner releasing through the day).
   */
  releaseOrders(
    plant: string,
    count: number,
    spread?: { readonly batch: number; readonly everyMs: number },
  ): Promise<SimProductionOrder[]>;
  /** Resolves when every outbox (IDoc port, MES events, webhooks) is empty. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export const startSimulatedPlant = async (options: SimulatedPlantOptions): Promise<SimulatedPlant> => {
  const clock = options.clock ?? new RealtimeSimClock();
  const masterData = new Map(options.plants.map((p) => [p.code, generateMasterData(options.seed, p)]));
  const started: { stop(): Promise<void> }[] = [];
  try {
    const { idocPacketSize, ...sapOptions } = options.sap ?? {};
    const sap = await new SimulatedSap({
      seed: options.seed,
      clock,
      plants: options.plants,
      masterData,
      ...sapOptions,
      ...(options.ports?.sap ? { port: options.ports.sap } : {}),
      idoc: {
        url: options.ingress.sapIdocUrl,
        ...(idocPacketSize ? { packetSize: idocPacketSize } : {}),
        ...(options.ingress.sapHeaders ? { headers: options.ingress.sapHeaders } : {}),
      },
    }).start();
    started.push(sap);

    const mes = new Map<string, SimulatedMes>();
    const { faults: mesFaults, apiKey, ...mesSettings } = options.mes ?? {};
    for (const plant of options.plants) {
      const master = masterData.get(plant.code) as SimPlantMasterData;
      const mesHeaders = options.ingress.mesHeaders;
      const common = {
        seed: options.seed,
        clock,
        master,
        ingressUrl: options.ingress.mesUrl(plant.code),
        settings: mesSettings,
        ...(mesHeaders ? { ingressHeaders: () => mesHeaders(plant.code) } : {}),
        ...(mesFaults ? { faults: mesFaults } : {}),
        ...(apiKey ? { apiKey } : {}),
        ...(options.ports?.mes?.[plant.code] ? { port: options.ports.mes[plant.code] } : {}),
      };
      const system =
        plant.mes.profile === 'b2mml' ? new SimulatedB2mmlMes(common) : new SimulatedRestMes(common);
      await system.start();
      started.push(system);
      mes.set(plant.code, system);
      if (options.machineFaults ?? true) system.core.startFaults();
    }

    const maintainxPlants = options.plants.filter((p) => p.maintenance.platform === 'maintainx');
    let maintainx: SimulatedMaintainx | undefined;
    if (maintainxPlants.length > 0) {
      maintainx = await new SimulatedMaintainx({
        seed: options.seed,
        clock,
        plants: maintainxPlants.map((p) => ({
          master: masterData.get(p.code) as SimPlantMasterData,
          webhookUrl: options.ingress.webhookUrl('maintainx', p.code),
        })),
        ...options.maintainx,
        ...(options.ports?.maintainx ? { port: options.ports.maintainx } : {}),
      }).start();
      started.push(maintainx);
    }

    const generic = new Map<string, SimulatedGenericMaintenance>();
    for (const p of options.plants.filter((x) => x.maintenance.platform === 'generic-rest')) {
      const tool = await new SimulatedGenericMaintenance({
        seed: options.seed,
        clock,
        master: masterData.get(p.code) as SimPlantMasterData,
        ...(options.ports?.generic?.[p.code] ? { port: options.ports.generic[p.code] } : {}),
      }).start();
      started.push(tool);
      generic.set(p.code, tool);
    }

    const maintenance: Record<string, string> = {};
    for (const p of options.plants) {
      if (p.maintenance.platform === 'maintainx' && maintainx) maintenance[p.code] = maintainx.url;
      if (p.maintenance.platform === 'sap-pm') maintenance[p.code] = sap.odataUrl;
      const tool = generic.get(p.code);
      if (tool) maintenance[p.code] = tool.url;
    }
    const plant: SimulatedPlant = {
      seed: options.seed,
      clock,
      masterData,
      sap,
      mes,
      maintainx,
      generic,
      urls: {
        sapOdata: sap.odataUrl,
        sapToken: sap.tokenUrl,
        mes: Object.fromEntries([...mes].map(([code, system]) => [code, system.endpoint])),
        maintenance,
      },
      releaseOrders: async (code, count, spread) => {
        if (!spread) {
          const orders = sap.createOrders(code, count);
          await sap.sendOrders(orders);
          return orders;
        }
        const all: SimProductionOrder[] = [];
        for (let left = count; left > 0; left -= spread.batch) {
          const orders = sap.createOrders(code, Math.min(spread.batch, left));
          all.push(...orders);
          await sap.sendOrders(orders);
          if (left > spread.batch) await clock.sleep(spread.everyMs);
        }
        return all;
      },
      idle: async () => {
        await sap.idocsIdle();
        await Promise.all([...mes.values()].map((m) => m.core.idle()));
        await maintainx?.webhooksIdle();
      },
      stop: async () => {
        if (clock instanceof RealtimeSimClock) clock.clearAll();
        await Promise.all(started.map((s) => s.stop()));
      },
    };
    return plant;
  } catch (error) {
    await Promise.all(started.map((s) => s.stop()));
    throw error;
  }
};
