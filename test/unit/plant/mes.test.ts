import { DetailType } from '../../../events';
import { buildSchedule } from '../../../functions/mes/b2mml/outbound';
import { orderToWire } from '../../../functions/mes/json/outbound';
import { MesWireEvent } from '../../../functions/mes/json/wire';
import { translateIncoming } from '../../../functions/mes/profiles';
import type { ManualClock } from '../../../local/plant/clock';
import { SimulatedB2mmlMes } from '../../../local/plant/mes-b2mml';
import { SimulatedRestMes } from '../../../local/plant/mes-rest';
import { SimulatedSap } from '../../../local/plant/sap';
import { Capture, canonicalOrder, manualClock, masterMap, PLANT_1000, PLANT_2000 } from './helpers';

const DAY = 24 * 3_600_000;
const ingress = new Capture();
let ingressUrl: string;

beforeAll(async () => {
  ingressUrl = await ingress.start();
});

afterAll(async () => {
  await ingress.stop();
});

beforeEach(() => {
  ingress.requests.length = 0;
});

interface Run {
  readonly events: Record<string, unknown>[];
  readonly mes: SimulatedRestMes;
  readonly orderNumber: string;
}

/** Releases one order in a simulated SAP, hands it to a REST MES the way the connector would, runs a day. */
const runRestOrder = async (seed: string, options: { fault?: boolean } = {}): Promise<Run> => {
  const clock: ManualClock = manualClock();
  const masters = masterMap(seed);
  const sap = new SimulatedSap({ seed, clock, plants: [PLANT_1000, PLANT_2000], masterData: masters });
  const mes = await new SimulatedRestMes({
    seed,
    clock,
    master: masters.get('1000') ?? (undefined as never),
    ingressUrl: `${ingressUrl}/v1/mes/1000/events`,
  }).start();
  try {
    const [order] = sap.createOrders('1000', 1);
    if (!order) throw new Error('no order');
    const canonical = canonicalOrder(sap, order, [...masters.values()]);
    const response = await fetch(`${mes.url}/api/v1/production-orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(orderToWire(canonical, '1000', 1)),
    });
    expect(response.status).toBe(201);
    if (options.fault)
      mes.core.fault(order.operations[0]?.equipmentId ?? '', { flapping: true, repairMs: 30 * 60_000 });
    await clock.advance(DAY);
    await mes.core.idle();
    const events = mes.records.messages.map((m) => m.payload as Record<string, unknown>);
    return { events, mes, orderNumber: order.orderNumber };
  } finally {
    await mes.stop();
  }
};

describe('simulated REST/JSON MES', () => {
  it('acknowledges an order and runs it through every operation, confirming yield and scrap', async () => {
    const { events, mes, orderNumber } = await runRestOrder('mes-run');

    const types = events.map((e) => e.eventType);
    expect(types[0]).toBe('order.acknowledged');
    const order = mes.records.orders.get(orderNumber);
    expect(order?.status).toBe('completed');
    for (const op of order?.order.operations ?? []) {
      const forOp = events.filter((e) => e.operationNumber === op.operationNumber);
      expect(forOp[0]?.eventType).toBe('operation.started');
      expect(forOp.at(-1)?.eventType).toBe('operation.completed');
      expect(forOp.filter((e) => e.eventType === 'production.confirmed' && e.final === true)).toHaveLength(1);
    }
    const produced = events.filter((e) => e.eventType === 'material.produced');
    const lastOp = order?.order.operations.at(-1)?.operationNumber ?? '';
    expect(produced).toHaveLength(1);
    expect((produced[0]?.quantity as { value: string } | undefined)?.value).toBe(
      String(mes.records.operationTotals(orderNumber, lastOp)?.good),
    );
  });

  it('confirms per operation exactly what it produced (partial plus final confirmations add up)', async () => {
    const { events, mes, orderNumber } = await runRestOrder('mes-totals');

    for (const op of mes.records.operations) {
      const confirmed = events.filter(
        (e) => e.eventType === 'production.confirmed' && e.operationNumber === op.operationNumber,
      );
      const sum = (key: 'good' | 'scrap' | 'rework') =>
        confirmed.reduce((s, e) => s + Number((e[key] as { value: string }).value), 0);
      expect([sum('good'), sum('scrap'), sum('rework')]).toEqual([op.good, op.scrap, op.rework]);
      expect(op.good + op.scrap + op.rework).toBe(op.input);
    }
    expect(mes.records.operations.every((o) => o.orderNumber === orderNumber)).toBe(true);
  });

  it('delivers every event to the ingress in the wire format the MES connector translates', async () => {
    await runRestOrder('mes-wire', { fault: true });

    const bodies = ingress.requests.map((r) => r.body);
    const wire = bodies.flatMap((b) => (JSON.parse(b) as { events: unknown[] }).events);
    expect(wire.every((e) => MesWireEvent.safeParse(e).success)).toBe(true);
    const facts = ingress.requests.flatMap((r) =>
      translateIncoming({ contentType: r.headers['content-type']?.toString(), body: r.body, plant: '1000' }),
    );
    const detailTypes = new Set(facts.map((f) => f.detailType));
    expect(detailTypes).toEqual(
      new Set([
        DetailType.OrderAcknowledged,
        DetailType.OperationStarted,
        DetailType.OperationCompleted,
        DetailType.ProductionConfirmed,
        DetailType.MaterialMovementRecorded,
        DetailType.DowntimeStarted,
        DetailType.DowntimeEnded,
        DetailType.MachineStateChanged,
      ]),
    );
  });

  it('raises one incident with several downtime signals for a flapping machine', async () => {
    const { events, mes } = await runRestOrder('mes-flap', { fault: true });

    const [incident] = mes.records.incidents;
    expect(mes.records.incidents).toHaveLength(1);
    expect(incident?.downtimeIds.length).toBeGreaterThan(1);
    expect(incident?.endedAt).toBeDefined();
    const started = events.filter((e) => e.eventType === 'downtime.started').map((e) => e.downtimeId);
    const ended = events.filter((e) => e.eventType === 'downtime.ended').map((e) => e.downtimeId);
    expect(started).toEqual(incident?.downtimeIds);
    expect(ended).toEqual(incident?.downtimeIds);
  });

  it('produces the same event sequence from the same seed, and a different one from another seed', async () => {
    const a = await runRestOrder('mes-determinism', { fault: true });
    const b = await runRestOrder('mes-determinism', { fault: true });
    const c = await runRestOrder('mes-determinism-2', { fault: true });

    expect(b.events).toEqual(a.events);
    expect(c.events).not.toEqual(a.events);
  });

  it('counts a resent order with the same revision as a duplicate and answers equipment status', async () => {
    const seed = 'mes-dup';
    const clock = manualClock();
    const masters = masterMap(seed);
    const sap = new SimulatedSap({ seed, clock, plants: [PLANT_1000, PLANT_2000], masterData: masters });
    const mes = await new SimulatedRestMes({
      seed,
      clock,
      master: masters.get('1000') ?? (undefined as never),
      ingressUrl: `${ingressUrl}/v1/mes/1000/events`,
    }).start();
    try {
      const [order] = sap.createOrders('1000', 1);
      if (!order) throw new Error('no order');
      const body = JSON.stringify(orderToWire(canonicalOrder(sap, order, [...masters.values()]), '1000', 7));
      const post = () =>
        fetch(`${mes.url}/api/v1/production-orders`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });

      await post();
      const again = await post();
      const status = await fetch(`${mes.url}/api/v1/equipment/${order.operations[0]?.equipmentId}/status`);

      expect(again.status).toBe(200);
      expect(mes.records.duplicateOrders).toBe(1);
      expect(((await status.json()) as { state: string }).state).toBe('IDLE');
    } finally {
      await mes.stop();
    }
  });

  it('answers 500 while its fault switch is set', async () => {
    const seed = 'mes-500';
    const mes = await new SimulatedRestMes({
      seed,
      clock: manualClock(),
      master: masterMap(seed).get('1000') ?? (undefined as never),
      ingressUrl: `${ingressUrl}/v1/mes/1000/events`,
      faults: { errorRate: 1 },
    }).start();
    try {
      const response = await fetch(`${mes.url}/api/v1/lines/L01/status`);

      expect(response.status).toBe(500);
      expect(mes.records.faultsAnswered).toHaveLength(1);
    } finally {
      await mes.stop();
    }
  });
});

describe('simulated machine faults', () => {
  it('raise the same incidents at the same simulated times from the same seed', async () => {
    const run = async (seed: string) => {
      const clock = manualClock();
      const mes = new SimulatedRestMes({
        seed,
        clock,
        master: masterMap(seed).get('1000') ?? (undefined as never),
        ingressUrl: `${ingressUrl}/v1/mes/1000/events`,
      });
      mes.core.startFaults();
      await clock.advance(3 * DAY);
      mes.core.stop();
      await mes.core.idle();
      return mes.records.incidents.map((i) => [
        i.equipmentId,
        i.startedAt,
        i.endedAt,
        i.downtimeIds.length,
        i.reasonCode,
      ]);
    };

    const a = await run('faults');
    const b = await run('faults');

    expect(a.length).toBeGreaterThan(3);
    expect(b).toEqual(a);
    expect(await run('faults-other')).not.toEqual(a);
  });
});

describe('simulated B2MML MES', () => {
  it('accepts a V0700 ProcessOperationsSchedule and reports performance the B2MML connector translates', async () => {
    const seed = 'b2mml-run';
    const clock = manualClock();
    const masters = masterMap(seed);
    const sap = new SimulatedSap({ seed, clock, plants: [PLANT_1000, PLANT_2000], masterData: masters });
    const mes = await new SimulatedB2mmlMes({
      seed,
      clock,
      master: masters.get('2000') ?? (undefined as never),
      ingressUrl: `${ingressUrl}/v1/mes/2000/events`,
    }).start();
    try {
      const [order] = sap.createOrders('2000', 1);
      if (!order) throw new Error('no order');
      const canonical = canonicalOrder(sap, order, [...masters.values()]);
      const schedule = buildSchedule(
        canonical,
        { plant: '2000', revision: 1, version: 'V0700', createdAt: '2026-11-25T05:00:00Z' },
        'Process',
      );

      const response = await fetch(mes.url, {
        method: 'POST',
        headers: { 'content-type': 'application/xml' },
        body: schedule,
      });
      await clock.advance(DAY);
      await mes.core.idle();

      expect(response.status).toBe(200);
      expect(await response.text()).toContain('AcknowledgeOperationsSchedule');
      const facts = ingress.requests.flatMap((r) =>
        translateIncoming({
          contentType: r.headers['content-type']?.toString(),
          body: r.body,
          plant: '2000',
        }),
      );
      expect(facts[0]?.detailType).toBe(DetailType.OrderAcknowledged);
      const finals = facts.filter(
        (f) =>
          f.detailType === DetailType.ProductionConfirmed &&
          (f.data as { finalConfirmation: boolean }).finalConfirmation,
      );
      expect(finals.map((f) => (f.data as { operationNumber: string }).operationNumber)).toEqual(
        order.operations.map((o) => o.operationNumber),
      );
      expect(facts.filter((f) => f.detailType === DetailType.OperationCompleted)).toHaveLength(
        order.operations.length,
      );
      expect(mes.records.messages.some((m) => m.format === 'b2mml')).toBe(true);
    } finally {
      await mes.stop();
    }
  });
});

describe('simulated MES fault process', () => {
  it('raises no new faults after stopFaults, while faults in progress still end', async () => {
    const seed = 'mes-stop-faults';
    const clock = manualClock();
    const masters = masterMap(seed);
    const mes = await new SimulatedRestMes({
      seed,
      clock,
      master: masters.get('1000') ?? (undefined as never),
      ingressUrl: 'http://127.0.0.1:9/v1/mes/1000/events',
      settings: { meanTimeBetweenFaultsMs: 2 * 3_600_000 },
    }).start();
    try {
      mes.core.startFaults();
      await clock.advance(24 * 3_600_000);
      const before = mes.records.incidents.length;
      expect(before).toBeGreaterThan(0);

      mes.core.stopFaults();
      await clock.advance(48 * 3_600_000);

      expect(mes.records.incidents.length).toBe(before);
      expect(mes.records.incidents.every((i) => i.endedAt !== undefined)).toBe(true);
    } finally {
      await mes.stop();
    }
  });
});
