import { definitionOf } from '../../../events/catalogue';
import { translateJsonBody, translateJsonValue } from '../../../functions/mes/json/inbound';
import { ValidationError } from '../../../shared/errors';
import { fixture } from './fixtures';

const base = { eventId: 'EVT-1', plant: '1010', occurredAt: '2026-11-25T06:00:00+01:00' };
const reasonOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as Error).message;
  }
  throw new Error('expected a ValidationError');
};

describe('REST/JSON MES profile, inbound', () => {
  it('translates every event type of a batch into valid canonical data', () => {
    const facts = translateJsonBody(fixture('json/events-batch.json'));

    expect(facts.map((f) => f.detailType)).toEqual([
      'OrderAcknowledged',
      'OperationStarted',
      'MaterialMovementRecorded',
      'DowntimeStarted',
      'MachineStateChanged',
      'DowntimeEnded',
      'QualityExceptionRaised',
      'ProductionConfirmed',
      'OperationCompleted',
      'MaterialMovementRecorded',
      'InventoryAdjustmentRequested',
    ]);
    for (const f of facts) expect(definitionOf(f.detailType).data.safeParse(f.data).success).toBe(true);
  });

  it('keys each fact by the MES event id so a resend has the same idempotency key', () => {
    const first = translateJsonBody(fixture('json/events-batch.json'));
    const again = translateJsonBody(fixture('json/events-batch.json'));

    expect(first.map((f) => f.idempotencyKey)).toEqual(again.map((f) => f.idempotencyKey));
    expect(first[0]?.idempotencyKey).toBe('mes:json:EVT-1010-20261125-000001');
  });

  it('strips leading zeros from order numbers and pads operation numbers', () => {
    const [ack, started] = translateJsonBody(fixture('json/events-batch.json'));

    expect(ack?.data).toMatchObject({ orderNumber: '1000123', accepted: true, mesJobId: 'JOB-1010-000871' });
    expect(started?.data).toMatchObject({ operationNumber: '0010', equipmentId: '10000042' });
  });

  it('maps yield, scrap, rework and times with MES units to Rec 20 units', () => {
    const confirmation = translateJsonBody(fixture('json/events-batch.json')).find(
      (f) => f.detailType === 'ProductionConfirmed',
    );

    expect(confirmation?.data).toEqual({
      orderNumber: '1000123',
      mesJobId: 'JOB-1010-000871',
      confirmationId: 'CONF-1010-000871-0010-01',
      operationNumber: '0010',
      workCenter: 'MILL01',
      yield: { value: '112', unit: 'H87' },
      scrap: { value: '2', unit: 'H87' },
      rework: { value: '6', unit: 'H87' },
      scrapReason: 'S01',
      finalConfirmation: true,
      machineTime: { value: '2.35', unit: 'HUR' },
      labourTime: { value: '141', unit: 'MIN' },
    });
  });

  it('computes a downtime duration from startedAt when the MES sends no duration', () => {
    const ended = translateJsonBody(fixture('json/events-batch.json')).find(
      (f) => f.detailType === 'DowntimeEnded',
    );

    expect(ended?.data).toMatchObject({ duration: { value: '1260', unit: 'SEC' }, reasonCode: 'MECH' });
  });

  it('maps MES machine states onto the canonical states', () => {
    const state = translateJsonBody(fixture('json/events-batch.json')).find(
      (f) => f.detailType === 'MachineStateChanged',
    );

    expect(state?.data).toMatchObject({ state: 'down', previousState: 'running' });
  });

  it('keeps a signed quantity for an inventory adjustment', () => {
    const adjustment = translateJsonBody(fixture('json/events-batch.json')).at(-1);

    expect(adjustment?.data).toMatchObject({ quantity: { value: '-3', unit: 'H87' } });
  });

  it('takes the plant from the URL for a single event without one', () => {
    const [fact] = translateJsonBody(fixture('json/downtime-started.json'), { plant: '2020' });

    expect(fact).toMatchObject({ plant: '2020', equipmentId: '10000108', detailType: 'DowntimeStarted' });
  });

  it.each([
    ['a body that is not JSON', '{"eventId":', 'body is not JSON'],
    ['an array body', '[]', 'must be a JSON object'],
    ['an empty batch', '{"events":[]}', 'events'],
  ])('rejects %s', (_name, body, reason) => {
    expect(reasonOf(() => translateJsonBody(body))).toContain(reason);
  });

  it('rejects a key given twice in one event, naming it', () => {
    const body = '{"eventId":"E-1","eventType":"machine.state","eventId":"E-2"}';

    expect(reasonOf(() => translateJsonBody(body))).toBe('body: duplicate key "eventId" at $.eventId');
  });

  it('rejects a key given twice inside a quantity of a batch, with its path', () => {
    const body = '{"events":[{"good":{"value":"1","unit":"PCS","value":"999"}}]}';

    expect(reasonOf(() => translateJsonBody(body))).toBe(
      'body: duplicate key "value" at $.events[0].good.value',
    );
  });

  it.each([
    ['{"__proto__":{"polluted":true},"eventType":"machine.state"}', '__proto__', '$.__proto__'],
    ['{"constructor":{"prototype":{"polluted":true}}}', 'constructor', '$.constructor'],
    ['{"good":{"prototype":1}}', 'prototype', '$.good.prototype'],
  ])('rejects the prototype key in %s', (body, key, path) => {
    expect(reasonOf(() => translateJsonBody(body))).toBe(
      `body: key "${key}" at ${path} is not allowed (prototype key)`,
    );
  });

  it('rejects an unknown event type and names the accepted ones', () => {
    const reason = reasonOf(() => translateJsonValue({ ...base, eventType: 'coffee.brewed' }));

    expect(reason).toContain('"coffee.brewed" is not one of');
    expect(reason).toContain('downtime.started');
  });

  it('rejects an unknown unit with the field that carries it', () => {
    const event = {
      ...base,
      eventType: 'material.consumed',
      movementId: 'M1',
      material: 'RM-1',
      quantity: { value: '1', unit: 'bucket' },
    };

    expect(reasonOf(() => translateJsonValue(event))).toMatch(
      /event \(material.consumed EVT-1\)\.quantity\.unit: unknown unit "bucket"/,
    );
  });

  it('rejects a timestamp without an offset', () => {
    const event = {
      ...base,
      occurredAt: '2026-11-25T06:00:00',
      eventType: 'machine.state-changed',
      equipmentId: 'E1',
      state: 'IDLE',
    };

    expect(reasonOf(() => translateJsonValue(event))).toContain('occurredAt');
  });

  it('rejects an unknown machine state instead of guessing', () => {
    const event = { ...base, eventType: 'machine.state-changed', equipmentId: 'E1', state: 'DANCING' };

    expect(reasonOf(() => translateJsonValue(event))).toContain('unknown machine state "DANCING"');
  });

  it('rejects a missing required field with its path', () => {
    const event = { ...base, eventType: 'downtime.started', equipmentId: 'E1', reason: { code: 'X' } };

    expect(reasonOf(() => translateJsonValue(event))).toContain('downtimeId');
  });

  it('rejects a plant in the body that differs from the plant of the URL', () => {
    const event = { ...base, eventType: 'machine.state-changed', equipmentId: 'E1', state: 'IDLE' };

    expect(reasonOf(() => translateJsonValue(event, { plant: '2020' }))).toContain(
      'does not match the plant of the URL',
    );
  });

  it('rejects an event without any plant', () => {
    const { plant: _plant, ...noPlant } = {
      ...base,
      eventType: 'machine.state-changed',
      equipmentId: 'E1',
      state: 'IDLE',
    };

    expect(reasonOf(() => translateJsonValue(noPlant))).toContain('plant: missing');
  });

  it('rejects a quantity with more than 6 decimals rather than rounding it', () => {
    const event = {
      ...base,
      eventType: 'material.consumed',
      movementId: 'M1',
      material: 'RM-1',
      quantity: { value: '1.1234567', unit: 'KG' },
    };

    expect(reasonOf(() => translateJsonValue(event))).toContain('more than 6 decimal places');
  });

  it('rejects a negative yield through the canonical schema', () => {
    const event = {
      ...base,
      eventType: 'operation.completed',
      orderNumber: '1000123',
      jobId: 'J1',
      operationNumber: '0010',
      yield: { value: '-1', unit: 'PCS' },
      scrap: { value: '0', unit: 'PCS' },
    };

    expect(reasonOf(() => translateJsonValue(event))).toContain('not a valid OperationCompleted');
  });

  it('rejects a downtime end with neither duration nor start', () => {
    const event = { ...base, eventType: 'downtime.ended', downtimeId: 'D1', equipmentId: 'E1' };

    expect(reasonOf(() => translateJsonValue(event))).toContain('needs `duration` or `startedAt`');
  });
});
