import type { ODataClient } from '../odata/client';
import { odataString } from '../odata/client';

export const PRODUCTION_ORDER_SERVICE = 'API_PRODUCTION_ORDER_2_SRV';

interface SapProductionOrder {
  readonly ManufacturingOrder: string;
  readonly ManufacturingOrderType: string;
  readonly ProductionPlant: string;
  readonly Material: string;
  readonly TotalQuantity: string;
  readonly ProductionUnit: string;
  readonly MfgOrderConfirmedYieldQty?: string;
  readonly OrderIsReleased?: string;
  readonly OrderIsTechnicallyCompleted?: string;
  readonly OrderIsMarkedForDeletion?: string;
  readonly OrderIsClosed?: string;
}

interface SapOrderStatus {
  readonly StatusShortName: string;
  readonly IsUserStatus?: boolean;
}

export interface ProductionOrderState {
  readonly orderNumber: string;
  readonly orderType: string;
  readonly plant: string;
  readonly material: string;
  readonly totalQuantity: string;
  /** SAP unit as returned (convert with sapUnitToIso where needed). */
  readonly unit: string;
  readonly confirmedYield: string;
  readonly systemStatus: readonly string[];
  readonly released: boolean;
  readonly closedForExecution: boolean;
}

/** Reads a production order and its system statuses (API_PRODUCTION_ORDER_2_SRV) for status checks and reconciliation. */
export const readProductionOrder = async (
  client: ODataClient,
  orderNumber: string,
): Promise<ProductionOrderState> => {
  const { data } = await client.get<SapProductionOrder>(
    PRODUCTION_ORDER_SERVICE,
    `A_ProductionOrder_2(${odataString(orderNumber)})`,
  );
  const statuses = await client.list<SapOrderStatus>(PRODUCTION_ORDER_SERVICE, 'A_ProductionOrderStatus_2', {
    $filter: `ManufacturingOrder eq ${odataString(orderNumber)}`,
  });
  const flag = (v: string | undefined) => v === 'X';
  return {
    orderNumber: data.ManufacturingOrder,
    orderType: data.ManufacturingOrderType,
    plant: data.ProductionPlant,
    material: data.Material,
    totalQuantity: String(data.TotalQuantity),
    unit: data.ProductionUnit,
    confirmedYield: String(data.MfgOrderConfirmedYieldQty ?? '0'),
    systemStatus: statuses.filter((s) => !s.IsUserStatus).map((s) => s.StatusShortName),
    released: flag(data.OrderIsReleased),
    closedForExecution:
      flag(data.OrderIsTechnicallyCompleted) ||
      flag(data.OrderIsMarkedForDeletion) ||
      flag(data.OrderIsClosed),
  };
};
