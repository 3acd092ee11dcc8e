import type { EventData } from '../../../events';
import { PermanentError } from '../../../shared/errors';
import { type PlantMapping, plantMappingFor, type SapMappings } from '../mapping';
import type { ODataClient } from '../odata/client';
import { odataString } from '../odata/client';
import { SapNotFoundError } from '../odata/errors';
import { offsetMinutesAt, SapDateTimeError, sapDateTimeToIso } from '../time';
import { sapUnitToIso } from '../units';
import { PRODUCTION_ORDER_SERVICE } from './production-order';

type Released = EventData<'ProductionOrderReleased'>;
type Operation = Released['operations'][number];
type Component = Released['components'][number];
type Quantity = Released['plannedQuantity'];

type Flag = string | boolean | undefined;

interface Deferred {
  readonly __deferred: { readonly uri: string };
}
interface Expanded<T> {
  readonly results: T[];
}

/** The A_ProductionOrder_2 fields the reader uses (API_PRODUCTION_ORDER_2_SRV). */
export interface SapOrderHeader {
  readonly ManufacturingOrder: string;
  readonly ManufacturingOrderType: string;
  readonly ProductionPlant: string;
  readonly Material: string;
  readonly TotalQuantity: string | number;
  readonly ProductionUnit: string;
  readonly ProductionVersion?: string;
  readonly MRPController?: string;
  readonly MfgOrderPlannedStartDate?: string | null;
  readonly MfgOrderPlannedStartTime?: string | null;
  readonly MfgOrderPlannedEndDate?: string | null;
  readonly MfgOrderPlannedEndTime?: string | null;
  readonly MfgOrderScheduledStartDate?: string | null;
  readonly MfgOrderScheduledStartTime?: string | null;
  readonly MfgOrderScheduledEndDate?: string | null;
  readonly MfgOrderScheduledEndTime?: string | null;
  readonly OrderIsReleased?: Flag;
  readonly OrderIsPartiallyReleased?: Flag;
  readonly OrderIsDeleted?: Flag;
  readonly OrderIsMarkedForDeletion?: Flag;
  readonly OrderIsTechnicallyCompleted?: Flag;
  readonly OrderIsClosed?: Flag;
  readonly to_ProductionOrderOperation?: Expanded<SapOrderOperation> | Deferred;
  readonly to_ProductionOrderComponent?: Expanded<SapOrderComponent> | Deferred;
  readonly to_ProductionOrderStatus?: Expanded<SapOrderStatus> | Deferred;
}

export interface SapOrderOperation {
  readonly ManufacturingOrderSequence?: string;
  readonly ManufacturingOrderOperation: string;
  readonly MfgOrderOperationText?: string;
  readonly WorkCenter: string;
  readonly OperationControlProfile?: string;
  readonly OperationIsDeleted?: Flag;
  readonly OperationUnit?: string;
  readonly OpPlannedTotalQuantity?: string | number;
  readonly WorkCenterStandardWorkQtyUnit1?: string;
  readonly WorkCenterStandardWorkQty1?: string | number;
  readonly WorkCenterStandardWorkQtyUnit2?: string;
  readonly WorkCenterStandardWorkQty2?: string | number;
  readonly WorkCenterStandardWorkQtyUnit3?: string;
  readonly WorkCenterStandardWorkQty3?: string | number;
}

export interface SapOrderComponent {
  readonly ReservationItem?: string;
  readonly Material: string;
  readonly ManufacturingOrderOperation?: string;
  readonly StorageLocation?: string;
  readonly Batch?: string;
  readonly RequiredQuantity: string | number;
  readonly BaseUnit: string;
  readonly MatlCompIsMarkedForBackflush?: Flag;
  readonly MatlCompIsMarkedForDeletion?: Flag;
}

export interface SapOrderStatus {
  readonly StatusShortName: string;
  readonly IsUserStatus?: boolean;
  readonly StatusIsInactive?: Flag;
}

const EXPANSIONS = ['to_ProductionOrderOperation', 'to_ProductionOrderComponent', 'to_ProductionOrderStatus'];
const CANCELLING = ['DLFL', 'DLT', 'TECO', 'CLSD'];
const RELEASED = ['REL', 'PREL'];

const flag = (value: Flag): boolean => value === true || value === 'X';
const stripLeadingZeros = (value: string): string =>
  /^\d+$/.test(value) ? value.replace(/^0+(?=\d)/, '') : value;

/** Why an order SAP answered cannot be mapped: SAP data we cannot translate is a permanent refusal. */
const invalid = (orderNumber: string, reason: string): PermanentError =>
  new PermanentError(`SAP order ${orderNumber}: ${reason}`, { details: { orderNumber } });

/** Edm.Decimal (string or number) → canonical decimal string, as the IDoc path writes it. */
const decimal = (orderNumber: string, value: string | number | undefined, field: string): string => {
  const raw = String(value ?? '').trim();
  const match = /^(\d*)(?:\.(\d*))?$/.exec(raw);
  if (!raw || !match || (match[1] === '' && !match[2]))
    throw invalid(orderNumber, `${field} "${raw}" is not a non-negative decimal number`);
  const integer = (match[1] ?? '').replace(/^0+(?=\d)/, '') || '0';
  const fraction = match[2] ?? '';
  if (integer.length > 15 || fraction.length > 6)
    throw invalid(orderNumber, `${field} ${raw} exceeds 15 integer or 6 fraction digits`);
  return fraction ? `${integer}.${fraction}` : integer;
};

const unit = (orderNumber: string, raw: string, field: string, mapping: PlantMapping): Quantity['unit'] => {
  const iso = sapUnitToIso(raw, mapping.units);
  if (!iso)
    throw invalid(
      orderNumber,
      `unit "${raw}" in ${field} has no UN/ECE Rec 20 mapping; add it to plant ${mapping.plant}'s units`,
    );
  return iso;
};

const quantity = (
  orderNumber: string,
  value: string | number | undefined,
  rawUnit: string | undefined,
  field: string,
  mapping: PlantMapping,
): Quantity => {
  if (!rawUnit) throw invalid(orderNumber, `${field} has no unit`);
  return { value: decimal(orderNumber, value, field), unit: unit(orderNumber, rawUnit, field, mapping) };
};

/** Absent or zero (SAP's "not maintained") → undefined, as the IDoc path treats standard values. */
const optionalQuantity = (
  orderNumber: string,
  value: string | number | undefined,
  rawUnit: string | undefined,
  field: string,
  mapping: PlantMapping,
): Quantity | undefined => {
  if (value === undefined || value === null || String(value).trim() === '' || !rawUnit) return undefined;
  const q = quantity(orderNumber, value, rawUnit, field, mapping);
  return /^0(\.0*)?$/.test(q.value) ? undefined : q;
};

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/**
 * Edm.DateTime `/Date(ms)/` + Edm.Time `PThhHmmMssS` → ISO 8601 with the plant's offset, through the
 * same wall-clock rule as the IDoc path (sapDateTimeToIso). A date at UTC midnight is a calendar date
 * (SAP Gateway's convention); a date with a time part is taken as an instant and contributes its
 * calendar date in the plant's zone.
 */
export const odataDateTimeToIso = (
  date: string | null | undefined,
  time: string | null | undefined,
  timeZone: string,
): string | undefined => {
  const d = /^\/Date\((-?\d+)(?:[+-]\d{4})?\)\/$/.exec(date ?? '');
  if (!d) return undefined;
  const ms = Number(d[1]);
  if (ms <= Date.UTC(1, 0, 1)) return undefined; // initial date
  const calendar = new Date(ms % 86_400_000 === 0 ? ms : ms + offsetMinutesAt(ms, timeZone) * 60_000);
  const sapDate = `${pad(calendar.getUTCFullYear(), 4)}${pad(calendar.getUTCMonth() + 1)}${pad(calendar.getUTCDate())}`;
  const t = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:\.\d+)?S)?$/.exec(time ?? '');
  const sapTime = t
    ? `${pad(Number(t[1] ?? 0))}${pad(Number(t[2] ?? 0))}${pad(Number(t[3] ?? 0))}`
    : '000000';
  return sapDateTimeToIso(sapDate, sapTime, timeZone);
};

const dateTime = (order: SapOrderHeader, which: 'Start' | 'End', timeZone: string): string => {
  const scheduled = `MfgOrderScheduled${which}` as const;
  const planned = `MfgOrderPlanned${which}` as const;
  try {
    // Scheduled dates when scheduling ran, basic (planned) dates otherwise — as the IDoc path.
    const iso =
      odataDateTimeToIso(order[`${scheduled}Date`], order[`${scheduled}Time`], timeZone) ??
      odataDateTimeToIso(order[`${planned}Date`], order[`${planned}Time`], timeZone);
    if (!iso) throw invalid(order.ManufacturingOrder, `no ${which.toLowerCase()} date`);
    return iso;
  } catch (error) {
    if (error instanceof SapDateTimeError) throw invalid(order.ManufacturingOrder, error.message);
    throw error;
  }
};

const operationNumber = (orderNumber: string, raw: string, field: string): string => {
  const trimmed = raw.trim();
  if (!/^\d{1,4}$/.test(trimmed)) throw invalid(orderNumber, `${field} "${raw}" is not numeric`);
  return trimmed.padStart(4, '0');
};

const rows = <T>(nav: Expanded<T> | Deferred | undefined): T[] | undefined =>
  nav && 'results' in nav && Array.isArray(nav.results) ? nav.results : undefined;

/** Operations, components and statuses: from `$expand` when the service expanded them, else read apart. */
const children = async (client: ODataClient, header: SapOrderHeader) => {
  const filter = { $filter: `ManufacturingOrder eq ${odataString(header.ManufacturingOrder)}` };
  const [operations, components, statuses] = await Promise.all([
    rows(header.to_ProductionOrderOperation) ??
      client.list<SapOrderOperation>(PRODUCTION_ORDER_SERVICE, 'A_ProductionOrderOperation_2', filter),
    rows(header.to_ProductionOrderComponent) ??
      client.list<SapOrderComponent>(PRODUCTION_ORDER_SERVICE, 'A_ProductionOrderComponent_2', filter),
    rows(header.to_ProductionOrderStatus) ??
      client.list<SapOrderStatus>(PRODUCTION_ORDER_SERVICE, 'A_ProductionOrderStatus_2', filter),
  ]);
  return { operations, components, statuses };
};

/** Active system statuses (short names); the header flags stand in when the status set is empty. */
const systemStatusOf = (header: SapOrderHeader, statuses: readonly SapOrderStatus[]): string[] => {
  const names = statuses
    .filter((s) => !s.IsUserStatus && !flag(s.StatusIsInactive) && s.StatusShortName)
    .map((s) => s.StatusShortName.trim());
  if (names.length > 0) return [...new Set(names)];
  return [
    ...(flag(header.OrderIsReleased) ? ['REL'] : flag(header.OrderIsPartiallyReleased) ? ['PREL'] : []),
    ...(flag(header.OrderIsTechnicallyCompleted) ? ['TECO'] : []),
    ...(flag(header.OrderIsClosed) ? ['CLSD'] : []),
    ...(flag(header.OrderIsMarkedForDeletion) ? ['DLFL'] : []),
    ...(flag(header.OrderIsDeleted) ? ['DLT'] : []),
  ];
};

/** Maps an order SAP answered (header, operations, components, statuses) onto ProductionOrderReleased. */
export const toReleasedOrder = (
  header: SapOrderHeader,
  operations: readonly SapOrderOperation[],
  components: readonly SapOrderComponent[],
  systemStatus: readonly string[],
  mapping: PlantMapping,
): Released => {
  const n = stripLeadingZeros(header.ManufacturingOrder);
  const ops: Operation[] = operations
    .filter((op) => !flag(op.OperationIsDeleted))
    .map((op) => {
      const plannedQuantity = optionalQuantity(
        n,
        op.OpPlannedTotalQuantity,
        op.OperationUnit,
        'OpPlannedTotalQuantity',
        mapping,
      );
      const setupTime = optionalQuantity(
        n,
        op.WorkCenterStandardWorkQty1,
        op.WorkCenterStandardWorkQtyUnit1,
        'WorkCenterStandardWorkQty1',
        mapping,
      );
      const machineTime = optionalQuantity(
        n,
        op.WorkCenterStandardWorkQty2,
        op.WorkCenterStandardWorkQtyUnit2,
        'WorkCenterStandardWorkQty2',
        mapping,
      );
      const labourTime = optionalQuantity(
        n,
        op.WorkCenterStandardWorkQty3,
        op.WorkCenterStandardWorkQtyUnit3,
        'WorkCenterStandardWorkQty3',
        mapping,
      );
      if (!op.WorkCenter) throw invalid(n, `operation ${op.ManufacturingOrderOperation} has no WorkCenter`);
      return {
        sequence: stripLeadingZeros(op.ManufacturingOrderSequence?.trim() || '0'),
        operationNumber: operationNumber(n, op.ManufacturingOrderOperation, 'ManufacturingOrderOperation'),
        description: op.MfgOrderOperationText ?? '',
        workCenter: op.WorkCenter,
        ...(op.OperationControlProfile ? { controlKey: op.OperationControlProfile } : {}),
        ...(plannedQuantity ? { plannedQuantity } : {}),
        ...(setupTime ? { setupTime } : {}),
        ...(machineTime ? { machineTime } : {}),
        ...(labourTime ? { labourTime } : {}),
      };
    })
    .sort(
      (a, b) => a.sequence.localeCompare(b.sequence) || a.operationNumber.localeCompare(b.operationNumber),
    );
  if (ops.length === 0) throw invalid(n, 'has no operation');
  const comps: Component[] = components
    .filter((c) => !flag(c.MatlCompIsMarkedForDeletion))
    .map((c) => ({
      ...(c.ReservationItem ? { reservationItem: c.ReservationItem.slice(-4).padStart(4, '0') } : {}),
      material: { number: stripLeadingZeros(c.Material) },
      requiredQuantity: quantity(n, c.RequiredQuantity, c.BaseUnit, 'RequiredQuantity', mapping),
      ...(c.ManufacturingOrderOperation?.trim()
        ? {
            operationNumber: operationNumber(n, c.ManufacturingOrderOperation, 'component operation'),
          }
        : {}),
      ...(c.StorageLocation ? { storageLocation: c.StorageLocation } : {}),
      ...(c.Batch ? { batch: c.Batch } : {}),
      backflush: flag(c.MatlCompIsMarkedForBackflush),
    }));
  return {
    orderNumber: n,
    orderType: header.ManufacturingOrderType,
    material: { number: stripLeadingZeros(header.Material) },
    plannedQuantity: quantity(n, header.TotalQuantity, header.ProductionUnit, 'TotalQuantity', mapping),
    plannedStart: dateTime(header, 'Start', mapping.timeZone),
    plannedEnd: dateTime(header, 'End', mapping.timeZone),
    ...(header.ProductionVersion ? { productionVersion: header.ProductionVersion } : {}),
    ...(header.MRPController ? { mrpController: header.MRPController } : {}),
    systemStatus: [...systemStatus],
    operations: ops,
    components: comps,
  };
};

/**
 * The released production order as SAP holds it now (API_PRODUCTION_ORDER_2_SRV), assembled as the
 * LOIPRO IDoc path would send it: one read of A_ProductionOrder_2 with `$expand` of its operations,
 * components and statuses (separate reads when the service leaves them deferred).
 *
 * Undefined when SAP has no such order, the order belongs to another plant (or one without a SAP
 * mapping), its order type is not sent to the MES, or it is not released for execution (not REL/PREL,
 * or cancelled: DLFL, DLT, TECO, CLSD) — the same orders the IDoc path would not release.
 * Material descriptions are left out: the OData service carries none (the IDoc path sends them).
 */
export const readReleasedOrder = async (
  client: ODataClient,
  mappings: SapMappings,
  plant: string,
  orderNumber: string,
): Promise<Released | undefined> => {
  const mapping = plantMappingFor(mappings, plant);
  if (!mapping) return undefined;
  let header: SapOrderHeader;
  try {
    ({ data: header } = await client.get<SapOrderHeader>(
      PRODUCTION_ORDER_SERVICE,
      `A_ProductionOrder_2(${odataString(orderNumber)})`,
      { $expand: EXPANSIONS.join(',') },
    ));
  } catch (error) {
    if (error instanceof SapNotFoundError) return undefined;
    throw error;
  }
  if (header.ProductionPlant !== plant) return undefined;
  if (mapping.orderTypes.length > 0 && !mapping.orderTypes.includes(header.ManufacturingOrderType))
    return undefined;
  const { operations, components, statuses } = await children(client, header);
  const systemStatus = systemStatusOf(header, statuses);
  if (systemStatus.some((s) => CANCELLING.includes(s))) return undefined;
  if (flag(header.OrderIsDeleted) || flag(header.OrderIsMarkedForDeletion)) return undefined;
  if (!systemStatus.some((s) => RELEASED.includes(s))) return undefined;
  return toReleasedOrder(header, operations, components, systemStatus, mapping);
};
