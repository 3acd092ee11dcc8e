/**
 * SAP IDoc ingress: POST /sap/idoc from SAP's XML-HTTP port (one or several IDocs per request).
 * Thin: the API middleware opens the correlation and maps typed errors to statuses (400 bad IDoc,
 * 413 too large, 415 not XML, 503 transient); ingest.ts does the work.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { loadConfig } from '../../shared/config';
import { apiHandler, sfnTaskHandler } from '../../shared/middleware';
import { logger, metrics } from '../../shared/observability';
import { EventPublisher } from '../../shared/publisher';
import { parseSapMappings } from '../sap/mapping';
import { DynamoDbDocnumRegistry } from './docnum-registry';
import { type IngestDeps, ingestIdocRequest, reprocessRawPayload } from './ingest';
import { DynamoDbRawPayloadStore } from './raw-store';

export const IngressConfig = z.object({
  EVENT_BUS_NAME: z.string().min(1),
  /** Table for raw payloads (pk, sk strings; TTL attribute expiresAt). */
  RAW_PAYLOAD_TABLE: z.string().min(1),
  /** Table for DOCNUM de-duplication (pk string; TTL attribute expiresAt). */
  IDEMPOTENCY_TABLE: z.string().min(1),
  /** JSON of functions/sap/mapping.ts SapMappings, embedded by infra from the plant config. */
  SAP_MAPPINGS: z.string().min(2),
  MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(5 * 1024 * 1024),
});

const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
});

let deps: IngestDeps | undefined;
/** Built on first use so a missing setting fails the first invocation loudly, not module import. */
const depsFromEnv = (): IngestDeps => {
  if (deps) return deps;
  const config = loadConfig(IngressConfig);
  let mappings: unknown;
  try {
    mappings = JSON.parse(config.SAP_MAPPINGS);
  } catch {
    throw new Error('SAP_MAPPINGS is not JSON');
  }
  deps = {
    rawStore: new DynamoDbRawPayloadStore(documentClient, config.RAW_PAYLOAD_TABLE),
    registry: new DynamoDbDocnumRegistry(documentClient, config.IDEMPOTENCY_TABLE),
    publisher: new EventPublisher({
      busName: config.EVENT_BUS_NAME,
      producer: { system: 'sap', name: 'idoc-ingress' },
    }),
    translate: { mappings: parseSapMappings(mappings) },
    maxBodyBytes: config.MAX_BODY_BYTES,
  };
  return deps;
};

/** The handler with its dependencies given (tests, local runtime). */
export const createIngressHandler = (resolve: () => IngestDeps = depsFromEnv) =>
  apiHandler(async (request, context) => {
    const result = await ingestIdocRequest(
      {
        receiptId: context.awsRequestId,
        contentType: request.headers['content-type'],
        body: request.rawBody,
      },
      resolve(),
    );
    metrics.addMetric('IdocsAccepted', 'Count', result.accepted.length);
    metrics.addMetric('IdocsDuplicate', 'Count', result.duplicates.length);
    logger.info('IDoc request handled', {
      receiptId: result.receiptId,
      published: result.published,
      duplicates: result.duplicates,
      skipped: result.skipped,
    });
    return { statusCode: 200, body: result };
  });

export const handler = createIngressHandler();

/** Direct invoke `{ "receiptId": "…" }`: re-processes a stored payload after a mapping fix. */
export const createReprocessHandler = (resolve: () => IngestDeps = depsFromEnv) =>
  sfnTaskHandler(async (input: { receiptId?: unknown }) => {
    if (typeof input?.receiptId !== 'string') throw new Error('expected { "receiptId": "<receipt id>" }');
    return reprocessRawPayload(input.receiptId, resolve());
  });

export const reprocessHandler = createReprocessHandler();
