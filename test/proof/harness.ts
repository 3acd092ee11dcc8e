/**
 * Drives every ingress of plantsync with one input and observes what it answered and what it did
 * downstream. Each run builds a fresh "world": the real handler (the same middleware stack Lambda
 * runs) wired to in-memory fakes of its ports, so a test can say that a rejected input published
 * nothing, wrote no state and called no target system. Used by the jest catalogue test and by
 * write-reliability-report.ts (no jest globals here).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type {
  APIGatewayProxyEvent,
  APIGatewayProxyResult,
  Context,
  SQSBatchResponse,
  SQSEvent,
} from 'aws-lambda';
import { route } from '../../functions/api/handler';
import { createBusinessApi } from '../../functions/api/service';
import type { MaintenancePlants } from '../../functions/maintenance/config';
import type { MaintenanceConnector } from '../../functions/maintenance/model';
import type { ReplayStore } from '../../functions/maintenance/webhook-ingress';
import { createHandler as createEgressHandler } from '../../functions/maintenance-egress/handler';
import { createHandler as createWebhookHandler } from '../../functions/maintenance-webhook/handler';
import type { MesClient } from '../../functions/mes/client';
import type { MesPlantSettings } from '../../functions/mes/config';
import { buildHandler as buildMesIngress } from '../../functions/mes-ingress/handler';
import { buildHandler as buildMesPublisher } from '../../functions/mes-publisher/handler';
import { parseSapMappings, type SapMappings } from '../../functions/sap/mapping';
import type { ODataClient } from '../../functions/sap/odata/client';
import type { ClaimResult, DocnumRegistry } from '../../functions/sap-idoc-ingress/docnum-registry';
import { createIngressHandler } from '../../functions/sap-idoc-ingress/handler';
import type {
  RawPayload,
  RawPayloadRecord,
  RawPayloadStatus,
  RawPayloadStore,
} from '../../functions/sap-idoc-ingress/raw-store';
import { createPosterHandler } from '../../functions/sap-poster/handler';
import { CorrelationRepository } from '../../functions/workflows/domain/repository';
import { InMemoryStore } from '../../functions/workflows/domain/store';
import type { DeadLetter, DeadLetterSink } from '../../shared/dead-letters';
import { describeError } from '../../shared/errors';
import { apiHandler } from '../../shared/middleware';
import type { PublishRequest } from '../../shared/publisher';
import type { SyncExceptionSink } from '../../shared/sync-exceptions';

export const INGRESSES = [
  'sap-idoc-ingress',
  'mes-ingress',
  'maintenance-webhook',
  'business-api',
  'mes-publisher',
  'sap-poster',
  'maintenance-egress',
] as const;
export type Ingress = (typeof INGRESSES)[number];

export interface HttpInput {
  readonly method?: string;
  readonly path?: string;
  readonly pathParameters?: Record<string, string>;
  readonly query?: Record<string, string>;
  readonly headers?: Record<string, string>;
  readonly body?: string | null;
  readonly isBase64Encoded?: boolean;
}

export interface QueueInput {
  /** The SQS message body exactly as the queue holds it. */
  readonly body: string;
}

export type Outcome =
  | 'rejected'
  | 'dead-letter'
  | 'sync-exception'
  | 'retry'
  | 'accepted'
  | 'duplicate'
  | 'skipped';

/** What one delivery did: the answer, and every effect it had on the world. */
export interface Observation {
  /** HTTP status; for queue consumers 0. */
  readonly status: number;
  readonly outcome: Outcome;
  /** The reason the sender (or the dead letter) was given. */
  readonly reason: string;
  /** Error class named in the answer or dead letter. */
  readonly errorName?: string;
  /** Effects that change other systems or plantsync state (publishes, writes, target calls). */
  readonly effects: readonly string[];
  /** SAP ingress only: the raw payload record kept for re-processing, if any. */
  readonly rawKept?: { readonly status: RawPayloadStatus; readonly reason?: string };
}

const here = dirname(fileURLToPath(import.meta.url));
const FIXTURES = join(here, '..', 'fixtures', 'proof');
export const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');

let invocation = 0;
const lambdaContext = (name: string): Context =>
  ({
    awsRequestId: `proof-${++invocation}`,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-central-1:000000000000:function:${name}`,
    memoryLimitInMB: '256',
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'proof',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  }) as Context;

const apiEvent = (input: HttpInput, defaults: { path: string; method: string }): APIGatewayProxyEvent =>
  ({
    httpMethod: input.method ?? defaults.method,
    path: input.path ?? defaults.path,
    pathParameters: input.pathParameters ?? null,
    queryStringParameters: input.query ?? null,
    headers: input.headers ?? {},
    body: input.body === undefined ? null : input.body,
    isBase64Encoded: input.isBase64Encoded ?? false,
    requestContext: { requestId: 'proof-request' },
  }) as unknown as APIGatewayProxyEvent;

const sqsEvent = (input: QueueInput, source: string): SQSEvent => ({
  Records: [
    {
      messageId: 'proof-message-1',
      receiptHandle: 'proof-receipt',
      body: input.body,
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: '1795000000000',
        SenderId: 'proof',
        ApproximateFirstReceiveTimestamp: '1795000000000',
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:eu-central-1:000000000000:${source}`,
      awsRegion: 'eu-central-1',
    },
  ],
});

const readHttp = (
  response: APIGatewayProxyResult,
): { status: number; reason: string; errorName?: string; body: Record<string, unknown> } => {
  let body: Record<string, unknown> = {};
  try {
    body = response.body ? (JSON.parse(response.body) as Record<string, unknown>) : {};
  } catch {
    body = { message: response.body };
  }
  const reason = String(body.message ?? body.reason ?? '');
  return {
    status: response.statusCode,
    reason,
    ...(typeof body.error === 'string' ? { errorName: body.error } : {}),
    body,
  };
};

/** A world: one handler and its fakes. `deliver` may be called several times (replays). */
export interface World<I> {
  deliver(input: I): Promise<Observation>;
  /** Effects recorded so far (all deliveries). */
  effects(): readonly string[];
}

// ── SAP IDoc ingress ──────────────────────────────────────────────────────────────────────────

export const SAP_MAPPINGS: SapMappings = parseSapMappings({
  systemTimeZone: 'Europe/Berlin',
  senders: ['S4HCLNT100'],
  plants: [
    {
      plant: '1010',
      timeZone: 'Europe/Berlin',
      orderTypes: ['PP01'],
      workCenters: { MILL01: { line: 'L01', equipmentId: '10000042' }, MILL02: { line: 'L01' } },
      units: {},
      maintenance: { notificationType: 'M2', orderType: 'PM01', mainWorkCenter: 'MECH' },
    },
  ],
});

class MemoryRawStore implements RawPayloadStore {
  readonly records = new Map<string, RawPayloadRecord>();
  async put(payload: RawPayload): Promise<void> {
    this.records.set(payload.receiptId, { ...payload, status: 'received' });
  }
  async get(receiptId: string): Promise<RawPayloadRecord | undefined> {
    return this.records.get(receiptId);
  }
  async mark(
    receiptId: string,
    status: RawPayloadStatus,
    facts: { reason?: string; docnums?: readonly string[] } = {},
  ): Promise<void> {
    const record = this.records.get(receiptId);
    if (!record) throw new Error(`no record ${receiptId}`);
    this.records.set(receiptId, { ...record, status, ...facts });
  }
}

class MemoryDocnumRegistry implements DocnumRegistry {
  readonly state = new Map<string, 'in-progress' | 'done'>();
  async claim(docnum: string): Promise<ClaimResult> {
    const current = this.state.get(docnum);
    if (current) return current;
    this.state.set(docnum, 'in-progress');
    return 'claimed';
  }
  async complete(docnum: string): Promise<void> {
    this.state.set(docnum, 'done');
  }
  async release(docnum: string): Promise<void> {
    if (this.state.get(docnum) === 'in-progress') this.state.delete(docnum);
  }
}

const publishEffects = (requests: readonly PublishRequest[]) =>
  requests.map((r) => `published ${r.detailType} ${r.idempotencyKey}`);

export const sapIdocWorld = (maxBodyBytes = 64 * 1024): World<HttpInput> => {
  const rawStore = new MemoryRawStore();
  const registry = new MemoryDocnumRegistry();
  const effects: string[] = [];
  const handler = createIngressHandler(() => ({
    rawStore,
    registry,
    publisher: {
      publish: async (requests) => {
        effects.push(...publishEffects(requests));
        return requests;
      },
    },
    translate: { mappings: SAP_MAPPINGS },
    maxBodyBytes,
    now: () => new Date('2026-11-25T05:31:00Z'),
  }));
  return {
    effects: () => [...effects, ...[...registry.state].map(([docnum, s]) => `docnum ${docnum} ${s}`)],
    async deliver(input) {
      const before = new Set(rawStore.records.keys());
      const response = (await handler(
        apiEvent(input, { path: '/sap/idoc', method: 'POST' }),
        lambdaContext('sap-idoc-ingress'),
      )) as APIGatewayProxyResult;
      const http = readHttp(response);
      const kept = [...rawStore.records.entries()].find(([id]) => !before.has(id))?.[1];
      const body = http.body as {
        duplicates?: string[];
        published?: string[];
        skipped?: { reason: string }[];
      };
      const nothingPublished = http.status === 200 && (body.published ?? []).length === 0;
      const outcome: Outcome =
        http.status >= 400
          ? 'rejected'
          : nothingPublished && (body.duplicates ?? []).length > 0
            ? 'duplicate'
            : nothingPublished && (body.skipped ?? []).length > 0
              ? 'skipped'
              : 'accepted';
      return {
        status: http.status,
        outcome,
        reason:
          http.status >= 400
            ? http.reason
            : [
                ...(body.duplicates ?? []).map((d) => `duplicate ${d}`),
                ...(body.skipped ?? []).map((s) => s.reason),
              ].join('; '),
        ...(http.errorName ? { errorName: http.errorName } : {}),
        effects: this.effects(),
        ...(kept
          ? { rawKept: { status: kept.status, ...(kept.reason ? { reason: kept.reason } : {}) } }
          : {}),
      };
    },
  };
};

// ── MES ingress ───────────────────────────────────────────────────────────────────────────────

export const mesIngressWorld = (maxBodyBytes = 64 * 1024): World<HttpInput> => {
  const effects: string[] = [];
  const remembered = new Set<string>();
  const handler = buildMesIngress({
    plants: new Set(['1010', '2020']),
    publisher: {
      publish: async (requests) => {
        effects.push(...publishEffects(requests));
        return [];
      },
    },
    seen: {
      seen: async (keys) => new Set(keys.filter((k) => remembered.has(k))),
      remember: async (keys) => {
        for (const k of keys) {
          remembered.add(k);
          effects.push(`remembered ${k}`);
        }
      },
    },
    maxBodyBytes,
  });
  return {
    effects: () => [...effects],
    async deliver(input) {
      const response = (await handler(
        apiEvent(input, { path: '/ingress/mes/1010/events', method: 'POST' }),
        lambdaContext('mes-ingress'),
      )) as APIGatewayProxyResult;
      const http = readHttp(response);
      const body = http.body as { accepted?: number; duplicates?: number };
      return {
        status: http.status,
        outcome:
          http.status >= 400
            ? 'rejected'
            : body.accepted === 0 && (body.duplicates ?? 0) > 0
              ? 'duplicate'
              : 'accepted',
        reason: http.status >= 400 ? http.reason : `accepted ${body.accepted}, duplicates ${body.duplicates}`,
        ...(http.errorName ? { errorName: http.errorName } : {}),
        effects: [...effects],
      };
    },
  };
};

// ── MaintainX webhook ─────────────────────────────────────────────────────────────────────────

export const WEBHOOK_SECRET = 'whsec_proof_0123456789abcdef0123456789abcdef';
/** The clock of the webhook world; signatures are made for this instant unless a case says otherwise. */
export const WEBHOOK_NOW = Date.parse('2026-11-25T06:13:00Z');

const maintenancePlants: MaintenancePlants = {
  '1010': {
    platform: 'maintainx',
    baseUrl: 'http://127.0.0.1:1/v1',
    apiTokenSecretName: 'plantsync/proof/1010/maintainx-api',
    webhookSecretName: 'plantsync/proof/1010/maintainx-webhook',
    tenant: 'mx-org-321',
    rateLimit: { requestsPerSecond: 1, burst: 5 },
    currency: 'EUR',
    referenceField: 'plantsync reference',
    equipmentField: 'SAP Equipment',
    assets: { '10000042': 42 },
    partUnit: 'H87',
  },
} as MaintenancePlants;

export const maintenanceWebhookWorld = (maxBodyBytes = 64 * 1024): World<HttpInput> => {
  const effects: string[] = [];
  const claims = new Set<string>();
  const replay: ReplayStore = {
    async claim(key) {
      if (claims.has(key)) return false;
      claims.add(key);
      return true;
    },
    async release(key) {
      claims.delete(key);
    },
  };
  const silent = () => undefined;
  const handler = createWebhookHandler(() => ({
    plants: maintenancePlants,
    webhookSecrets: async (name) => {
      if (name !== 'plantsync/proof/1010/maintainx-webhook') throw new Error('unknown secret');
      return [WEBHOOK_SECRET];
    },
    replay,
    publish: async (events) => {
      effects.push(...events.map((e) => `published ${e.detailType} ${e.idempotencyKey}`));
      return events.map((_, i) => `event-${i}`);
    },
    costs: async (plant, workOrderId) => {
      effects.push(`costs read ${plant} ${workOrderId}`);
      throw new Error('the proof world has no MaintainX');
    },
    now: () => WEBHOOK_NOW,
    log: { info: silent, warn: silent, error: silent },
    maxBodyBytes,
  }));
  return {
    effects: () => [...effects, ...[...claims].map((k) => `replay claim ${k.slice(0, 40)}`)],
    async deliver(input) {
      const response = (await handler(
        apiEvent(input, { path: '/webhooks/maintainx/1010', method: 'POST' }),
        lambdaContext('maintenance-webhook'),
      )) as APIGatewayProxyResult;
      const http = readHttp(response);
      const status = String(http.body.status ?? '');
      return {
        status: http.status,
        outcome: http.status >= 400 ? 'rejected' : status === 'duplicate' ? 'duplicate' : 'accepted',
        reason: http.reason,
        ...(http.errorName ? { errorName: http.errorName } : {}),
        effects: this.effects(),
      };
    },
  };
};

// ── Business API (/v1) ────────────────────────────────────────────────────────────────────────

export const businessApiWorld = (): World<HttpInput> => {
  const effects: string[] = [];
  const store = new InMemoryStore();
  const now = () => new Date('2026-11-25T07:00:00Z');
  const repo = new CorrelationRepository(store, now);
  const call =
    (port: string) =>
    async (...args: unknown[]) => {
      effects.push(`${port}(${args.slice(1).map(String).join(', ')})`);
      return undefined;
    };
  const api = createBusinessApi({
    repo,
    orders: { readReleasedOrder: call('orders.readReleasedOrder') as never },
    workflows: {
      startOrderRelease: async (name) => {
        effects.push(`workflow started ${name}`);
        return 'started';
      },
    },
    equipment: {
      sap: call('equipment.sap') as never,
      mes: call('equipment.mes') as never,
      maintenance: call('equipment.maintenance') as never,
    },
    orderStatus: { sap: call('orderStatus.sap') as never, mes: call('orderStatus.mes') as never },
    maintenance: {
      createNotification: call('maintenance.createNotification') as never,
      updateNotification: call('maintenance.updateNotification') as never,
      createWorkOrder: async (_ctx, request) => {
        effects.push(`maintenance.createWorkOrder ${request.externalReference}`);
        return { workOrderId: 'WO-1' };
      },
      cancelWorkOrder: call('maintenance.cancelWorkOrder') as never,
      listAssets: async () => [],
    },
    callbacks: {
      sendTaskSuccess: async (token) => void effects.push(`task success ${token}`),
      sendTaskFailure: async (token) => void effects.push(`task failure ${token}`),
    },
    now,
  });
  const handler = apiHandler(async (request) => route(request, api));
  return {
    effects: () => [...effects, ...(store.size() > 0 ? [`correlation table items ${store.size()}`] : [])],
    async deliver(input) {
      const response = (await handler(
        apiEvent(input, { path: '/v1/work-orders', method: 'POST' }),
        lambdaContext('business-api'),
      )) as APIGatewayProxyResult;
      const http = readHttp(response);
      return {
        status: http.status,
        outcome: http.status >= 400 ? 'rejected' : 'accepted',
        reason: http.reason,
        ...(http.errorName ? { errorName: http.errorName } : {}),
        effects: this.effects(),
      };
    },
  };
};

// ── SQS consumers ─────────────────────────────────────────────────────────────────────────────

interface QueueSinks {
  readonly deadLetters: DeadLetter[];
  readonly syncExceptions: string[];
  readonly options: {
    deadLetters: DeadLetterSink;
    syncExceptions: SyncExceptionSink;
    maxReceiveCount: number;
  };
}

const queueSinks = (): QueueSinks => {
  const deadLetters: DeadLetter[] = [];
  const syncExceptions: string[] = [];
  return {
    deadLetters,
    syncExceptions,
    options: {
      deadLetters: { send: async (letter) => void deadLetters.push(letter) },
      syncExceptions: { raise: async (error) => void syncExceptions.push(describeError(error).message) },
      maxReceiveCount: 5,
    },
  };
};

const queueWorld = (
  name: Ingress,
  build: (options: QueueSinks['options']) => (event: SQSEvent, context: Context) => Promise<unknown>,
  effects: string[],
): World<QueueInput> => {
  const sinks = queueSinks();
  const handler = build(sinks.options);
  return {
    effects: () => [...effects],
    async deliver(input) {
      const letters = sinks.deadLetters.length;
      const exceptions = sinks.syncExceptions.length;
      const response = (await handler(sqsEvent(input, `${name}-queue`), lambdaContext(name))) as
        | SQSBatchResponse
        | undefined;
      const letter = sinks.deadLetters[letters];
      const exception = sinks.syncExceptions[exceptions];
      if (letter) {
        const { name: errorName, message } = describeError(letter.error);
        return { status: 0, outcome: 'dead-letter', reason: message, errorName, effects: [...effects] };
      }
      if (exception)
        return { status: 0, outcome: 'sync-exception', reason: exception, effects: [...effects] };
      if ((response?.batchItemFailures ?? []).length > 0)
        return { status: 0, outcome: 'retry', reason: 'batch item failure', effects: [...effects] };
      return { status: 0, outcome: 'accepted', reason: '', effects: [...effects] };
    },
  };
};

const MES_PLANTS: ReadonlyMap<string, MesPlantSettings> = new Map([
  ['1010', { profile: 'rest-json', endpoint: 'http://127.0.0.1:1/mes', b2mmlVersion: 'V0700' }],
]);

export const mesPublisherWorld = (): World<QueueInput> => {
  const effects: string[] = [];
  const client = {
    publishOrder: async (kind: string, data: { orderNumber: string }) => {
      effects.push(`MES ${kind} order ${data.orderNumber}`);
      return { status: 'sent' };
    },
    cancelOrder: async (data: { orderNumber: string }) => {
      effects.push(`MES cancel order ${data.orderNumber}`);
      return { status: 'sent' };
    },
  } as unknown as MesClient;
  return queueWorld(
    'mes-publisher',
    (options) => buildMesPublisher({ plants: MES_PLANTS, clientFor: () => client }, options),
    effects,
  );
};

/** An OData client that records every call instead of reaching SAP. */
const recordingODataClient = (effects: string[]): ODataClient =>
  new Proxy({} as ODataClient, {
    get:
      (_target, method) =>
      async (...args: unknown[]) => {
        effects.push(`SAP OData ${String(method)} ${String(args[0] ?? '')}`.trim());
        return { value: [] };
      },
  });

export const sapPosterWorld = (): World<QueueInput> => {
  const effects: string[] = [];
  const client = recordingODataClient(effects);
  return queueWorld(
    'sap-poster',
    (options) => createPosterHandler(() => ({ client, mappings: SAP_MAPPINGS }), options),
    effects,
  );
};

export const maintenanceEgressWorld = (): World<QueueInput> => {
  const effects: string[] = [];
  const connector = new Proxy({ platform: 'maintainx' } as unknown as MaintenanceConnector, {
    get: (target, method) =>
      method === 'platform'
        ? 'maintainx'
        : method === 'then'
          ? undefined
          : async (...args: unknown[]) => {
              effects.push(`maintenance ${String(method)} ${JSON.stringify(args[0] ?? null).slice(0, 60)}`);
              return { id: 'WO-1', created: true, ...(target as object) };
            },
  });
  const silent = () => undefined;
  return queueWorld(
    'maintenance-egress',
    (options) =>
      createEgressHandler(
        () => ({
          connectorFor: (plant) => {
            effects.push(`connector for ${plant}`);
            return connector;
          },
          publish: async (requests) => void effects.push(...publishEffects(requests)),
          now: () => new Date('2026-11-25T07:00:00Z'),
          log: { info: silent, warn: silent, error: silent },
        }),
        options,
      ),
    effects,
  );
};
