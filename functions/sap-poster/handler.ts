/**
 * SAP poster: consumes canonical events from an SQS queue (FIFO, message group = order number, so
 * postings of one order are serialised and the check-before-write race window is closed) and posts
 * them to SAP over OData: ProductionConfirmed → confirmation, MaterialMovementRecorded → goods
 * movement, maintenance records of other platforms → referencing SAP PM notifications. Business refusals become sync exceptions (middleware); transient faults are retried by
 * SQS and then dead-lettered with their cause.
 *
 * `maintenanceTask` is a Step Functions task for SAP PM postings and reads used by orchestrations.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { loadConfig } from '../../shared/config';
import { correlationHeaders } from '../../shared/correlation';
import { ValidationError } from '../../shared/errors';
import { emfKpiSink, recordKpi } from '../../shared/kpi-metrics';
import {
  parseCanonicalEvent,
  type SqsBatchOptions,
  sfnTaskHandler,
  sqsBatchHandler,
} from '../../shared/middleware';
import { logger, metrics } from '../../shared/observability';
import { parseSapMappings } from '../sap/mapping';
import { SecretAuthProvider, secretsManagerLoader } from '../sap/odata/auth';
import { ODataClient } from '../sap/odata/client';
import { type MaintenanceTask, runMaintenanceTask } from './maintenance-task';
import { POSTED_EVENT_TYPES, type PosterDeps, postToSap } from './post';

export const PosterConfig = z.object({
  /** e.g. https://s4.example.com/sap/opu/odata/sap */
  SAP_BASE_URL: z.url(),
  /** SAP client (mandant), e.g. "100". */
  SAP_CLIENT: z
    .string()
    .regex(/^\d{3}$/)
    .optional(),
  /** Secrets Manager id of the SAP credentials (basic or OAuth2 client credentials JSON). */
  SAP_SECRET_ID: z.string().min(1),
  SAP_MAPPINGS: z.string().min(2),
  SAP_TIMEOUT_MS: z.coerce.number().int().positive().default(15_000),
});

const secrets = new SecretsManagerClient({});

let deps: PosterDeps | undefined;
const depsFromEnv = (): PosterDeps => {
  if (deps) return deps;
  const config = loadConfig(PosterConfig);
  deps = {
    client: new ODataClient({
      baseUrl: config.SAP_BASE_URL,
      ...(config.SAP_CLIENT ? { sapClient: config.SAP_CLIENT } : {}),
      auth: new SecretAuthProvider({
        secretId: config.SAP_SECRET_ID,
        loadSecret: secretsManagerLoader(secrets),
      }),
      timeoutMs: config.SAP_TIMEOUT_MS,
      headers: correlationHeaders,
    }),
    mappings: parseSapMappings(JSON.parse(config.SAP_MAPPINGS)),
  };
  return deps;
};

/** SQS consumer of canonical events (the queue is the target of the SAP-posting rule). */
export const createPosterHandler = (resolve: () => PosterDeps = depsFromEnv, options: SqsBatchOptions = {}) =>
  sqsBatchHandler(async ({ body }) => {
    const event = parseCanonicalEvent(body, POSTED_EVENT_TYPES);
    const deps = resolve();
    const plant = event.detail.metadata.plant;
    const confirmation = event.detailType === 'ProductionConfirmed';
    let outcome: Awaited<ReturnType<typeof postToSap>>;
    try {
      outcome = await postToSap(event, deps);
    } catch (error) {
      // KPIs: integration failure rate (SAP) and confirmation accuracy; a business refusal is an answer.
      const name = error instanceof Error ? error.name : '';
      recordKpi(emfKpiSink, name === 'BusinessRuleError' ? 'SapCallSucceeded' : 'SapCallFailed', 1, plant);
      if (confirmation && (name === 'BusinessRuleError' || name === 'PermanentError'))
        recordKpi(emfKpiSink, 'ConfirmationRejected', 1, plant);
      throw error;
    }
    if (outcome.status !== 'skipped') recordKpi(emfKpiSink, 'SapCallSucceeded', 1, plant);
    if (confirmation && outcome.status === 'posted') recordKpi(emfKpiSink, 'ConfirmationPosted', 1, plant);
    const metric = {
      posted: 'SapPostings',
      'already-posted': 'SapPostingsAlreadyDone',
      skipped: 'SapPostingsSkipped',
    } as const;
    metrics.addMetric(metric[outcome.status], 'Count', 1);
    logger.info('posted to SAP', {
      detailType: event.detailType,
      idempotencyKey: event.detail.metadata.idempotencyKey,
      status: outcome.status,
      ...(outcome.status === 'skipped' ? { reason: outcome.reason } : {}),
    });
  }, options);

export const handler = createPosterHandler();

/** Step Functions task: SAP PM postings and SAP reads (see maintenance-task.ts for the input shapes). */
export const createMaintenanceTaskHandler = (resolve: () => PosterDeps = depsFromEnv) =>
  sfnTaskHandler(async (input: MaintenanceTask) => {
    if (!input || typeof input !== 'object' || !('action' in input))
      throw new ValidationError('expected { action, … }');
    return runMaintenanceTask(input, resolve());
  });

export const maintenanceTask = createMaintenanceTaskHandler();
