/** SAP connector library: IDoc translation, OData client, postings and per-plant mappings. */
export * from './adapters/sap-pm-port';
export * from './adapters/workflow-port';
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
export * from './odata/auth';
export * from './odata/client';
export * from './odata/errors';
export * from './odata/values';
export * from './postings/common';
export * from './postings/confirmation';
export * from './postings/equipment';
export * from './postings/goods-movement';
export * from './postings/maintenance';
export * from './postings/production-order';
export * from './postings/released-order';
export * from './time';
export * from './units';
