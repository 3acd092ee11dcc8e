import * as z from 'zod';
import { ValidationError } from '../../../shared/errors';
import { findKeyProblem } from '../../../shared/strict-json';
import { addDecimals } from '../decimal';
import {
  canonical,
  checkPlant,
  checkTimestamp,
  type MesFact,
  machineState,
  operationNumber,
  orderNumber,
  quantity,
} from '../facts';
import { MES_WIRE_EVENT_TYPES, MesEventBatch, MesWireEvent } from './wire';

export interface JsonTranslateOptions {
  /** The plant of the URL (`/ingress/mes/{plant}/events`); an event naming another plant is refused. */
  readonly plant?: string;
}

/** Parses a REST/JSON MES body (one event or `{ events: [...] }`) into canonical facts. */
export const translateJsonBody = (text: string, options: JsonTranslateOptions = {}): MesFact[] => {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new ValidationError(`body is not JSON: ${(error as Error).message}`, { cause: error });
  }
  // A duplicate key would let the MES and plantsync read different values; prototype keys never belong.
  const problem = findKeyProblem(text);
  if (problem) {
    throw new ValidationError(
      problem.kind === 'duplicate'
        ? `body: duplicate key "${problem.key}" at ${problem.path}`
        : `body: key "${problem.key}" at ${problem.path} is not allowed (prototype key)`,
    );
  }
  return translateJsonValue(body, options);
};

export const translateJsonValue = (body: unknown, options: JsonTranslateOptions = {}): MesFact[] => {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ValidationError('body must be a JSON object: one event or { "events": [...] }');
  }
  if ('events' in body) {
    const batch = MesEventBatch.safeParse(body);
    if (!batch.success) throw new ValidationError(`events: ${z.prettifyError(batch.error)}`);
    return batch.data.events.flatMap((event, i) => translateOne(event, `events[${i}]`, options));
  }
  return translateOne(body, 'event', options);
};

const translateOne = (raw: unknown, where: string, options: JsonTranslateOptions): MesFact[] => {
  const type = (raw as { eventType?: unknown }).eventType;
  if (typeof type !== 'string' || !(MES_WIRE_EVENT_TYPES as readonly string[]).includes(type)) {
    throw new ValidationError(
      `${where}.eventType: "${String(type).slice(0, 40)}" is not one of ${MES_WIRE_EVENT_TYPES.join(', ')}`,
    );
  }
  const parsed = MesWireEvent.safeParse(raw);
  if (!parsed.success) throw new ValidationError(`${where} (${type}): ${z.prettifyError(parsed.error)}`);
  const e = parsed.data;
  const at = `${where} (${e.eventType} ${e.eventId})`;
  const plant = resolvePlant(e.plant, options.plant, at);
  const occurredAt = checkTimestamp(e.occurredAt, `${at}.occurredAt`);
  const common = {
    plant,
    occurredAt,
    idempotencyKey: `mes:json:${e.eventId}`,
    sourceRef: { system: 'mes' as const, kind: 'mes-json-event', id: e.eventId },
  };
  switch (e.eventType) {
    case 'order.acknowledged':
      return [
        {
          ...common,
          detailType: 'OrderAcknowledged',
          data: canonical(
            'OrderAcknowledged',
            {
              orderNumber: orderNumber(e.orderNumber, `${at}.orderNumber`),
              mesJobId: e.jobId,
              accepted: e.accepted,
              line: e.line,
              reason: e.reason,
            },
            at,
          ),
        },
      ];
    case 'operation.started':
      return [
        {
          ...common,
          ...(e.equipmentId ? { equipmentId: e.equipmentId } : {}),
          detailType: 'OperationStarted',
          data: canonical(
            'OperationStarted',
            {
              orderNumber: orderNumber(e.orderNumber, `${at}.orderNumber`),
              mesJobId: e.jobId,
              operationNumber: operationNumber(e.operationNumber, `${at}.operationNumber`),
              workCenter: e.workCenter,
              equipmentId: e.equipmentId,
            },
            at,
          ),
        },
      ];
    case 'operation.completed':
      return [
        {
          ...common,
          ...(e.equipmentId ? { equipmentId: e.equipmentId } : {}),
          detailType: 'OperationCompleted',
          data: canonical(
            'OperationCompleted',
            {
              orderNumber: orderNumber(e.orderNumber, `${at}.orderNumber`),
              mesJobId: e.jobId,
              operationNumber: operationNumber(e.operationNumber, `${at}.operationNumber`),
              workCenter: e.workCenter,
              equipmentId: e.equipmentId,
              yield: quantity(e.yield.value, e.yield.unit, `${at}.yield`),
              scrap: quantity(e.scrap.value, e.scrap.unit, `${at}.scrap`),
            },
            at,
          ),
        },
      ];
    case 'production.confirmed': {
      const good = quantity(e.good.value, e.good.unit, `${at}.good`);
      const optional = (q: { value: string | number; unit: string } | undefined, field: string) =>
        q ? quantity(q.value, q.unit, `${at}.${field}`) : undefined;
      return [
        {
          ...common,
          ...(e.equipmentId ? { equipmentId: e.equipmentId } : {}),
          detailType: 'ProductionConfirmed',
          data: canonical(
            'ProductionConfirmed',
            {
              orderNumber: orderNumber(e.orderNumber, `${at}.orderNumber`),
              mesJobId: e.jobId,
              confirmationId: e.confirmationId,
              operationNumber: operationNumber(e.operationNumber, `${at}.operationNumber`),
              workCenter: e.workCenter,
              yield: good,
              scrap: quantity(e.scrap.value, e.scrap.unit, `${at}.scrap`),
              rework: optional(e.rework, 'rework') ?? { value: '0', unit: good.unit },
              scrapReason: e.scrapReason,
              finalConfirmation: e.final,
              setupTime: optional(e.setupTime, 'setupTime'),
              machineTime: optional(e.machineTime, 'machineTime'),
              labourTime: optional(e.labourTime, 'labourTime'),
            },
            at,
          ),
        },
      ];
    }
    case 'downtime.started':
      return [
        {
          ...common,
          equipmentId: e.equipmentId,
          detailType: 'DowntimeStarted',
          data: canonical(
            'DowntimeStarted',
            {
              downtimeId: e.downtimeId,
              equipmentId: e.equipmentId,
              line: e.line,
              reasonCode: e.reason.code,
              reasonText: e.reason.text,
              faultCode: e.faultCode,
              planned: e.planned ?? false,
            },
            at,
          ),
        },
      ];
    case 'downtime.ended':
      return [
        {
          ...common,
          equipmentId: e.equipmentId,
          detailType: 'DowntimeEnded',
          data: canonical(
            'DowntimeEnded',
            {
              downtimeId: e.downtimeId,
              equipmentId: e.equipmentId,
              line: e.line,
              reasonCode: e.reason?.code,
              duration: e.duration
                ? quantity(e.duration.value, e.duration.unit, `${at}.duration`)
                : durationBetween(e.startedAt, occurredAt, at),
            },
            at,
          ),
        },
      ];
    case 'machine.state-changed':
      return [
        {
          ...common,
          equipmentId: e.equipmentId,
          detailType: 'MachineStateChanged',
          data: canonical(
            'MachineStateChanged',
            {
              equipmentId: e.equipmentId,
              line: e.line,
              state: machineState(e.state, `${at}.state`),
              previousState: e.previousState
                ? machineState(e.previousState, `${at}.previousState`)
                : undefined,
            },
            at,
          ),
        },
      ];
    case 'quality.exception':
      return [
        {
          ...common,
          ...(e.equipmentId ? { equipmentId: e.equipmentId } : {}),
          detailType: 'QualityExceptionRaised',
          data: canonical(
            'QualityExceptionRaised',
            {
              qualityExceptionId: e.qualityExceptionId,
              orderNumber: e.orderNumber ? orderNumber(e.orderNumber, `${at}.orderNumber`) : undefined,
              operationNumber:
                e.operationNumber === undefined
                  ? undefined
                  : operationNumber(e.operationNumber, `${at}.operationNumber`),
              equipmentId: e.equipmentId,
              defectCode: e.defectCode,
              severity: e.severity.toLowerCase(),
              description: e.description,
              quantityAffected: e.quantityAffected
                ? quantity(e.quantityAffected.value, e.quantityAffected.unit, `${at}.quantityAffected`)
                : undefined,
            },
            at,
          ),
        },
      ];
    case 'material.consumed':
    case 'material.produced':
      return [
        {
          ...common,
          detailType: 'MaterialMovementRecorded',
          data: canonical(
            'MaterialMovementRecorded',
            {
              movementId: e.movementId,
              orderNumber: e.orderNumber ? orderNumber(e.orderNumber, `${at}.orderNumber`) : undefined,
              mesJobId: e.jobId,
              movement: e.eventType === 'material.consumed' ? 'goods-issue' : 'goods-receipt',
              material: e.material,
              quantity: quantity(e.quantity.value, e.quantity.unit, `${at}.quantity`),
              storageLocation: e.storageLocation,
              batch: e.batch,
              reversal: e.reversal ?? false,
            },
            at,
          ),
        },
      ];
    case 'inventory.adjustment-requested':
      return [
        {
          ...common,
          detailType: 'InventoryAdjustmentRequested',
          data: canonical(
            'InventoryAdjustmentRequested',
            {
              adjustmentId: e.adjustmentId,
              material: e.material,
              quantity: quantity(e.quantity.value, e.quantity.unit, `${at}.quantity`),
              storageLocation: e.storageLocation,
              reason: e.reason,
              orderNumber: e.orderNumber ? orderNumber(e.orderNumber, `${at}.orderNumber`) : undefined,
            },
            at,
          ),
        },
      ];
  }
};

const resolvePlant = (bodyPlant: string | undefined, pathPlant: string | undefined, at: string): string => {
  if (pathPlant !== undefined && bodyPlant !== undefined) {
    const a = checkPlant(pathPlant, 'plant (path)');
    const b = checkPlant(bodyPlant, `${at}.plant`);
    if (a !== b) throw new ValidationError(`${at}.plant: "${b}" does not match the plant of the URL "${a}"`);
    return a;
  }
  const plant = bodyPlant ?? pathPlant;
  if (plant === undefined) throw new ValidationError(`${at}.plant: missing (and no plant in the URL)`);
  return checkPlant(plant, `${at}.plant`);
};

/** Duration of a stop in whole seconds from its start to its end (both with offsets). */
const durationBetween = (startedAt: string | undefined, endedAt: string, at: string) => {
  const start = Date.parse(checkTimestamp(startedAt, `${at}.startedAt`));
  const seconds = Math.round((Date.parse(endedAt) - start) / 1000);
  if (seconds < 0) throw new ValidationError(`${at}.startedAt: after occurredAt`);
  return { value: addDecimals(String(seconds)), unit: 'SEC' as const };
};
