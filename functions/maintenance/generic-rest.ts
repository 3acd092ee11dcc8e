import * as z from 'zod';
import { PermanentError } from '../../shared/errors';
import type { HttpMethod, RestTransport } from './http';
import type {
  AssetRecord,
  CreateNotificationCommand,
  CreateResult,
  CreateWorkOrderCommand,
  MaintenanceConnector,
  NotificationUpdate,
  Priority,
  UpdateWorkOrderCommand,
  WorkOrderState,
  WorkOrderStatus,
} from './model';

/** A dotted JSON path, e.g. `data.id` or `items.0.attributes.status`. */
const JsonPath = z
  .string()
  .regex(/^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/, 'a dotted JSON path, e.g. "data.id"');

const Operation = z.object({
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
  /** Path below baseUrl; `{id}` and `{externalReference}` are replaced (URL-encoded). */
  path: z.string().startsWith('/'),
});

const CanonicalStatus = z.enum(['open', 'on-hold', 'in-progress', 'done', 'cancelled']);
const CanonicalPriority = z.enum(['low', 'medium', 'high', 'urgent']);

/**
 * Configuration of a REST/JSON maintenance tool: where each operation lives, where each canonical field
 * sits in its JSON, and how its status and priority values translate. A new vendor of this kind is a
 * config entry, not code.
 */
export const GenericRestMapping = z.object({
  baseUrl: z.url(),
  /** Header that carries the credential, e.g. `authorization` (value `Bearer <secret>`) or `x-api-key`. */
  authHeader: z.string().min(1).default('authorization'),
  /** Prefix before the secret in the auth header, e.g. `Bearer `; empty for API-key headers. */
  authPrefix: z.string().default('Bearer '),
  operations: z.object({
    createNotification: Operation.optional(),
    createWorkOrder: Operation,
    updateWorkOrder: Operation,
    getWorkOrder: Operation,
    /** Lists records by external reference (used before every create, for idempotency). */
    findByExternalReference: Operation,
    /** Updates a notification (`{id}`); without it, downtime ends are not sent to this tool. */
    updateNotification: Operation.optional(),
    /** Lists assets (for equipment reconciliation). */
    listAssets: Operation.optional(),
  }),
  /** Where canonical fields go in request bodies and come from in responses. */
  fields: z.object({
    id: JsonPath,
    status: JsonPath,
    equipment: JsonPath,
    priority: JsonPath,
    title: JsonPath,
    description: JsonPath.optional(),
    externalReference: JsonPath,
    plannedStart: JsonPath.optional(),
    plannedEnd: JsonPath.optional(),
    /** Marks a notification vs a work order when both share one endpoint, e.g. `type`. */
    recordType: JsonPath.optional(),
    /** Where a notification update carries the downtime end (ISO 8601) and its duration (seconds). */
    downtimeEndedAt: JsonPath.optional(),
    downtimeDurationSeconds: JsonPath.optional(),
  }),
  /** Asset list: path of the array in the response, and the fields of each asset. */
  assets: z
    .object({ listPath: JsonPath.optional(), equipment: JsonPath, description: JsonPath.optional() })
    .optional(),
  /**
   * Where the record sits in request and response bodies (e.g. `data` for JSON:API); the field paths
   * are relative to it. Omit when the body is the record itself.
   */
  recordPath: JsonPath.optional(),
  /** Path of the array in the find response; omit when the response is the array itself. */
  listPath: JsonPath.optional(),
  /** The vendor's record-type values when `fields.recordType` is set. */
  recordTypes: z.object({ notification: z.string(), workOrder: z.string() }).optional(),
  /** Vendor status value → canonical status. Unlisted values are refused (dead letter), not guessed. */
  statusMap: z.record(z.string(), CanonicalStatus),
  /** Canonical priority → vendor value. */
  priorityMap: z.record(CanonicalPriority, z.union([z.string(), z.number()])),
});
export type GenericRestMapping = z.infer<typeof GenericRestMapping>;

export const getPath = (value: unknown, path: string): unknown => {
  let current: unknown = value;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
};

export const setPath = (target: Record<string, unknown>, path: string, value: unknown): void => {
  const keys = path.split('.');
  let current = target;
  keys.slice(0, -1).forEach((key) => {
    const next = current[key];
    if (next === null || typeof next !== 'object') current[key] = {};
    current = current[key] as Record<string, unknown>;
  });
  current[keys[keys.length - 1] as string] = value;
};

const fill = (path: string, values: Readonly<Record<string, string>>): string =>
  path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(values[name] ?? ''));

export class GenericRestConnector implements MaintenanceConnector {
  readonly platform = 'generic-rest' as const;

  constructor(
    private readonly transport: RestTransport,
    private readonly mapping: GenericRestMapping,
  ) {}

  async createNotification(command: CreateNotificationCommand): Promise<CreateResult> {
    const operation = this.mapping.operations.createNotification;
    if (!operation) throw new PermanentError('this maintenance tool has no notification endpoint configured');
    return this.create(operation, command, 'notification');
  }

  async createWorkOrder(command: CreateWorkOrderCommand): Promise<CreateResult> {
    return this.create(this.mapping.operations.createWorkOrder, command, 'workOrder');
  }

  async updateWorkOrder(command: UpdateWorkOrderCommand): Promise<void> {
    const f = this.mapping.fields;
    const body: Record<string, unknown> = {};
    if (command.status !== undefined) setPath(body, f.status, this.vendorStatus(command.status));
    if (command.title !== undefined) setPath(body, f.title, command.title);
    if (command.description !== undefined && f.description) setPath(body, f.description, command.description);
    if (command.priority !== undefined) setPath(body, f.priority, this.vendorPriority(command.priority));
    if (command.plannedStart !== undefined && f.plannedStart)
      setPath(body, f.plannedStart, command.plannedStart);
    if (command.plannedEnd !== undefined && f.plannedEnd) setPath(body, f.plannedEnd, command.plannedEnd);
    const op = this.mapping.operations.updateWorkOrder;
    await this.transport.request({
      method: op.method,
      path: fill(op.path, { id: command.workOrderId }),
      body: this.wrap(body),
    });
  }

  async getWorkOrder(workOrderId: string): Promise<WorkOrderState> {
    const op = this.mapping.operations.getWorkOrder;
    const response = await this.transport.request({
      method: op.method,
      path: fill(op.path, { id: workOrderId }),
    });
    return this.stateOf(this.unwrap(response.json));
  }

  async updateNotification(notificationId: string, update: NotificationUpdate): Promise<void> {
    const op = this.mapping.operations.updateNotification;
    const f = this.mapping.fields;
    // Not every tool records downtime on a request; the mapping says whether this one does.
    if (!op || !f.downtimeEndedAt) return;
    const body: Record<string, unknown> = {};
    setPath(body, f.downtimeEndedAt, update.downtimeEndedAt);
    if (update.durationSeconds && f.downtimeDurationSeconds) {
      setPath(body, f.downtimeDurationSeconds, update.durationSeconds);
    }
    await this.transport.request({
      method: op.method,
      path: fill(op.path, { id: notificationId }),
      body: this.wrap(body),
    });
  }

  async listAssets(): Promise<AssetRecord[]> {
    const op = this.mapping.operations.listAssets;
    const a = this.mapping.assets;
    if (!op || !a)
      throw new PermanentError(
        'this maintenance tool has no asset list configured (operations.listAssets, assets)',
      );
    const response = await this.transport.request({ method: op.method, path: op.path });
    const list = a.listPath ? getPath(response.json, a.listPath) : response.json;
    if (!Array.isArray(list))
      throw new PermanentError(`asset list response has no array at "${a.listPath ?? '(root)'}"`);
    return list.flatMap((asset): AssetRecord[] => {
      const equipmentId = getPath(asset, a.equipment);
      if (equipmentId === undefined || equipmentId === null || equipmentId === '') return [];
      const description = a.description ? getPath(asset, a.description) : undefined;
      return [
        { equipmentId: String(equipmentId), ...(typeof description === 'string' ? { description } : {}) },
      ];
    });
  }

  /** A vendor record → canonical state through the field paths and the status map. */
  stateOf(record: unknown): WorkOrderState {
    const f = this.mapping.fields;
    const id = getPath(record, f.id);
    const platformStatus = getPath(record, f.status);
    if (id === undefined || id === null) throw new PermanentError(`response has no id at "${f.id}"`);
    const status = this.mapping.statusMap[String(platformStatus)];
    if (!status) {
      throw new PermanentError(
        `status ${JSON.stringify(platformStatus)} at "${f.status}" is not in statusMap`,
      );
    }
    const equipmentId = getPath(record, f.equipment);
    const title = getPath(record, f.title);
    const externalReference = getPath(record, f.externalReference);
    return {
      id: String(id),
      status,
      platformStatus: String(platformStatus),
      ...(equipmentId != null ? { equipmentId: String(equipmentId) } : {}),
      ...(typeof title === 'string' ? { title } : {}),
      ...(externalReference != null ? { externalReference: String(externalReference) } : {}),
    };
  }

  private async create(
    operation: { method: HttpMethod; path: string },
    command: CreateNotificationCommand | CreateWorkOrderCommand,
    recordType: 'notification' | 'workOrder',
  ): Promise<CreateResult> {
    const existing = await this.find(command.externalReference);
    if (existing !== undefined) return { id: existing, created: false };
    const f = this.mapping.fields;
    const body: Record<string, unknown> = {};
    setPath(body, f.title, command.title);
    setPath(body, f.equipment, command.equipmentId);
    setPath(body, f.priority, this.vendorPriority(command.priority));
    setPath(body, f.externalReference, command.externalReference);
    if (command.description !== undefined && f.description) setPath(body, f.description, command.description);
    if (f.recordType && this.mapping.recordTypes)
      setPath(body, f.recordType, this.mapping.recordTypes[recordType]);
    if (command.kind === 'createWorkOrder') {
      if (command.plannedStart && f.plannedStart) setPath(body, f.plannedStart, command.plannedStart);
      if (command.plannedEnd && f.plannedEnd) setPath(body, f.plannedEnd, command.plannedEnd);
    }
    const response = await this.transport.request({
      method: operation.method,
      path: fill(operation.path, { externalReference: command.externalReference }),
      body: this.wrap(body),
    });
    const id = getPath(this.unwrap(response.json), f.id);
    if (id === undefined || id === null) throw new PermanentError(`create response has no id at "${f.id}"`);
    return { id: String(id), created: true };
  }

  private async find(externalReference: string): Promise<string | undefined> {
    const op = this.mapping.operations.findByExternalReference;
    const response = await this.transport.request({
      method: op.method,
      path: fill(op.path, { externalReference }),
    });
    const list = this.mapping.listPath ? getPath(response.json, this.mapping.listPath) : response.json;
    if (!Array.isArray(list)) return undefined;
    const match = list.find(
      (r) => String(getPath(r, this.mapping.fields.externalReference)) === externalReference,
    );
    const id = match === undefined ? undefined : getPath(match, this.mapping.fields.id);
    return id === undefined || id === null ? undefined : String(id);
  }

  private wrap(record: Record<string, unknown>): Record<string, unknown> {
    if (!this.mapping.recordPath) return record;
    const body: Record<string, unknown> = {};
    setPath(body, this.mapping.recordPath, record);
    return body;
  }

  private unwrap(body: unknown): unknown {
    return this.mapping.recordPath ? getPath(body, this.mapping.recordPath) : body;
  }

  private vendorStatus(status: WorkOrderStatus): string {
    const entry = Object.entries(this.mapping.statusMap).find(([, canonical]) => canonical === status);
    if (!entry) throw new PermanentError(`statusMap has no vendor value for "${status}"`);
    return entry[0];
  }

  private vendorPriority(priority: Priority): string | number {
    const value = this.mapping.priorityMap[priority];
    if (value === undefined) throw new PermanentError(`priorityMap has no vendor value for "${priority}"`);
    return value;
  }
}
