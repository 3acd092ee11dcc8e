import * as z from 'zod';
import { defineEvent } from '../define';
import { EquipmentId, Identifier, LongText, Money, Quantity, ShortText, Timestamp } from '../primitives';

export const MaintenancePlatform = z.enum(['maintainx', 'sap-pm', 'generic-rest']);
export const Priority = z.enum(['low', 'medium', 'high', 'urgent']);
export const WorkOrderStatus = z.enum(['open', 'on-hold', 'in-progress', 'done', 'cancelled']);

export const MaintenanceNotificationCreated = defineEvent({
  detailType: 'MaintenanceNotificationCreated',
  owner: 'maintenance',
  version: 1,
  minor: 0,
  summary: "A maintenance notification (request) was created in the plant's maintenance platform.",
  data: z.object({
    notificationId: Identifier.describe("the maintenance platform's id"),
    externalReference: Identifier.describe("plantsync's reference; makes the create idempotent"),
    platform: MaintenancePlatform,
    equipmentId: EquipmentId,
    downtimeId: Identifier.optional(),
    priority: Priority,
    title: ShortText,
    description: LongText.optional(),
    context: z
      .object({
        orderNumber: z.string().optional(),
        shift: z.string().optional(),
        line: z.string().optional(),
      })
      .default({}),
  }),
  example: {
    notificationId: '884213',
    externalReference: 'ps-1010-DT-1010-L01-20261125-0007',
    platform: 'maintainx',
    equipmentId: '10000042',
    downtimeId: 'DT-1010-L01-20261125-0007',
    priority: 'high',
    title: 'Spindle overload on CNC milling centre DMU 50',
    context: { orderNumber: '1000123', shift: 'early', line: 'L01' },
  },
});

export const WorkOrderCreated = defineEvent({
  detailType: 'WorkOrderCreated',
  owner: 'maintenance',
  version: 1,
  minor: 0,
  summary: 'A maintenance work order was created in the maintenance platform.',
  data: z.object({
    workOrderId: Identifier,
    externalReference: Identifier.optional(),
    platform: MaintenancePlatform,
    equipmentId: EquipmentId,
    title: ShortText,
    priority: Priority,
    origin: z.enum(['downtime', 'predictive', 'api', 'platform']),
    plannedStart: Timestamp.optional(),
    plannedEnd: Timestamp.optional(),
    notificationId: Identifier.optional(),
  }),
  example: {
    workOrderId: '5531207',
    externalReference: 'ps-1010-ALERT-7781',
    platform: 'maintainx',
    equipmentId: '10000042',
    title: 'Replace spindle bearing (predicted failure)',
    priority: 'high',
    origin: 'predictive',
    plannedStart: '2026-11-28T22:00:00+01:00',
    plannedEnd: '2026-11-29T02:00:00+01:00',
  },
});

export const WorkOrderStatusChanged = defineEvent({
  detailType: 'WorkOrderStatusChanged',
  owner: 'maintenance',
  version: 1,
  minor: 0,
  summary: 'A work order moved to another status in the maintenance platform.',
  data: z.object({
    workOrderId: Identifier,
    platform: MaintenancePlatform,
    equipmentId: EquipmentId.optional(),
    status: WorkOrderStatus,
    previousStatus: WorkOrderStatus.optional(),
  }),
  example: {
    workOrderId: '5531207',
    platform: 'maintainx',
    equipmentId: '10000042',
    status: 'in-progress',
    previousStatus: 'open',
  },
});

export const WorkOrderCompleted = defineEvent({
  detailType: 'WorkOrderCompleted',
  owner: 'maintenance',
  version: 1,
  minor: 0,
  summary: 'A work order was completed, with the labour, parts and cost it took.',
  data: z.object({
    workOrderId: Identifier,
    externalReference: Identifier.optional(),
    platform: MaintenancePlatform,
    equipmentId: EquipmentId,
    completedAt: Timestamp,
    labour: z.array(z.object({ technician: ShortText.optional(), time: Quantity, cost: Money.optional() })),
    parts: z.array(
      z.object({
        partNumber: z.string().min(1).max(40),
        description: ShortText.optional(),
        quantity: Quantity,
        unitCost: Money.optional(),
      }),
    ),
    totalCost: Money,
    equipmentAvailable: z.boolean().describe('the asset can produce again'),
  }),
  example: {
    workOrderId: '5531207',
    externalReference: 'ps-1010-ALERT-7781',
    platform: 'maintainx',
    equipmentId: '10000042',
    completedAt: '2026-11-29T01:40:00+01:00',
    labour: [
      {
        technician: 'J. Novak',
        time: { value: '3.5', unit: 'HUR' },
        cost: { amount: '245.00', currency: 'EUR' },
      },
    ],
    parts: [
      {
        partNumber: 'BRG-6206-2RS',
        description: 'Spindle bearing',
        quantity: { value: '2', unit: 'H87' },
        unitCost: { amount: '38.50', currency: 'EUR' },
      },
    ],
    totalCost: { amount: '322.00', currency: 'EUR' },
    equipmentAvailable: true,
  },
});
