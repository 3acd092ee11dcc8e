/**
 * Maintenance connector library: MaintainX-modeled client and webhooks, generic REST profile, SAP PM
 * port and adapter, per-tenant rate limiting. Handlers: functions/maintenance-webhook (ingress) and
 * functions/maintenance-egress (SQS consumer). See docs/connectors/maintenance.md.
 */
export * from './config';
export * from './connectors';
export * from './egress';
export * from './generic-rest';
export * from './http';
export * from './keys';
export * from './maintainx/client';
export * from './maintainx/mapping';
export {
  BODY_SIGNATURE_HEADER,
  computeSignature,
  parseSignatureHeader,
  SIGNATURE_TOLERANCE_MS,
  signMaintainxWebhook,
  verifyMaintainxSignature,
} from './maintainx/signature';
export {
  PLACEHOLDER_CORRELATION_ID,
  type TranslatedEvent,
  translateMaintainxWebhook,
} from './maintainx/translate';
export * from './maintainx/webhook';
export * from './model';
export * from './rate-limiter';
export * from './sap-pm';
export * from './webhook-ingress';
export * from './workflow-port';
