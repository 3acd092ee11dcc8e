/**
 * What the translation benchmark measures, bundled the way infra bundles a function (one copy of zod and
 * fast-xml-parser, ESM, minified), so it times the code as it ships rather than as tsx loads it.
 */
export { XMLParser, XMLValidator } from 'fast-xml-parser';
export { Metadata } from '../events/envelope';
export { Timestamp } from '../events/primitives';
export { translateMaintainxWebhook } from '../functions/maintenance/maintainx/translate';
export { WorkOrderStatusChangePayload } from '../functions/maintenance/maintainx/webhook';
export { MesWireEvent } from '../functions/mes/json/wire';
export { translateB2mml, translateMesJson } from '../functions/mes/translate';
export { translateSapIdoc } from '../functions/sap/idoc/translate';
