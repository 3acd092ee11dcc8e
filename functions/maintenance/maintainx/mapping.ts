import type { Priority, WorkOrderStatus } from '../model';

/** MaintainX priority enum (OpenAPI `priority`: NONE, LOW, MEDIUM, HIGH). */
export type MaintainxPriority = 'NONE' | 'LOW' | 'MEDIUM' | 'HIGH';
/** MaintainX work-order status (GET /workorders/{id} `status`). */
export type MaintainxStatus = 'OPEN' | 'IN_PROGRESS' | 'ON_HOLD' | 'DONE' | 'CANCELED' | 'SKIPPED';

/** MaintainX has no "urgent": it becomes HIGH (the highest it has). */
export const toMaintainxPriority: Readonly<Record<Priority, MaintainxPriority>> = {
  low: 'LOW',
  medium: 'MEDIUM',
  high: 'HIGH',
  urgent: 'HIGH',
};

export const fromMaintainxPriority = (priority: string | null | undefined): Priority => {
  switch (priority) {
    case 'HIGH':
      return 'high';
    case 'MEDIUM':
      return 'medium';
    default:
      return 'low'; // NONE, LOW, absent
  }
};

export const toMaintainxStatus: Readonly<Record<WorkOrderStatus, Exclude<MaintainxStatus, 'SKIPPED'>>> = {
  open: 'OPEN',
  'in-progress': 'IN_PROGRESS',
  'on-hold': 'ON_HOLD',
  done: 'DONE',
  cancelled: 'CANCELED',
};

/**
 * MaintainX status (+ webhook sub-status CANCELED/SKIPPED) → canonical. A skipped recurrence is
 * reported as cancelled: no work was done on the asset.
 */
export const fromMaintainxStatus = (
  status: string,
  subStatus?: string | null,
): WorkOrderStatus | undefined => {
  if (subStatus === 'CANCELED' || subStatus === 'SKIPPED') return 'cancelled';
  switch (status) {
    case 'OPEN':
      return 'open';
    case 'IN_PROGRESS':
      return 'in-progress';
    case 'ON_HOLD':
      return 'on-hold';
    case 'DONE':
      return 'done';
    case 'CANCELED':
    case 'SKIPPED':
      return 'cancelled';
    default:
      return undefined;
  }
};

/** Integer cents (MaintainX costs) → exact decimal string with two fraction digits. */
export const centsToDecimal = (cents: number): string => {
  const whole = Math.round(cents);
  const sign = whole < 0 ? '-' : '';
  const abs = Math.abs(whole);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
};

/** Seconds → hours as an exact-enough decimal string (6 fraction digits at most, trailing zeros trimmed). */
export const secondsToHours = (seconds: number): string => {
  const micro = Math.round((Math.round(seconds) * 1_000_000) / 3600);
  const whole = Math.floor(micro / 1_000_000);
  const fraction = String(micro % 1_000_000)
    .padStart(6, '0')
    .replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : String(whole);
};

/** A JSON number (quantity) → decimal string without exponent, up to 6 fraction digits. */
export const numberToDecimal = (value: number): string => {
  const fixed = value.toFixed(6).replace(/\.?0+$/, '');
  return fixed === '-0' ? '0' : fixed;
};
