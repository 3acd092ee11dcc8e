import * as z from 'zod';
import { type DetailType, definitionOf, type EventData } from '../../events/catalogue';
import type { EventDefinition } from '../../events/define';
import { PlantCode, type Quantity, Timestamp } from '../../events/primitives';
import { ValidationError } from '../../shared/errors';
import { normalizeDecimal } from './decimal';
import { toRec20 } from './units';

/** The canonical event types an MES may publish (its domain in the ownership table). */
export type MesDetailType =
  | 'OrderAcknowledged'
  | 'OperationStarted'
  | 'OperationCompleted'
  | 'ProductionConfirmed'
  | 'MaterialMovementRecorded'
  | 'DowntimeStarted'
  | 'DowntimeEnded'
  | 'MachineStateChanged'
  | 'QualityExceptionRaised'
  | 'InventoryAdjustmentRequested';

/**
 * One canonical fact translated from an MES message, in the shape shared/publisher's `publish()`
 * takes. `idempotencyKey` is a pure function of the MES message, so a resend yields the same key.
 */
export interface MesFact<T extends MesDetailType = MesDetailType> {
  readonly detailType: T;
  readonly data: EventData<T>;
  readonly plant: string;
  readonly occurredAt: string;
  readonly idempotencyKey: string;
  readonly sourceRef: { readonly system: 'mes'; readonly kind: string; readonly id: string };
  /** Equipment the fact is about, when known (the edge relay orders per equipment). */
  readonly equipmentId?: string;
}

/** Validates `data` against the catalogue schema of `detailType`; the error names where it came from. */
export const canonical = <T extends MesDetailType>(
  detailType: T,
  data: unknown,
  where: string,
): EventData<T> => {
  const definition: EventDefinition = definitionOf(detailType as DetailType);
  const parsed = definition.data.safeParse(data);
  if (!parsed.success) {
    throw new ValidationError(`${where}: not a valid ${detailType}: ${z.prettifyError(parsed.error)}`, {
      details: { detailType, where },
    });
  }
  return parsed.data as EventData<T>;
};

export const checkTimestamp = (value: string | undefined, where: string): string => {
  if (value === undefined || !Timestamp.safeParse(value).success) {
    throw new ValidationError(
      `${where}: "${String(value).slice(0, 40)}" is not an ISO 8601 date-time with offset`,
      {
        details: { field: where },
      },
    );
  }
  return value;
};

export const checkPlant = (value: string | undefined, where: string): string => {
  const plant = value?.trim().toUpperCase();
  if (!plant || !PlantCode.safeParse(plant).success) {
    throw new ValidationError(`${where}: "${String(value).slice(0, 20)}" is not a 4-character plant code`, {
      details: { field: where },
    });
  }
  return plant;
};

/** SAP keeps order numbers without leading zeros; MES often echo the 12-digit AUFNR. */
export const orderNumber = (value: string, where: string): string => {
  const trimmed = value.trim();
  if (!/^\d{1,12}$/.test(trimmed)) {
    throw new ValidationError(
      `${where}: "${trimmed.slice(0, 20)}" is not an SAP order number (up to 12 digits)`,
      {
        details: { field: where },
      },
    );
  }
  return trimmed.replace(/^0+(?=\d)/, '');
};

/** Routing operation numbers are 4 digits; an MES sending 10 or "10" means "0010". */
export const operationNumber = (value: string | number, where: string): string => {
  const text = String(value).trim();
  if (!/^\d{1,4}$/.test(text)) {
    throw new ValidationError(
      `${where}: "${text.slice(0, 20)}" is not a routing operation number (up to 4 digits)`,
      {
        details: { field: where },
      },
    );
  }
  return text.padStart(4, '0');
};

export const quantity = (value: string | number, unit: string, where: string): Quantity => ({
  value: normalizeDecimal(value, `${where}.value`),
  unit: toRec20(unit, `${where}.unit`),
});

export const MACHINE_STATES = ['running', 'idle', 'setup', 'down', 'maintenance', 'off'] as const;
export type MachineState = (typeof MACHINE_STATES)[number];

/**
 * MES machine states (ISA-95 / PackML / OEE vocabularies) → the canonical six. An unknown state is
 * refused: guessing "down" for an unknown word would open maintenance notifications.
 */
const STATE_ALIASES: Readonly<Record<string, MachineState>> = {
  RUNNING: 'running',
  RUN: 'running',
  PRODUCING: 'running',
  EXECUTE: 'running',
  PRODUCTIVE: 'running',
  IDLE: 'idle',
  STARVED: 'idle',
  BLOCKED: 'idle',
  WAITING: 'idle',
  STANDBY: 'idle',
  SETUP: 'setup',
  CHANGEOVER: 'setup',
  DOWN: 'down',
  FAULT: 'down',
  FAULTED: 'down',
  STOPPED: 'down',
  ABORTED: 'down',
  HELD: 'down',
  MAINTENANCE: 'maintenance',
  SERVICE: 'maintenance',
  OFF: 'off',
  POWERED_OFF: 'off',
  OFFLINE: 'off',
};

export const machineState = (value: string, where: string): MachineState => {
  const key = value
    .trim()
    .toUpperCase()
    .replace(/[\s-]+/g, '_');
  const state = STATE_ALIASES[key];
  if (!state) {
    throw new ValidationError(
      `${where}: unknown machine state "${value.slice(0, 40)}"; expected one of ${Object.keys(STATE_ALIASES).join(', ')}`,
      { details: { field: where } },
    );
  }
  return state;
};
