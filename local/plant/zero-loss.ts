import { fitReference } from '../../functions/sap/adapters/sap-pm-port';
import type { DowntimeIncident } from './mes-core';
import type { SimulatedPlant } from './plant';

/**
 * The zero-loss checks of `npm start -- --once`, computed only from the simulated systems' own
 * records (what SAP posted, what each MES received and reported, what the maintenance platforms hold),
 * never from plantsync's state:
 * 1. every order SAP sent (IDoc passed to port, not cancelled) reached its plant's MES;
 * 2. every MES confirmation reached SAP: per order and operation, SAP's confirmed yield and scrap
 *    equal what the MES reported, and SAP holds the final confirmation;
 * 3. every downtime incident (one machine fault, flapping signals included) raised exactly one
 *    notification in the plant's maintenance platform (MaintainX work request, generic-tool request,
 *    or SAP notification with the equipment down that is not a planned-window posting);
 * 4. no target system holds a duplicate (SAP postings, maintenance requests/orders; an MES keeps one
 *    order per number, so a resent order is reported as `mesResends`, not as a duplicate).
 */

export interface ZeroLossReport {
  readonly ok: boolean;
  readonly ordersSent: number;
  readonly ordersMissingInMes: readonly { readonly plant: string; readonly orderNumber: string }[];
  readonly operationsReported: number;
  readonly confirmationsMismatched: readonly {
    readonly plant: string;
    readonly orderNumber: string;
    readonly operationNumber: string;
    readonly mes: { readonly good: number; readonly scrap: number };
    readonly sap: { readonly yield: number; readonly scrap: number; readonly final: boolean };
  }[];
  readonly incidents: number;
  readonly incidentsWithoutNotification: readonly DowntimeIncident[];
  readonly incidentsWithSeveralNotifications: readonly {
    readonly incident: DowntimeIncident;
    readonly notifications: number;
  }[];
  readonly duplicates: {
    readonly sap: number;
    readonly maintenance: number;
  };
  /** Orders the MES received again with a revision it held (it keeps one; informational, not a loss). */
  readonly mesResends: number;
}

export interface NotificationLike {
  readonly plant: string;
  readonly equipment?: string;
  readonly externalReference?: string;
  readonly createdAt: number;
}

export interface ZeroLossOptions {
  /** Ignore incidents that started less than this long before `now` (plantsync may still be on it). @default 0 */
  readonly graceMs?: number;
  /** Only orders released before this simulated time are expected to be complete. @default now */
  readonly now?: number;
}

/** Checks the plant's records; `ok` is true only if nothing was lost and nothing duplicated. */
export const checkZeroLoss = (plant: SimulatedPlant, options: ZeroLossOptions = {}): ZeroLossReport => {
  const now = options.now ?? plant.clock.now();
  const grace = options.graceMs ?? 0;
  const sap = plant.sap.records;

  // 1. orders
  const cancelled = plant.sap.cancelledOrders;
  const sent = plant.sap.idocs.filter(
    (i, index, all) =>
      i.idocType === 'LOIPRO01' &&
      i.status === '03' &&
      !cancelled.has(i.key) &&
      all.findIndex((j) => j.idocType === 'LOIPRO01' && j.key === i.key && j.status === '03') === index,
  );
  const ordersMissingInMes = sent
    .filter((i) => !plant.mes.get(i.plant)?.records.orders.has(i.key))
    .map((i) => ({ plant: i.plant, orderNumber: i.key }));

  // 2. confirmations: what each MES reported as confirmed, per operation, against SAP's postings
  const confirmationsMismatched: ZeroLossReport['confirmationsMismatched'][number][] = [];
  let operationsReported = 0;
  for (const [code, mes] of plant.mes) {
    for (const op of mes.records.operations) {
      if (op.completedAt === undefined) continue;
      operationsReported++;
      const posted = sap.confirmedTotals(op.orderNumber, op.operationNumber);
      if (posted.yield !== op.good || posted.scrap !== op.scrap || !posted.final) {
        confirmationsMismatched.push({
          plant: code,
          orderNumber: op.orderNumber,
          operationNumber: op.operationNumber,
          mes: { good: op.good, scrap: op.scrap },
          sap: posted,
        });
      }
    }
  }

  // 3. downtime → notification, one per fault
  const notifications = notificationsOf(plant);
  const incidents = [...plant.mes.values()]
    .flatMap((m) => m.records.incidents)
    .filter((i) => i.startedAt <= now - grace);
  const incidentsWithoutNotification: DowntimeIncident[] = [];
  const incidentsWithSeveralNotifications: { incident: DowntimeIncident; notifications: number }[] = [];
  const assignment = assignNotifications(incidents, notifications);
  for (const incident of incidents) {
    const matched = assignment.get(incident) ?? [];
    if (matched.length === 0) incidentsWithoutNotification.push(incident);
    if (matched.length > 1)
      incidentsWithSeveralNotifications.push({ incident, notifications: matched.length });
  }

  // 4. duplicates in every target system
  const duplicates = {
    sap: sap.duplicates.reduce((sum, d) => sum + d.ids.length - 1, 0),
    maintenance:
      (plant.maintainx?.records.duplicates.length ?? 0) +
      [...plant.generic.values()].reduce((sum, t) => sum + t.records.duplicates.length, 0),
  };
  const mesResends = [...plant.mes.values()].reduce((sum, m) => sum + m.records.duplicateOrders, 0);

  const ok =
    ordersMissingInMes.length === 0 &&
    confirmationsMismatched.length === 0 &&
    incidentsWithoutNotification.length === 0 &&
    incidentsWithSeveralNotifications.length === 0 &&
    duplicates.sap === 0 &&
    duplicates.maintenance === 0;
  return {
    ok,
    ordersSent: sent.length,
    ordersMissingInMes,
    operationsReported,
    confirmationsMismatched,
    incidents: incidents.length,
    incidentsWithoutNotification,
    incidentsWithSeveralNotifications,
    duplicates,
    mesResends,
  };
};

/** Every notification the maintenance side holds that stands for a fault, across all platforms. */
export const notificationsOf = (plant: SimulatedPlant): NotificationLike[] => {
  const sap = plant.sap.records;
  const impactIds = new Set(
    sap.operationalImpacts.filter((i) => i.source === 'notification').map((i) => i.id),
  );
  return [
    // SAP notifications that stand for a fault: the equipment is down, not a planned-window
    // (operational impact) posting or a completion summary.
    ...sap.notifications
      .filter((n) => n.objectIsDown && !impactIds.has(n.notification))
      .map((n) => ({
        plant: n.plant,
        equipment: n.equipment,
        createdAt: n.createdAt,
        ...(n.externalReference ? { externalReference: n.externalReference } : {}),
      })),
    ...(plant.maintainx?.records.workRequests ?? []).map((r) => ({
      plant: r.plant,
      createdAt: r.createdAt,
      ...(r.equipmentId ? { equipment: r.equipmentId } : {}),
      ...(r.externalReference ? { externalReference: r.externalReference } : {}),
    })),
    ...[...plant.generic].flatMap(([code, tool]) =>
      tool.records.records
        .filter((r) => r.type === 'request')
        .map((r) => ({
          plant: code,
          equipment: r.asset.tag,
          createdAt: Date.parse(r.createdAt),
          ...(r.externalRef ? { externalReference: r.externalRef } : {}),
        })),
    ),
  ];
};

/**
 * Which notifications stand for which incident. A notification is attributed to at most one
 * incident: first by plantsync's reference, which names the downtime (in full, or as the hashed
 * reference an SAP text field keeps); the rest first-in-first-out per equipment, to the earliest
 * incident that started before the notification and has none yet — so a notification that arrives
 * late (after the machine's next fault began) still counts for the fault that raised it.
 */
export const assignNotifications = (
  incidents: readonly DowntimeIncident[],
  notifications: readonly NotificationLike[],
): Map<DowntimeIncident, NotificationLike[]> => {
  const assigned = new Map<DowntimeIncident, NotificationLike[]>(incidents.map((i) => [i, []]));
  const byReference = new Map<string, DowntimeIncident>();
  for (const incident of incidents) {
    for (const id of incident.downtimeIds) {
      const reference = `ps-${incident.plant}-${id}`;
      byReference.set(reference.toUpperCase(), incident);
      byReference.set(fitReference(reference, 20), incident);
    }
  }
  const unreferenced: NotificationLike[] = [];
  for (const n of notifications) {
    const ref = n.externalReference?.toUpperCase();
    const incident =
      ref === undefined
        ? undefined
        : (byReference.get(ref) ?? [...byReference].find(([key]) => ref.includes(key))?.[1]);
    if (incident) assigned.get(incident)?.push(n);
    else unreferenced.push(n);
  }
  const ordered = [...incidents].sort((a, b) => a.startedAt - b.startedAt);
  for (const n of [...unreferenced].sort((a, b) => a.createdAt - b.createdAt)) {
    const incident = ordered.find(
      (i) =>
        i.plant === n.plant &&
        i.equipmentId === n.equipment &&
        Math.floor(i.startedAt / 1000) * 1000 <= n.createdAt &&
        (assigned.get(i)?.length ?? 0) === 0,
    );
    if (incident) assigned.get(incident)?.push(n);
  }
  return assigned;
};
