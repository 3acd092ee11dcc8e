import { DetailType, definitionOf, type EventData } from '../../../events';
import { IdocInvalidValueError, IdocMissingSegmentError } from '../errors';
import type { PlantMapping } from '../mapping';
import type { IdocContext, IdocOutcome } from './context';
import { children, field, requireChild, requireField, type Segment, stripLeadingZeros } from './segments';

/** SAP system status numbers (TJ02) → the short names users know. Unknown numbers are dropped with a warning. */
export const SYSTEM_STATUS: Readonly<Record<string, string>> = {
  I0001: 'CRTD',
  I0002: 'REL',
  I0042: 'PREL',
  I0007: 'PRT',
  I0009: 'CNF',
  I0010: 'PCNF',
  I0012: 'DLV',
  I0074: 'PDLV',
  I0013: 'DLT',
  I0016: 'PRC',
  I0043: 'LKD',
  I0045: 'TECO',
  I0046: 'CLSD',
  I0076: 'DLFL',
  I0340: 'MACM',
  I0420: 'MSPT',
};

/** Any of these makes the IDoc a cancellation: the order must not (or no longer) be executed. */
export const CANCELLING_STATUSES = ['DLFL', 'DLT', 'TECO', 'CLSD'] as const;
/** Execution has begun: a re-sent order is a change even if the sender did not say so. */
const PROGRESS_STATUSES = ['PCNF', 'CNF', 'PDLV', 'DLV'];
const RELEASED_STATUSES = ['REL', 'PREL'];

const CANCEL_REASON: Readonly<Record<string, string>> = {
  DLFL: 'deletion flag set in SAP (DLFL)',
  DLT: 'deleted in SAP (DLT)',
  TECO: 'technically completed in SAP (TECO)',
  CLSD: 'closed in SAP (CLSD)',
};

/** Message function 003 (delete), 004 (change); 005 (replace), 009 (original) and 018 (resend) are not changes. */
const MSGFN_DELETE = '003';
const MSGFN_CHANGE = '004';

const activeStatuses = (header: Segment, ctx: IdocContext): string[] => {
  const statuses: string[] = [];
  for (const status of children(header, 'E1JSTKL')) {
    if (field(status, 'INACT') === 'X') continue;
    const code = requireField(status, 'STAT', ctx.at('E1JSTKL'));
    if (code.startsWith('E')) continue; // user statuses (E0001…) are profile-specific; not carried
    const name = SYSTEM_STATUS[code] ?? (/^[A-Z]{3,4}$/.test(code) ? code : undefined);
    if (name === undefined) {
      ctx.warnings.push(`system status ${code} has no short name mapping and was dropped`);
      continue;
    }
    if (!statuses.includes(name)) statuses.push(name);
  }
  return statuses;
};

type Operation = EventData<'ProductionOrderReleased'>['operations'][number];
type Component = EventData<'ProductionOrderReleased'>['components'][number];

const operationNumber = (raw: string, segment: string, ctx: IdocContext): string => {
  if (!/^\d{1,4}$/.test(raw)) {
    throw new IdocInvalidValueError(
      `operation number "${raw}" in ${segment}/VORNR is not numeric`,
      ctx.at(segment, 'VORNR'),
    );
  }
  return raw.padStart(4, '0');
};

const component = (
  resb: Segment,
  operation: string | undefined,
  mapping: PlantMapping,
  ctx: IdocContext,
): Component | undefined => {
  if (field(resb, 'XLOEK') === 'X') return undefined; // reservation item deleted
  const vornr = field(resb, 'VORNR');
  const description = field(resb, 'MATXT') ?? field(resb, 'MAKTX');
  const reservationItem = field(resb, 'RSPOS');
  const storageLocation = field(resb, 'LGORT');
  const batch = field(resb, 'CHARG');
  const opNumber = vornr ? operationNumber(vornr, 'E1RESBL', ctx) : operation;
  return {
    ...(reservationItem ? { reservationItem: reservationItem.slice(-4).padStart(4, '0') } : {}),
    material: {
      number: stripLeadingZeros(requireField(resb, 'MATNR', ctx.at('E1RESBL'))),
      ...(description ? { description } : {}),
    },
    requiredQuantity: ctx.quantity(resb, 'BDMNG', 'MEINS', mapping),
    ...(opNumber ? { operationNumber: opNumber } : {}),
    ...(storageLocation ? { storageLocation } : {}),
    ...(batch ? { batch } : {}),
    backflush: field(resb, 'RGEKZ') === 'X',
  };
};

/**
 * Standard values VGW01..VGW03 with units VGE01..VGE03 carry setup, machine and labour time under the
 * usual standard value key (SAP1/ZPP1); plants using another key map it before sending.
 */
const operation = (sequence: string, vo: Segment, mapping: PlantMapping, ctx: IdocContext): Operation => {
  const controlKey = field(vo, 'STEUS');
  const plannedQuantity = ctx.optionalQuantity(vo, 'MGVRG', 'MEINH', mapping);
  const setupTime = ctx.optionalQuantity(vo, 'VGW01', 'VGE01', mapping);
  const machineTime = ctx.optionalQuantity(vo, 'VGW02', 'VGE02', mapping);
  const labourTime = ctx.optionalQuantity(vo, 'VGW03', 'VGE03', mapping);
  return {
    sequence,
    operationNumber: operationNumber(requireField(vo, 'VORNR', ctx.at('E1AFVOL')), 'E1AFVOL', ctx),
    description: field(vo, 'LTXA1') ?? '',
    workCenter: requireField(vo, 'ARBPL', ctx.at('E1AFVOL')),
    ...(controlKey ? { controlKey } : {}),
    ...(plannedQuantity ? { plannedQuantity } : {}),
    ...(setupTime ? { setupTime } : {}),
    ...(machineTime ? { machineTime } : {}),
    ...(labourTime ? { labourTime } : {}),
  };
};

/**
 * LOIPRO01 → ProductionOrderReleased / ProductionOrderChanged / ProductionOrderCancelled.
 *
 * Decision rule (docs/connectors/sap.md "Released, changed or cancelled"):
 * 1. Cancelled when an active system status is DLFL, DLT, TECO or CLSD, or the message function is 003.
 * 2. Otherwise skipped unless the order is released (REL or PREL): the MES only receives released orders.
 * 3. Changed when the message function is 004 or execution has begun (PCNF, CNF, PDLV, DLV).
 * 4. Otherwise Released. Consumers upsert by order number, so a Released for a known order is harmless.
 */
export const translateLoipro = (idoc: Segment, ctx: IdocContext): IdocOutcome => {
  const header = requireChild(idoc, 'E1AFKOL', ctx.at());
  const at = ctx.at('E1AFKOL');
  const plant = requireField(header, 'WERKS', at);
  const orderNumberRaw = requireField(header, 'AUFNR', at);
  const orderNumber = stripLeadingZeros(orderNumberRaw);
  if (!/^\d{1,12}$/.test(orderNumber)) {
    throw new IdocInvalidValueError(
      `order number "${orderNumberRaw}" in E1AFKOL/AUFNR is not numeric`,
      ctx.at('E1AFKOL', 'AUFNR'),
    );
  }
  const mapping = ctx.plantMapping(plant);
  if (!mapping) return { events: [], skipped: `plant ${plant} has no SAP mapping`, warnings: ctx.warnings };
  const orderType = requireField(header, 'AUART', at);
  if (mapping.orderTypes.length > 0 && !mapping.orderTypes.includes(orderType)) {
    return {
      events: [],
      skipped: `order type ${orderType} is not sent to the MES in plant ${plant}`,
      warnings: ctx.warnings,
    };
  }
  if (children(header, 'E1JSTKL').length === 0) {
    throw new IdocMissingSegmentError(
      'mandatory segment E1JSTKL (order status) is missing under E1AFKOL',
      ctx.at('E1JSTKL'),
    );
  }
  const systemStatus = activeStatuses(header, ctx);
  const messageFunction = ctx.control.messageFunction ?? field(header, 'MSGFN');

  const cancelling = CANCELLING_STATUSES.filter((s) => systemStatus.includes(s));
  if (cancelling.length > 0 || messageFunction === MSGFN_DELETE) {
    const reason =
      cancelling.length > 0
        ? cancelling.map((s) => CANCEL_REASON[s]).join('; ')
        : 'deleted in SAP (message function 003)';
    const data: EventData<'ProductionOrderCancelled'> = { orderNumber, reason, systemStatus };
    const dt = DetailType.ProductionOrderCancelled;
    return { events: [ctx.event(dt, definitionOf(dt).source, data, plant)], warnings: ctx.warnings };
  }
  if (!systemStatus.some((s) => RELEASED_STATUSES.includes(s))) {
    return {
      events: [],
      skipped: `order ${orderNumber} is not released (status ${systemStatus.join(' ') || 'none'}); the MES receives released orders only`,
      warnings: ctx.warnings,
    };
  }

  const sequences = children(header, 'E1AFFLL');
  const operations: Operation[] = [];
  const components: Component[] = [];
  for (const seq of sequences) {
    const sequence = stripLeadingZeros(requireField(seq, 'PLNFL', ctx.at('E1AFFLL')));
    for (const vo of children(seq, 'E1AFVOL')) {
      const op = operation(sequence, vo, mapping, ctx);
      operations.push(op);
      for (const resb of children(vo, 'E1RESBL')) {
        const c = component(resb, op.operationNumber, mapping, ctx);
        if (c) components.push(c);
      }
    }
  }
  if (operations.length === 0) {
    throw new IdocMissingSegmentError(
      'no operation: at least one E1AFFLL sequence with an E1AFVOL operation is mandatory',
      ctx.at(sequences.length === 0 ? 'E1AFFLL' : 'E1AFVOL'),
    );
  }
  for (const resb of children(header, 'E1RESBL')) {
    const c = component(resb, undefined, mapping, ctx);
    if (c) components.push(c);
  }

  const description = field(header, 'MATXT') ?? field(header, 'MAKTX');
  const productionVersion = field(header, 'VERID');
  const mrpController = field(header, 'DISPO');
  const hasScheduled = field(header, 'GSTRS') !== undefined && !/^0+$/.test(field(header, 'GSTRS') ?? '');
  const quantityField = field(header, 'BMENGE') !== undefined ? 'BMENGE' : 'GAMNG';
  const unitField = field(header, 'BMEINS') !== undefined ? 'BMEINS' : 'GMEIN';
  const order: EventData<'ProductionOrderReleased'> = {
    orderNumber,
    orderType,
    material: {
      number: stripLeadingZeros(requireField(header, 'MATNR', at)),
      ...(description ? { description } : {}),
    },
    plannedQuantity: ctx.quantity(header, quantityField, unitField, mapping),
    // Scheduled dates (GSTRS/GSUZS, GLTRS/GLUZS) when scheduling ran, basic dates otherwise.
    plannedStart: hasScheduled
      ? ctx.dateTime(header, 'GSTRS', 'GSUZS', mapping.timeZone)
      : ctx.dateTime(header, 'GSTRP', 'GSUZP', mapping.timeZone),
    plannedEnd: hasScheduled
      ? ctx.dateTime(header, 'GLTRS', 'GLUZS', mapping.timeZone)
      : ctx.dateTime(header, 'GLTRP', 'GLUZP', mapping.timeZone),
    ...(productionVersion ? { productionVersion } : {}),
    ...(mrpController ? { mrpController } : {}),
    systemStatus,
    operations,
    components,
  };
  const changed = messageFunction === MSGFN_CHANGE || systemStatus.some((s) => PROGRESS_STATUSES.includes(s));
  if (changed) {
    const dt = DetailType.ProductionOrderChanged;
    const data: EventData<'ProductionOrderChanged'> = { ...order, changedFields: [] };
    return { events: [ctx.event(dt, definitionOf(dt).source, data, plant)], warnings: ctx.warnings };
  }
  const dt = DetailType.ProductionOrderReleased;
  return { events: [ctx.event(dt, definitionOf(dt).source, order, plant)], warnings: ctx.warnings };
};
