import type { Hop } from '../../../local/audit';
import { overviewFromAudit } from '../../../local/console/overview';

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
