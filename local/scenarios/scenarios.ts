/**
 * The scenarios `npm start` can run (`--scenario NAME`). Each drives the simulated plant; plantsync
 * reacts on the local runtime exactly as deployed. A scenario is done when the simulated systems'
 * records show every flow finished (or its time budget ran out, which the zero-loss check reports).
 */
import { randomUUID } from 'node:crypto';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DetailType, definitionOf } from '../../events';
import type { SimulatedPlant } from '../plant/plant';
import { checkZeroLoss, notificationsOf } from '../plant/zero-loss';
import type { Session } from './session';

const HOUR = 3_600_000;

export interface ScenarioOptions {
  readonly orders: number;
  readonly seed: string;
  /** Real-time budget for the flows to finish, in ms. */
  readonly budgetMs: number;
  /** Running tallies a progress display reads while the scenario runs. */
  readonly tally: { alerts: number };
  /** Length of the simulated working day of `plant-day`, in hours. @default 24 */
  readonly dayHours?: number;
}

export interface Counters {
  readonly simTime: number;
  readonly ordersReleased: number;
  readonly ordersInMes: number;
  readonly ordersAcknowledged: number;
  readonly ordersCompleted: number;
  readonly confirmationsInSap: number;
  readonly downtimes: number;
  readonly notifications: number;
  readonly workOrdersCompleted: number;
  readonly alerts: number;
}

export interface ScenarioOutcome {
  readonly simulatedHours: number;
  /** Simulated time up to which every flow must be complete (for the zero-loss check). */
  readonly cutoff: number;
  readonly finished: boolean;
}

export interface Scenario {
  readonly description: string;
  readonly defaultOrders: number;
  readonly machineFaults: boolean;
  run(session: Session, options: ScenarioOptions): Promise<ScenarioOutcome>;
}

export const counters = (plant: SimulatedPlant, alerts: number): Counters => {
  const mesOrders = [...plant.mes.values()].flatMap((m) => [...m.records.orders.values()]);
  return {
    simTime: plant.clock.now(),
    ordersReleased: new Set(plant.sap.idocs.filter((i) => i.idocType === 'LOIPRO01').map((i) => i.key)).size,
    ordersInMes: mesOrders.length,
    ordersAcknowledged: mesOrders.filter((o) => o.acknowledgedAt !== undefined).length,
    ordersCompleted: mesOrders.filter((o) => o.completedAt !== undefined).length,
    confirmationsInSap: plant.sap.records.confirmations.length,
    downtimes: [...plant.mes.values()].reduce((t, m) => t + m.records.incidents.length, 0),
    notifications: notificationsOf(plant).length,
    workOrdersCompleted:
      plant.maintainx?.records.workOrders.filter((w) => w.completedAt !== undefined).length ?? 0,
    alerts,
  };
};

/** Every released order is in its MES, finished, and confirmed in SAP; every fault has its notification. */
const settled = (plant: SimulatedPlant, cutoff: number, graceMs: number): boolean => {
  const report = checkZeroLoss(plant, { now: Math.min(cutoff, plant.clock.now()), graceMs });
  const open = [...plant.mes.values()].some((m) =>
    [...m.records.orders.values()].some((o) => o.completedAt === undefined),
  );
  return (
    report.ordersMissingInMes.length === 0 &&
    report.confirmationsMismatched.length === 0 &&
    report.incidentsWithoutNotification.length === 0 &&
    !open
  );
};

const waitUntil = async (options: ScenarioOptions, done: () => boolean): Promise<boolean> => {
  const deadline = Date.now() + options.budgetMs;
  for (;;) {
    if (done()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
};

/** Analytics stand-in: publishes a condition alert for a critical asset, as the analytics platform would. */
const raiseConditionAlert = async (session: Session, plantCode: string, equipmentId: string, n: number) => {
  const client = new EventBridgeClient({
    endpoint: session.runtime.endpoints.eventbridge,
    region: session.env.region,
    credentials: { accessKeyId: 'analytics-platform', secretAccessKey: 'local' },
  });
  const example = definitionOf(DetailType.AssetConditionAlertRaised);
  const at = new Date(session.plant.clock.now()).toISOString();
  const alertId = `ALERT-${plantCode}-${n}`;
  const detail = {
    metadata: {
      eventId: randomUUID(),
      eventType: example.detailType,
      schemaVersion: example.schemaVersion,
      correlationId: `alert-${plantCode}-${n}`,
      idempotencyKey: `analytics:alert:${alertId}`,
      plant: plantCode,
      occurredAt: at,
      emittedAt: at,
      producer: 'analytics.condition-monitoring',
    },
    data: { ...example.example, alertId, equipmentId },
  };
  await client.send(
    new PutEventsCommand({
      Entries: [
        {
          EventBusName: session.runtime.model.buses[0]?.name,
          Source: example.source,
          DetailType: example.detailType,
          Detail: JSON.stringify(detail),
        },
      ],
    }),
  );
  client.destroy();
};

const criticalEquipment = (plant: SimulatedPlant, code: string): string[] =>
  (plant.masterData.get(code)?.equipment ?? [])
    .filter((e) => e.criticality === 'A')
    .map((e) => e.equipmentId);

const releaseSpread = (session: Session, orders: number, dayMs: number) => {
  const perPlant = Math.max(1, Math.floor(orders / session.plantCodes.length));
  const waves = 12;
  return Promise.all(
    session.plantCodes.map((code, i) =>
      session.plant.releaseOrders(
        code,
        perPlant + (i === 0 ? orders - perPlant * session.plantCodes.length : 0),
        {
          batch: Math.max(1, Math.ceil(perPlant / waves)),
          everyMs: Math.floor((dayMs * 0.75) / waves),
        },
      ),
    ),
  );
};

/**
 * A focused scenario: orders released over `releaseHours`, then `act` (faults, alerts), then wait
 * until every flow is settled and `alsoDone` holds.
 */
const focused =
  (
    releaseHours: number,
    act: (session: Session, options: ScenarioOptions) => Promise<void> | void,
    alsoDone: (session: Session, options: ScenarioOptions) => boolean = () => true,
  ): Scenario['run'] =>
  async (session, options) => {
    const start = session.plant.clock.now();
    await releaseSpread(session, options.orders, releaseHours * HOUR);
    await act(session, options);
    const cutoff = session.plant.clock.now();
    const finished = await waitUntil(
      options,
      () => settled(session.plant, cutoff, 0) && alsoDone(session, options),
    );
    return { simulatedHours: (session.plant.clock.now() - start) / HOUR, cutoff, finished };
  };

export const scenarios: Readonly<Record<string, Scenario>> = {
  'plant-day': {
    description:
      'a day in several plants: hundreds of orders released through the day, random machine faults, condition alerts',
    defaultOrders: 200,
    machineFaults: true,
    run: async (session, options) => {
      const start = session.plant.clock.now();
      const day = (options.dayHours ?? 24) * HOUR;
      const releasing = releaseSpread(session, options.orders, day);
      // Two condition alerts per plant on critical assets, a quarter and half through the day.
      const alerting = (async () => {
        for (const hour of [day / HOUR / 4, day / HOUR / 2]) {
          await session.plant.clock.sleep(Math.max(0, start + hour * HOUR - session.plant.clock.now()));
          for (const code of session.plantCodes) {
            const equipment = criticalEquipment(session.plant, code)[options.tally.alerts % 2];
            if (equipment) await raiseConditionAlert(session, code, equipment, ++options.tally.alerts);
          }
        }
      })();
      await Promise.all([releasing, alerting]);
      // The working day is over: no new faults; what is in progress runs to its end.
      await session.plant.clock.sleep(Math.max(0, start + day - session.plant.clock.now()));
      for (const mes of session.plant.mes.values()) mes.core.stopFaults();
      const cutoff = session.plant.clock.now();
      const finished = await waitUntil(options, () => settled(session.plant, cutoff, HOUR));
      return { simulatedHours: (session.plant.clock.now() - start) / HOUR, cutoff, finished };
    },
  },
  'order-to-confirmation': {
    description:
      'SAP releases orders; the MES acknowledges and runs them; confirmations and goods movements reach SAP',
    defaultOrders: 40,
    machineFaults: false,
    run: focused(4, () => undefined),
  },
  'downtime-to-maintenance': {
    description:
      'machine faults (some flapping) raise one maintenance notification each, enriched with context',
    defaultOrders: 10,
    machineFaults: false,
    run: focused(1, (session) => {
      for (const code of session.plantCodes) {
        const machines = session.plant.masterData.get(code)?.equipment ?? [];
        for (const [i, m] of machines.slice(0, 3).entries())
          session.plant.mes.get(code)?.core.fault(m.equipmentId, { flapping: i === 0 });
      }
    }),
  },
  'predictive-maintenance': {
    description:
      'condition alerts on critical assets: production status, a maintenance window, a work order, the impact posted to SAP',
    defaultOrders: 10,
    machineFaults: false,
    run: focused(
      1,
      async (session, options) => {
        for (const code of session.plantCodes) {
          for (const equipment of criticalEquipment(session.plant, code).slice(0, 2)) {
            await raiseConditionAlert(session, code, equipment, ++options.tally.alerts);
          }
        }
      },
      // At least one alert became a work order; an alert whose plant calendar has no window within the
      // horizon becomes a no-maintenance-window sync exception instead (plant 2000's calendar).
      (session, options) =>
        (session.plant.maintainx?.records.workOrders.filter((w) => w.origin === 'api').length ?? 0) +
          session.plant.sap.records.maintenanceOrders.length >=
        Math.min(1, options.tally.alerts),
    ),
  },
  'maintenance-completion': {
    description:
      'faults become work orders; technicians complete them; labour, parts and cost reach SAP and availability the MES',
    defaultOrders: 10,
    machineFaults: false,
    run: focused(
      1,
      (session) => {
        for (const code of session.plantCodes) {
          const machines = session.plant.masterData.get(code)?.equipment ?? [];
          for (const m of machines.slice(0, 2)) session.plant.mes.get(code)?.core.fault(m.equipmentId);
        }
      },
      (session) =>
        session.plant.maintainx === undefined ||
        session.plant.sap.records.maintenanceCompletions.length +
          session.plant.sap.records.notificationUpdates.length >
          0,
    ),
  },
};
