import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { ValidationError } from '../../../shared/errors';

export const B2MML_VERSIONS = ['V0401', 'V0600', 'V0700'] as const;
export type B2mmlVersion = (typeof B2MML_VERSIONS)[number];

/**
 * B2MML namespaces → version. V0700's own XSDs declare the unversioned
 * `http://www.mesa.org/xml/B2MML` target namespace; `...B2MML-V0700` is what many MES send, so both
 * are V0700. V0401 is the WBF-era namespace, accepted where its shape matches V0600.
 */
export const NAMESPACES: Readonly<Record<string, B2mmlVersion>> = {
  'http://www.wbf.org/xml/B2MML-V0401': 'V0401',
  'http://www.mesa.org/xml/B2MML-V0600': 'V0600',
  'http://www.mesa.org/xml/B2MML-V0700': 'V0700',
  'http://www.mesa.org/xml/B2MML': 'V0700',
};

export const NAMESPACE_OF: Readonly<Record<Exclude<B2mmlVersion, 'V0401'>, string>> = {
  V0600: 'http://www.mesa.org/xml/B2MML-V0600',
  V0700: 'http://www.mesa.org/xml/B2MML-V0700',
};

/** Elements that may repeat; always parsed as arrays so one and many look alike. */
const REPEATING = new Set([
  'ProductionResponse',
  'OperationsResponse',
  'OperationsRequestID',
  'SegmentResponse',
  'MaterialActual',
  'MaterialProducedActual',
  'MaterialConsumedActual',
  'EquipmentActual',
  'PersonnelActual',
  'MaterialActualProperty',
  'MaterialProducedActualProperty',
  'MaterialConsumedActualProperty',
  'Quantity',
  'Description',
]);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  isArray: (name) => REPEATING.has(name),
  // The isArray callback ignores the path: skip building a path string for every element.
  jPath: false,
});

export type XmlNode = { readonly [key: string]: unknown };

export interface B2mmlDocument {
  readonly version: B2mmlVersion;
  readonly namespace: string;
  /** Local name of the root element, e.g. `SyncProductionPerformance`. */
  readonly rootName: string;
  readonly root: XmlNode;
}

/** Parses and version-detects a B2MML document. Throws ValidationError with the reason. */
export const parseB2mml = (text: string): B2mmlDocument => {
  const xml = text.replace(/^\uFEFF/, '');
  if (/<!DOCTYPE/i.test(xml)) throw new ValidationError('B2MML: DOCTYPE declarations are not accepted');
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw new ValidationError(`B2MML: not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`);
  }
  const namespaces = new Set<string>();
  for (const match of xml.matchAll(/xmlns(?::[\w.-]+)?\s*=\s*["']([^"']+)["']/g)) {
    const uri = match[1] ?? '';
    if (/^http:\/\/www\.(mesa|wbf)\.org\/xml\/B2MML/i.test(uri)) namespaces.add(uri);
  }
  if (namespaces.size === 0) {
    throw new ValidationError(
      `B2MML: no B2MML namespace declared; expected one of ${Object.keys(NAMESPACES).join(', ')}`,
    );
  }
  const versions = new Set([...namespaces].map((ns) => NAMESPACES[ns]));
  if (versions.has(undefined)) {
    const unknown = [...namespaces].find((ns) => !NAMESPACES[ns]);
    throw new ValidationError(
      `B2MML: unsupported namespace "${unknown}"; supported: ${Object.keys(NAMESPACES).join(', ')}`,
    );
  }
  if (versions.size > 1)
    throw new ValidationError(`B2MML: mixed versions in one document (${[...namespaces].join(', ')})`);
  const namespace = [...namespaces][0] as string;
  const parsed = parser.parse(xml) as Record<string, unknown>;
  const rootName = Object.keys(parsed).find((k) => !k.startsWith('?') && !k.startsWith('#'));
  const root = rootName ? parsed[rootName] : undefined;
  if (!rootName || typeof root !== 'object' || root === null) {
    throw new ValidationError('B2MML: the document has no root element with content');
  }
  return { version: NAMESPACES[namespace] as B2mmlVersion, namespace, rootName, root: root as XmlNode };
};

/** Text content of an element (plain string or `{ '#text': ... }` when it has attributes). */
export const text = (node: unknown): string | undefined => {
  if (node === undefined || node === null) return undefined;
  if (Array.isArray(node)) return text(node[0]);
  if (typeof node === 'string') return node.trim() === '' ? undefined : node.trim();
  if (typeof node === 'number' || typeof node === 'boolean') return String(node);
  if (typeof node === 'object') return text((node as XmlNode)['#text']);
  return undefined;
};

export const child = (node: XmlNode | undefined, name: string): XmlNode | undefined => {
  const value = node?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'object' && first !== null ? (first as XmlNode) : undefined;
};

export const children = (node: XmlNode | undefined, name: string): XmlNode[] => {
  const value = node?.[name];
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.filter((v): v is XmlNode => typeof v === 'object' && v !== null);
};
