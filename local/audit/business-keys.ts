/**
 * Business keys of a canonical event: the SAP order, MES job, work order, equipment, maintenance
 * notification, downtime and alert it concerns, so a trace can start from what people know.
 * Works on any canonical detail ({ metadata, data }) or bare data, by the catalogue's field names, so
 * a new event type that uses the same names is covered without a change here.
 */
import type { BusinessKey, BusinessKeyKind } from './hop';

/** Catalogue field name → key kind (see events/types/*.ts). */
const FIELD_KINDS: Readonly<Record<string, BusinessKeyKind>> = {
  orderNumber: 'order',
  mesJobId: 'mes-job',
  workOrderId: 'work-order',
  equipmentId: 'equipment',
  equipmentNumber: 'equipment',
  notificationId: 'notification',
  downtimeId: 'downtime',
  alertId: 'alert',
};

/** SyncException / reconciliation `businessKey.kind` → key kind; kinds without a trace key are skipped. */
const EXCEPTION_KINDS: Readonly<Record<string, BusinessKeyKind>> = {
  order: 'order',
  equipment: 'equipment',
  'work-order': 'work-order',
  notification: 'notification',
  downtime: 'downtime',
  alert: 'alert',
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const businessKeysOf = (detail: unknown): BusinessKey[] => {
  if (!isRecord(detail)) return [];
  const data = isRecord(detail.data) && isRecord(detail.metadata) ? detail.data : detail;
  const keys = new Map<string, BusinessKey>();
  const add = (kind: BusinessKeyKind | undefined, value: unknown) => {
    if (!kind || typeof value !== 'string' || value.length === 0) return;
    keys.set(`${kind}:${value}`, { kind, value });
  };
  for (const [field, value] of Object.entries(data)) add(FIELD_KINDS[field], value);
  // Context carried alongside the main object, e.g. the order running when a notification was raised.
  if (isRecord(data.context))
    for (const [field, value] of Object.entries(data.context)) add(FIELD_KINDS[field], value);
  if (isRecord(data.businessKey)) add(EXCEPTION_KINDS[String(data.businessKey.kind)], data.businessKey.value);
  return [...keys.values()];
};

/** `kind:value` as used in indexes and on the command line, e.g. `order:1000123`. */
export const keyString = (key: BusinessKey): string => `${key.kind}:${key.value}`;
