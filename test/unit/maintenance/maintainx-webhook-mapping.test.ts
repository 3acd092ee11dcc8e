import { definitionOf } from '../../../events';
import {
  inferWebhookType,
  type MaintainxCosts,
  mapMaintainxWebhook,
  translateMaintainxWebhook,
  type WebhookMappingConfig,
} from '../../../functions/maintenance';
import { ValidationError } from '../../../shared/errors';
import { fixture, fixtureJson } from './fake-maintainx';

const config: WebhookMappingConfig = {
  currency: 'EUR',
  referenceField: 'plantsync reference',
  equipmentField: 'SAP Equipment',
  assets: { '10000042': 42 },
  partUnit: 'H87',
};
const costs = fixtureJson<{ costs: MaintainxCosts }>('maintainx/work-order-costs.json').costs;

describe('MaintainX work-order webhooks → canonical events', () => {
  it('maps NEW_WORK_ORDER to WorkOrderCreated with equipment, priority, plan and reference', () => {
    const result = mapMaintainxWebhook({
      payload: fixtureJson('maintainx/new-work-order.json'),
      plant: '1010',
      config,
    });

    expect(result.events).toHaveLength(1);
    const [event] = result.events;
    expect(event?.detailType).toBe('WorkOrderCreated');
    expect(event?.data).toEqual({
      workOrderId: '5531207',
      externalReference: 'ps-1010-ALERT-7781',
      platform: 'maintainx',
      equipmentId: '10000042',
      title: 'Replace spindle bearing (predicted failure)',
      priority: 'high',
      origin: 'api',
      plannedStart: '2026-11-28T21:00:00.000Z',
      plannedEnd: '2026-11-29T01:00:00.000Z',
    });
    expect(event?.idempotencyKey).toBe('maintenance:maintainx:1010:wo:5531207:created');
    expect(definitionOf('WorkOrderCreated').data.safeParse(event?.data).success).toBe(true);
  });

  it('maps a status change to WorkOrderStatusChanged with the previous status', () => {
    const result = mapMaintainxWebhook({
      payload: fixtureJson('maintainx/status-change-in-progress.json'),
      plant: '1010',
      config,
      type: 'WORK_ORDER_STATUS_CHANGE',
    });

    expect(result.events.map((e) => e.detailType)).toEqual(['WorkOrderStatusChanged']);
    expect(result.events[0]?.data).toEqual({
      workOrderId: '5531207',
      platform: 'maintainx',
      equipmentId: '10000042',
      status: 'in-progress',
      previousStatus: 'open',
    });
  });

  it('maps DONE to WorkOrderStatusChanged and WorkOrderCompleted with labour, parts and cost as decimal strings', () => {
    const result = mapMaintainxWebhook({
      payload: fixtureJson('maintainx/status-change-done.json'),
      plant: '1010',
      config,
      costs,
    });

    expect(result.events.map((e) => e.detailType)).toEqual(['WorkOrderStatusChanged', 'WorkOrderCompleted']);
    expect(result.events[1]?.data).toEqual({
      workOrderId: '5531207',
      externalReference: 'ps-1010-ALERT-7781',
      platform: 'maintainx',
      equipmentId: '10000042',
      completedAt: '2026-11-29T00:40:00.000Z',
      labour: [
        {
          technician: 'maintainx-user-31',
          time: { value: '3.5', unit: 'HUR' },
          cost: { amount: '245.00', currency: 'EUR' },
        },
      ],
      parts: [
        {
          partNumber: '963',
          description: 'Spindle bearing 6206-2RS',
          quantity: { value: '2', unit: 'H87' },
          unitCost: { amount: '38.50', currency: 'EUR' },
        },
      ],
      totalCost: { amount: '322.00', currency: 'EUR' },
      equipmentAvailable: true,
    });
  });

  it('falls back to the parts on the payload when no costs were fetched', () => {
    const result = mapMaintainxWebhook({
      payload: fixtureJson('maintainx/status-change-done.json'),
      plant: '1010',
      config,
    });

    const completed = result.events.find((e) => e.detailType === 'WorkOrderCompleted');
    expect(completed?.data).toMatchObject({ labour: [], totalCost: { amount: '77.00', currency: 'EUR' } });
  });

  it('reports a cancelled work order as status cancelled and not as completed', () => {
    const result = mapMaintainxWebhook({
      payload: fixtureJson('maintainx/status-change-canceled.json'),
      plant: '1010',
      config,
    });

    expect(result.events.map((e) => e.detailType)).toEqual(['WorkOrderStatusChanged']);
    expect(result.events[0]?.data).toMatchObject({ status: 'cancelled', previousStatus: 'open' });
  });

  it('emits nothing, with a note, for an asset that is not mapped to SAP equipment', () => {
    const result = mapMaintainxWebhook({
      payload: fixtureJson('maintainx/new-work-order-unmapped-asset.json'),
      plant: '1010',
      config,
    });

    expect(result.events).toEqual([]);
    expect(result.notes[0]).toContain('asset not mapped');
  });

  it('acknowledges types without a canonical event (work requests, asset status) and ignores them', () => {
    for (const name of [
      'NEW_WORK_REQUEST',
      'WORK_REQUEST_STATUS_CHANGE',
      'ASSET_STATUS_CHANGE',
      'WORK_ORDER_DELETE',
    ]) {
      const result = mapMaintainxWebhook({
        payload: fixtureJson(`maintainx/vendor-examples/${name}.json`),
        plant: '1010',
        config,
      });
      expect(result).toMatchObject({ type: name, events: [] });
    }
  });

  it('infers the webhook type from the payload shape of every vendor example', () => {
    const expected = [
      'NEW_WORK_ORDER',
      'WORK_ORDER_STATUS_CHANGE',
      'WORK_ORDER_CHANGE',
      'NEW_WORK_REQUEST',
      'WORK_REQUEST_STATUS_CHANGE',
      'ASSET_STATUS_CHANGE',
      'WORK_ORDER_DELETE',
      'WORK_ORDER_OVERDUE',
    ];
    const inferred = expected.map((name) =>
      inferWebhookType(fixtureJson(`maintainx/vendor-examples/${name}.json`)),
    );
    expect(inferred).toEqual(expected);
  });

  it('refuses the vendor example status change whose required statuses are null', () => {
    expect(() =>
      mapMaintainxWebhook({
        payload: fixtureJson('maintainx/vendor-examples/WORK_ORDER_STATUS_CHANGE.json'),
        plant: '1010',
        config,
      }),
    ).toThrow(ValidationError);
  });

  it('refuses an unknown type named by the subscription URL', () => {
    expect(() =>
      mapMaintainxWebhook({
        payload: fixtureJson('maintainx/new-work-order.json'),
        plant: '1010',
        config,
        type: 'NOPE',
      }),
    ).toThrow(/unknown MaintainX webhook type/);
  });
});

describe('translateMaintainxWebhook (CLI)', () => {
  it('returns complete canonical details with deterministic ids and placeholder correlation', () => {
    const first = translateMaintainxWebhook(fixture('maintainx/status-change-done.json'));
    const second = translateMaintainxWebhook(fixture('maintainx/status-change-done.json'));

    expect(first).toEqual(second);
    expect(first.map((e) => [e.source, e.detailType])).toEqual([
      ['plantsync.maintenance', 'WorkOrderStatusChanged'],
      ['plantsync.maintenance', 'WorkOrderCompleted'],
    ]);
    for (const event of first) {
      expect(event.detail.metadata).toMatchObject({ correlationId: 'translate-preview', plant: '0000' });
      const definition = definitionOf(event.detailType as 'WorkOrderCompleted');
      expect(definition.detail.safeParse(event.detail).success).toBe(true);
    }
  });

  it('translates an array of payloads and shows an unmapped asset by its MaintainX id', () => {
    const text = JSON.stringify([
      fixtureJson('maintainx/new-work-order.json'),
      fixtureJson('maintainx/new-work-order-unmapped-asset.json'),
    ]);

    const events = translateMaintainxWebhook(text, { plant: '1010' });

    expect(events.map((e) => (e.detail.data as { equipmentId: string }).equipmentId)).toEqual([
      '10000042',
      '77',
    ]);
  });

  it('refuses text that is not JSON', () => {
    expect(() => translateMaintainxWebhook('{nope')).toThrow(ValidationError);
  });
});
