import { jest } from '@jest/globals';
import {
  emfKpiSink,
  IntegrationMetrics,
  KpiMetrics,
  type KpiUnit,
  meterInterface,
  recordKpi,
} from '../../../shared/kpi-metrics';

class Recorder {
  readonly recorded: { name: string; value: number; unit: KpiUnit; plant: string }[] = [];
  record(name: string, value: number, unit: KpiUnit, plant: string) {
    this.recorded.push({ name, value, unit, plant });
  }
}

const failing = (name: string) => {
  const error = new Error('refused');
  error.name = name;
  return error;
};

describe('KPI metric definitions', () => {
  it('covers every KPI of the brief', () => {
    const kpis = new Set(Object.values(KpiMetrics).map((m) => m.kpi));

    expect([...kpis].sort()).toEqual(
      [
        'confirmation accuracy',
        'downtime-to-maintenance response time',
        'exception resolution time',
        'integration failure rate',
        'order synchronisation latency',
        'reconciliation variance',
        'work order completion visibility',
      ].sort(),
    );
  });

  it('records a KPI with the unit the module fixes for it and the plant', () => {
    const metrics = new Recorder();

    recordKpi(metrics, 'OrderSynchronisationLatency', 12.5, '1010');
    recordKpi(metrics, 'ReconciliationVariance', 3, '2000');
    recordKpi(metrics, 'ConfirmationRejected', 1, '1010');

    expect(metrics.recorded).toEqual([
      { name: 'OrderSynchronisationLatency', value: 12.5, unit: 'Seconds', plant: '1010' },
      { name: 'ReconciliationVariance', value: 3, unit: 'Percent', plant: '2000' },
      { name: 'ConfirmationRejected', value: 1, unit: 'Count', plant: '1010' },
    ]);
  });
});

describe('meterInterface', () => {
  const port = {
    prefix: 'doc',
    async post(ctx: { plant: string }, id: string) {
      return `${this.prefix}-${ctx.plant}-${id}`;
    },
    async broken(_ctx: { plant: string }) {
      throw failing('TransientError');
    },
    async refuse(_ctx: { plant: string }) {
      throw failing('BusinessRuleError');
    },
  };

  it('counts a successful call as succeeded for the interface and plant, keeping the result and this', async () => {
    const metrics = new Recorder();
    const metered = meterInterface(port, 'sap', metrics);

    const result = await metered.post({ plant: '1010' }, '42');

    expect(result).toBe('doc-1010-42');
    expect(metrics.recorded).toEqual([{ name: 'SapCallSucceeded', value: 1, unit: 'Count', plant: '1010' }]);
  });

  it('counts a failed call as failed and rethrows the same error', async () => {
    const metrics = new Recorder();
    const metered = meterInterface(port, 'mes', metrics);

    await expect(metered.broken({ plant: '2000' })).rejects.toMatchObject({ name: 'TransientError' });

    expect(metrics.recorded).toEqual([{ name: 'MesCallFailed', value: 1, unit: 'Count', plant: '2000' }]);
  });

  it('counts a business refusal as an answered call, not an interface failure', async () => {
    const metrics = new Recorder();
    const metered = meterInterface(port, 'maintenance', metrics);

    await expect(metered.refuse({ plant: '1010' })).rejects.toMatchObject({ name: 'BusinessRuleError' });

    expect(metrics.recorded).toEqual([
      { name: IntegrationMetrics.maintenance.succeeded, value: 1, unit: 'Count', plant: '1010' },
    ]);
  });

  it('leaves non-function properties untouched', () => {
    const metered = meterInterface(port, 'sap', new Recorder());

    expect(metered.prefix).toBe('doc');
  });
});

describe('emfKpiSink', () => {
  it('writes one EMF document in namespace plantsync with the unit and the plant dimension', () => {
    const lines: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      recordKpi(emfKpiSink, 'ConfirmationRejected', 1, '1010');
    } finally {
      write.mockRestore();
    }

    const emf = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((d) => '_aws' in d) as {
      _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: unknown[] }[] };
      [key: string]: unknown;
    };
    const [directive] = emf._aws.CloudWatchMetrics;
    expect(directive?.Namespace).toBe('plantsync');
    expect(directive?.Dimensions.flat()).toContain('plant');
    expect(directive?.Metrics).toEqual([{ Name: 'ConfirmationRejected', Unit: 'Count' }]);
    expect(emf.plant).toBe('1010');
    expect(emf.ConfirmationRejected).toBe(1);
  });
});
