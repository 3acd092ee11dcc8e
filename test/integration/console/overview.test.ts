import type { Hop } from '../../../local/audit';
import { overviewFromAudit, stuckOrdersFromAudit } from '../../../local/console/overview';

const published = (detailType: string, at: string, keys: Hop['keys'], plant = '1010'): Hop => ({
  kind: 'event-published',
  at,
  durationMs: 0,
  correlationId: `c-${keys[0]?.value ?? 'x'}`,
  plant,
  component: 'test',
  detailType,
  outcome: 'ok',
  keys,
});

const order = (value: string) => [{ kind: 'order' as const, value }];

describe('overviewFromAudit', () => {
  it('counts business objects per plant and flow, not events', () => {
    const overview = overviewFromAudit([
      published('ProductionOrderReleased', '2026-11-25T06:00:00Z', order('1')),
      published('ProductionOrderReleased', '2026-11-25T06:00:01Z', order('1')),
      published('ProductionOrderReleased', '2026-11-25T06:00:02Z', order('2')),
      published('OrderAcknowledged', '2026-11-25T06:01:00Z', order('1')),
      published('ProductionOrderReleased', '2026-11-25T06:00:00Z', order('9'), '2020'),
    ]);

    expect(overview.plants.map((p) => [p.plant, p.flows.ordersReleased, p.flows.ordersAcknowledged])).toEqual(
      [
        ['1010', 2, 1],
        ['2020', 1, 0],
      ],
    );
  });

  it('measures order synchronisation latency from release to acknowledgement per order', () => {
    const overview = overviewFromAudit([
      published('ProductionOrderReleased', '2026-11-25T06:00:00Z', order('1')),
      published('OrderAcknowledged', '2026-11-25T06:00:30Z', order('1')),
      published('ProductionOrderReleased', '2026-11-25T06:00:00Z', order('2')),
      published('OrderAcknowledged', '2026-11-25T06:02:00Z', order('2')),
    ]);

    const latency = overview.kpis.find((k) => k.id === 'order-sync-latency');
    expect(latency?.series.map((p) => p.value)).toEqual([30, 120]);
    expect(latency?.value).toBe(120);
  });

  it('gives the failure rate of function invocations and outbound calls', () => {
    const call = (outcome: 'ok' | 'error', at: string): Hop => ({
      kind: 'outbound-call',
      at,
      durationMs: 10,
      correlationId: 'c',
      component: 'mes-publisher',
      outcome,
      keys: [],
    });

    const overview = overviewFromAudit([
      call('ok', '2026-11-25T06:00:00Z'),
      call('ok', '2026-11-25T06:00:01Z'),
      call('ok', '2026-11-25T06:00:02Z'),
      call('error', '2026-11-25T06:00:03Z'),
    ]);

    expect(overview.kpis.find((k) => k.id === 'integration-failure-rate')?.value).toBe(25);
  });

  it('reports no value rather than zero when nothing was measured', () => {
    const overview = overviewFromAudit([]);

    expect(overview.plants).toEqual([]);
    expect(overview.kpis.find((k) => k.id === 'order-sync-latency')?.value).toBeNull();
  });
});

describe('stuckOrdersFromAudit', () => {
  const now = new Date('2026-11-25T08:00:00Z');

  it('lists orders waiting past the SLA with the status they wait in and its owner, oldest first', () => {
    const stuck = stuckOrdersFromAudit(
      [
        published('ProductionOrderReleased', '2026-11-25T07:00:00Z', order('1')),
        published('ProductionOrderReleased', '2026-11-25T06:00:00Z', order('2')),
        published('OrderAcknowledged', '2026-11-25T06:30:00Z', order('2')),
        published('ProductionOrderReleased', '2026-11-25T07:59:00Z', order('3')),
      ],
      { now, slaSeconds: 900 },
    );

    expect(stuck.map((o) => [o.orderNumber, o.status, o.ageSeconds, o.owner?.role])).toEqual([
      ['2', 'ACKNOWLEDGED', 5400, 'production supervisor'],
      ['1', 'AWAITING_ACK', 3600, 'MES administrator'],
    ]);
  });

  it('does not list orders that moved on to execution or were cancelled', () => {
    const stuck = stuckOrdersFromAudit(
      [
        published('ProductionOrderReleased', '2026-11-25T06:00:00Z', order('1')),
        published('ProductionConfirmed', '2026-11-25T06:10:00Z', order('1')),
        published('ProductionOrderReleased', '2026-11-25T06:00:00Z', order('2')),
        published('ProductionOrderCancelled', '2026-11-25T06:05:00Z', order('2')),
      ],
      { now, slaSeconds: 900 },
    );

    expect(stuck).toEqual([]);
  });
});
