import { XMLBuilder } from 'fast-xml-parser';
import type { EventData } from '../../../events/catalogue';
import type { Quantity } from '../../../events/primitives';
import { addDecimals, multiplyDecimal } from '../decimal';
import { fromRec20, SECONDS_PER } from '../units';
import { NAMESPACE_OF } from './document';

export type OutboundVersion = 'V0600' | 'V0700';
type OrderData = EventData<'ProductionOrderReleased'> | EventData<'ProductionOrderChanged'>;

export interface ScheduleOptions {
  readonly plant: string;
  /** Monotonic per order; part of the BODID so the MES can drop a resend and a stale revision. */
  readonly revision: number;
  readonly version: OutboundVersion;
  /** CreationDateTime; pass the event's occurredAt so the document is a pure function of the event. */
  readonly createdAt: string;
}

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  format: true,
  indentBy: '  ',
  suppressEmptyNode: true,
});

/** `plantsync-<order>-r<revision>`: deterministic, so a resend carries the same BODID. */
export const scheduleBodId = (orderNumber: string, revision: number): string =>
  `plantsync-${orderNumber}-r${revision}`;

const quantity = (q: Quantity) => ({
  QuantityString: q.value,
  DataType: 'decimal',
  UnitOfMeasure: fromRec20(q.unit),
});

const parameter = (id: string, value: string, unit?: string, dataType = 'string') => ({
  ID: id,
  Value: { ValueString: value, DataType: dataType, ...(unit ? { UnitOfMeasure: unit } : {}) },
});

const seconds = (q: Quantity | undefined): string | undefined => {
  const factor = q ? SECONDS_PER[q.unit] : undefined;
  return q && factor ? multiplyDecimal(q.value, factor) : undefined;
};

/** ISO 8601 duration of setup + machine time, e.g. PT9000S; undefined when neither is a time. */
const duration = (op: OrderData['operations'][number]): string | undefined => {
  const parts = [seconds(op.setupTime), seconds(op.machineTime)].filter((s): s is string => s !== undefined);
  return parts.length > 0 ? `PT${addDecimals(...parts)}S` : undefined;
};

const applicationArea = (bodId: string, createdAt: string) => ({
  Sender: { LogicalID: 'plantsync' },
  CreationDateTime: createdAt,
  BODID: bodId,
});

const site = (plant: string) => ({ EquipmentID: plant, EquipmentElementLevel: 'Site' });

/**
 * Canonical order → B2MML schedule. One request per order (ID = SAP order number); one segment
 * requirement per routing operation (ID = operation number); components are consumed material
 * requirements on their operation (the first operation when unassigned); the produced material is
 * a produced requirement on the last operation, where SAP posts the goods receipt.
 *
 * V0600: Process/ChangeProductionSchedule with ProductionRequest, ProductionParameter,
 * MaterialProducedRequirement / MaterialConsumedRequirement. V0700 (no ProductionSchedule any more):
 * Process/ChangeOperationsSchedule with OperationsType Production, OperationsRequest,
 * SegmentParameter and MaterialRequirement with MaterialUse.
 */
export const buildSchedule = (
  order: OrderData,
  options: ScheduleOptions,
  verb: 'Process' | 'Change',
): string => {
  const v7 = options.version === 'V0700';
  const first = order.operations[0]?.operationNumber;
  const last = order.operations[order.operations.length - 1]?.operationNumber;
  const segments = order.operations.map((op) => {
    const consumed = order.components.filter((c) => (c.operationNumber ?? first) === op.operationNumber);
    const consumedReq = consumed.map((c) => ({
      MaterialDefinitionID: c.material.number,
      ...(c.material.description ? { Description: c.material.description } : {}),
      ...(v7 ? { MaterialUse: 'Consumed' } : {}),
      ...(c.storageLocation ? { StorageLocation: c.storageLocation } : {}),
      Quantity: quantity(c.requiredQuantity),
      ...(c.batch ? { MaterialLotID: c.batch } : {}),
    }));
    const producedReq =
      op.operationNumber === last
        ? [
            {
              MaterialDefinitionID: order.material.number,
              ...(order.material.description ? { Description: order.material.description } : {}),
              ...(v7 ? { MaterialUse: 'Produced' } : {}),
              Quantity: quantity(order.plannedQuantity),
            },
          ]
        : [];
    const params = [
      parameter('WorkCenter', op.workCenter),
      ...(op.controlKey ? [parameter('ControlKey', op.controlKey)] : []),
      ...(op.setupTime
        ? [parameter('SetupTime', op.setupTime.value, fromRec20(op.setupTime.unit), 'decimal')]
        : []),
      ...(op.machineTime
        ? [parameter('MachineTime', op.machineTime.value, fromRec20(op.machineTime.unit), 'decimal')]
        : []),
      ...(op.labourTime
        ? [parameter('LabourTime', op.labourTime.value, fromRec20(op.labourTime.unit), 'decimal')]
        : []),
    ];
    const d = duration(op);
    return {
      ID: op.operationNumber,
      Description: op.description,
      ...(v7 ? { OperationsType: 'Production' } : {}),
      ProcessSegmentID: op.workCenter,
      EarliestStartTime: order.plannedStart,
      LatestEndTime: order.plannedEnd,
      ...(d ? { Duration: d } : {}),
      ...(v7 ? { SegmentParameter: params } : { ProductionParameter: params.map((p) => ({ Parameter: p })) }),
      EquipmentRequirement: { EquipmentClassID: op.workCenter },
      ...(v7
        ? { MaterialRequirement: [...consumedReq, ...producedReq] }
        : { MaterialProducedRequirement: producedReq, MaterialConsumedRequirement: consumedReq }),
    };
  });
  const request = {
    ID: order.orderNumber,
    Description: order.material.description ?? order.material.number,
    ...(v7 ? { OperationsType: 'Production' } : {}),
    StartTime: order.plannedStart,
    EndTime: order.plannedEnd,
    ...(v7 ? { RequestState: 'Released' } : {}),
    SegmentRequirement: segments,
  };
  const schedule = {
    ID: order.orderNumber,
    HierarchyScope: site(options.plant),
    ...(v7 ? { OperationsType: 'Production' } : {}),
    StartTime: order.plannedStart,
    EndTime: order.plannedEnd,
    ...(v7 ? { ScheduleState: 'Released' } : {}),
    ...(v7 ? { OperationsRequest: request } : { ProductionRequest: request }),
  };
  return document(
    `${verb}${v7 ? 'OperationsSchedule' : 'ProductionSchedule'}`,
    v7 ? 'OperationsSchedule' : 'ProductionSchedule',
    verb,
    schedule,
    options,
    order.orderNumber,
  );
};

/** Canonical cancellation → Cancel{Production|Operations}Schedule naming the schedule ID. */
export const buildCancelSchedule = (
  cancel: EventData<'ProductionOrderCancelled'>,
  options: ScheduleOptions,
): string => {
  const v7 = options.version === 'V0700';
  const noun = v7 ? 'OperationsSchedule' : 'ProductionSchedule';
  const schedule = {
    ID: cancel.orderNumber,
    HierarchyScope: site(options.plant),
    ...(cancel.reason ? { Description: cancel.reason } : {}),
  };
  return document(`Cancel${noun}`, noun, 'Cancel', schedule, options, cancel.orderNumber);
};

const document = (
  root: string,
  noun: string,
  verb: string,
  body: object,
  options: ScheduleOptions,
  orderNumber: string,
): string => {
  const xml = builder.build({
    [root]: {
      '@_xmlns': NAMESPACE_OF[options.version],
      '@_releaseID': options.version,
      ApplicationArea: applicationArea(scheduleBodId(orderNumber, options.revision), options.createdAt),
      DataArea: {
        [verb]:
          verb === 'Cancel' ? { ActionCriteria: { ActionExpression: { '@_actionCode': 'Delete' } } } : '',
        [noun]: body,
      },
    },
  }) as string;
  return `<?xml version="1.0" encoding="UTF-8"?>\n${xml}`;
};
