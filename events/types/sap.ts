import * as z from 'zod';
import { defineEvent } from '../define';
import {
  CalendarDate,
  EquipmentId,
  MaterialNumber,
  OperationNumber,
  OrderNumber,
  Quantity,
  ShortText,
  Timestamp,
  Unit,
} from '../primitives';

const Material = z.object({ number: MaterialNumber, description: ShortText.optional() });

export const RoutingOperation = z.object({
  sequence: z.string().max(6).default('0').describe('routing sequence (PLNFL)'),
  operationNumber: OperationNumber,
  description: ShortText,
  workCenter: z.string().min(1).max(8),
  controlKey: z.string().max(4).optional(),
  plannedQuantity: Quantity.optional(),
  setupTime: Quantity.optional(),
  machineTime: Quantity.optional(),
  labourTime: Quantity.optional(),
});

export const OrderComponent = z.object({
  reservationItem: z.string().max(4).optional(),
  material: Material,
  requiredQuantity: Quantity,
  operationNumber: OperationNumber.optional(),
  storageLocation: z.string().max(4).optional(),
  batch: z.string().max(10).optional(),
  backflush: z.boolean().default(false),
});

const ProductionOrder = z.object({
  orderNumber: OrderNumber,
  orderType: z.string().min(1).max(4),
  material: Material,
  plannedQuantity: Quantity,
  plannedStart: Timestamp,
  plannedEnd: Timestamp,
  productionVersion: z.string().max(4).optional(),
  mrpController: z.string().max(3).optional(),
  systemStatus: z.array(z.string().min(1).max(4)).describe('SAP system statuses, e.g. ["REL"]'),
  operations: z.array(RoutingOperation).min(1),
  components: z.array(OrderComponent),
});

const exampleOrder: z.input<typeof ProductionOrder> = {
  orderNumber: '1000123',
  orderType: 'PP01',
  material: { number: 'FG-4711', description: 'Gearbox housing, machined' },
  plannedQuantity: { value: '120.000', unit: 'H87' },
  plannedStart: '2026-11-25T06:00:00+01:00',
  plannedEnd: '2026-11-25T14:00:00+01:00',
  productionVersion: '0001',
  systemStatus: ['REL'],
  operations: [
    {
      sequence: '0',
      operationNumber: '0010',
      description: 'Rough milling',
      workCenter: 'MILL01',
      machineTime: { value: '2.500', unit: 'HUR' },
    },
    {
      sequence: '0',
      operationNumber: '0020',
      description: 'Final inspection',
      workCenter: 'QC01',
      labourTime: { value: '30', unit: 'MIN' },
    },
  ],
  components: [
    {
      reservationItem: '0001',
      material: { number: 'RM-CAST-22', description: 'Aluminium casting' },
      requiredQuantity: { value: '120.000', unit: 'H87' },
      operationNumber: '0010',
      storageLocation: '0001',
    },
  ],
};

export const ProductionOrderReleased = defineEvent({
  detailType: 'ProductionOrderReleased',
  owner: 'sap',
  version: 1,
  minor: 0,
  summary: 'SAP released a production order (routing, components, planned quantity) for execution.',
  data: ProductionOrder,
  example: exampleOrder,
});

export const ProductionOrderChanged = defineEvent({
  detailType: 'ProductionOrderChanged',
  owner: 'sap',
  version: 1,
  minor: 0,
  summary: 'SAP changed a released production order; the full new state is carried, not a delta.',
  data: ProductionOrder.extend({
    changedFields: z.array(z.string()).default([]).describe('hint only; consumers use the full state'),
  }),
  example: {
    ...exampleOrder,
    plannedQuantity: { value: '150.000', unit: 'H87' },
    changedFields: ['plannedQuantity'],
  },
});

export const ProductionOrderCancelled = defineEvent({
  detailType: 'ProductionOrderCancelled',
  owner: 'sap',
  version: 1,
  minor: 0,
  summary: 'SAP cancelled a production order (technically completed or deletion flagged before execution).',
  data: z.object({
    orderNumber: OrderNumber,
    reason: ShortText.optional(),
    systemStatus: z.array(z.string().min(1).max(4)),
  }),
  example: { orderNumber: '1000123', reason: 'Customer order withdrawn', systemStatus: ['TECO'] },
});

export const EquipmentMasterChanged = defineEvent({
  detailType: 'EquipmentMasterChanged',
  owner: 'sap',
  version: 1,
  minor: 0,
  summary: 'An equipment master record was created or changed in SAP.',
  data: z.object({
    equipmentNumber: EquipmentId,
    change: z.enum(['created', 'changed']),
    description: ShortText,
    category: z.string().max(1).optional(),
    functionalLocation: z.string().max(40).optional(),
    workCenter: z.string().max(8).optional(),
    manufacturer: ShortText.optional(),
    model: ShortText.optional(),
    serialNumber: z.string().max(30).optional(),
    criticality: z.enum(['A', 'B', 'C']).optional().describe('ABC indicator: A is critical'),
    validFrom: CalendarDate.optional(),
    inactive: z.boolean().default(false),
  }),
  example: {
    equipmentNumber: '10000042',
    change: 'changed',
    description: 'CNC milling centre DMU 50',
    category: 'M',
    functionalLocation: '1010-PRD-L01-MILL01',
    workCenter: 'MILL01',
    manufacturer: 'DMG MORI',
    model: 'DMU 50',
    serialNumber: 'SN-778812',
    criticality: 'A',
    validFrom: '2026-01-01',
  },
});

export const MaterialMasterChanged = defineEvent({
  detailType: 'MaterialMasterChanged',
  owner: 'sap',
  version: 1,
  minor: 0,
  summary: 'A material master record (reference data) was created or changed in SAP.',
  data: z.object({
    materialNumber: MaterialNumber,
    description: ShortText,
    materialType: z.string().max(4),
    baseUnit: Unit,
    materialGroup: z.string().max(9).optional(),
    grossWeight: Quantity.optional(),
    netWeight: Quantity.optional(),
    deletionFlag: z.boolean().default(false),
  }),
  example: {
    materialNumber: 'RM-CAST-22',
    description: 'Aluminium casting',
    materialType: 'ROH',
    baseUnit: 'H87',
    materialGroup: '001',
    grossWeight: { value: '4.200', unit: 'KGM' },
  },
});
