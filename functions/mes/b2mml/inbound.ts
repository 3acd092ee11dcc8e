import type { Quantity } from '../../../events/primitives';
import { ValidationError } from '../../../shared/errors';
import { addDecimals, multiplyDecimal, normalizeDecimal } from '../decimal';
import {
  canonical,
  checkPlant,
  checkTimestamp,
  type MesDetailType,
  type MesFact,
  operationNumber,
  orderNumber,
} from '../facts';
import { SECONDS_PER, toRec20 } from '../units';
import { type B2mmlDocument, child, children, parseB2mml, text, type XmlNode } from './document';

/** Verbs whose noun carries performance facts; Get/Cancel/Acknowledge carry none. */
const VERBS = ['', 'Sync', 'Process', 'Show', 'Notify', 'Change', 'Respond'];
const NOUNS = ['ProductionPerformance', 'OperationsPerformance'];

export interface B2mmlTranslateOptions {
  /** The plant of the URL; a document scoped to another site is refused. */
  readonly plant?: string;
}

/** Parses an inbound B2MML ProductionPerformance / OperationsPerformance into canonical facts. */
export const translatePerformance = (xml: string, options: B2mmlTranslateOptions = {}): MesFact[] =>
  performanceFacts(parseB2mml(xml), options);

export const performanceFacts = (doc: B2mmlDocument, options: B2mmlTranslateOptions = {}): MesFact[] => {
  const { noun, applicationArea } = locateNoun(doc);
  const created = text(applicationArea?.CreationDateTime);
  const responses = [...children(noun, 'ProductionResponse'), ...children(noun, 'OperationsResponse')];
  if (responses.length === 0) {
    throw new ValidationError(`B2MML ${doc.rootName}: no ProductionResponse or OperationsResponse`);
  }
  // BODID, else the performance ID, else (V0401 style, one response) the response ID.
  const docId =
    text(applicationArea?.BODID) ??
    text(noun.ID) ??
    (responses.length === 1 ? text(responses[0]?.ID) : undefined);
  if (!docId) {
    throw new ValidationError(
      'B2MML: no document id: ApplicationArea/BODID, the performance ID or (for a single response) its ID is required',
    );
  }
  if (docId.length > 80) throw new ValidationError('B2MML: the document id is longer than 80 characters');
  const plant = resolvePlant([noun, ...responses], options.plant);
  const facts: MesFact[] = [];
  // Keys number the facts by their place in the document. A work-in-progress output that is not a
  // goods receipt still takes its number, so the keys of the facts around it are the ones this
  // document got before intermediate receipts were dropped (a resend after the change de-duplicates).
  let slot = 0;
  const emit = <T extends MesDetailType>(
    detailType: T,
    data: unknown,
    occurredAt: string,
    where: string,
    equipmentId?: string,
  ) => {
    slot += 1;
    const n = slot;
    facts.push({
      detailType,
      data: canonical(detailType, data, where),
      plant,
      occurredAt,
      idempotencyKey: `mes:b2mml:${docId}:${n}`,
      sourceRef: { system: 'mes', kind: `b2mml-${doc.version}`, id: docId },
      ...(equipmentId ? { equipmentId } : {}),
    } as MesFact);
  };

  responses.forEach((response, ri) => {
    const rWhere = `Response[${ri + 1}]`;
    const requestId = text(response.ProductionRequestID) ?? text(response.OperationsRequestID);
    const order =
      requestId === undefined ? undefined : orderNumber(requestId, `${rWhere}/ProductionRequestID`);
    const jobId = text(response.ID) ?? requestId;
    const fallbackTime = text(response.EndTime) ?? text(response.StartTime) ?? created;
    const responseState = text(response.ResponseState)?.toLowerCase();
    const responseEnded = responseState === 'completed' || (!responseState && !!text(response.EndTime));
    const segments = flattenSegments(children(response, 'SegmentResponse'));
    segments.forEach(({ segment, path }, si) => {
      const where = `${rWhere}/${path}`;
      const segmentId = text(segment.ID) ?? text(segment.ProcessSegmentID) ?? path;
      const opNo = operationOf(segment);
      const state = text(segment.SegmentState)?.toLowerCase();
      const startedAt = text(segment.ActualStartTime);
      const occurredAt = checkTimestamp(
        text(segment.ActualEndTime) ?? startedAt ?? fallbackTime,
        `${where}/ActualEndTime (or ActualStartTime, response EndTime, CreationDateTime)`,
      );
      const equipment = children(segment, 'EquipmentActual');
      const equipmentId = text(equipment[0]?.EquipmentID);
      const machineTime = timeTotal(equipment, `${where}/EquipmentActual`);
      const labourTime = timeTotal(children(segment, 'PersonnelActual'), `${where}/PersonnelActual`);
      const materials = materialActuals(segment, where);
      const produced = materials.filter((m) => m.use === 'produced');
      const consumed = materials.filter((m) => m.use === 'consumed');
      const needsOrder = (what: string) => {
        if (!order || !jobId)
          throw new ValidationError(`${where}: ${what} needs the response's ProductionRequestID`);
        if (!opNo) {
          throw new ValidationError(
            `${where}: ${what} needs a 4-digit operation number in SegmentResponse/ID or ProcessSegmentID (got "${segmentId}")`,
          );
        }
        return { orderNumber: order, mesJobId: jobId, operationNumber: opNo };
      };

      if (state === 'running' && produced.length === 0) {
        const ref = needsOrder('a running segment');
        emit(
          'OperationStarted',
          { ...ref, equipmentId },
          checkTimestamp(startedAt ?? occurredAt, `${where}/ActualStartTime`),
          where,
          equipmentId,
        );
      }
      for (const m of consumed) {
        emit(
          'MaterialMovementRecorded',
          movement(m, 'goods-issue', docId, slot + 1, order, jobId),
          occurredAt,
          m.where,
        );
      }
      const totals = producedTotals(produced, where);
      if (produced.length > 0) {
        const ref = needsOrder('produced material');
        emit(
          'ProductionConfirmed',
          {
            ...ref,
            confirmationId: `${docId}:${jobId}:${segmentId}`.slice(0, 128),
            yield: totals.good,
            scrap: totals.scrap,
            rework: totals.rework,
            scrapReason: totals.scrapReason,
            finalConfirmation: state === 'completed',
            machineTime,
            labourTime,
          },
          occurredAt,
          where,
          equipmentId,
        );
      }
      const finalSegment = si === segments.length - 1;
      for (const m of produced.filter((p) => p.disposition === 'good')) {
        if (!isGoodsReceipt(m, finalSegment, responseEnded)) {
          slot += 1; // work in progress: confirmed as yield above, not received into stock
          continue;
        }
        emit(
          'MaterialMovementRecorded',
          movement(m, 'goods-receipt', docId, slot + 1, order, jobId),
          occurredAt,
          m.where,
        );
      }
      if (state === 'completed') {
        const ref = needsOrder('a completed segment');
        emit(
          'OperationCompleted',
          { ...ref, equipmentId, yield: totals.good, scrap: totals.scrap },
          occurredAt,
          where,
          equipmentId,
        );
      }
    });
  });
  if (facts.length === 0) {
    throw new ValidationError(
      `B2MML ${docId}: no facts: no material actuals and no Running/Completed segment state in any SegmentResponse`,
    );
  }
  return facts;
};

/**
 * Only the order's last operation receives finished goods into stock; what an earlier operation
 * produces is work in progress, which SAP books through the confirmation, not a goods receipt.
 * A B2MML document does not number the routing, so the last operation is recognised as
 * - the last SegmentResponse of its response (a later segment means this one fed it), and
 * - either the response has ended (ResponseState Completed, or an EndTime without a state) or the
 *   produced actual names the StorageLocation it is put away to (a MES reporting one operation per
 *   document, as the simulated plant's does, marks the final output that way).
 */
const isGoodsReceipt = (m: MaterialActual, finalSegment: boolean, responseEnded: boolean): boolean =>
  finalSegment && (responseEnded || m.storageLocation !== undefined);

const locateNoun = (doc: B2mmlDocument): { noun: XmlNode; applicationArea?: XmlNode } => {
  for (const verb of VERBS) {
    for (const noun of NOUNS) {
      if (doc.rootName !== `${verb}${noun}`) continue;
      if (verb === '') return { noun: doc.root };
      const found = child(child(doc.root, 'DataArea'), noun);
      if (!found) throw new ValidationError(`B2MML ${doc.rootName}: DataArea/${noun} is missing`);
      const applicationArea = child(doc.root, 'ApplicationArea');
      return applicationArea ? { noun: found, applicationArea } : { noun: found };
    }
  }
  throw new ValidationError(
    `B2MML: root element ${doc.rootName} is not an inbound performance document; expected ProductionPerformance or OperationsPerformance (bare or with a Sync/Process/Show/Notify/Change/Respond verb)`,
  );
};

/** Depth-first list of SegmentResponses (they nest), with a readable path for error messages. */
const flattenSegments = (
  segments: XmlNode[],
  prefix = 'SegmentResponse',
): { segment: XmlNode; path: string }[] =>
  segments.flatMap((segment, i) => {
    const path = `${prefix}[${i + 1}]`;
    return [
      { segment, path },
      ...flattenSegments(children(segment, 'SegmentResponse'), `${path}/SegmentResponse`),
    ];
  });

const operationOf = (segment: XmlNode): string | undefined => {
  for (const candidate of [
    text(segment.ID),
    text(segment.ProcessSegmentID),
    text(segment.OperationsSegmentID),
  ]) {
    if (candidate && /^\d{1,4}$/.test(candidate)) return operationNumber(candidate, 'SegmentResponse/ID');
  }
  return undefined;
};

/** Plant = HierarchyScope (V0600/V0700) or Location (V0401) equipment at the Site level. */
const resolvePlant = (scopes: XmlNode[], pathPlant: string | undefined): string => {
  let docPlant: string | undefined;
  for (const node of scopes) {
    for (const scope of [child(node, 'HierarchyScope'), child(node, 'Location')]) {
      if (scope && text(scope.EquipmentElementLevel)?.toLowerCase() === 'site') {
        docPlant = docPlant ?? text(scope.EquipmentID);
      }
    }
  }
  if (docPlant !== undefined && pathPlant !== undefined) {
    const a = checkPlant(pathPlant, 'plant (path)');
    const b = checkPlant(docPlant, 'HierarchyScope/EquipmentID (Site)');
    if (a !== b) throw new ValidationError(`B2MML: site "${b}" does not match the plant of the URL "${a}"`);
    return a;
  }
  const plant = docPlant ?? pathPlant;
  if (plant === undefined) {
    throw new ValidationError(
      'B2MML: no plant: add HierarchyScope with EquipmentElementLevel Site, or post to /ingress/mes/{plant}/events',
    );
  }
  return checkPlant(plant, 'HierarchyScope/EquipmentID (Site)');
};

interface MaterialActual {
  readonly use: 'produced' | 'consumed' | 'other';
  readonly material: string;
  readonly quantity: Quantity;
  readonly disposition: 'good' | 'scrap' | 'rework';
  readonly scrapReason?: string;
  readonly lot?: string;
  readonly storageLocation?: string;
  readonly where: string;
}

/**
 * V0700/V0401 `MaterialActual` with `MaterialUse`, and V0600 `MaterialProducedActual` /
 * `MaterialConsumedActual`. A produced actual's `Disposition` property (Good | Scrap | Rework,
 * default Good) splits yield, scrap and rework; `ScrapReason` gives the SAP scrap reason.
 */
const materialActuals = (segment: XmlNode, where: string): MaterialActual[] => {
  const read = (node: XmlNode, use: string | undefined, w: string, propName: string): MaterialActual => {
    const material = text(node.MaterialDefinitionID);
    if (!material) throw new ValidationError(`${w}: MaterialDefinitionID is required`);
    const q = child(node, 'Quantity');
    const value = text(q?.QuantityString);
    const unit = text(q?.UnitOfMeasure);
    if (value === undefined || unit === undefined) {
      throw new ValidationError(`${w}: Quantity/QuantityString and Quantity/UnitOfMeasure are required`);
    }
    const props = new Map(
      children(node, propName).map((p) => [
        text(p.ID)?.toLowerCase() ?? '',
        text(child(p, 'Value')?.ValueString),
      ]),
    );
    const disposition = (props.get('disposition') ?? 'good').toLowerCase();
    if (disposition !== 'good' && disposition !== 'scrap' && disposition !== 'rework') {
      throw new ValidationError(`${w}: Disposition "${disposition}" is not Good, Scrap or Rework`);
    }
    const normalisedUse = use?.toLowerCase();
    const lot = text(node.MaterialLotID);
    if (lot && lot.length > 10) {
      throw new ValidationError(
        `${w}/MaterialLotID: "${lot.slice(0, 40)}" is longer than an SAP batch (10 characters)`,
      );
    }
    const storage = text(node.StorageLocation);
    return {
      use: normalisedUse === 'produced' ? 'produced' : normalisedUse === 'consumed' ? 'consumed' : 'other',
      material,
      quantity: {
        value: normalizeDecimal(value, `${w}/Quantity/QuantityString`),
        unit: toRec20(unit, `${w}/Quantity/UnitOfMeasure`),
      },
      disposition,
      ...(props.get('scrapreason') ? { scrapReason: props.get('scrapreason') } : {}),
      ...(lot ? { lot } : {}),
      ...(storage ? { storageLocation: storage } : {}),
      where: w,
    };
  };
  return [
    ...children(segment, 'MaterialActual').map((m, i) =>
      read(m, text(m.MaterialUse), `${where}/MaterialActual[${i + 1}]`, 'MaterialActualProperty'),
    ),
    ...children(segment, 'MaterialProducedActual').map((m, i) =>
      read(m, 'Produced', `${where}/MaterialProducedActual[${i + 1}]`, 'MaterialProducedActualProperty'),
    ),
    ...children(segment, 'MaterialConsumedActual').map((m, i) =>
      read(m, 'Consumed', `${where}/MaterialConsumedActual[${i + 1}]`, 'MaterialConsumedActualProperty'),
    ),
  ].filter((m) => m.use !== 'other');
};

const producedTotals = (produced: MaterialActual[], where: string) => {
  const unit = produced[0]?.quantity.unit ?? 'H87';
  const mixed = produced.find((m) => m.quantity.unit !== unit);
  if (mixed) {
    throw new ValidationError(`${where}: produced quantities mix units (${unit} and ${mixed.quantity.unit})`);
  }
  const sum = (d: MaterialActual['disposition']) => ({
    value: addDecimals('0', ...produced.filter((m) => m.disposition === d).map((m) => m.quantity.value)),
    unit,
  });
  return {
    good: sum('good'),
    scrap: sum('scrap'),
    rework: sum('rework'),
    scrapReason: produced.find((m) => m.disposition === 'scrap' && m.scrapReason)?.scrapReason,
  };
};

/** Sum of time-valued Quantity elements (equipment or personnel actuals), in hours. */
const timeTotal = (actuals: XmlNode[], where: string): Quantity | undefined => {
  const seconds: string[] = [];
  actuals.forEach((actual, i) => {
    const q = child(actual, 'Quantity');
    const value = text(q?.QuantityString);
    const unit = text(q?.UnitOfMeasure);
    if (value === undefined || unit === undefined) return;
    const code = toRec20(unit, `${where}[${i + 1}]/Quantity/UnitOfMeasure`);
    const factor = SECONDS_PER[code];
    if (factor === undefined) return; // not a time (e.g. an equipment count)
    const decimal = normalizeDecimal(value, `${where}[${i + 1}]/Quantity/QuantityString`);
    seconds.push(multiplyDecimal(decimal, factor));
  });
  if (seconds.length === 0) return undefined;
  const total = addDecimals(...seconds);
  return { value: hoursFromSeconds(total), unit: 'HUR' };
};

/** Exact seconds → hours with 6 decimals, truncated (3600 divides into at most 6 decimals exactly enough). */
const hoursFromSeconds = (seconds: string): string => {
  const [i = '0', f = ''] = seconds.split('.');
  const micro = BigInt(i) * 1_000_000n + BigInt(f.padEnd(6, '0').slice(0, 6));
  const hoursMicro = micro / 3600n;
  const intPart = (hoursMicro / 1_000_000n).toString();
  const frac = (hoursMicro % 1_000_000n).toString().padStart(6, '0').replace(/0+$/, '');
  return frac ? `${intPart}.${frac}` : intPart;
};

const movement = (
  m: MaterialActual,
  kind: 'goods-issue' | 'goods-receipt',
  docId: string,
  n: number,
  order: string | undefined,
  jobId: string | undefined,
) => ({
  movementId: `${docId}:${n}`.slice(0, 128),
  orderNumber: order,
  mesJobId: jobId,
  movement: kind,
  material: m.material,
  quantity: m.quantity,
  storageLocation: m.storageLocation,
  batch: m.lot,
  reversal: false,
});
