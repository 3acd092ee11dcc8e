import {
  chunks64k,
  costPerThousandOrders,
  emptyUsage,
  estimateCost,
  lambdaGbSeconds,
  readUnits,
  writeUnits,
} from '../../../local/report/cost';
import { barChart, escapeHtml, table } from '../../../local/report/html';
import { PRICE_TABLE } from '../../../local/report/pricing';
import { percentile, ratio, summarize } from '../../../local/report/stats';

describe('cost estimate', () => {
  it('prices each billable unit from the dated price table', () => {
    const estimate = estimateCost({
      ...emptyUsage(),
      lambdaRequests: 1_000_000,
      sfnStandardTransitions: 1000,
      eventBridgeEvents: 2_000_000,
    });
    expect(estimate.lines.map((l) => [l.item, Number(l.cost.toFixed(6))])).toEqual([
      ['lambdaRequests', 0.2],
      ['sfnStandardTransitions', 0.025],
      ['eventBridgeEvents', 2],
    ]);
    expect(estimate.total).toBeCloseTo(2.225, 9);
    expect(estimate.priceDate).toBe(PRICE_TABLE.priceDate);
  });

  it('scales a run to 1,000 orders and is zero for no orders', () => {
    const estimate = estimateCost({ ...emptyUsage(), apiGatewayRequests: 2000 });
    expect(costPerThousandOrders(estimate, 500)).toBeCloseTo(0.014, 9);
    expect(costPerThousandOrders(estimate, 0)).toBe(0);
  });

  it('counts billing units as AWS does', () => {
    expect(chunks64k(10)).toBe(1);
    expect(chunks64k(64 * 1024 + 1)).toBe(2);
    expect(writeUnits(1500)).toBe(2);
    expect(readUnits(4097)).toBe(2);
    expect(readUnits(100, false)).toBe(0.5);
    expect(lambdaGbSeconds(200.2, 512)).toBeCloseTo(0.1005, 9);
  });
});

describe('statistics', () => {
  it('takes nearest-rank percentiles', () => {
    const values = [15, 20, 35, 40, 50];
    expect(percentile(values, 50)).toBe(35);
    expect(percentile(values, 95)).toBe(50);
    expect(percentile(values, 0)).toBe(15);
    expect(percentile([], 50)).toBeUndefined();
    expect(() => percentile(values, 101)).toThrow(RangeError);
  });

  it('summarizes and divides safely', () => {
    expect(summarize([3, 1, 2])).toEqual({ count: 3, p50: 2, p95: 3, max: 3, mean: 2 });
    expect(summarize([])).toEqual({ count: 0 });
    expect(ratio(1, 4)).toBe(0.25);
    expect(ratio(1, 0)).toBe(0);
  });
});

describe('report HTML', () => {
  it('escapes text that came from systems', () => {
    expect(escapeHtml('<script>"x" & \'y\'</script>')).toBe(
      '&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;',
    );
    expect(table(['a'], [['<b>']])).toContain('&lt;b&gt;');
  });

  it('draws one bar per value, scaled to the largest', () => {
    const svg = barChart('latency', [
      { label: 'p50', value: 50 },
      { label: 'p95', value: 100 },
    ]);
    const widths = [...svg.matchAll(/<rect [^>]*width="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(widths).toEqual([210, 420]);
  });
});
