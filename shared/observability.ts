/**
 * The one observability module: every function shares these Logger, Metrics and Tracer instances,
 * so every log line carries the same keys (service, function, correlation_id, causation_id).
 * Service name comes from POWERTOOLS_SERVICE_NAME, set per function by infra.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

export const METRICS_NAMESPACE = 'plantsync';

export const logger = new Logger({ logRecordOrder: ['timestamp', 'level', 'service', 'message'] });
export const metrics = new Metrics({ namespace: METRICS_NAMESPACE });
export const tracer = new Tracer();

export { MetricUnit } from '@aws-lambda-powertools/metrics';
