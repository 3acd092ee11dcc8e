import { XMLParser, XMLValidator } from 'fast-xml-parser';
import {
  type IdocLocation,
  IdocMalformedXmlError,
  IdocMissingFieldError,
  IdocMissingSegmentError,
} from '../errors';

/**
 * An IDoc segment as the XML-HTTP port renders it: an element whose leaf children are fields
 * (`<AUFNR>000001000123</AUFNR>`) and whose element children with children or attributes are
 * child segments (`<E1AFFLL SEGMENT="1">…</E1AFFLL>`).
 */
export interface Segment {
  readonly name: string;
  readonly fields: Readonly<Record<string, string>>;
  readonly segments: readonly Segment[];
}

export interface IdocDocument {
  /** The root element, e.g. "LOIPRO01" (the port names it after the IDoc type). */
  readonly root: string;
  /** The IDOC elements under the root, in document order. */
  readonly idocs: readonly Segment[];
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  // Keep every value a string: "0010" must stay "0010", "120.000" must stay "120.000".
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  // Named XML entities only; no HTML entities, no DOCTYPE-declared entity expansion.
  processEntities: true,
  htmlEntities: false,
  isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
  // Middleware (PI/CPI) sometimes prefixes the root with a namespace; segment names are what count.
  removeNSPrefix: true,
  // The isArray callback ignores the path: skip building a path string for every element.
  jPath: false,
});

type XmlNode = string | { readonly [key: string]: unknown };

const toSegment = (name: string, node: XmlNode): Segment => {
  const fields: Record<string, string> = {};
  const segments: Segment[] = [];
  if (typeof node === 'object' && node !== null) {
    for (const [key, value] of Object.entries(node)) {
      if (key.startsWith('@_') || key === '#text') continue;
      for (const child of value as XmlNode[]) {
        if (typeof child === 'string') {
          fields[key] ??= child; // a field repeated in one segment: the first one counts
        } else {
          segments.push(toSegment(key, child));
        }
      }
    }
  }
  return { name, fields, segments };
};

/** Parses the request body into IDOC segments, or throws IdocMalformedXmlError with line and column. */
export const parseIdocXml = (xml: string): IdocDocument => {
  if (xml.trim() === '') throw new IdocMalformedXmlError('the body is empty; expected IDoc XML');
  // SAP never sends a DOCTYPE; refusing it rules out entity-expansion attacks before parsing.
  if (/<!DOCTYPE/i.test(xml))
    throw new IdocMalformedXmlError('DOCTYPE declarations are not accepted in IDoc XML');
  const verdict = XMLValidator.validate(xml);
  if (verdict !== true) {
    const { msg, line, col } = verdict.err;
    throw new IdocMalformedXmlError(`malformed XML at line ${line}, column ${col}: ${msg}`);
  }
  let parsed: Record<string, unknown>;
  try {
    parsed = parser.parse(xml) as Record<string, unknown>;
  } catch (error) {
    throw new IdocMalformedXmlError(
      `malformed XML: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const roots = Object.entries(parsed).filter(([key]) => !key.startsWith('?') && !key.startsWith('!'));
  const [first] = roots;
  if (roots.length !== 1 || !first) throw new IdocMalformedXmlError('expected exactly one root element');
  const [rootName, rootValue] = first;
  const rootNode = (rootValue as XmlNode[])[0];
  const root = toSegment(rootName, rootNode ?? '');
  // A bare IDOC root is accepted too (some middleware strips the type wrapper).
  const idocs = rootName === 'IDOC' ? [root] : root.segments.filter((s) => s.name === 'IDOC');
  if (idocs.length === 0) {
    throw new IdocMalformedXmlError(`no IDOC element under the root element <${rootName}>`);
  }
  return { root: rootName, idocs };
};

/** Field value, trimmed; undefined when absent or blank. */
export const field = (segment: Segment, name: string): string | undefined => {
  const value = segment.fields[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
};

export const requireField = (segment: Segment, name: string, at: IdocLocation): string => {
  const value = field(segment, name);
  if (value === undefined) {
    throw new IdocMissingFieldError(`mandatory field ${segment.name}/${name} is missing or empty`, {
      ...at,
      segment: segment.name,
      field: name,
    });
  }
  return value;
};

export const children = (segment: Segment, name: string): Segment[] =>
  segment.segments.filter((s) => s.name === name);

export const child = (segment: Segment, name: string): Segment | undefined =>
  segment.segments.find((s) => s.name === name);

export const requireChild = (segment: Segment, name: string, at: IdocLocation): Segment => {
  const found = child(segment, name);
  if (!found) {
    throw new IdocMissingSegmentError(`mandatory segment ${name} is missing under ${segment.name}`, {
      ...at,
      segment: name,
    });
  }
  return found;
};

/** SAP conversion exit ALPHA: numeric keys are zero-padded in IDocs ("000001000123" → "1000123"). */
export const stripLeadingZeros = (value: string): string =>
  /^\d+$/.test(value) ? value.replace(/^0+(?=\d)/, '') : value;
