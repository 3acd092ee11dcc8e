import type { DetailType, Quantity } from '../../../events';
import { IdocInvalidValueError, type IdocLocation } from '../errors';
import type { PlantMapping, SapMappings } from '../mapping';
import { isInitialSapDate, SapDateTimeError, sapDateTimeToIso, sapDateToIsoDate } from '../time';
import { sapUnitToIso } from '../units';
import { field, requireField, type Segment } from './segments';

/** EDI_DC40, the control record of every IDoc. */
export interface ControlRecord {
  readonly docnum: string;
  readonly idocType: string;
  readonly messageType: string;
  /** Sending logical system (partner number), e.g. "S4HCLNT100". */
  readonly sender: string;
  /** Message function (EDI_DC40/MESFCT) when the sender fills it, e.g. "004" for a change. */
  readonly messageFunction?: string;
  /** CREDAT/CRETIM as ISO 8601 in the SAP system's time zone. */
  readonly createdAt: string;
}

/** One canonical event produced from an IDoc, before the envelope is filled. */
export interface TranslatedEvent {
  readonly source: string;
  readonly detailType: DetailType;
  readonly data: unknown;
  readonly idempotencyKey: string;
  readonly plant: string;
  readonly occurredAt: string;
  readonly sourceRef: { readonly system: 'sap'; readonly kind: 'idoc'; readonly id: string };
}

/** What one IDoc became: events, or a reason it was deliberately not translated. */
export interface IdocOutcome {
  readonly events: TranslatedEvent[];
  readonly skipped?: string;
  readonly warnings: string[];
}

export interface TranslateOptions {
  readonly mappings: SapMappings;
  /**
   * Translate plants that have no mapping entry, in the SAP system's time zone and with no order-type
   * filter (the CLI does this). Default false: such IDocs are skipped with a reason.
   */
  readonly acceptUnmappedPlants?: boolean;
}

/** Per-IDoc helpers that turn SAP values into canonical ones and name the field on failure. */
export class IdocContext {
  readonly warnings: string[] = [];
  constructor(
    readonly control: ControlRecord,
    readonly options: TranslateOptions,
  ) {}

  at(segment?: string, fieldName?: string): IdocLocation {
    return {
      docnum: this.control.docnum,
      idocType: this.control.idocType,
      ...(segment ? { segment } : {}),
      ...(fieldName ? { field: fieldName } : {}),
    };
  }

  /** The plant's mapping, a permissive default (CLI), or undefined when the plant is not ours. */
  plantMapping(plant: string): PlantMapping | undefined {
    const mapped = this.options.mappings.plants.find((p) => p.plant === plant);
    if (mapped) return mapped;
    if (!this.options.acceptUnmappedPlants) return undefined;
    return {
      plant,
      timeZone: this.options.mappings.systemTimeZone,
      orderTypes: [],
      workCenters: {},
      units: {},
      language: 'EN',
      inventoryAdjustment: { increase: '501', decrease: '551' },
    };
  }

  unit(segment: Segment, fieldName: string, mapping: PlantMapping): Quantity['unit'] {
    const raw = requireField(segment, fieldName, this.at());
    const unit = sapUnitToIso(raw, mapping.units);
    if (!unit) {
      throw new IdocInvalidValueError(
        `unit "${raw}" in ${segment.name}/${fieldName} has no UN/ECE Rec 20 mapping; add it to plant ${mapping.plant}'s units`,
        this.at(segment.name, fieldName),
      );
    }
    return unit;
  }

  /** SAP packed decimals as text: " 120.000", "5.5-", ".5" → canonical decimal strings. */
  decimal(segment: Segment, fieldName: string): string {
    const raw = requireField(segment, fieldName, this.at()).replace(/\s+/g, '');
    const negative = raw.endsWith('-') || raw.startsWith('-');
    const digits = raw.replace(/^[+-]/, '').replace(/-$/, '');
    const match = /^(\d*)(?:\.(\d*))?$/.exec(digits);
    if (!match || (match[1] === '' && (match[2] ?? '') === '')) {
      throw new IdocInvalidValueError(
        `"${raw}" in ${segment.name}/${fieldName} is not a decimal number`,
        this.at(segment.name, fieldName),
      );
    }
    const integer = (match[1] ?? '').replace(/^0+(?=\d)/, '') || '0';
    const fraction = match[2] ?? '';
    if (integer.length > 15 || fraction.length > 6) {
      throw new IdocInvalidValueError(
        `${raw} in ${segment.name}/${fieldName} exceeds 15 integer or 6 fraction digits`,
        this.at(segment.name, fieldName),
      );
    }
    return `${negative ? '-' : ''}${integer}${fraction ? `.${fraction}` : ''}`;
  }

  quantity(segment: Segment, valueField: string, unitField: string, mapping: PlantMapping): Quantity {
    const value = this.decimal(segment, valueField);
    if (value.startsWith('-')) {
      throw new IdocInvalidValueError(
        `${segment.name}/${valueField} is negative (${value}); a quantity cannot be`,
        this.at(segment.name, valueField),
      );
    }
    return { value, unit: this.unit(segment, unitField, mapping) };
  }

  /** Optional quantity: absent or zero value (SAP's "not maintained") gives undefined. */
  optionalQuantity(
    segment: Segment,
    valueField: string,
    unitField: string,
    mapping: PlantMapping,
  ): Quantity | undefined {
    const raw = field(segment, valueField);
    if (raw === undefined || field(segment, unitField) === undefined) return undefined;
    const quantity = this.quantity(segment, valueField, unitField, mapping);
    return /^0(\.0*)?$/.test(quantity.value) ? undefined : quantity;
  }

  dateTime(segment: Segment, dateField: string, timeField: string, timeZone: string): string {
    const date = requireField(segment, dateField, this.at());
    if (isInitialSapDate(date)) {
      throw new IdocInvalidValueError(
        `${segment.name}/${dateField} is the initial date 00000000`,
        this.at(segment.name, dateField),
      );
    }
    try {
      return sapDateTimeToIso(date, field(segment, timeField), timeZone);
    } catch (error) {
      if (error instanceof SapDateTimeError) {
        throw new IdocInvalidValueError(
          `${segment.name}/${dateField}+${timeField}: ${error.message}`,
          this.at(segment.name, dateField),
        );
      }
      throw error;
    }
  }

  calendarDate(segment: Segment, dateField: string): string | undefined {
    const date = field(segment, dateField);
    if (isInitialSapDate(date) || date === undefined) return undefined;
    try {
      return sapDateToIsoDate(date);
    } catch (error) {
      throw new IdocInvalidValueError(
        `${segment.name}/${dateField}: ${(error as Error).message}`,
        this.at(segment.name, dateField),
      );
    }
  }

  event(
    detailType: DetailType,
    source: string,
    data: unknown,
    plant: string,
    keySuffix?: string,
  ): TranslatedEvent {
    return {
      source,
      detailType,
      data,
      idempotencyKey: `sap:idoc:${this.control.docnum}${keySuffix ? `:${keySuffix}` : ''}`,
      plant,
      occurredAt: this.control.createdAt,
      sourceRef: { system: 'sap', kind: 'idoc', id: this.control.docnum },
    };
  }
}
