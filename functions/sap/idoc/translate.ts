import * as z from 'zod';
import { definitionOf, PlantCode } from '../../../events';
import { Metadata } from '../../../events/envelope';
import {
  IdocInvalidValueError,
  IdocRejectedError,
  IdocSchemaViolationError,
  IdocUnknownTypeError,
} from '../errors';
import { deterministicUuid } from '../ids';
import { SapDateTimeError, sapDateTimeToIso } from '../time';
import {
  type ControlRecord,
  IdocContext,
  type IdocOutcome,
  type TranslatedEvent,
  type TranslateOptions,
} from './context';
import { translateEquipment } from './equipment';
import { translateLoipro } from './loipro';
import { translateMatmas } from './matmas';
import { field, parseIdocXml, requireChild, requireField, type Segment } from './segments';

export type { ControlRecord, TranslatedEvent, TranslateOptions } from './context';

/** Basic IDoc types (EDI_DC40/IDOCTYP) this connector translates. */
export const IDOC_TRANSLATORS: Readonly<Record<string, (idoc: Segment, ctx: IdocContext) => IdocOutcome>> = {
  LOIPRO01: translateLoipro,
  MATMAS05: translateMatmas,
  EQUIPMENT_CREATE01: (idoc, ctx) => translateEquipment(idoc, ctx, 'created'),
  EQUIPMENT_CHANGE01: (idoc, ctx) => translateEquipment(idoc, ctx, 'changed'),
};

export interface TranslatedIdoc {
  readonly control: ControlRecord;
  readonly events: readonly TranslatedEvent[];
  /** Why a valid IDoc produced no event (plant not ours, order not released…). */
  readonly skipped?: string;
  readonly warnings: readonly string[];
}

export interface TranslationResult {
  /** One entry per distinct DOCNUM, in document order. */
  readonly idocs: readonly TranslatedIdoc[];
  /** Every event of every IDoc, validated against the catalogue. */
  readonly events: readonly TranslatedEvent[];
  /** DOCNUMs that appeared more than once in this request (translated once). */
  readonly repeatedDocnums: readonly string[];
}

const readControl = (idoc: Segment, index: number, options: TranslateOptions): ControlRecord => {
  const dc = requireChild(idoc, 'EDI_DC40', { docnum: `#${index + 1}` });
  const at = { docnum: field(dc, 'DOCNUM') ?? `#${index + 1}` };
  const docnum = requireField(dc, 'DOCNUM', at);
  if (!/^\d{1,16}$/.test(docnum)) {
    throw new IdocInvalidValueError(`EDI_DC40/DOCNUM "${docnum}" is not an IDoc number`, {
      ...at,
      segment: 'EDI_DC40',
      field: 'DOCNUM',
    });
  }
  const idocType = requireField(dc, 'IDOCTYP', at);
  const messageType = requireField(dc, 'MESTYP', at);
  const sender = requireField(dc, 'SNDPRN', at);
  const credat = requireField(dc, 'CREDAT', at);
  const { senders, systemTimeZone } = options.mappings;
  if (senders.length > 0 && !senders.includes(sender)) {
    throw new IdocInvalidValueError(`sender ${sender} (EDI_DC40/SNDPRN) is not an allowed logical system`, {
      docnum,
      idocType,
      segment: 'EDI_DC40',
      field: 'SNDPRN',
    });
  }
  let createdAt: string;
  try {
    createdAt = sapDateTimeToIso(credat, field(dc, 'CRETIM'), systemTimeZone);
  } catch (error) {
    if (!(error instanceof SapDateTimeError)) throw error;
    throw new IdocInvalidValueError(`EDI_DC40/CREDAT+CRETIM: ${error.message}`, {
      docnum,
      idocType,
      segment: 'EDI_DC40',
      field: 'CREDAT',
    });
  }
  const messageFunction = field(dc, 'MESFCT');
  return {
    docnum,
    idocType,
    messageType,
    sender,
    createdAt,
    ...(messageFunction ? { messageFunction } : {}),
  };
};

const validate = (event: TranslatedEvent, control: ControlRecord): TranslatedEvent => {
  if (!PlantCode.safeParse(event.plant).success) {
    throw new IdocInvalidValueError(`plant "${event.plant}" is not a 4-character SAP plant code`, {
      docnum: control.docnum,
      idocType: control.idocType,
    });
  }
  const parsed = definitionOf(event.detailType).data.safeParse(event.data);
  if (!parsed.success) {
    throw new IdocSchemaViolationError(
      `translated ${event.detailType} violates the canonical schema: ${z.prettifyError(parsed.error).replace(/\n/g, ' ')}`,
      { docnum: control.docnum, idocType: control.idocType },
    );
  }
  return { ...event, data: parsed.data };
};

/**
 * Translates an XML-HTTP request body holding one or several IDocs into canonical events. Pure: no
 * I/O, no clock. All or nothing: the first bad IDoc throws an IdocRejectedError subclass naming
 * the DOCNUM, segment and field, so SAP re-sends the packet after the fix (repeats are idempotent).
 */
export const translateIdocs = (xml: string, options: TranslateOptions): TranslationResult => {
  const document = parseIdocXml(xml);
  const idocs: TranslatedIdoc[] = [];
  const seen = new Set<string>();
  const repeated = new Set<string>();
  document.idocs.forEach((idoc, index) => {
    const control = readControl(idoc, index, options);
    if (seen.has(control.docnum)) {
      repeated.add(control.docnum);
      return;
    }
    seen.add(control.docnum);
    const translate = IDOC_TRANSLATORS[control.idocType];
    if (!translate) {
      throw new IdocUnknownTypeError(
        `IDoc type ${control.idocType} (message type ${control.messageType}) is not translated; known: ${Object.keys(IDOC_TRANSLATORS).join(', ')}`,
        { docnum: control.docnum, idocType: control.idocType, segment: 'EDI_DC40', field: 'IDOCTYP' },
      );
    }
    const outcome = translate(idoc, new IdocContext(control, options));
    idocs.push({
      control,
      events: outcome.events.map((e) => validate(e, control)),
      ...(outcome.skipped ? { skipped: outcome.skipped } : {}),
      warnings: outcome.warnings,
    });
  });
  return { idocs, events: idocs.flatMap((i) => i.events), repeatedDocnums: [...repeated] };
};

export interface CliEvent {
  readonly source: string;
  readonly detailType: string;
  readonly detail: { readonly metadata: Record<string, unknown>; readonly data: unknown };
}

/**
 * For `plantsync translate sap-idoc`: the canonical events with a full, deterministic envelope
 * (eventId derived from the idempotency key, correlation `idoc-<DOCNUM>`, emittedAt = occurredAt).
 * Every plant is accepted, SAP dates are read as UTC. Throws IdocRejectedError on bad input.
 */
export const translateSapIdoc = (text: string): CliEvent[] => {
  const result = translateIdocs(text, {
    mappings: { systemTimeZone: 'UTC', senders: [], plants: [] },
    acceptUnmappedPlants: true,
  });
  return result.events.map((event) => {
    const definition = definitionOf(event.detailType);
    const metadata = {
      eventId: deterministicUuid(event.idempotencyKey),
      eventType: event.detailType,
      schemaVersion: definition.schemaVersion,
      correlationId: `idoc-${event.sourceRef.id}`,
      idempotencyKey: event.idempotencyKey,
      plant: event.plant,
      occurredAt: event.occurredAt,
      emittedAt: event.occurredAt,
      producer: 'sap.idoc-ingress',
      sourceRef: event.sourceRef,
    };
    // `event.data` already passed the catalogue's data schema in `validate` (no event schema
    // transforms, so a second pass returns the same value): only the envelope is left to check.
    const checked = Metadata.safeParse(metadata);
    if (!checked.success) {
      const parsed = definition.detail.safeParse({ metadata, data: event.data });
      throw new IdocSchemaViolationError(
        `envelope invalid: ${z.prettifyError(parsed.success ? checked.error : parsed.error).replace(/\n/g, ' ')}`,
        {
          docnum: event.sourceRef.id,
        },
      );
    }
    return {
      source: event.source,
      detailType: event.detailType,
      detail: { metadata: checked.data, data: event.data } as CliEvent['detail'],
    };
  });
};

export { IdocRejectedError };
