import { z } from 'zod';
import { EquipmentId, Identifier, OrderNumber, PlantCode, Timestamp } from '../../events';
import { ValidationError } from '../../shared/errors';
import { readEquipment } from '../sap/postings/equipment';
import {
  createMaintenanceNotification,
  createMaintenanceOrder,
  readMaintenanceNotification,
  readMaintenanceOrder,
  updateMaintenanceNotification,
  updateMaintenanceOrder,
} from '../sap/postings/maintenance';
import { readProductionOrder } from '../sap/postings/production-order';
import type { PosterDeps } from './post';

const Priority = z.enum(['low', 'medium', 'high', 'urgent']);

/** Inputs of the SAP task, one per action; Step Functions passes them as the task input. */
export const MaintenanceTask = z.discriminatedUnion('action', [
  z.object({
    action: z.literal('createNotification'),
    plant: PlantCode,
    idempotencyKey: Identifier,
    equipmentId: EquipmentId,
    title: z.string().min(1),
    description: z.string().optional(),
    priority: Priority,
    malfunctionStart: Timestamp.optional(),
    breakdown: z.boolean().optional(),
  }),
  z.object({
    action: z.literal('updateNotification'),
    notification: z.string().min(1).max(12),
    changes: z.object({
      NotificationText: z.string().max(40).optional(),
      MaintPriority: z.string().max(1).optional(),
      MaintNotifLongTextForEdit: z.string().optional(),
      MaintenanceObjectIsDown: z.boolean().optional(),
    }),
  }),
  z.object({ action: z.literal('readNotification'), notification: z.string().min(1).max(12) }),
  z.object({
    action: z.literal('createOrder'),
    plant: PlantCode,
    notification: z.string().min(1).max(12),
    equipmentId: EquipmentId,
    description: z.string().min(1),
    priority: Priority,
    plannedStart: Timestamp.optional(),
    plannedEnd: Timestamp.optional(),
  }),
  z.object({
    action: z.literal('updateOrder'),
    order: z.string().min(1).max(12),
    changes: z.object({
      MaintenanceOrderDesc: z.string().max(40).optional(),
      MaintPriority: z.string().max(1).optional(),
    }),
  }),
  z.object({ action: z.literal('readOrder'), order: z.string().min(1).max(12) }),
  z.object({ action: z.literal('readEquipment'), equipmentId: EquipmentId }),
  z.object({ action: z.literal('readProductionOrder'), orderNumber: OrderNumber }),
]);
export type MaintenanceTask = z.input<typeof MaintenanceTask>;

const plantOf = (deps: PosterDeps, plant: string) => {
  const mapping = deps.mappings.plants.find((p) => p.plant === plant);
  if (!mapping) throw new ValidationError(`plant ${plant} has no SAP mapping`);
  return mapping;
};

const strip = <T extends Record<string, unknown>>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

export const runMaintenanceTask = async (raw: MaintenanceTask, deps: PosterDeps): Promise<unknown> => {
  const parsed = MaintenanceTask.safeParse(raw);
  if (!parsed.success) throw new ValidationError(`invalid SAP task: ${z.prettifyError(parsed.error)}`);
  const task = parsed.data;
  const { client } = deps;
  switch (task.action) {
    case 'createNotification': {
      const { action: _, plant, ...rest } = task;
      return createMaintenanceNotification(client, strip({ ...rest, plant: plantOf(deps, plant) }));
    }
    case 'updateNotification':
      await updateMaintenanceNotification(client, task.notification, strip(task.changes));
      return { notification: task.notification, updated: true };
    case 'readNotification':
      return (await readMaintenanceNotification(client, task.notification)).data;
    case 'createOrder': {
      const { action: _, plant, ...rest } = task;
      return createMaintenanceOrder(client, strip({ ...rest, plant: plantOf(deps, plant) }));
    }
    case 'updateOrder':
      await updateMaintenanceOrder(client, task.order, strip(task.changes));
      return { order: task.order, updated: true };
    case 'readOrder':
      return (await readMaintenanceOrder(client, task.order)).data;
    case 'readEquipment':
      return readEquipment(client, task.equipmentId);
    case 'readProductionOrder':
      return readProductionOrder(client, task.orderNumber);
  }
};
