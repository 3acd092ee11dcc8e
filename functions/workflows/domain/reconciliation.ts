/**
 * Cross-system comparison for scheduled reconciliation. Pure: lists in, drifts and variance out.
 */
import type { EquipmentRecord, OrderStatusRecord } from '../ports';

type SystemName = 'sap' | 'mes' | 'maintenance';

export interface Drift {
  readonly key: string;
  readonly differences: { field: string; values: Partial<Record<SystemName, string | null>> }[];
}

export interface ReconciliationResult {
  readonly compared: number;
  readonly drifts: Drift[];
  /** Share of compared records that drift, as a decimal string 0..1 with 3 fractional digits. */
  readonly variance: string;
  /** Systems that cannot list (e.g. a B2MML MES): left out of the comparison, never counted as drift. */
  readonly notComparable?: SystemName[];
}

/**
 * `details.unsupported` of the error a connector throws when its system has no list query at all
 * (functions/mes MesClient for the b2mml profile): the system is not comparable, which is not drift.
 */
export const LIST_UNSUPPORTED = 'list-query';

export const isNotComparable = (error: unknown): boolean =>
  (error as { details?: { unsupported?: unknown } } | undefined)?.details?.unsupported === LIST_UNSUPPORTED;

/** The list, or undefined when its system cannot list (any other failure is rethrown). */
export const orNotComparable = async <T>(list: Promise<T>): Promise<T | undefined> => {
  try {
    return await list;
  } catch (error) {
    if (isNotComparable(error)) return undefined;
    throw error;
  }
};

const notComparableOf = (sources: Partial<Record<SystemName, unknown>>): { notComparable?: SystemName[] } => {
  const absent = (Object.keys(sources) as SystemName[]).filter((s) => sources[s] === undefined);
  return absent.length > 0 ? { notComparable: absent } : {};
};

const variance = (drifted: number, compared: number): string =>
  compared === 0 ? '0.000' : (drifted / compared).toFixed(3);

const EQUIPMENT_FIELDS = ['description', 'workCenter', 'functionalLocation', 'inactive'] as const;

/**
 * SAP is the master; MES and maintenance are compared with it (and a record missing anywhere drifts).
 * A source given as undefined (see orNotComparable) is left out and reported as not comparable.
 */
export const reconcileEquipment = (
  sources: Partial<Record<SystemName, readonly EquipmentRecord[] | undefined>>,
): ReconciliationResult => {
  const systems = (Object.keys(sources) as SystemName[]).filter((s) => sources[s] !== undefined);
  const byId = new Map<string, Partial<Record<SystemName, EquipmentRecord>>>();
  for (const system of systems)
    for (const record of sources[system] ?? [])
      byId.set(record.equipmentId, { ...byId.get(record.equipmentId), [system]: record });
  const drifts: Drift[] = [];
  for (const [key, records] of [...byId.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const differences: Drift['differences'] = [];
    const missing = systems.filter((s) => !records[s]);
    if (missing.length > 0)
      differences.push({
        field: 'exists',
        values: Object.fromEntries(systems.map((s) => [s, records[s] ? 'yes' : 'no'])),
      });
    for (const field of EQUIPMENT_FIELDS) {
      const present = systems.filter((s) => records[s]?.[field] !== undefined);
      const values = new Set(present.map((s) => String(records[s]?.[field])));
      if (values.size > 1)
        differences.push({
          field,
          values: Object.fromEntries(present.map((s) => [s, String(records[s]?.[field])])),
        });
    }
    if (differences.length > 0) drifts.push({ key, differences });
  }
  return {
    compared: byId.size,
    drifts,
    variance: variance(drifts.length, byId.size),
    ...notComparableOf(sources),
  };
};

/** SAP vs MES; when either side cannot list (undefined) nothing is compared and that side is reported. */
export const reconcileOrderStatus = (
  sap: readonly OrderStatusRecord[] | undefined,
  mes: readonly OrderStatusRecord[] | undefined,
): ReconciliationResult => {
  if (sap === undefined || mes === undefined)
    return { compared: 0, drifts: [], variance: variance(0, 0), ...notComparableOf({ sap, mes }) };
  const mesByOrder = new Map(mes.map((o) => [o.orderNumber, o.status]));
  const sapByOrder = new Map(sap.map((o) => [o.orderNumber, o.status]));
  const keys = [...new Set([...sapByOrder.keys(), ...mesByOrder.keys()])].sort();
  const drifts: Drift[] = keys
    .filter((k) => sapByOrder.get(k) !== mesByOrder.get(k))
    .map((k) => ({
      key: k,
      differences: [
        { field: 'status', values: { sap: sapByOrder.get(k) ?? null, mes: mesByOrder.get(k) ?? null } },
      ],
    }));
  return { compared: keys.length, drifts, variance: variance(drifts.length, keys.length) };
};
