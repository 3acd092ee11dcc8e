import type {
  SapMaintenanceOrder,
  SapMaintenanceOrderChanges,
  SapMaintenanceOrderInput,
  SapNotificationInput,
  SapOrderPhase,
  SapPmPort,
} from '../../maintenance/sap-pm';
import type { PlantMapping } from '../mapping';
import { type ODataClient, odataString } from '../odata/client';
import { odataPlantDateTime, shortReference } from '../odata/values';
import { asBusinessRule } from '../postings/common';
import { EQUIPMENT_SERVICE } from '../postings/equipment';
import { MAINTENANCE_ORDER_SERVICE, NOTIFICATION_SERVICE, odataInstant } from '../postings/maintenance';

/**
 * A reference that fits an SAP text field: kept as is when it fits (upper-cased, as SAP stores
 * these fields), otherwise `PS` + a hash of it. Both the write and the lookup go through here.
 */
export const fitReference = (reference: string, length: number): string =>
  reference.length <= length ? reference.toUpperCase() : shortReference(reference, length);

/** Where orders keep plantsync's reference: the free-defined attribute of the maintenance object (30). */
const ORDER_REFERENCE_FIELD = 'MaintObjectFreeDefinedAttrib';

/** SAP PM actions (function imports of API_MAINTENANCEORDER) and the status that shows each is done. */
const PHASE_ACTIONS: Readonly<Record<Exclude<SapOrderPhase, 'reopen'>, { action: string; status: string }>> =
  {
    release: { action: 'ReleaseMaintenanceOrder', status: 'REL' },
    hold: { action: 'SetMaintOrderStatusToLocked', status: 'LKD' },
    'technically-complete': { action: 'SetMaintOrdToTechCompleted', status: 'TECO' },
    cancel: { action: 'SetMaintOrdStsToMrkdForDeltn', status: 'DLFL' },
  };

const isoOrOdata = (value: string): string => (value.startsWith('/Date(') ? value : odataInstant(value));

/**
 * functions/maintenance's SapPmPort over the OData client, for one plant: idempotency lookups by
 * reference, creates, ETag-guarded updates, phase actions that are skipped when SAP already shows
 * the target status, and malfunction end in plant time.
 */
export class ODataSapPmAdapter implements SapPmPort {
  constructor(
    private readonly client: ODataClient,
    private readonly plant: PlantMapping,
  ) {}

  private rule(kind: 'equipment' | 'notification' | 'work-order', value: string) {
    return { owner: { system: 'sap' as const, role: 'maintenance planner' }, businessKey: { kind, value } };
  }

  async createMaintenanceNotification(
    input: SapNotificationInput,
  ): Promise<{ MaintenanceNotification: string }> {
    const body = {
      ...input,
      MaintNotifExtReferenceNumber: fitReference(input.MaintNotifExtReferenceNumber, 20),
    };
    const { data } = await asBusinessRule(
      () =>
        this.client.create<{ MaintenanceNotification: string }>(
          NOTIFICATION_SERVICE,
          'MaintenanceNotification',
          body,
        ),
      this.rule('equipment', input.TechnicalObject),
    );
    return { MaintenanceNotification: data.MaintenanceNotification };
  }

  async findMaintenanceNotificationByExtReference(
    reference: string,
  ): Promise<{ MaintenanceNotification: string } | undefined> {
    const [found] = await this.client.list<{ MaintenanceNotification: string }>(
      NOTIFICATION_SERVICE,
      'MaintenanceNotification',
      {
        $filter: `MaintNotifExtReferenceNumber eq ${odataString(fitReference(reference, 20))}`,
        $select: 'MaintenanceNotification',
        $top: 1,
      },
    );
    return found ? { MaintenanceNotification: found.MaintenanceNotification } : undefined;
  }

  async createMaintenanceOrder(input: SapMaintenanceOrderInput): Promise<{ MaintenanceOrder: string }> {
    const { externalReference, MaintOrdBasicStartDateTime, MaintOrdBasicEndDateTime, ...rest } = input;
    const body = {
      ...rest,
      ...(MaintOrdBasicStartDateTime
        ? { MaintOrdBasicStartDateTime: isoOrOdata(MaintOrdBasicStartDateTime) }
        : {}),
      ...(MaintOrdBasicEndDateTime ? { MaintOrdBasicEndDateTime: isoOrOdata(MaintOrdBasicEndDateTime) } : {}),
      [ORDER_REFERENCE_FIELD]: fitReference(externalReference, 30),
    };
    const { data } = await asBusinessRule(
      () =>
        this.client.create<{ MaintenanceOrder: string }>(MAINTENANCE_ORDER_SERVICE, 'MaintenanceOrder', body),
      this.rule('equipment', input.Equipment),
    );
    return { MaintenanceOrder: data.MaintenanceOrder };
  }

  async findMaintenanceOrderByReference(
    reference: string,
  ): Promise<{ MaintenanceOrder: string } | undefined> {
    const [found] = await this.client.list<{ MaintenanceOrder: string }>(
      MAINTENANCE_ORDER_SERVICE,
      'MaintenanceOrder',
      {
        $filter: `${ORDER_REFERENCE_FIELD} eq ${odataString(fitReference(reference, 30))}`,
        $select: 'MaintenanceOrder',
        $top: 1,
      },
    );
    return found ? { MaintenanceOrder: found.MaintenanceOrder } : undefined;
  }

  async updateMaintenanceOrder(order: string, changes: SapMaintenanceOrderChanges): Promise<void> {
    const { etag } = await this.client.get<SapMaintenanceOrder>(
      MAINTENANCE_ORDER_SERVICE,
      `MaintenanceOrder(${odataString(order)})`,
    );
    const body = {
      ...changes,
      ...(changes.MaintOrdBasicStartDateTime
        ? { MaintOrdBasicStartDateTime: isoOrOdata(changes.MaintOrdBasicStartDateTime) }
        : {}),
      ...(changes.MaintOrdBasicEndDateTime
        ? { MaintOrdBasicEndDateTime: isoOrOdata(changes.MaintOrdBasicEndDateTime) }
        : {}),
    };
    await asBusinessRule(
      () =>
        this.client.update(MAINTENANCE_ORDER_SERVICE, `MaintenanceOrder(${odataString(order)})`, body, etag),
      this.rule('work-order', order),
    );
  }

  async setMaintenanceOrderPhase(order: string, phase: SapOrderPhase): Promise<void> {
    const current = await this.getMaintenanceOrder(order);
    const statuses = (current.SystemStatusText ?? '').split(/\s+/).filter(Boolean);
    let action: string | undefined;
    if (phase === 'reopen') {
      action = statuses.includes('TECO')
        ? 'ResetMaintOrdStsTechCompleted'
        : statuses.includes('LKD')
          ? 'SetMaintOrderStatusToUnlocked'
          : undefined;
    } else if (!statuses.includes(PHASE_ACTIONS[phase].status)) {
      action = PHASE_ACTIONS[phase].action;
    }
    if (!action) return; // already there: phase changes are idempotent
    const name = action;
    await asBusinessRule(
      () =>
        this.client.callFunction(MAINTENANCE_ORDER_SERVICE, name, { MaintenanceOrder: odataString(order) }),
      this.rule('work-order', order),
    );
  }

  async getMaintenanceOrder(order: string): Promise<SapMaintenanceOrder> {
    const { data } = await this.client.get<SapMaintenanceOrder>(
      MAINTENANCE_ORDER_SERVICE,
      `MaintenanceOrder(${odataString(order)})`,
    );
    return data;
  }

  async setMalfunctionEnd(notification: string, endedAt: string): Promise<void> {
    const path = `MaintenanceNotification(${odataString(notification)})`;
    const { etag } = await this.client.get(NOTIFICATION_SERVICE, path);
    const end = odataPlantDateTime(endedAt, this.plant.timeZone);
    await asBusinessRule(
      () =>
        this.client.update(
          NOTIFICATION_SERVICE,
          path,
          { MalfunctionEndDate: end.date, MalfunctionEndTime: end.time },
          etag,
        ),
      this.rule('notification', notification),
    );
  }

  async listEquipment(): Promise<
    ReadonlyArray<{ readonly Equipment: string; readonly EquipmentName?: string }>
  > {
    const rows = await this.client.list<{ Equipment: string; EquipmentName?: string }>(
      EQUIPMENT_SERVICE,
      'Equipment',
      {
        $filter: `MaintenancePlant eq ${odataString(this.plant.maintenance?.planningPlant ?? this.plant.plant)}`,
        $select: 'Equipment,EquipmentName',
      },
    );
    // Time-dependent equipment comes once per validity period; one row per equipment is enough here.
    const seen = new Map<string, { Equipment: string; EquipmentName?: string }>();
    for (const row of rows)
      seen.set(row.Equipment, {
        Equipment: row.Equipment,
        ...(row.EquipmentName ? { EquipmentName: row.EquipmentName } : {}),
      });
    return [...seen.values()];
  }
}
