/**
 * One open notification per equipment fault. A fault is identified by equipment and controller
 * fault code (the MES reason code when there is no fault code). A signal that comes back within
 * the flapping window after the fault closed re-opens it and creates nothing.
 */
import type { FaultState } from './repository';

export type DowntimeDecision = 'new' | 'duplicate' | 'flapping' | 'planned';

export const faultKeyOf = (event: { faultCode?: string; reasonCode: string }): string =>
  event.faultCode ?? `REASON-${event.reasonCode}`;

export const decideDowntime = (
  fault: FaultState | undefined,
  event: { planned: boolean },
  now: Date,
  flappingWindowSeconds: number,
): DowntimeDecision => {
  if (event.planned) return 'planned';
  if (!fault) return 'new';
  if (fault.status === 'OPEN' || fault.status === 'CREATING') return 'duplicate';
  const closedAt = fault.closedAt ? Date.parse(fault.closedAt) : Number.NEGATIVE_INFINITY;
  return now.getTime() - closedAt <= flappingWindowSeconds * 1000 ? 'flapping' : 'new';
};
