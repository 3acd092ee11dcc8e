import type { EventData } from '../../../events';
import { BusinessRuleError } from '../../../shared/errors';
import type {
  CallContext,
  EquipmentRecord,
  OrderStatusRecord,
  SapOrderOperation,
  SapPort,
} from '../../workflows/ports';
import type { PlantMapping, SapMappings } from '../mapping';
import { type ODataClient, odataString } from '../odata/client';
import { SapNotFoundError } from '../odata/errors';
import { shortReference } from '../odata/values';
import { postProductionConfirmation } from '../postings/confirmation';
import { EQUIPMENT_SERVICE } from '../postings/equipment';
import { postGoodsMovement, postInventoryAdjustment } from '../postings/goods-movement';
import {
  createMaintenanceNotification,
  NOTIFICATION_SERVICE,
  updateMaintenanceNotification,
} from '../postings/maintenance';
import { PRODUCTION_ORDER_SERVICE } from '../postings/production-order';

interface OrderFlags {
  readonly ManufacturingOrder: string;
  readonly OrderIsReleased?: string;
  readonly OrderIsPartiallyConfirmed?: string;
  readonly OrderIsConfirmed?: string;
  readonly OrderIsDelivered?: string;
  readonly OrderIsTechnicallyCompleted?: string;
  readonly OrderIsClosed?: string;
  readonly OrderIsDeleted?: string;
  readonly OrderIsMarkedForDeletion?: string;
}

/** SAP order flags → the canonical status both SAP and MES map into; undefined for not-yet-released orders. */
export const orderStatusOf = (order: OrderFlags): OrderStatusRecord['status'] | undefined => {
  const x = (v: string | undefined) => v === 'X';
  if (x(order.OrderIsDeleted) || x(order.OrderIsMarkedForDeletion)) return 'cancelled';
  if (
    x(order.OrderIsTechnicallyCompleted) ||
    x(order.OrderIsClosed) ||
    x(order.OrderIsDelivered) ||
    x(order.OrderIsConfirmed)
  ) {
    return 'completed';
  }
  if (x(order.OrderIsPartiallyConfirmed)) return 'in-execution';
  if (x(order.OrderIsReleased)) return 'released';
  return undefined;
};

/**
 * The workflows' SapPort over the OData client and postings. Every write is exactly once through
 * its posting's deterministic SAP reference, so Step Functions retries are safe.
 */
export class ODataSapWorkflowAdapter implements SapPort {
  constructor(
    private readonly client: ODataClient,
    private readonly mappings: SapMappings,
  ) {}

  private plant(
    ctx: CallContext,
    businessKey: { kind: 'order' | 'equipment' | 'work-order' | 'adjustment'; value: string },
  ): PlantMapping {
    const mapping = this.mappings.plants.find((p) => p.plant === ctx.plant);
    if (!mapping) {
      throw new BusinessRuleError(
        `plant ${ctx.plant} has no SAP mapping; add it to the plant configuration`,
        {
          kind: 'mapping-missing',
          owner: { system: 'plantsync', role: 'integration engineer' },
          businessKey,
        },
      );
    }
    return mapping;
  }

  async findOrderOperation(
    _ctx: CallContext,
    orderNumber: string,
    operationNumber: string,
  ): Promise<SapOrderOperation | undefined> {
    const [operation] = await this.client.list<{
      ManufacturingOrder: string;
      ManufacturingOrderOperation: string;
    }>(PRODUCTION_ORDER_SERVICE, 'A_ProductionOrderOperation_2', {
      $filter: `ManufacturingOrder eq ${odataString(orderNumber)} and ManufacturingOrderOperation eq ${odataString(operationNumber)}`,
      $select: 'ManufacturingOrder,ManufacturingOrderOperation',
    });
    return operation
      ? { orderNumber: operation.ManufacturingOrder, operationNumber: operation.ManufacturingOrderOperation }
      : undefined;
  }

  async postConfirmation(
    ctx: CallContext,
    target: SapOrderOperation,
    confirmation: EventData<'ProductionConfirmed'>,
  ): Promise<{ sapDocument: string }> {
    const outcome = await postProductionConfirmation(this.client, {
      confirmation: {
        ...confirmation,
        orderNumber: target.orderNumber,
        operationNumber: target.operationNumber,
      },
      occurredAt: new Date().toISOString(),
      plant: this.plant(ctx, { kind: 'order', value: target.orderNumber }),
    });
    return { sapDocument: `${outcome.document.ConfirmationGroup}/${outcome.document.ConfirmationCount}` };
  }

  async postGoodsMovement(
    ctx: CallContext,
    movement: EventData<'MaterialMovementRecorded'>,
  ): Promise<{ materialDocument: string }> {
    const outcome = await postGoodsMovement(this.client, {
      movement,
      occurredAt: new Date().toISOString(),
      plant: this.plant(ctx, { kind: 'order', value: movement.orderNumber ?? movement.movementId }),
    });
    return {
      materialDocument: `${outcome.document.MaterialDocument}/${outcome.document.MaterialDocumentYear}`,
    };
  }

  async postInventoryAdjustment(
    ctx: CallContext,
    adjustment: EventData<'InventoryAdjustmentRequested'> & { readonly approvedBy: string },
  ): Promise<{ materialDocument: string }> {
    const { approvedBy, ...data } = adjustment;
    const outcome = await postInventoryAdjustment(this.client, {
      adjustment: data,
      approvedBy,
      occurredAt: new Date().toISOString(),
      plant: this.plant(ctx, { kind: 'adjustment', value: data.adjustmentId }),
    });
    return {
      materialDocument: `${outcome.document.MaterialDocument}/${outcome.document.MaterialDocumentYear}`,
    };
  }

  /**
   * Planned maintenance that takes an asset out of production becomes an SAP PM notification on the
   * equipment with the window as required start/end, so SAP capacity planning sees it.
   */
  async postOperationalImpact(
    ctx: CallContext,
    impact: {
      alertId: string;
      equipmentId: string;
      workOrderId: string;
      start: string;
      end: string;
      affectedOrder?: string;
    },
  ): Promise<{ sapDocument: string }> {
    const plant = this.plant(ctx, { kind: 'equipment', value: impact.equipmentId });
    if (!plant.maintenance) {
      throw new BusinessRuleError(
        `plant ${plant.plant} has no SAP PM settings to post an operational impact`,
        {
          kind: 'mapping-missing',
          owner: { system: 'plantsync', role: 'integration engineer' },
          businessKey: { kind: 'equipment', value: impact.equipmentId },
        },
      );
    }
    const outcome = await createMaintenanceNotification(this.client, {
      idempotencyKey: `sap-operational-impact:${plant.plant}:${impact.alertId}`,
      plant,
      equipmentId: impact.equipmentId,
      title: `Planned maintenance, work order ${impact.workOrderId}`,
      description:
        `Equipment ${impact.equipmentId} unavailable ${impact.start} – ${impact.end} (work order ${impact.workOrderId}, ` +
        `alert ${impact.alertId}${impact.affectedOrder ? `, affects production order ${impact.affectedOrder}` : ''})`,
      priority: 'high',
      breakdown: false,
      requiredStart: impact.start,
      requiredEnd: impact.end,
    });
    return { sapDocument: outcome.document.MaintenanceNotification };
  }

  /**
   * Labour, parts and cost of a completed work order, recorded on the SAP PM notification that
   * references it (created if none): a long-text summary. Cost settlement on a PM order needs
   * API_MAINTORDERCONFIRMATION, which this connector does not call yet.
   */
  async postMaintenanceCompletion(
    ctx: CallContext,
    completion: EventData<'WorkOrderCompleted'>,
  ): Promise<{ sapDocument: string }> {
    const plant = this.plant(ctx, { kind: 'work-order', value: completion.workOrderId });
    const labour = completion.labour
      .map((l) => `${l.technician ?? 'labour'} ${l.time.value} ${l.time.unit}`)
      .join(', ');
    const parts = completion.parts
      .map((p) => `${p.quantity.value} ${p.quantity.unit} ${p.partNumber}`)
      .join(', ');
    const summary =
      `Completed ${completion.completedAt} in ${completion.platform} (work order ${completion.workOrderId}). ` +
      `Labour: ${labour || 'none'}. Parts: ${parts || 'none'}. Total cost ${completion.totalCost.amount} ${completion.totalCost.currency}.`;
    const reference = shortReference(
      `sap-notification-ref:${plant.plant}:${completion.platform}:work-order:${completion.workOrderId}`,
      20,
    );
    const [existing] = await this.client.list<{ MaintenanceNotification: string }>(
      NOTIFICATION_SERVICE,
      'MaintenanceNotification',
      {
        $filter: `MaintNotifExtReferenceNumber eq ${odataString(reference)}`,
      },
    );
    if (existing) {
      await updateMaintenanceNotification(this.client, existing.MaintenanceNotification, {
        MaintNotifLongTextForEdit: summary.slice(0, 1333),
      });
      return { sapDocument: existing.MaintenanceNotification };
    }
    if (!plant.maintenance)
      throw new SapNotFoundError(`no SAP notification references work order ${completion.workOrderId}`);
    const created = await createMaintenanceNotification(this.client, {
      idempotencyKey: `sap-notification-ref:${plant.plant}:${completion.platform}:work-order:${completion.workOrderId}`,
      plant,
      equipmentId: completion.equipmentId,
      title: `Completed work order ${completion.workOrderId}`,
      description: summary,
      priority: 'low',
    });
    return { sapDocument: created.document.MaintenanceNotification };
  }

  async listEquipment(ctx: CallContext): Promise<readonly EquipmentRecord[]> {
    const plant = this.plant(ctx, { kind: 'equipment', value: ctx.plant });
    const rows = await this.client.list<{
      Equipment: string;
      EquipmentName?: string;
      WorkCenter?: string;
      FunctionalLocation?: string;
      EquipmentIsInactive?: boolean;
      EquipmentIsMarkedForDeletion?: boolean;
    }>(EQUIPMENT_SERVICE, 'Equipment', { $filter: `MaintenancePlant eq ${odataString(plant.plant)}` });
    const byId = new Map<string, EquipmentRecord>();
    for (const row of rows) {
      byId.set(row.Equipment, {
        equipmentId: row.Equipment,
        ...(row.EquipmentName ? { description: row.EquipmentName } : {}),
        ...(row.WorkCenter ? { workCenter: row.WorkCenter } : {}),
        ...(row.FunctionalLocation ? { functionalLocation: row.FunctionalLocation } : {}),
        inactive: Boolean(row.EquipmentIsInactive || row.EquipmentIsMarkedForDeletion),
      });
    }
    return [...byId.values()];
  }

  async listOrderStatuses(ctx: CallContext): Promise<readonly OrderStatusRecord[]> {
    const plant = this.plant(ctx, { kind: 'order', value: ctx.plant });
    const orders = await this.client.list<OrderFlags>(PRODUCTION_ORDER_SERVICE, 'A_ProductionOrder_2', {
      $filter: `ProductionPlant eq ${odataString(plant.plant)}`,
    });
    return orders.flatMap((order) => {
      const status = orderStatusOf(order);
      return status ? [{ orderNumber: order.ManufacturingOrder, status }] : [];
    });
  }
}
