import {
  connectorFactory,
  type MaintenancePlants,
  maintenancePort,
  TenantRateLimiter,
} from '../../../functions/maintenance';
import { API_TOKEN, FakeMaintainx } from './fake-maintainx';
import { FakeClock } from './fake-server';

const mx = new FakeMaintainx();
beforeAll(() => mx.start());
afterAll(() => mx.stop());

const plants = (): MaintenancePlants => ({
  '1010': {
    platform: 'maintainx',
    baseUrl: `${mx.baseUrl}/v1`,
    apiTokenSecretName: 'plantsync/test/1010/maintainx-api',
    webhookSecretName: 'plantsync/test/1010/maintainx-webhook',
    tenant: 'mx-org-321',
    rateLimit: { requestsPerSecond: 50, burst: 50 },
    currency: 'EUR',
    referenceField: 'plantsync reference',
    equipmentField: 'SAP Equipment',
    assets: { '10000042': 42 },
    partUnit: 'H87',
  },
});

const port = () => {
  const clock = new FakeClock();
  return maintenancePort(
    connectorFactory({
      plants: plants(),
      secret: async () => API_TOKEN,
      limiter: new TenantRateLimiter({ clock, sleep: clock.sleep }),
      clock,
      sleep: clock.sleep,
    }),
  );
};

const ctx = { correlationId: 'corr-dt-0007', plant: '1010' };

describe('workflow MaintenancePort over the plant connector', () => {
  it('creates a notification idempotently and names the platform', async () => {
    const request = {
      externalReference: 'ps-1010-DT-1010-L01-20261125-0007',
      equipmentId: '10000042',
      downtimeId: 'DT-1010-L01-20261125-0007',
      priority: 'high' as const,
      title: 'Spindle overload on CNC milling centre DMU 50',
      context: { orderNumber: '1000123', shift: 'early', line: 'L01' },
    };

    const first = await port().createNotification(ctx, request);
    const again = await port().createNotification(ctx, request);

    expect(first.platform).toBe('maintainx');
    expect(again).toEqual(first);
    expect(mx.requests.find((r) => r.method === 'POST')?.headers['x-correlation-id']).toBe('corr-dt-0007');
  });

  it('creates a work order and cancels it as compensation', async () => {
    const { workOrderId } = await port().createWorkOrder(ctx, {
      externalReference: 'ps-1010-ALERT-7781',
      equipmentId: '10000042',
      title: 'Replace spindle bearing (predicted failure)',
      priority: 'high',
      plannedStart: '2026-11-28T22:00:00+01:00',
      plannedEnd: '2026-11-29T02:00:00+01:00',
    });

    await port().cancelWorkOrder(ctx, workOrderId, 'SAP refused the capacity reduction');

    expect(mx.workOrders.get(Number(workOrderId))?.status).toBe('CANCELED');
  });

  it('lists assets as equipment records', async () => {
    expect(await port().listAssets(ctx)).toEqual([
      { equipmentId: '10000042', description: 'CNC milling centre DMU 50' },
    ]);
  });
});
