import * as z from 'zod';
import {
  EquipmentId,
  Identifier,
  LongText,
  type MaintenancePlatform as MaintenancePlatformSchema,
  PlantCode,
  Priority as PrioritySchema,
  ShortText,
  Timestamp,
  WorkOrderStatus as WorkOrderStatusSchema,
} from '../../events';

/**
 * Commands the maintenance egress queue carries (sent by orchestrations, never by another domain's
 * connector). `externalReference` is plantsync's key for the create: the same reference never makes
 * a second notification or work order, however often the message is delivered.
 */
const Base = z.object({
  plant: PlantCode,
  correlationId: Identifier.optional(),
  causationId: Identifier.optional(),
});

export const CreateNotificationCommand = Base.extend({
  kind: z.literal('createNotification'),
  externalReference: Identifier,
  equipmentId: EquipmentId,
  priority: PrioritySchema,
  title: ShortText.min(1),
  description: LongText.optional(),
  downtimeId: Identifier.optional(),
  context: z
    .object({ orderNumber: z.string().optional(), shift: z.string().optional(), line: z.string().optional() })
    .default({}),
});

export const CreateWorkOrderCommand = Base.extend({
  kind: z.literal('createWorkOrder'),
  externalReference: Identifier,
  equipmentId: EquipmentId,
  priority: PrioritySchema,
  title: ShortText.min(1),
  description: LongText.optional(),
  origin: z.enum(['downtime', 'predictive', 'api', 'platform']),
  plannedStart: Timestamp.optional(),
  plannedEnd: Timestamp.optional(),
  notificationId: Identifier.optional(),
});

export const UpdateWorkOrderCommand = Base.extend({
  kind: z.literal('updateWorkOrder'),
  workOrderId: Identifier,
  status: WorkOrderStatusSchema.optional(),
  title: ShortText.min(1).optional(),
  description: LongText.optional(),
  priority: PrioritySchema.optional(),
  plannedStart: Timestamp.optional(),
  plannedEnd: Timestamp.optional(),
});

export const MaintenanceCommand = z.discriminatedUnion('kind', [
  CreateNotificationCommand,
  CreateWorkOrderCommand,
  UpdateWorkOrderCommand,
]);
export type MaintenanceCommand = z.infer<typeof MaintenanceCommand>;
export type CreateNotificationCommand = z.infer<typeof CreateNotificationCommand>;
export type CreateWorkOrderCommand = z.infer<typeof CreateWorkOrderCommand>;
export type UpdateWorkOrderCommand = z.infer<typeof UpdateWorkOrderCommand>;

export type MaintenancePlatform = z.infer<typeof MaintenancePlatformSchema>;
export type Priority = z.infer<typeof PrioritySchema>;
export type WorkOrderStatus = z.infer<typeof WorkOrderStatusSchema>;

/** The result of an idempotent create: `created` is false when the reference already existed. */
export interface CreateResult {
  readonly id: string;
  readonly created: boolean;
}

export interface WorkOrderState {
  readonly id: string;
  readonly status: WorkOrderStatus;
  /** The platform's own status value, for logs and reconciliation. */
  readonly platformStatus: string;
  readonly equipmentId?: string;
  readonly title?: string;
  readonly externalReference?: string;
}

/** An asset of the maintenance platform, keyed by SAP equipment (for equipment reconciliation). */
export interface AssetRecord {
  readonly equipmentId: string;
  readonly description?: string;
  readonly inactive?: boolean;
}

/** A downtime behind a notification ended (sent by downtime-to-maintenance). */
export interface NotificationUpdate {
  readonly downtimeEndedAt: string;
  readonly durationSeconds?: string;
}

/**
 * What every maintenance profile (MaintainX, generic REST, SAP PM) offers the egress. Creates are
 * idempotent by `externalReference`; errors are the shared typed errors (TransientError → retry
 * through the queue, PermanentError/NotFoundError/ValidationError → dead letter with the reason).
 */
export interface MaintenanceConnector {
  readonly platform: MaintenancePlatform;
  createNotification(command: CreateNotificationCommand): Promise<CreateResult>;
  createWorkOrder(command: CreateWorkOrderCommand): Promise<CreateResult>;
  updateWorkOrder(command: UpdateWorkOrderCommand): Promise<void>;
  getWorkOrder(workOrderId: string): Promise<WorkOrderState>;
  /** Records on the notification that its downtime ended. Idempotent. */
  updateNotification(notificationId: string, update: NotificationUpdate): Promise<void>;
  /** The platform's assets that map to SAP equipment. */
  listAssets(): Promise<AssetRecord[]>;
}
