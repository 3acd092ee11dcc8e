import { DetailType, definitionOf, type EventData } from '../../../events';
import { IdocMissingSegmentError } from '../errors';
import type { IdocContext, IdocOutcome, TranslatedEvent } from './context';
import { children, field, requireChild, requireField, type Segment, stripLeadingZeros } from './segments';

const pickDescription = (header: Segment, language: string): string | undefined => {
  const texts = children(header, 'E1MAKTM');
  const preferred = texts.find((t) => field(t, 'SPRAS_ISO') === language) ?? texts[0];
  return preferred ? field(preferred, 'MAKTX') : undefined;
};

/**
 * MATMAS05 → one MaterialMasterChanged per mapped plant the material is extended to (E1MARCM/WERKS,
 * or the valuation area E1MBEWM/BWKEY when no plant segment is sent). The material master is
 * client-wide while canonical events belong to a plant, so the idempotency key is
 * `sap:idoc:<DOCNUM>:<plant>`.
 */
export const translateMatmas = (idoc: Segment, ctx: IdocContext): IdocOutcome => {
  const header = requireChild(idoc, 'E1MARAM', ctx.at());
  const at = ctx.at('E1MARAM');
  const materialNumber = stripLeadingZeros(requireField(header, 'MATNR', at));
  const materialType = requireField(header, 'MTART', at);
  if (children(header, 'E1MAKTM').length === 0) {
    throw new IdocMissingSegmentError(
      'mandatory segment E1MAKTM (material description) is missing under E1MARAM',
      ctx.at('E1MAKTM'),
    );
  }
  const plantSegments = children(header, 'E1MARCM');
  const plants = plantSegments.map((s) => requireField(s, 'WERKS', ctx.at('E1MARCM')));
  if (plants.length === 0) {
    for (const valuation of children(header, 'E1MBEWM')) {
      const bwkey = field(valuation, 'BWKEY');
      if (bwkey && !plants.includes(bwkey)) plants.push(bwkey);
    }
  }
  if (plants.length === 0) {
    return {
      events: [],
      skipped: `material ${materialNumber} carries no plant (E1MARCM/WERKS)`,
      warnings: ctx.warnings,
    };
  }
  const events: TranslatedEvent[] = [];
  const ignored: string[] = [];
  const dt = DetailType.MaterialMasterChanged;
  for (const plant of plants) {
    const mapping = ctx.plantMapping(plant);
    if (!mapping) {
      ignored.push(plant);
      continue;
    }
    const plantSegment = plantSegments.find((s) => field(s, 'WERKS') === plant);
    const materialGroup = field(header, 'MATKL');
    const grossWeight = ctx.optionalQuantity(header, 'BRGEW', 'GEWEI', mapping);
    const netWeight = ctx.optionalQuantity(header, 'NTGEW', 'GEWEI', mapping);
    const deleted =
      field(header, 'LVORM') === 'X' ||
      (plantSegment !== undefined && field(plantSegment, 'LVORM') === 'X') ||
      (ctx.control.messageFunction ?? field(header, 'MSGFN')) === '003';
    const data: EventData<'MaterialMasterChanged'> = {
      materialNumber,
      description: pickDescription(header, mapping.language) ?? '',
      materialType,
      baseUnit: ctx.unit(header, 'MEINS', mapping),
      ...(materialGroup ? { materialGroup } : {}),
      ...(grossWeight ? { grossWeight } : {}),
      ...(netWeight ? { netWeight } : {}),
      deletionFlag: deleted,
    };
    events.push(ctx.event(dt, definitionOf(dt).source, data, plant, plant));
  }
  if (events.length === 0) {
    return {
      events,
      skipped: `material ${materialNumber}: no mapped plant among ${plants.join(', ')}`,
      warnings: ctx.warnings,
    };
  }
  if (ignored.length > 0) ctx.warnings.push(`plants without SAP mapping ignored: ${ignored.join(', ')}`);
  return { events, warnings: ctx.warnings };
};
