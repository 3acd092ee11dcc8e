import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { System } from '../events';
import type { TableAccess } from './constructs/connector-function';

/** API routes a function can serve (see the stateless stack for methods, models and auth). */
export type ApiRoute =
  | 'ingress-sap-idoc'
  | 'ingress-mes-events'
  | 'webhooks'
  | 'v1-order-release'
  | 'v1-equipment'
  | 'v1-work-orders'
  | 'v1-inventory-approval'
  | 'v1-order-status';

export type Trigger =
  /** Serves an API route (Lambda proxy integration, raw body preserved). */
  | { readonly kind: 'api'; readonly route: ApiRoute }
  /** Drains the environment's buffer to SAP. */
  | { readonly kind: 'sap-postings' }
  /** Drains every plant's outbound buffer of that kind, with the plant's concurrency cap. */
  | { readonly kind: 'plant-buffer'; readonly buffer: 'mes-outbound' | 'maintenance-outbound' }
  /** Invoked by state machines as `${WorkflowTasksFunctionArn}`. */
  | { readonly kind: 'workflow-tasks' }
  /** Invoked directly by operators (`aws lambda invoke`), e.g. to re-process a stored payload. */
  | { readonly kind: 'invoke' }
  /** A routing-table target (infra/routing.ts names it). */
  | { readonly kind: 'rule' };

/** Tables of the stateful stack a function may be bound to. */
export type TableName = 'correlation' | 'idempotency' | 'dedup' | 'rawPayloads';
/** Configuration documents infra renders from the validated environment config. */
export type ConfigDocument = 'PLANTS_JSON' | 'MAINTENANCE_PLANTS' | 'SAP_MAPPINGS';

/** Default variable names for bindings; a connector that reads another name says so in `envNames`. */
export const DEFAULT_ENV_NAMES = {
  correlation: 'CORRELATION_TABLE_NAME',
  idempotency: 'IDEMPOTENCY_TABLE_NAME',
  dedup: 'DEDUP_TABLE_NAME',
  rawPayloads: 'RAW_PAYLOAD_TABLE',
  bus: 'EVENT_BUS_NAME',
  sapSecret: 'SAP_SECRET_NAME',
  sapEndpoint: 'SAP_ODATA_ENDPOINT',
} as const;
export type Binding = keyof typeof DEFAULT_ENV_NAMES;

export interface FunctionSpec {
  readonly description: string;
  /** Handler file relative to the repository root. @default functions/<name>/handler.ts */
  readonly entry?: string;
  /** The handler's export name in `entry`. @default 'handler' */
  readonly handlerName?: string;
  /**
   * The system(s) whose events it publishes: grants PutEvents and admits its role for each of
   * those sources in the bus policy (a function that emits events as their owner lists each owner).
   */
  readonly publishes?: System | readonly System[];
  readonly tables?: Readonly<Partial<Record<TableName, TableAccess>>>;
  /**
   * Binds the SAP OData credentials secret and endpoint (and SAP_CLIENT): always (`true`), or only
   * when the environment has a plant whose maintenance platform is SAP PM (`'sap-pm-plants'`).
   */
  readonly sapSecret?: boolean | 'sap-pm-plants';
  /** Per-plant secrets it reads, bound as <KIND>_SECRET_<PLANT> (e.g. MAINTENANCE_SECRET_1000). */
  readonly plantSecrets?: readonly ('mes' | 'maintenance' | 'webhook')[];
  /** Configuration documents (JSON) it reads, rendered from the environment config. */
  readonly documents?: readonly ConfigDocument[];
  /** Variable names this connector reads instead of the defaults. @default DEFAULT_ENV_NAMES */
  readonly envNames?: Readonly<Partial<Record<Binding, string>>>;
  /** Can start or answer the named workflows (WORKFLOW_<NAME>_ARN). */
  readonly workflows?: readonly { readonly name: string; readonly access: 'start' | 'task-response' }[];
  /** @default 30 */
  readonly timeoutSeconds?: number;
  /** @default 256 */
  readonly memorySize?: number;
  readonly triggers: readonly Trigger[];
}

/**
 * The one registry of Lambda functions: wiring a function is one entry here. Entries whose
 * handler file does not exist yet are left out of the synthesized app (and listed as pending),
 * so `cdk synth` never fails on a connector that is still being written.
 */
export const functionRegistry = {
  'sap-idoc-ingress': {
    description:
      'Receives SAP IDoc XML, keeps the raw payload, de-duplicates by DOCNUM, publishes SAP events',
    publishes: 'sap',
    tables: { rawPayloads: 'readwrite', dedup: 'readwrite' },
    envNames: { dedup: 'IDEMPOTENCY_TABLE' },
    documents: ['SAP_MAPPINGS'],
    triggers: [{ kind: 'api', route: 'ingress-sap-idoc' }],
  },
  'sap-idoc-reprocess': {
    description: 'Re-processes a stored SAP IDoc payload by receipt id after a mapping fix (direct invoke)',
    entry: 'functions/sap-idoc-ingress/handler.ts',
    handlerName: 'reprocessHandler',
    publishes: 'sap',
    tables: { rawPayloads: 'readwrite', dedup: 'readwrite' },
    envNames: { dedup: 'IDEMPOTENCY_TABLE' },
    documents: ['SAP_MAPPINGS'],
    triggers: [{ kind: 'invoke' }],
  },
  'sap-poster': {
    description: 'Posts confirmations, goods movements and maintenance costs to SAP OData exactly once',
    // Business refusals become SyncExceptionRaised, published as plantsync (shared/middleware).
    publishes: 'plantsync',
    sapSecret: true,
    envNames: { sapSecret: 'SAP_SECRET_ID', sapEndpoint: 'SAP_BASE_URL' },
    documents: ['SAP_MAPPINGS'],
    timeoutSeconds: 25,
    triggers: [{ kind: 'sap-postings' }],
  },
  'mes-ingress': {
    description: 'Receives MES execution events (REST JSON or B2MML) and publishes canonical MES events',
    publishes: 'mes',
    tables: { idempotency: 'readwrite' },
    documents: ['PLANTS_JSON'],
    triggers: [{ kind: 'api', route: 'ingress-mes-events' }],
  },
  'mes-publisher': {
    description: "Sends released orders and master data to each plant's MES at the plant's rate limit",
    plantSecrets: ['mes'],
    documents: ['PLANTS_JSON'],
    timeoutSeconds: 25,
    triggers: [{ kind: 'plant-buffer', buffer: 'mes-outbound' }],
  },
  'maintenance-webhook': {
    description:
      'Verifies maintenance-platform webhook signatures and publishes canonical maintenance events',
    publishes: 'maintenance',
    // Replay claims live in the shared idempotency table (id, expiration).
    tables: { idempotency: 'readwrite' },
    // webhook: the signing secret; maintenance: the API token for the MaintainX cost read.
    plantSecrets: ['webhook', 'maintenance'],
    documents: ['MAINTENANCE_PLANTS'],
    triggers: [{ kind: 'api', route: 'webhooks' }],
  },
  'maintenance-egress': {
    description:
      "Creates notifications and work orders in each plant's maintenance platform at its rate limit",
    publishes: 'maintenance',
    plantSecrets: ['maintenance'],
    // SAP PM plants go through the SAP connector's OData client.
    sapSecret: 'sap-pm-plants',
    envNames: { sapSecret: 'SAP_SECRET_ID', sapEndpoint: 'SAP_BASE_URL' },
    documents: ['MAINTENANCE_PLANTS', 'SAP_MAPPINGS'],
    timeoutSeconds: 25,
    triggers: [{ kind: 'plant-buffer', buffer: 'maintenance-outbound' }],
  },
  workflows: {
    description:
      'Workflow task functions (order release, execution to SAP, downtime, maintenance, reconciliation)',
    // Sync exceptions and drift as plantsync; MaintenanceNotificationCreated as its owner, maintenance.
    publishes: ['plantsync', 'maintenance'],
    tables: { correlation: 'readwrite' },
    sapSecret: true,
    envNames: { sapSecret: 'SAP_SECRET_ID', sapEndpoint: 'SAP_BASE_URL' },
    plantSecrets: ['mes', 'maintenance'],
    documents: ['PLANTS_JSON', 'SAP_MAPPINGS', 'MAINTENANCE_PLANTS'],
    workflows: [{ name: 'order-release', access: 'task-response' }],
    timeoutSeconds: 25,
    triggers: [{ kind: 'workflow-tasks' }],
  },
  'order-acknowledgement': {
    description: 'Hands MES order acknowledgements back to the waiting order-release execution',
    entry: 'functions/workflows/ack-handler.ts',
    tables: { correlation: 'readwrite' },
    workflows: [{ name: 'order-release', access: 'task-response' }],
    triggers: [{ kind: 'rule' }],
  },
  'business-api': {
    description: 'The /v1 business capabilities: order release, equipment, work orders, approvals, status',
    entry: 'functions/api/handler.ts',
    tables: { correlation: 'readwrite' },
    sapSecret: true,
    envNames: { sapSecret: 'SAP_SECRET_ID', sapEndpoint: 'SAP_BASE_URL' },
    plantSecrets: ['mes', 'maintenance'],
    documents: ['PLANTS_JSON', 'SAP_MAPPINGS', 'MAINTENANCE_PLANTS'],
    workflows: [
      { name: 'order-release', access: 'start' },
      { name: 'inventory-adjustment', access: 'task-response' },
    ],
    triggers: [
      { kind: 'api', route: 'v1-order-release' },
      { kind: 'api', route: 'v1-equipment' },
      { kind: 'api', route: 'v1-work-orders' },
      { kind: 'api', route: 'v1-inventory-approval' },
      { kind: 'api', route: 'v1-order-status' },
    ],
  },
} as const satisfies Record<string, FunctionSpec>;

export type FunctionName = keyof typeof functionRegistry;
export type FunctionRegistry = Readonly<Record<string, FunctionSpec>>;

export interface ResolvedFunction {
  readonly name: string;
  readonly entry: string;
  readonly spec: FunctionSpec;
}

/** Splits a registry into functions whose handler exists under `root` and those still pending. */
export const resolveFunctions = (
  registry: FunctionRegistry,
  root: string,
): { readonly ready: readonly ResolvedFunction[]; readonly pending: readonly string[] } => {
  const ready: ResolvedFunction[] = [];
  const pending: string[] = [];
  for (const [name, spec] of Object.entries(registry)) {
    const entry = join(root, spec.entry ?? join('functions', name, 'handler.ts'));
    if (existsSync(entry)) ready.push({ name, entry, spec });
    else pending.push(name);
  }
  return { ready, pending };
};
