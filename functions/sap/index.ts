/** SAP connector library: IDoc translation, OData client, postings and per-plant mappings. */
export * from './errors';
export type { ControlRecord, TranslatedEvent, TranslateOptions } from './idoc/context';
export {
  type CliEvent,
  IDOC_TRANSLATORS,
  type TranslationResult,
  translateIdocs,
  translateSapIdoc,
} from './idoc/translate';
export * from './mapping';
export * from './time';
export * from './units';
