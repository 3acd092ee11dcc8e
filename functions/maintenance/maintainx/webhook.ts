import * as z from 'zod';
import { definitionOf, type EventData, type EventDefinition } from '../../../events';
import { ValidationError } from '../../../shared/errors';
import type { MaintainxPlantConfig } from '../config';
import { workOrderCreatedKey } from '../keys';
import type { MaintainxCosts } from './client';
import { equipmentFromMaintainx, MaintainxCosts as MaintainxCostsSchema } from './client';
import {
  centsToDecimal,
  fromMaintainxPriority,
  fromMaintainxStatus,
  numberToDecimal,
  secondsToHours,
} from './mapping';

/** The 46 webhook types of MaintainX's `x-webhooks` (the subscription `type`). */
export const MAINTAINX_WEBHOOK_TYPES = [
  'API_TOKEN_CREATED',
  'API_TOKEN_REVOKED',
  'ASSET_STATUS_CHANGE',
  'CONNECTOR_TOKEN_REVOKED',
  'DATA_EXPORT_INITIATED',
  'INVITE_LINK_ARCHIVED',
  'INVITE_LINK_CREATED',
  'INVITE_LINK_UPDATED',
  'METER_TRIGGER_STATE_CHANGE',
  'NEW_ASSET',
  'NEW_CATEGORY_ON_WORK_ORDER',
  'NEW_COMMENT_ON_WORK_ORDER',
  'NEW_LOCATION',
  'NEW_PART',
  'NEW_PURCHASE_ORDER',
  'NEW_SLASH_COMMAND',
  'NEW_VENDOR',
  'NEW_WORK_ORDER',
  'NEW_WORK_REQUEST',
  'PART_CHANGE',
  'PART_DELETE',
  'PART_QUANTITY_CHANGE',
  'PART_TRANSFER',
  'PURCHASE_ORDER_CHANGE',
  'PURCHASE_ORDER_STATUS_CHANGE',
  'ROLE_ARCHIVED',
  'ROLE_CREATED',
  'ROLE_UPDATED',
  'SSO_CONFIG_CHANGED',
  'USER_ACTIVATED',
  'USER_INVITED',
  'USER_LOGIN_FAILURE',
  'USER_LOGIN_SUCCESS',
  'USER_LOGOUT',
  'USER_PERMISSIONS_CHANGED',
  'USER_REMOVED',
  'USER_ROLE_CHANGED',
  'USER_SESSION_REVOKED',
  'WEBHOOK_ARCHIVED',
  'WEBHOOK_CREATED',
  'WORK_ORDER_CHANGE',
  'WORK_ORDER_DELETE',
  'WORK_ORDER_OVERDUE',
  'WORK_ORDER_PART_STATUS_CHANGE',
  'WORK_ORDER_STATUS_CHANGE',
  'WORK_REQUEST_STATUS_CHANGE',
] as const;
export const MaintainxWebhookType = z.enum(MAINTAINX_WEBHOOK_TYPES);
export type MaintainxWebhookType = z.infer<typeof MaintainxWebhookType>;

const has = (o: Record<string, unknown>, ...keys: string[]) => keys.every((k) => k in o);

/**
 * MaintainX payloads carry no event-type field: each subscription has one `type` and its own URL.
 * plantsync registers `/webhooks/maintainx/{plant}?event=<TYPE>`, so the query names the type; without
 * it the type is inferred from the payload's shape (NEW_WORK_ORDER and WORK_ORDER_CHANGE look alike,
 * a change is recognised by its assignee/team diffs or costs).
 */
export const inferWebhookType = (payload: Record<string, unknown>): MaintainxWebhookType | undefined => {
  if ('workOrderId' in payload) {
    if (has(payload, 'oldStatus', 'newStatus')) return 'WORK_ORDER_STATUS_CHANGE';
    if (has(payload, 'oldPartStatus', 'newPartStatus')) return 'WORK_ORDER_PART_STATUS_CHANGE';
    if ('WorkOrder' in payload) return 'WORK_ORDER_DELETE';
    if ('newCategories' in payload) return 'NEW_CATEGORY_ON_WORK_ORDER';
    if ('comment' in payload) return 'NEW_COMMENT_ON_WORK_ORDER';
    const wo = payload.newWorkOrder as Record<string, unknown> | undefined;
    if (
      ['addedAssigneeIds', 'removedAssigneeIds', 'addedTeamIds', 'removedTeamIds'].some(
        (k) => k in payload,
      ) ||
      (wo && 'costs' in wo)
    ) {
      return 'WORK_ORDER_CHANGE';
    }
    if ('newWorkOrder' in payload) return 'NEW_WORK_ORDER';
    if ('dueDate' in payload) return 'WORK_ORDER_OVERDUE';
    return 'NEW_WORK_ORDER';
  }
  if ('workRequestId' in payload) return 'NEW_WORK_REQUEST';
  if ('requestId' in payload && has(payload, 'oldStatus', 'newStatus')) return 'WORK_REQUEST_STATUS_CHANGE';
  if ('assetId' in payload && has(payload, 'oldStatus', 'newStatus')) return 'ASSET_STATUS_CHANGE';
  return undefined;
};

const Timestamp = z.iso.datetime({ offset: true });

const WebhookPart = z.looseObject({
  id: z.number(),
  quantityUsed: z.number().nullish(),
  unitCost: z.number().nullish(),
});

const WebhookWorkOrder = z.looseObject({
  assetId: z.number().nullish(),
  title: z.string().nullish(),
  description: z.string().nullish(),
  priority: z.string().nullish(),
  startDate: Timestamp.nullish(),
  dueDate: Timestamp.nullish(),
  extraFields: z.record(z.string(), z.string()).nullish(),
  parts: z.array(WebhookPart).nullish(),
  costs: MaintainxCostsSchema.nullish(),
});

const WorkOrderBase = z.looseObject({
  workOrderId: z.number().int(),
  orgId: z.number().int(),
  occurredAt: Timestamp,
  newWorkOrder: WebhookWorkOrder.nullish(),
});

const StatusEnum = z.enum(['OPEN', 'IN_PROGRESS', 'ON_HOLD', 'DONE']);
const SubStatusEnum = z.enum(['CANCELED', 'SKIPPED']);

export const NewWorkOrderPayload = WorkOrderBase;
export const WorkOrderStatusChangePayload = WorkOrderBase.extend({
  oldStatus: StatusEnum,
  oldSubStatus: SubStatusEnum.nullish(),
  newStatus: StatusEnum,
  newSubStatus: SubStatusEnum.nullish(),
  userId: z.number().nullish(),
});

/** What the mapping needs from the plant's MaintainX configuration. */
export type WebhookMappingConfig = Pick<
  MaintainxPlantConfig,
  'currency' | 'referenceField' | 'equipmentField' | 'assets' | 'partUnit'
>;

type MappedType = 'WorkOrderCreated' | 'WorkOrderStatusChanged' | 'WorkOrderCompleted';

interface MappedEventOf<T extends MappedType> {
  readonly detailType: T;
  readonly data: EventData<T>;
  readonly plant: string;
  readonly occurredAt: string;
  readonly idempotencyKey: string;
  readonly sourceRef: { readonly system: 'maintenance'; readonly kind: string; readonly id: string };
}

/** A canonical event ready for the publisher (its data already validated against the catalogue). */
export type MappedEvent = { [K in MappedType]: MappedEventOf<K> }[MappedType];

export interface WebhookMapping {
  readonly type: MaintainxWebhookType;
  readonly events: MappedEvent[];
  /** Why nothing (or less) was emitted: an event type plantsync does not translate, an unmapped asset... */
  readonly notes: string[];
}

export interface MapWebhookInput {
  readonly payload: unknown;
  readonly plant: string;
  readonly config: WebhookMappingConfig;
  /** From the subscription URL (`?event=`); inferred from the payload when absent. */
  readonly type?: string;
  /** Work-order costs fetched from GET /workorders/{id}/costs, used for completion when the payload has none. */
  readonly costs?: MaintainxCosts;
  /** Preview only (CLI): use the MaintainX asset id when the asset is not mapped to SAP equipment. */
  readonly unmappedAssetAsEquipment?: boolean;
}

/** Whether a payload needs its costs fetched before mapping (a completion without costs in it). */
export const needsCosts = (payload: unknown, type?: string): boolean => {
  if (!payload || typeof payload !== 'object') return false;
  const p = payload as Record<string, unknown>;
  const resolved = type ?? inferWebhookType(p);
  if (resolved !== 'WORK_ORDER_STATUS_CHANGE' || p.newStatus !== 'DONE') return false;
  if (p.newSubStatus === 'CANCELED' || p.newSubStatus === 'SKIPPED') return false;
  const wo = p.newWorkOrder as Record<string, unknown> | undefined;
  return !wo?.costs;
};

/**
 * MaintainX work-order webhooks → canonical events. NEW_WORK_ORDER → WorkOrderCreated;
 * WORK_ORDER_STATUS_CHANGE → WorkOrderStatusChanged, plus WorkOrderCompleted when the new status is DONE
 * (not cancelled/skipped). Every other type is acknowledged and ignored, with a note. Throws
 * ValidationError when the payload does not match the vendor's schema.
 */
export const mapMaintainxWebhook = (input: MapWebhookInput): WebhookMapping => {
  if (!input.payload || typeof input.payload !== 'object' || Array.isArray(input.payload)) {
    throw new ValidationError('a MaintainX webhook body is a JSON object');
  }
  const payload = input.payload as Record<string, unknown>;
  const typeParse = MaintainxWebhookType.safeParse(input.type ?? inferWebhookType(payload));
  if (!typeParse.success) {
    throw new ValidationError(`unknown MaintainX webhook type ${JSON.stringify(input.type ?? null)}`);
  }
  const type = typeParse.data;
  switch (type) {
    case 'NEW_WORK_ORDER':
      return mapNewWorkOrder(type, validate(NewWorkOrderPayload, payload, type), input);
    case 'WORK_ORDER_STATUS_CHANGE':
      return mapStatusChange(type, validate(WorkOrderStatusChangePayload, payload, type), input);
    default:
      return { type, events: [], notes: [`${type} has no canonical event; acknowledged and ignored`] };
  }
};

const validate = <S extends z.ZodType>(schema: S, payload: unknown, type: string): z.infer<S> => {
  const parsed = schema.safeParse(payload);
  if (!parsed.success) {
    throw new ValidationError(`invalid ${type} payload: ${z.prettifyError(parsed.error).slice(0, 800)}`);
  }
  return parsed.data;
};

const keyPrefix = (plant: string, workOrderId: number) => `maintenance:maintainx:${plant}:wo:${workOrderId}`;

const event = <T extends MappedType>(
  detailType: T,
  data: EventData<T>,
  base: { plant: string; occurredAt: string; idempotencyKey: string; type: string; workOrderId: number },
): MappedEventOf<T> => {
  const definition = definitionOf(detailType) as unknown as EventDefinition;
  const parsed = definition.data.safeParse(data);
  if (!parsed.success) {
    throw new ValidationError(
      `MaintainX ${base.type} maps to an invalid ${detailType}: ${z.prettifyError(parsed.error).slice(0, 800)}`,
    );
  }
  return {
    detailType,
    data: parsed.data as EventData<T>,
    plant: base.plant,
    occurredAt: base.occurredAt,
    idempotencyKey: base.idempotencyKey,
    sourceRef: {
      system: 'maintenance',
      kind: `maintainx-webhook:${base.type}`,
      id: `${base.workOrderId}@${base.occurredAt}`,
    },
  };
};

const equipmentOf = (
  input: MapWebhookInput,
  wo: z.infer<typeof WebhookWorkOrder> | null | undefined,
): string | undefined => {
  const resolved = equipmentFromMaintainx(
    input.config,
    wo?.extraFields ?? undefined,
    wo?.assetId ?? undefined,
  );
  if (resolved) return resolved;
  if (input.unmappedAssetAsEquipment && typeof wo?.assetId === 'number') return String(wo.assetId);
  return undefined;
};

const referenceOf = (input: MapWebhookInput, wo: z.infer<typeof WebhookWorkOrder> | null | undefined) =>
  wo?.extraFields?.[input.config.referenceField] || undefined;

const mapNewWorkOrder = (
  type: MaintainxWebhookType,
  p: z.infer<typeof NewWorkOrderPayload>,
  input: MapWebhookInput,
): WebhookMapping => {
  const wo = p.newWorkOrder;
  const equipmentId = equipmentOf(input, wo);
  if (!equipmentId) {
    return {
      type,
      events: [],
      notes: [`work order ${p.workOrderId}: asset not mapped to SAP equipment; no WorkOrderCreated`],
    };
  }
  const externalReference = referenceOf(input, wo);
  const data: EventData<'WorkOrderCreated'> = {
    workOrderId: String(p.workOrderId),
    ...(externalReference ? { externalReference } : {}),
    platform: 'maintainx',
    equipmentId,
    title: (wo?.title || `MaintainX work order ${p.workOrderId}`).slice(0, 200),
    priority: fromMaintainxPriority(wo?.priority),
    // A work order plantsync asked for carries its reference; anything else was raised in the tool.
    origin: externalReference ? 'api' : 'platform',
    ...(wo?.startDate ? { plannedStart: wo.startDate } : {}),
    ...(wo?.dueDate ? { plannedEnd: wo.dueDate } : {}),
  };
  return {
    type,
    events: [
      event('WorkOrderCreated', data, {
        plant: input.plant,
        occurredAt: p.occurredAt,
        idempotencyKey: workOrderCreatedKey('maintainx', input.plant, String(p.workOrderId)),
        type,
        workOrderId: p.workOrderId,
      }),
    ],
    notes: [],
  };
};

const mapStatusChange = (
  type: MaintainxWebhookType,
  p: z.infer<typeof WorkOrderStatusChangePayload>,
  input: MapWebhookInput,
): WebhookMapping => {
  const status = fromMaintainxStatus(p.newStatus, p.newSubStatus);
  const previousStatus = fromMaintainxStatus(p.oldStatus, p.oldSubStatus);
  if (!status) throw new ValidationError(`unknown MaintainX status ${p.newStatus}`);
  const wo = p.newWorkOrder;
  const equipmentId = equipmentOf(input, wo);
  const base = { plant: input.plant, occurredAt: p.occurredAt, type, workOrderId: p.workOrderId };
  const events: MappedEvent[] = [
    event(
      'WorkOrderStatusChanged',
      {
        workOrderId: String(p.workOrderId),
        platform: 'maintainx',
        ...(equipmentId ? { equipmentId } : {}),
        status,
        ...(previousStatus ? { previousStatus } : {}),
      },
      {
        ...base,
        idempotencyKey: `${keyPrefix(input.plant, p.workOrderId)}:status:${status}:${p.occurredAt}`,
      },
    ),
  ];
  const notes: string[] = [];
  if (status === 'done') {
    if (!equipmentId) {
      notes.push(`work order ${p.workOrderId}: asset not mapped to SAP equipment; no WorkOrderCompleted`);
    } else {
      const externalReference = referenceOf(input, wo);
      const costs = input.costs ?? wo?.costs ?? costsFromParts(wo?.parts ?? []);
      events.push(
        event(
          'WorkOrderCompleted',
          {
            workOrderId: String(p.workOrderId),
            ...(externalReference ? { externalReference } : {}),
            platform: 'maintainx',
            equipmentId,
            completedAt: p.occurredAt,
            ...costBreakdown(costs, input.config),
            equipmentAvailable: true,
          },
          { ...base, idempotencyKey: `${keyPrefix(input.plant, p.workOrderId)}:completed:${p.occurredAt}` },
        ),
      );
    }
  }
  return { type, events, notes };
};

/** Parts on the webhook's work order as cost rows (when neither the payload nor the API gave costs). */
const costsFromParts = (parts: ReadonlyArray<z.infer<typeof WebhookPart>>): MaintainxCosts => {
  const rows = parts.map((part) => ({
    type: 'PART' as const,
    partId: part.id,
    quantity: part.quantityUsed ?? 0,
    costPerUnit: part.unitCost ?? null,
    rowTotal: (part.unitCost ?? 0) * (part.quantityUsed ?? 0),
  }));
  return { total: rows.reduce((sum, r) => sum + r.rowTotal, 0), rows };
};

/** MaintainX cost rows (cents, seconds) → canonical labour (HUR), parts and total cost (decimal strings). */
export const costBreakdown = (
  costs: MaintainxCosts,
  config: Pick<WebhookMappingConfig, 'currency' | 'partUnit'>,
): Pick<EventData<'WorkOrderCompleted'>, 'labour' | 'parts' | 'totalCost'> => {
  const money = (cents: number) => ({ amount: centsToDecimal(cents), currency: config.currency });
  const labour = costs.rows
    .filter((row) => row.type === 'TIME')
    .map((row) => ({
      ...(row.userId != null ? { technician: `maintainx-user-${row.userId}` } : {}),
      time: {
        value:
          row.durationTotal != null
            ? secondsToHours(row.durationTotal)
            : numberToDecimal(Math.abs(row.quantity ?? 0)),
        unit: 'HUR' as const,
      },
      ...(row.rowTotal != null ? { cost: money(row.rowTotal) } : {}),
    }));
  const parts = costs.rows
    .filter((row) => row.type === 'PART')
    .map((row) => ({
      partNumber: row.partId != null ? String(row.partId) : 'unknown',
      ...(row.description ? { description: row.description.slice(0, 200) } : {}),
      quantity: { value: numberToDecimal(row.quantity ?? 0), unit: config.partUnit },
      ...(row.costPerUnit != null ? { unitCost: money(row.costPerUnit) } : {}),
    }));
  const total = costs.total ?? costs.rows.reduce((sum, row) => sum + (row.rowTotal ?? 0), 0);
  return { labour, parts, totalCost: money(total) };
};
