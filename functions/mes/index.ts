/**
 * MES connector library: the REST/JSON and ISA-95 B2MML profiles (pure translation both ways), the
 * outbound order client and the production-status reader. See docs/connectors/mes.md.
 */

export { type B2mmlVersion, parseB2mml } from './b2mml/document';
export { translatePerformance } from './b2mml/inbound';
export { buildCancelSchedule, buildSchedule, scheduleBodId } from './b2mml/outbound';
export {
  MesClient,
  type MesClientOptions,
  type OrderAction,
  type OrderResult,
  type OrderStatus,
  type ProductionStatus,
  readProductionStatus,
  type StatusTarget,
} from './client';
export { MesPlantSettings, parseMesPlants } from './config';
export { addDecimals, normalizeDecimal } from './decimal';
export { mesClients, secretAuthHeaders } from './environment';
export type { MesDetailType, MesFact } from './facts';
export { machineState } from './facts';
export { translateJsonBody, translateJsonValue } from './json/inbound';
export { cancelToWire, orderToWire } from './json/outbound';
export * as wire from './json/wire';
export { type MesProfileInput, translateIncoming } from './profiles';
export { PREVIEW_CORRELATION_ID, type TranslatedEvent, translateB2mml, translateMesJson } from './translate';
export { fromRec20, toRec20, UnknownUnitError } from './units';
