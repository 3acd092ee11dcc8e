import * as z from 'zod';
import { PermanentError, ValidationError } from '../../../shared/errors';
import type { MaintainxPlantConfig } from '../config';
import type { RestTransport } from '../http';
import type {
  AssetRecord,
  CreateNotificationCommand,
  CreateResult,
  CreateWorkOrderCommand,
  MaintenanceConnector,
  NotificationUpdate,
  UpdateWorkOrderCommand,
  WorkOrderState,
} from '../model';
import {
  fromMaintainxPriority,
  fromMaintainxStatus,
  toMaintainxPriority,
  toMaintainxStatus,
} from './mapping';

/** Key of plantsync's reference inside MaintainX `externalData` (an object the API stores as given). */
export const EXTERNAL_DATA_KEY = 'plantsyncReference';

/** Pages of the title-filtered list read before a create (200 per page). */
const MAX_LOOKUP_PAGES = 5;

const IdResponse = z.object({ id: z.number() });

export const MaintainxWorkOrder = z.looseObject({
  id: z.number(),
  title: z.string().nullish(),
  status: z.string(),
  priority: z.string().nullish(),
  assetId: z.number().nullish(),
  externalData: z.unknown().optional(),
  extraFields: z.record(z.string(), z.string()).nullish(),
});
export type MaintainxWorkOrder = z.infer<typeof MaintainxWorkOrder>;

const WorkOrderList = z.object({
  workOrders: z.array(MaintainxWorkOrder),
  nextCursor: z.string().nullish(),
});

const MaintainxWorkRequest = z.looseObject({
  id: z.number(),
  title: z.string().nullish(),
  extraFields: z.record(z.string(), z.string()).nullish(),
});
const AssetList = z.object({
  assets: z.array(
    z.looseObject({
      id: z.number(),
      name: z.string().nullish(),
      extraFields: z.record(z.string(), z.string()).nullish(),
    }),
  ),
  nextCursor: z.string().nullish(),
});

/** Pages of GET /assets read for reconciliation (200 per page). */
const MAX_ASSET_PAGES = 50;

const WorkRequestList = z.object({
  workRequests: z.array(MaintainxWorkRequest),
  nextCursor: z.string().nullish(),
});

export const MaintainxCostRow = z.object({
  type: z.enum(['EXPENSE', 'PART', 'TIME']).nullish(),
  costPerUnit: z.number().nullish(),
  description: z.string().nullish(),
  quantity: z.number().nullish(),
  rowTotal: z.number().nullish(),
  durationTotal: z.number().nullish(),
  userId: z.number().nullish(),
  partId: z.number().nullish(),
});
export const MaintainxCosts = z.object({
  total: z.number().nullish(),
  rows: z.array(MaintainxCostRow).default([]),
});
export type MaintainxCosts = z.infer<typeof MaintainxCosts>;

/**
 * The MaintainX REST API (https://api.getmaintainx.com/v1, `Authorization: Bearer <token>`), modeled on
 * its public OpenAPI description: work requests stand for notifications, work orders for work orders.
 *
 * Idempotent creates: MaintainX has no idempotency key, and its list endpoints cannot filter on
 * `externalData`. Each create therefore writes plantsync's reference into `externalData` (work orders)
 * and the configured custom field `referenceField` (work orders and requests), and before creating it
 * lists the records with the same title (`?title=`) and returns the one carrying the reference. A retry
 * after a lost response thus finds the first create instead of making a second one.
 */
export class MaintainxClient implements MaintenanceConnector {
  readonly platform = 'maintainx' as const;

  constructor(
    private readonly transport: RestTransport,
    private readonly config: Pick<MaintainxPlantConfig, 'referenceField' | 'equipmentField' | 'assets'>,
  ) {}

  async createNotification(command: CreateNotificationCommand): Promise<CreateResult> {
    const existing = await this.findWorkRequest(command.title, command.externalReference);
    if (existing !== undefined) return { id: existing, created: false };
    const response = await this.transport.request({
      method: 'POST',
      path: '/workrequests',
      body: {
        title: command.title,
        priority: toMaintainxPriority[command.priority],
        assetId: this.assetIdOf(command.equipmentId) ?? null,
        extraFields: this.extraFields(command.externalReference, command.equipmentId),
      },
    });
    return { id: String(parse(IdResponse, response.json, 'POST /workrequests').id), created: true };
  }

  async createWorkOrder(command: CreateWorkOrderCommand): Promise<CreateResult> {
    const existing = await this.findWorkOrder(command.title, command.externalReference);
    if (existing) return { id: String(existing.id), created: false };
    const response = await this.transport.request({
      method: 'POST',
      path: '/workorders',
      body: {
        title: command.title,
        description: command.description ?? null,
        priority: toMaintainxPriority[command.priority],
        assetId: this.assetIdOf(command.equipmentId) ?? null,
        // MaintainX only accepts startDate together with dueDate.
        ...(command.plannedEnd
          ? { dueDate: command.plannedEnd, startDate: command.plannedStart ?? null }
          : {}),
        ...(command.notificationId && /^\d+$/.test(command.notificationId)
          ? { workRequestId: Number(command.notificationId) }
          : {}),
        externalData: { [EXTERNAL_DATA_KEY]: command.externalReference },
        extraFields: this.extraFields(command.externalReference, command.equipmentId),
      },
    });
    return { id: String(parse(IdResponse, response.json, 'POST /workorders').id), created: true };
  }

  async updateWorkOrder(command: UpdateWorkOrderCommand): Promise<void> {
    const id = numericId(command.workOrderId);
    const patch: Record<string, unknown> = {};
    if (command.title !== undefined) patch.title = command.title;
    if (command.description !== undefined) patch.description = command.description;
    if (command.priority !== undefined) patch.priority = toMaintainxPriority[command.priority];
    if (command.plannedStart !== undefined) patch.startDate = command.plannedStart;
    if (command.plannedEnd !== undefined) patch.dueDate = command.plannedEnd;
    if (Object.keys(patch).length > 0) {
      await this.transport.request({ method: 'PATCH', path: `/workorders/${id}`, body: patch });
    }
    if (command.status !== undefined) {
      await this.transport.request({
        method: 'PATCH',
        path: `/workorders/${id}/status`,
        body: { status: toMaintainxStatus[command.status] },
      });
    }
  }

  async getWorkOrder(workOrderId: string): Promise<WorkOrderState> {
    const response = await this.transport.request({
      method: 'GET',
      path: `/workorders/${numericId(workOrderId)}`,
    });
    const { workOrder } = parse(
      z.object({ workOrder: MaintainxWorkOrder }),
      response.json,
      'GET /workorders/{id}',
    );
    const status = fromMaintainxStatus(workOrder.status);
    if (!status)
      throw new PermanentError(`MaintainX work order ${workOrderId} has unknown status ${workOrder.status}`);
    const equipmentId = this.equipmentOf(workOrder);
    const externalReference = this.referenceOf(workOrder);
    return {
      id: String(workOrder.id),
      status,
      platformStatus: workOrder.status,
      ...(equipmentId ? { equipmentId } : {}),
      ...(workOrder.title ? { title: workOrder.title } : {}),
      ...(externalReference ? { externalReference } : {}),
    };
  }

  /**
   * Work requests have no downtime fields: the end is appended to the description once
   * (GET, then PATCH only if the line is not there yet, so a retry changes nothing).
   */
  async updateNotification(notificationId: string, update: NotificationUpdate): Promise<void> {
    const id = numericId(notificationId);
    const response = await this.transport.request({ method: 'GET', path: `/workrequests/${id}` });
    const { workRequest } = parse(
      z.object({ workRequest: z.looseObject({ description: z.string().nullish() }) }),
      response.json,
      'GET /workrequests/{id}',
    );
    const line = `Downtime ended ${update.downtimeEndedAt}${
      update.durationSeconds ? ` after ${update.durationSeconds} s` : ''
    } (plantsync)`;
    const description = workRequest.description ?? '';
    if (description.includes(line)) return;
    await this.transport.request({
      method: 'PATCH',
      path: `/workrequests/${id}`,
      body: { description: description ? `${description}\n${line}` : line },
    });
  }

  /** GET /assets (cursor pages): the assets that map to SAP equipment; unmapped assets are left out. */
  async listAssets(): Promise<AssetRecord[]> {
    const records: AssetRecord[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_ASSET_PAGES; page++) {
      const response = await this.transport.request({
        method: 'GET',
        path: '/assets',
        query: { limit: '200', cursor, expand: 'extra_fields' },
      });
      const list = parse(AssetList, response.json, 'GET /assets');
      for (const asset of list.assets) {
        const equipmentId = equipmentFromMaintainx(this.config, asset.extraFields ?? undefined, asset.id);
        if (equipmentId) records.push({ equipmentId, ...(asset.name ? { description: asset.name } : {}) });
      }
      if (!list.nextCursor) return records;
      cursor = list.nextCursor;
    }
    throw new PermanentError(`GET /assets has more than ${MAX_ASSET_PAGES} pages; raise MAX_ASSET_PAGES`);
  }

  /** GET /workorders/{id}/costs: labour (TIME), parts (PART) and expenses, in cents. */
  async getWorkOrderCosts(workOrderId: string): Promise<MaintainxCosts> {
    const response = await this.transport.request({
      method: 'GET',
      path: `/workorders/${numericId(workOrderId)}/costs`,
    });
    return parse(z.object({ costs: MaintainxCosts }), response.json, 'GET /workorders/{id}/costs').costs;
  }

  /** Also exposed for reconciliation: priority mapped back to canonical. */
  static priorityOf(workOrder: MaintainxWorkOrder) {
    return fromMaintainxPriority(workOrder.priority);
  }

  private async findWorkOrder(title: string, reference: string): Promise<MaintainxWorkOrder | undefined> {
    let cursor: string | undefined;
    for (let page = 0; page < MAX_LOOKUP_PAGES; page++) {
      const response = await this.transport.request({
        method: 'GET',
        path: '/workorders',
        query: { title, limit: '200', cursor, expand: 'extra_fields' },
      });
      const list = parse(WorkOrderList, response.json, 'GET /workorders');
      const match = list.workOrders.find((wo) => this.referenceOf(wo) === reference);
      if (match) return match;
      if (!list.nextCursor) return undefined;
      cursor = list.nextCursor;
    }
    return undefined;
  }

  private async findWorkRequest(title: string, reference: string): Promise<string | undefined> {
    let cursor: string | undefined;
    for (let page = 0; page < MAX_LOOKUP_PAGES; page++) {
      const response = await this.transport.request({
        method: 'GET',
        path: '/workrequests',
        query: { title, limit: '200', cursor },
      });
      const list = parse(WorkRequestList, response.json, 'GET /workrequests');
      const match = list.workRequests.find(
        (wr) => wr.extraFields?.[this.config.referenceField] === reference,
      );
      if (match) return String(match.id);
      if (!list.nextCursor) return undefined;
      cursor = list.nextCursor;
    }
    return undefined;
  }

  private referenceOf(workOrder: MaintainxWorkOrder): string | undefined {
    const data = workOrder.externalData;
    if (data && typeof data === 'object' && EXTERNAL_DATA_KEY in data) {
      const value = (data as Record<string, unknown>)[EXTERNAL_DATA_KEY];
      if (typeof value === 'string') return value;
    }
    return workOrder.extraFields?.[this.config.referenceField] ?? undefined;
  }

  private equipmentOf(workOrder: MaintainxWorkOrder): string | undefined {
    return equipmentFromMaintainx(
      this.config,
      workOrder.extraFields ?? undefined,
      workOrder.assetId ?? undefined,
    );
  }

  private assetIdOf(equipmentId: string): number | undefined {
    return this.config.assets[equipmentId];
  }

  private extraFields(reference: string, equipmentId: string): Record<string, string> {
    return {
      [this.config.referenceField]: reference,
      ...(this.config.equipmentField ? { [this.config.equipmentField]: equipmentId } : {}),
    };
  }
}

/** SAP equipment of a MaintainX record: the equipment custom field, else the reverse asset map. */
export const equipmentFromMaintainx = (
  config: Pick<MaintainxPlantConfig, 'equipmentField' | 'assets'>,
  extraFields: Readonly<Record<string, string>> | undefined,
  assetId: number | undefined,
): string | undefined => {
  const field = config.equipmentField ? extraFields?.[config.equipmentField] : undefined;
  if (field) return field;
  if (assetId === undefined) return undefined;
  return Object.entries(config.assets).find(([, id]) => id === assetId)?.[0];
};

const numericId = (id: string): number => {
  if (!/^\d+$/.test(id)) throw new ValidationError(`MaintainX ids are integers; got "${id.slice(0, 40)}"`);
  return Number(id);
};

const parse = <S extends z.ZodType>(schema: S, json: unknown, what: string): z.infer<S> => {
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new PermanentError(
      `${what} answered an unexpected shape: ${z.prettifyError(parsed.error).slice(0, 500)}`,
    );
  }
  return parsed.data;
};
