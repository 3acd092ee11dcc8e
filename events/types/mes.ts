import * as z from 'zod';
import { defineEvent } from '../define';
import {
  EquipmentId,
  Identifier,
  LongText,
  MaterialNumber,
  OperationNumber,
  OrderNumber,
  Quantity,
  ShortText,
  SignedQuantity,
} from '../primitives';

const MesRef = z.object({
  orderNumber: OrderNumber,
  mesJobId: Identifier.describe("the MES's own job / work order id"),
});

export const OrderAcknowledged = defineEvent({
  detailType: 'OrderAcknowledged',
  owner: 'mes',
  version: 1,
  minor: 0,
  summary: 'The MES accepted (or refused) a production order it received.',
  data: MesRef.extend({
    accepted: z.boolean(),
    line: z.string().max(40).optional(),
    reason: ShortText.optional().describe('why the MES refused the order'),
  }),
  example: { orderNumber: '1000123', mesJobId: 'JOB-1010-000871', accepted: true, line: 'L01' },
});

export const OperationStarted = defineEvent({
  detailType: 'OperationStarted',
  owner: 'mes',
  version: 1,
  minor: 0,
  summary: 'An operation of a production order started on the shop floor.',
  data: MesRef.extend({
    operationNumber: OperationNumber,
    workCenter: z.string().max(8).optional(),
    equipmentId: EquipmentId.optional(),
  }),
  example: {
    orderNumber: '1000123',
    mesJobId: 'JOB-1010-000871',
    operationNumber: '0010',
    workCenter: 'MILL01',
    equipmentId: '10000042',
  },
});

export const OperationCompleted = defineEvent({
  detailType: 'OperationCompleted',
  owner: 'mes',
  version: 1,
  minor: 0,
  summary: 'An operation of a production order finished on the shop floor.',
  data: MesRef.extend({
    operationNumber: OperationNumber,
    workCenter: z.string().max(8).optional(),
    equipmentId: EquipmentId.optional(),
    yield: Quantity,
    scrap: Quantity,
  }),
  example: {
    orderNumber: '1000123',
    mesJobId: 'JOB-1010-000871',
    operationNumber: '0010',
    workCenter: 'MILL01',
    yield: { value: '118', unit: 'H87' },
    scrap: { value: '2', unit: 'H87' },
  },
});

export const ProductionConfirmed = defineEvent({
  detailType: 'ProductionConfirmed',
  owner: 'mes',
  version: 1,
  minor: 0,
  summary: 'The MES confirmed produced quantities for an operation (partial or final).',
  data: MesRef.extend({
    confirmationId: Identifier.describe('MES-side unique id; the exactly-once key for the SAP posting'),
    operationNumber: OperationNumber,
    workCenter: z.string().max(8).optional(),
    yield: Quantity,
    scrap: Quantity,
    rework: Quantity,
    scrapReason: z.string().max(4).optional(),
    finalConfirmation: z.boolean(),
    setupTime: Quantity.optional(),
    machineTime: Quantity.optional(),
    labourTime: Quantity.optional(),
  }),
  example: {
    orderNumber: '1000123',
    mesJobId: 'JOB-1010-000871',
    confirmationId: 'CONF-1010-000871-0010-01',
    operationNumber: '0010',
    workCenter: 'MILL01',
    yield: { value: '118', unit: 'H87' },
    scrap: { value: '2', unit: 'H87' },
    rework: { value: '0', unit: 'H87' },
    scrapReason: 'S01',
    finalConfirmation: true,
    machineTime: { value: '2.350', unit: 'HUR' },
  },
});

export const MaterialMovementRecorded = defineEvent({
  detailType: 'MaterialMovementRecorded',
  owner: 'mes',
  version: 1,
  minor: 0,
  summary: 'The MES recorded material consumed (goods issue) or produced (goods receipt) for an order.',
  data: z.object({
    movementId: Identifier,
    orderNumber: OrderNumber.optional(),
    mesJobId: Identifier.optional(),
    movement: z.enum(['goods-issue', 'goods-receipt']),
    material: MaterialNumber,
    quantity: Quantity,
    storageLocation: z.string().max(4).optional(),
    batch: z.string().max(10).optional(),
    reversal: z.boolean().default(false),
  }),
  example: {
    movementId: 'MM-1010-000871-01',
    orderNumber: '1000123',
    mesJobId: 'JOB-1010-000871',
    movement: 'goods-issue',
    material: 'RM-CAST-22',
    quantity: { value: '120', unit: 'H87' },
    storageLocation: '0001',
  },
});

export const DowntimeStarted = defineEvent({
  detailType: 'DowntimeStarted',
  owner: 'mes',
  version: 1,
  minor: 0,
  summary: 'A machine stopped producing (fault, planned stop or starvation).',
  data: z.object({
    downtimeId: Identifier,
    equipmentId: EquipmentId,
    line: z.string().max(40).optional(),
    reasonCode: z.string().min(1).max(20),
    reasonText: ShortText.optional(),
    faultCode: z.string().max(40).optional().describe('the controller fault; identifies one equipment fault'),
    planned: z.boolean().default(false),
  }),
  example: {
    downtimeId: 'DT-1010-L01-20261125-0007',
    equipmentId: '10000042',
    line: 'L01',
    reasonCode: 'MECH',
    reasonText: 'Spindle overload',
    faultCode: 'E-SPINDLE-OVERLOAD',
    planned: false,
  },
});

export const DowntimeEnded = defineEvent({
  detailType: 'DowntimeEnded',
  owner: 'mes',
  version: 1,
  minor: 0,
  summary: 'A machine that was down is producing again.',
  data: z.object({
    downtimeId: Identifier,
    equipmentId: EquipmentId,
    line: z.string().max(40).optional(),
    reasonCode: z.string().max(20).optional(),
    duration: Quantity.describe('length of the stop'),
  }),
  example: {
    downtimeId: 'DT-1010-L01-20261125-0007',
    equipmentId: '10000042',
    line: 'L01',
    reasonCode: 'MECH',
    duration: { value: '1260', unit: 'SEC' },
  },
});

export const MachineState = z.enum(['running', 'idle', 'setup', 'down', 'maintenance', 'off']);

export const MachineStateChanged = defineEvent({
  detailType: 'MachineStateChanged',
  owner: 'mes',
  version: 1,
  minor: 0,
  summary: 'A machine moved between running, idle, setup, down, maintenance and off.',
  data: z.object({
    equipmentId: EquipmentId,
    line: z.string().max(40).optional(),
    state: MachineState,
    previousState: MachineState.optional(),
  }),
  example: { equipmentId: '10000042', line: 'L01', state: 'down', previousState: 'running' },
});

export const QualityExceptionRaised = defineEvent({
  detailType: 'QualityExceptionRaised',
  owner: 'mes',
  version: 1,
  minor: 0,
  summary: 'The MES raised a quality exception (defect, deviation, failed inspection).',
  data: z.object({
    qualityExceptionId: Identifier,
    orderNumber: OrderNumber.optional(),
    operationNumber: OperationNumber.optional(),
    equipmentId: EquipmentId.optional(),
    defectCode: z.string().min(1).max(20),
    severity: z.enum(['minor', 'major', 'critical']),
    description: LongText,
    quantityAffected: Quantity.optional(),
  }),
  example: {
    qualityExceptionId: 'QE-1010-000231',
    orderNumber: '1000123',
    operationNumber: '0020',
    defectCode: 'DIM-OOT',
    severity: 'major',
    description: 'Bore diameter out of tolerance (+0.04 mm)',
    quantityAffected: { value: '6', unit: 'H87' },
  },
});

export const InventoryAdjustmentRequested = defineEvent({
  detailType: 'InventoryAdjustmentRequested',
  owner: 'mes',
  version: 1,
  minor: 0,
  summary: 'The MES asks for an inventory adjustment; it becomes an SAP goods movement once approved.',
  data: z.object({
    adjustmentId: Identifier,
    material: MaterialNumber,
    quantity: SignedQuantity.describe('positive adds stock, negative removes it'),
    storageLocation: z.string().max(4),
    reason: ShortText,
    orderNumber: OrderNumber.optional(),
  }),
  example: {
    adjustmentId: 'ADJ-1010-000045',
    material: 'RM-CAST-22',
    quantity: { value: '-3', unit: 'H87' },
    storageLocation: '0001',
    reason: 'Cycle count difference',
  },
});
