import { DetailType, definitionOf, type EventData } from '../../../events';
import { IdocMissingSegmentError } from '../errors';
import type { IdocContext, IdocOutcome } from './context';
import type { Segment } from './segments';
import { child, field, requireField, stripLeadingZeros } from './segments';

const CRITICALITY = new Set(['A', 'B', 'C']);

/**
 * EQUIPMENT_CREATE01 / EQUIPMENT_CHANGE01 (ALE for BAPI_EQUI_CREATE / BAPI_EQUI_CHANGE) →
 * EquipmentMasterChanged. Header E1EQUIPMENT_CREATE (EXTERNAL_NUMBER) or E1EQUIPMENT_CHANGE
 * (EQUIPMENT), both with VALID_DATE; children E1BP_ITOB (DATA_GENERAL) and E1BP_ITOB_EQ_ONLY
 * (DATA_SPECIFIC).
 */
export const translateEquipment = (
  idoc: Segment,
  ctx: IdocContext,
  change: 'created' | 'changed',
): IdocOutcome => {
  const headerName = change === 'created' ? 'E1EQUIPMENT_CREATE' : 'E1EQUIPMENT_CHANGE';
  const numberField = change === 'created' ? 'EXTERNAL_NUMBER' : 'EQUIPMENT';
  const header = child(idoc, headerName);
  if (!header) {
    throw new IdocMissingSegmentError(`mandatory segment ${headerName} is missing`, ctx.at(headerName));
  }
  const general = child(header, 'E1BP_ITOB') ?? child(idoc, 'E1BP_ITOB');
  if (!general) {
    throw new IdocMissingSegmentError(
      `mandatory segment E1BP_ITOB (DATA_GENERAL) is missing under ${headerName}`,
      ctx.at('E1BP_ITOB'),
    );
  }
  const specific = child(header, 'E1BP_ITOB_EQ_ONLY') ?? child(idoc, 'E1BP_ITOB_EQ_ONLY');
  const equipmentNumber = stripLeadingZeros(requireField(header, numberField, ctx.at(headerName)));
  const plant = field(general, 'MAINTPLANT') ?? requireField(general, 'PLANPLANT', ctx.at('E1BP_ITOB'));
  const mapping = ctx.plantMapping(plant);
  if (!mapping) return { events: [], skipped: `plant ${plant} has no SAP mapping`, warnings: ctx.warnings };

  const abc = field(general, 'ABCINDIC');
  if (abc && !CRITICALITY.has(abc))
    ctx.warnings.push(`ABC indicator ${abc} is not A, B or C and was dropped`);
  const optional = (segment: Segment | undefined, name: string, max: number): string | undefined => {
    const value = segment ? field(segment, name) : undefined;
    return value?.slice(0, max);
  };
  const category = optional(specific, 'EQUICATGRY', 1);
  const functionalLocation = optional(specific, 'READ_FLOC', 40);
  const workCenter = optional(general, 'WORK_CTR', 8);
  const manufacturer = optional(general, 'MANFACTURE', 200);
  const model = optional(general, 'MANMODEL', 200);
  const serialNumber = optional(general, 'MANSERNO', 30) ?? optional(specific, 'SERIALNO', 30);
  const validFrom = ctx.calendarDate(header, 'VALID_DATE') ?? ctx.calendarDate(general, 'START_FROM');
  const data: EventData<'EquipmentMasterChanged'> = {
    equipmentNumber,
    change,
    description: requireField(general, 'DESCRIPT', ctx.at('E1BP_ITOB')),
    ...(category ? { category } : {}),
    ...(functionalLocation ? { functionalLocation } : {}),
    ...(workCenter ? { workCenter } : {}),
    ...(manufacturer ? { manufacturer } : {}),
    ...(model ? { model } : {}),
    ...(serialNumber ? { serialNumber } : {}),
    ...(abc && CRITICALITY.has(abc) ? { criticality: abc as 'A' | 'B' | 'C' } : {}),
    ...(validFrom ? { validFrom } : {}),
    inactive: false,
  };
  const dt = DetailType.EquipmentMasterChanged;
  return { events: [ctx.event(dt, definitionOf(dt).source, data, plant)], warnings: ctx.warnings };
};
