import {
  canonicalDetailIn,
  deadLetterHop,
  deliveryHop,
  inboundCallHop,
  invocationHops,
  publishedHop,
  stateHop,
} from '../../../local/audit';

const detail = (correlationId: string, data: Record<string, unknown>, eventType = 'OrderAcknowledged') => ({
  metadata: {
    correlationId,
    eventId: `evt-${correlationId}`,
    eventType,
    plant: '1010',
    producer: 'mes.ingress',
  },
  data,
});
const ebEvent = (d: unknown, detailType = 'OrderAcknowledged') => ({
  'detail-type': detailType,
  source: 'x',
  detail: d,
});
const at = '2026-11-25T06:00:00.000Z';

describe('canonicalDetailIn', () => {
  it('finds the detail in an EventBridge event, in an SQS body holding one, and as itself', () => {
    const d = detail('c-1', { orderNumber: '1' });

    expect(canonicalDetailIn(ebEvent(d))).toEqual(d);
    expect(canonicalDetailIn(JSON.stringify(ebEvent(d)))).toEqual(d);
    expect(canonicalDetailIn(d)).toEqual(d);
    expect(canonicalDetailIn('not json')).toBeUndefined();
  });
});

describe('invocationHops', () => {
  it('records one hop per SQS record, marking batch item failures as errors', () => {
    const hops = invocationHops({
      functionName: 'mes-publisher',
      event: {
        Records: [
          { messageId: 'm-1', body: JSON.stringify(ebEvent(detail('c-1', { orderNumber: '1' }))) },
          { messageId: 'm-2', body: JSON.stringify(ebEvent(detail('c-2', { orderNumber: '2' }))) },
          { messageId: 'm-3', body: 'no correlation here' },
        ],
      },
      result: { batchItemFailures: [{ itemIdentifier: 'm-2' }] },
      at,
      durationMs: 12,
    });

    expect(hops.map((h) => [h.correlationId, h.kind, h.component, h.outcome])).toEqual([
      ['c-1', 'function-handled', 'mes-publisher', 'ok'],
      ['c-2', 'function-handled', 'mes-publisher', 'error'],
    ]);
    expect(hops[0]?.keys).toEqual([{ kind: 'order', value: '1' }]);
  });

  it('records a Step Functions task by the correlation id and plant in its payload', () => {
    const [hop] = invocationHops({
      functionName: 'workflows',
      event: {
        task: 'sweeper/raise-stuck',
        correlationId: 'c-9',
        plant: '1010',
        order: { orderNumber: '77' },
      },
      at,
      durationMs: 4,
      error: Object.assign(new Error('SAP answered 503'), { name: 'TransientError' }),
    });

    expect(hop).toMatchObject({
      kind: 'function-handled',
      correlationId: 'c-9',
      plant: '1010',
      outcome: 'error',
      error: { name: 'TransientError', message: 'SAP answered 503' },
      keys: [{ kind: 'order', value: '77' }],
    });
  });

  it('records an API request as ingress by the correlation id the response carries', () => {
    const [hop] = invocationHops({
      functionName: 'mes-ingress',
      event: { requestContext: {}, httpMethod: 'POST', resource: '/v1/mes/events', headers: {} },
      result: {
        statusCode: 400,
        headers: { 'x-correlation-id': 'req-1' },
        body: '{"message":"invalid OrderAcknowledged"}',
      },
      at,
      durationMs: 3,
    });

    expect(hop).toMatchObject({
      kind: 'ingress',
      correlationId: 'req-1',
      target: 'POST /v1/mes/events',
      outcome: 'error',
      error: { name: 'Http400', message: 'invalid OrderAcknowledged' },
    });
  });

  it('records nothing for an invocation without a correlation id', () => {
    expect(invocationHops({ functionName: 'f', event: { hello: 'world' }, at, durationMs: 1 })).toEqual([]);
  });
});

describe('publishedHop, deliveryHop, stateHop', () => {
  it('records a publication under its producer with the causation of the event', () => {
    const d = {
      ...detail('c-1', { orderNumber: '1', mesJobId: 'J' }),
      metadata: { ...detail('c-1', {}).metadata, causationId: 'req-7' },
    };

    expect(publishedHop({ Detail: JSON.stringify(d), DetailType: 'OrderAcknowledged', at })).toMatchObject({
      kind: 'event-published',
      component: 'mes.ingress',
      causationId: 'req-7',
      detailType: 'OrderAcknowledged',
    });
  });

  it('records a rule delivery with the target name, and a DLQ send as dead-lettered', () => {
    const event = ebEvent(detail('c-1', { orderNumber: '1' }));
    const arn = 'arn:aws:states:us-east-1:000000000000:stateMachine:order-release';

    expect(deliveryHop({ rule: 'ack-rule', targetArn: arn, event, at })).toMatchObject({
      kind: 'rule-delivered',
      target: 'order-release',
      causationId: 'evt-c-1',
    });
    expect(
      deliveryHop({
        rule: 'ack-rule',
        targetArn: arn,
        event,
        at,
        deadLetter: true,
        error: new Error('throttled'),
      }),
    ).toMatchObject({ kind: 'dead-lettered', outcome: 'error' });
  });

  it('records a state entered by the correlation in its input', () => {
    expect(
      stateHop({
        stateMachine: 'order-release',
        state: 'SendToMes',
        input: { correlationId: 'c-1', plant: '1010' },
        at,
      }),
    ).toMatchObject({ kind: 'state-transition', component: 'order-release/SendToMes', correlationId: 'c-1' });
  });
});

describe('inboundCallHop', () => {
  it('records plantsync calling a simulated system by the correlation headers, without the query string', () => {
    expect(
      inboundCallHop({
        system: 'sap',
        method: 'post',
        path: '/sap/opu/odata/sap/API_PROD_ORDER_CONFIRMATION_2_SRV/ProdnOrdConf2?sap-client=100',
        headers: { 'X-Correlation-Id': 'c-1', 'x-causation-id': 'evt-1' },
        status: 503,
        at,
        durationMs: 40,
      }),
    ).toMatchObject({
      kind: 'outbound-call',
      correlationId: 'c-1',
      causationId: 'evt-1',
      target: 'sap: POST /sap/opu/odata/sap/API_PROD_ORDER_CONFIRMATION_2_SRV/ProdnOrdConf2',
      outcome: 'error',
      error: { name: 'Http503', message: 'sap answered 503' },
    });
  });

  it('records nothing for a call without a correlation header', () => {
    expect(
      inboundCallHop({
        system: 'mes',
        method: 'GET',
        path: '/',
        headers: {},
        status: 200,
        at,
        durationMs: 1,
      }),
    ).toBeUndefined();
  });
});

describe('deadLetterHop', () => {
  it('records why a message was dead-lettered, from the source queue, with the event keys', () => {
    const hop = deadLetterHop({
      queue: 'sap-poster-dlq',
      body: JSON.stringify(ebEvent(detail('c-1', { orderNumber: '1' }), 'ProductionConfirmed')),
      attributes: {
        'plantsync.error.name': 'PermanentError',
        'plantsync.error.message': 'SAP refused: period closed',
        'plantsync.source.queue': 'arn:aws:sqs:us-east-1:000000000000:sap-poster',
      },
      at,
    });

    expect(hop).toMatchObject({
      kind: 'dead-lettered',
      component: 'sap-poster',
      target: 'sap-poster-dlq',
      outcome: 'error',
      error: { name: 'PermanentError', message: 'SAP refused: period closed' },
      keys: [{ kind: 'order', value: '1' }],
    });
  });

  it('falls back to the correlation attribute when the body is not an event', () => {
    expect(
      deadLetterHop({
        queue: 'q-dlq',
        body: '<xml/>',
        attributes: { 'plantsync.correlation.id': 'c-5' },
        at,
      }),
    ).toMatchObject({ correlationId: 'c-5', component: 'q-dlq', error: { name: 'Unknown' } });
  });
});
