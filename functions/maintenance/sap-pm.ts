import { PermanentError } from '../../shared/errors';
import type { SapPmPlantConfig } from './config';
import type {
  AssetRecord,
  CreateNotificationCommand,
  CreateResult,
  CreateWorkOrderCommand,
  MaintenanceConnector,
  NotificationUpdate,
  Priority,
  UpdateWorkOrderCommand,
  WorkOrderState,
  WorkOrderStatus,
} from './model';

/**
 * What the SAP connector (functions/sap/) offers for SAP PM, in the OData property names of
 * API_MAINTNOTIFICATION (A_MaintenanceNotification) and API_MAINTENANCEORDER (MaintenanceOrder).
 * The SAP connector implements this (CSRF token, $batch, error mapping to the shared typed errors);
 * the maintenance egress only calls it.
 */
export interface SapPmPort {
  /** POST MaintenanceNotification; returns the created key. */
  createMaintenanceNotification(input: SapNotificationInput): Promise<{ MaintenanceNotification: string }>;
  /** GET MaintenanceNotification?$filter=MaintNotifExtReferenceNumber eq '<ref>' (idempotency lookup). */
  findMaintenanceNotificationByExtReference(
    reference: string,
  ): Promise<{ MaintenanceNotification: string } | undefined>;
  /** POST MaintenanceOrder; returns the created key. */
  createMaintenanceOrder(input: SapMaintenanceOrderInput): Promise<{ MaintenanceOrder: string }>;
  /**
   * Finds the order created for a reference. SAP orders have no external reference field, so the SAP
   * connector keeps the reference in a field of its choice (e.g. MaintObjectFreeDefinedAttrib, or the
   * notification's MaintNotifExtReferenceNumber when the order was created from one).
   */
  findMaintenanceOrderByReference(reference: string): Promise<{ MaintenanceOrder: string } | undefined>;
  /** PATCH MaintenanceOrder('<id>') with the given properties. */
  updateMaintenanceOrder(order: string, changes: SapMaintenanceOrderChanges): Promise<void>;
  /** Sets or completes the order (e.g. the TECO / release / cancellation actions of the SAP API). */
  setMaintenanceOrderPhase(order: string, phase: SapOrderPhase): Promise<void>;
  getMaintenanceOrder(order: string): Promise<SapMaintenanceOrder>;
  /** PATCH MaintenanceNotification('<n>'): MalfunctionEndDate/MalfunctionEndTime from the ISO timestamp. */
  setMalfunctionEnd(notification: string, endedAt: string): Promise<void>;
  /** The plant's equipment (API_EQUIPMENT), for reconciliation: in SAP PM the assets are SAP equipment. */
  listEquipment(): Promise<ReadonlyArray<{ readonly Equipment: string; readonly EquipmentName?: string }>>;
}

export interface SapNotificationInput {
  readonly NotificationType: string;
  readonly NotificationText: string;
  readonly MaintNotifLongTextForEdit?: string;
  readonly TechnicalObject: string;
  readonly TechObjIsEquipOrFuncnlLoc: 'EAMS_EQUI';
  readonly MaintPriority: string;
  readonly MaintenancePlanningPlant: string;
  readonly MaintNotifExtReferenceNumber: string;
  readonly MaintenanceObjectIsDown?: boolean;
}

export interface SapMaintenanceOrderInput {
  readonly MaintenanceOrderType: string;
  readonly MaintenanceOrderDesc: string;
  readonly Equipment: string;
  readonly MaintenancePlanningPlant: string;
  readonly MaintPriority: string;
  readonly MaintenanceNotification?: string;
  readonly MaintOrdBasicStartDateTime?: string;
  readonly MaintOrdBasicEndDateTime?: string;
  /** plantsync's reference, stored where findMaintenanceOrderByReference looks for it. */
  readonly externalReference: string;
}

export type SapMaintenanceOrderChanges = Partial<
  Pick<
    SapMaintenanceOrderInput,
    'MaintenanceOrderDesc' | 'MaintPriority' | 'MaintOrdBasicStartDateTime' | 'MaintOrdBasicEndDateTime'
  >
>;

/** The phases plantsync drives; the SAP connector maps them to the API's actions. */
export type SapOrderPhase = 'release' | 'hold' | 'technically-complete' | 'cancel' | 'reopen';

export interface SapMaintenanceOrder {
  readonly MaintenanceOrder: string;
  readonly MaintenanceOrderDesc?: string;
  readonly Equipment?: string;
  /** MaintOrdProcessPhaseCode, the EAM process phase (used when no system status is given). */
  readonly MaintOrdProcessPhaseCode?: string;
  /** System status text, e.g. "REL  MANC" or "TECO". */
  readonly SystemStatusText?: string;
}

/** SAP priority (PRIOK, standard type PM): 1 very high, 2 high, 3 medium, 4 low. */
export const toSapPriority: Readonly<Record<Priority, string>> = {
  urgent: '1',
  high: '2',
  medium: '3',
  low: '4',
};

const toSapPhase: Readonly<Record<WorkOrderStatus, SapOrderPhase>> = {
  open: 'reopen',
  'in-progress': 'release',
  'on-hold': 'hold',
  done: 'technically-complete',
  cancelled: 'cancel',
};

/**
 * SAP order state → canonical. The system status is authoritative when present (TECO/CLSD done,
 * DLFL cancelled, REL in progress, CRTD open); otherwise the process phase code.
 */
export const fromSapOrderStatus = (order: SapMaintenanceOrder): WorkOrderStatus => {
  const statuses = (order.SystemStatusText ?? '').split(/\s+/);
  if (statuses.includes('DLFL') || statuses.includes('CNCL')) return 'cancelled';
  if (statuses.includes('TECO') || statuses.includes('CLSD')) return 'done';
  if (statuses.includes('REL')) return 'in-progress';
  if (statuses.includes('CRTD')) return 'open';
  switch (order.MaintOrdProcessPhaseCode) {
    case '02':
      return 'in-progress';
    case '03':
      return 'on-hold';
    case '04':
    case '05':
      return 'done';
    case '06':
      return 'cancelled';
    default:
      return 'open';
  }
};

/** SAP PM as a maintenance platform, through any object satisfying SapPmPort. */
export class SapPmConnector implements MaintenanceConnector {
  readonly platform = 'sap-pm' as const;

  constructor(
    private readonly sap: SapPmPort,
    private readonly config: Pick<SapPmPlantConfig, 'notificationType' | 'orderType' | 'planningPlant'>,
  ) {}

  async createNotification(command: CreateNotificationCommand): Promise<CreateResult> {
    const existing = await this.sap.findMaintenanceNotificationByExtReference(command.externalReference);
    if (existing) return { id: existing.MaintenanceNotification, created: false };
    const created = await this.sap.createMaintenanceNotification({
      NotificationType: this.config.notificationType,
      NotificationText: command.title.slice(0, 40),
      ...(command.description ? { MaintNotifLongTextForEdit: command.description } : {}),
      TechnicalObject: command.equipmentId,
      TechObjIsEquipOrFuncnlLoc: 'EAMS_EQUI',
      MaintPriority: toSapPriority[command.priority],
      MaintenancePlanningPlant: this.config.planningPlant,
      MaintNotifExtReferenceNumber: command.externalReference,
      ...(command.downtimeId ? { MaintenanceObjectIsDown: true } : {}),
    });
    return { id: created.MaintenanceNotification, created: true };
  }

  async createWorkOrder(command: CreateWorkOrderCommand): Promise<CreateResult> {
    const existing = await this.sap.findMaintenanceOrderByReference(command.externalReference);
    if (existing) return { id: existing.MaintenanceOrder, created: false };
    const created = await this.sap.createMaintenanceOrder({
      MaintenanceOrderType: this.config.orderType,
      MaintenanceOrderDesc: command.title.slice(0, 40),
      Equipment: command.equipmentId,
      MaintenancePlanningPlant: this.config.planningPlant,
      MaintPriority: toSapPriority[command.priority],
      ...(command.notificationId ? { MaintenanceNotification: command.notificationId } : {}),
      ...(command.plannedStart ? { MaintOrdBasicStartDateTime: command.plannedStart } : {}),
      ...(command.plannedEnd ? { MaintOrdBasicEndDateTime: command.plannedEnd } : {}),
      externalReference: command.externalReference,
    });
    return { id: created.MaintenanceOrder, created: true };
  }

  async updateWorkOrder(command: UpdateWorkOrderCommand): Promise<void> {
    const changes: SapMaintenanceOrderChanges = {
      ...(command.title !== undefined ? { MaintenanceOrderDesc: command.title.slice(0, 40) } : {}),
      ...(command.priority !== undefined ? { MaintPriority: toSapPriority[command.priority] } : {}),
      ...(command.plannedStart !== undefined ? { MaintOrdBasicStartDateTime: command.plannedStart } : {}),
      ...(command.plannedEnd !== undefined ? { MaintOrdBasicEndDateTime: command.plannedEnd } : {}),
    };
    if (Object.keys(changes).length > 0) await this.sap.updateMaintenanceOrder(command.workOrderId, changes);
    if (command.status !== undefined) {
      await this.sap.setMaintenanceOrderPhase(command.workOrderId, toSapPhase[command.status]);
    }
  }

  async updateNotification(notificationId: string, update: NotificationUpdate): Promise<void> {
    await this.sap.setMalfunctionEnd(notificationId, update.downtimeEndedAt);
  }

  async listAssets(): Promise<AssetRecord[]> {
    return (await this.sap.listEquipment()).map((e) => ({
      equipmentId: e.Equipment,
      ...(e.EquipmentName ? { description: e.EquipmentName } : {}),
    }));
  }

  async getWorkOrder(workOrderId: string): Promise<WorkOrderState> {
    const order = await this.sap.getMaintenanceOrder(workOrderId);
    if (!order?.MaintenanceOrder)
      throw new PermanentError(`SAP returned no maintenance order ${workOrderId}`);
    return {
      id: order.MaintenanceOrder,
      status: fromSapOrderStatus(order),
      platformStatus: order.SystemStatusText ?? order.MaintOrdProcessPhaseCode ?? '',
      ...(order.Equipment ? { equipmentId: order.Equipment } : {}),
      ...(order.MaintenanceOrderDesc ? { title: order.MaintenanceOrderDesc } : {}),
    };
  }
}
