/**
 * Connector bindings of the business API, over the same connector clients the workflows use
 * (functions/workflows/bindings.ts): the SAP OData client, the plants' MES clients and maintenance
 * connectors, each built on first use and kept for the container's life.
 *
 * OrderSource.readReleasedOrder assembles the released order from OData (functions/sap
 * readReleasedOrder: A_ProductionOrder_2 with its operations, components and statuses), mapped with
 * the same unit and time rules as the LOIPRO IDoc path; an order SAP would not release is undefined.
 */
import type { EventData } from '../../events';
import type { MaintenanceConnector } from '../maintenance/model';
import { maintenancePort } from '../maintenance/workflow-port';
import { mesClients } from '../mes/environment';
import { orderStatusOf } from '../sap/adapters/workflow-port';
import { odataString } from '../sap/odata/client';
import { SapNotFoundError } from '../sap/odata/errors';
import { readEquipment } from '../sap/postings/equipment';
import { PRODUCTION_ORDER_SERVICE } from '../sap/postings/production-order';
import { readReleasedOrder } from '../sap/postings/released-order';
import {
  maintenanceConnectorsFromEnv,
  once,
  type SapConnection,
  sapConnectionFromEnv,
} from '../workflows/bindings';
import type { MesOrderClient } from '../workflows/mes-port';
import type { CallContext, EquipmentRecord, MaintenancePort, OrderStatusRecord } from '../workflows/ports';
import type { EquipmentDirectory, OrderSource, OrderStatusSources } from './ports';

type Env = Readonly<Record<string, string | undefined>>;

const absentWhenNotFound = async <T>(read: () => Promise<T>): Promise<T | undefined> => {
  try {
    return await read();
  } catch (error) {
    if (error instanceof SapNotFoundError || (error as Error).name === 'NotFoundError') return undefined;
    throw error;
  }
};

/** MesClient answers an equipment it does not know with this PermanentError (HTTP 404 from the MES). */
const isUnknownToMes = (error: unknown): boolean =>
  (error as Error).name === 'PermanentError' && /does not know equipment/.test((error as Error).message);

export interface ApiConnectorSources {
  readonly sap: () => SapConnection;
  readonly mesClientFor: (plant: string) => MesOrderClient;
  readonly maintenanceFor: (plant: string) => MaintenanceConnector;
}

export const apiConnectors = (sources: ApiConnectorSources) => {
  const orders: OrderSource = {
    async readReleasedOrder(
      ctx: CallContext,
      orderNumber: string,
    ): Promise<EventData<'ProductionOrderReleased'> | undefined> {
      const { client, mappings } = sources.sap();
      return readReleasedOrder(client, mappings, ctx.plant, orderNumber);
    },
  };

  const equipment: EquipmentDirectory = {
    sap: (_ctx, equipmentId) =>
      absentWhenNotFound(async (): Promise<EquipmentRecord> => {
        const record = await readEquipment(sources.sap().client, equipmentId);
        return {
          equipmentId: record.equipmentNumber,
          ...(record.description ? { description: record.description } : {}),
          ...(record.workCenter ? { workCenter: record.workCenter } : {}),
          ...(record.functionalLocation ? { functionalLocation: record.functionalLocation } : {}),
          inactive: record.inactive,
        };
      }),
    // The MES has no equipment-master read; its status resource says whether it knows the equipment.
    async mes(ctx, equipmentId) {
      try {
        await sources.mesClientFor(ctx.plant).readProductionStatus({ equipmentId });
        return { equipmentId };
      } catch (error) {
        if (isUnknownToMes(error)) return undefined;
        throw error;
      }
    },
    async maintenance(ctx, equipmentId) {
      const assets = await sources.maintenanceFor(ctx.plant).listAssets();
      const asset = assets.find((a) => a.equipmentId === equipmentId);
      return asset ? { ...asset } : undefined;
    },
  };

  const orderStatus: OrderStatusSources = {
    sap: (_ctx, orderNumber) =>
      absentWhenNotFound(async (): Promise<OrderStatusRecord['status'] | undefined> => {
        const { data } = await sources
          .sap()
          .client.get<Parameters<typeof orderStatusOf>[0]>(
            PRODUCTION_ORDER_SERVICE,
            `A_ProductionOrder_2(${odataString(orderNumber)})`,
          );
        return orderStatusOf(data);
      }),
    mes: async (ctx, orderNumber) =>
      (await sources.mesClientFor(ctx.plant).readOrderStatus(orderNumber))?.status,
  };

  const maintenance: MaintenancePort = maintenancePort(sources.maintenanceFor);
  return { orders, equipment, orderStatus, maintenance };
};

/** The API's connector ports, configured from `env`; each connector is built on its first call. */
export const bindApiConnectors = (env: Env = process.env) => {
  const sap = once(() => sapConnectionFromEnv(env));
  const mes = once(() => mesClients(env));
  const maintenance = once(() => maintenanceConnectorsFromEnv(env, sap));
  return apiConnectors({
    sap,
    mesClientFor: (plant) => mes()(plant),
    maintenanceFor: (plant) => maintenance()(plant),
  });
};
