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
}

const variance = (drifted: number, compared: number): string =>
  compared === 0 ? '0.000' : (drifted / compared).toFixed(3);

const EQUIPMENT_FIELDS = ['description', 'workCenter', 'functionalLocation', 'inactive'] as const;

/** SAP is the master; MES and maintenance are compared with it (and a record missing anywhere drifts). */
export const reconcileEquipment = (
  sources: Partial<Record<SystemName, readonly EquipmentRecord[]>>,
): ReconciliationResult => {
  const systems = Object.keys(sources) as SystemName[];
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
  return { compared: byId.size, drifts, variance: variance(drifts.length, byId.size) };
};

export const reconcileOrderStatus = (
  sap: readonly OrderStatusRecord[],
  mes: readonly OrderStatusRecord[],
): ReconciliationResult => {
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
