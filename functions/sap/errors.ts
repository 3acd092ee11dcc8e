import { ValidationError } from '../../shared/errors';

/** Where in an IDoc a problem sits; every field is optional because XML-level errors have none. */
export interface IdocLocation {
  readonly docnum?: string;
  readonly idocType?: string;
  readonly segment?: string;
  readonly field?: string;
}

const locationDetails = (location: IdocLocation): Record<string, string> =>
  Object.fromEntries(
    Object.entries(location).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );

const prefix = (location: IdocLocation): string =>
  location.docnum ? `IDoc ${location.docnum}${location.idocType ? ` (${location.idocType})` : ''}: ` : '';

/** Base of every IDoc rejection: bad input (HTTP 400), the raw payload is kept for re-processing. */
export abstract class IdocRejectedError extends ValidationError {
  readonly location: IdocLocation;
  constructor(reason: string, location: IdocLocation = {}) {
    super(`${prefix(location)}${reason}`, { details: locationDetails(location) });
    this.location = location;
  }
}

/** The body is not well-formed XML, or it has no IDOC element. */
export class IdocMalformedXmlError extends IdocRejectedError {}

/** EDI_DC40/IDOCTYP names an IDoc type this connector does not translate. */
export class IdocUnknownTypeError extends IdocRejectedError {}

/** A mandatory segment (e.g. E1AFKOL) is absent. */
export class IdocMissingSegmentError extends IdocRejectedError {}

/** A mandatory field of a present segment is absent or blank. */
export class IdocMissingFieldError extends IdocRejectedError {}

/** A field holds a value that cannot be translated (bad date, unmapped unit, bad quantity). */
export class IdocInvalidValueError extends IdocRejectedError {}

/** The translated event does not satisfy the canonical schema (a mapping defect or odd data). */
export class IdocSchemaViolationError extends IdocRejectedError {}
