import { type Hop, MemoryAuditStore } from '../../../../local/audit';
import type { Target } from '../../../../local/eventbridge';
import { AuditedEventBridge, lambdaErrorOf, RuntimeAudit } from '../../../../local/runtime/audit';
import { DeadLetterAttribute } from '../../../../shared/dead-letters';

const detail = (correlationId: string) => ({
  metadata: {
    eventId: 'e-1',
    eventType: 'ProductionOrderReleased',
    correlationId,
    plant: '1010',
    producer: 'sap-idoc-ingress',
  },
  data: { orderNumber: '1000123' },
});

const sqsRecord = (messageId: string, body: unknown) => ({ messageId, body: JSON.stringify(body) });

describe('RuntimeAudit', () => {
  it('names a failed invocation by the error name the function threw', () => {
    const store = new MemoryAuditStore();

    new RuntimeAudit(store).invocation({
      functionName: 'order-enricher',
      event: { correlationId: 'c-1', orderNumber: '1000123' },
      at: new Date('2026-11-25T04:00:00Z'),
      durationMs: 12,
      result: {
        ok: false,
        requestId: 'r',
        error: { errorType: 'TransientError', errorMessage: 'SAP answered 503', trace: ['at secret/path'] },
      },
    });

    expect(store.byCorrelation('c-1')).toEqual([
      expect.objectContaining({
        kind: 'function-handled',
        component: 'order-enricher',
        durationMs: 12,
        outcome: 'error',
        error: { name: 'TransientError', message: 'SAP answered 503' },
      }),
    ]);
  });

  it('marks only the records a batch reported as failures', () => {
    const store = new MemoryAuditStore();

    new RuntimeAudit(store).invocation({
      functionName: 'ingest',
      event: {
        Records: [
          sqsRecord('m-1', { detail: detail('c-ok') }),
          sqsRecord('m-2', { detail: detail('c-bad') }),
        ],
      },
      at: new Date(),
      durationMs: 3,
      result: { ok: true, requestId: 'r', payload: '{"batchItemFailures":[{"itemIdentifier":"m-2"}]}' },
    });

    expect(store.byCorrelation('c-ok')[0]?.outcome).toBe('ok');
    expect(store.byCorrelation('c-bad')[0]?.outcome).toBe('error');
  });

  it('records a failed state with the message of the function error, not its stack trace', () => {
    const store = new MemoryAuditStore();
    const cause = JSON.stringify({ errorType: 'PermanentError', errorMessage: 'refused', trace: ['at x'] });

    new RuntimeAudit(store).state({
      stateMachine: 'order-release',
      state: 'SendToMes',
      input: { correlationId: 'c-2' },
      at: Date.parse('2026-11-25T04:00:00Z'),
      durationMs: 5,
      error: { name: 'PermanentError', cause },
    });

    expect(store.byCorrelation('c-2')[0]).toMatchObject({
      kind: 'state-transition',
      component: 'order-release/SendToMes',
      at: '2026-11-25T04:00:00.000Z',
      error: { name: 'PermanentError', message: 'refused' },
    });
  });

  it('takes the correlation from the execution input when a state input has none', () => {
    const store = new MemoryAuditStore();
    let parsed = 0;

    new RuntimeAudit(store).state({
      stateMachine: 'm',
      state: 'AfterBareResult',
      input: { MessageId: 'x' },
      executionInput: () => {
        parsed++;
        return { correlationId: 'c-3' };
      },
      at: Date.now(),
      durationMs: 0,
    });

    expect(store.byCorrelation('c-3')).toHaveLength(1);
    expect(parsed).toBe(1);
  });

  it('records a plantsync dead letter sent through the queue front', () => {
    const store = new MemoryAuditStore();
    const body = Buffer.from(
      JSON.stringify({
        QueueUrl: 'http://127.0.0.1:1/000000000000/mes-publisher-dlq',
        MessageBody: JSON.stringify({ detail: detail('c-4') }),
        MessageAttributes: {
          [DeadLetterAttribute.errorName]: { DataType: 'String', StringValue: 'TransientError' },
          [DeadLetterAttribute.errorMessage]: { DataType: 'String', StringValue: 'MES answered 503' },
        },
      }),
    );

    new RuntimeAudit(store).sqsRequest('SendMessage', body);

    expect(store.byCorrelation('c-4')[0]).toMatchObject({
      kind: 'dead-lettered',
      target: 'mes-publisher-dlq',
      error: { name: 'TransientError', message: 'MES answered 503' },
    });
  });

  it('records nothing for queue sends without dead-letter attributes or for other operations', () => {
    const records: Hop[] = [];
    const body = Buffer.from('{"QueueUrl":"q","MessageBody":"{}"}');

    new RuntimeAudit({ record: (h) => records.push(h) }).sqsRequest('SendMessage', body);
    new RuntimeAudit({ record: (h) => records.push(h) }).sqsRequest('ReceiveMessage', body);

    expect(records).toEqual([]);
  });

  it('keeps the runtime going when the sink throws, and logs the first failure once', () => {
    const lines: string[] = [];
    const audit = new RuntimeAudit(
      {
        record: () => {
          throw new Error('disk full');
        },
      },
      (line) => lines.push(line),
    );
    const observe = () =>
      audit.state({ stateMachine: 'm', state: 's', input: { correlationId: 'c' }, at: 0, durationMs: 0 });

    expect(() => {
      observe();
      observe();
    }).not.toThrow();
    expect(audit.failures).toBe(2);
    expect(lines).toEqual(['audit: recording a hop failed: Error: disk full']);
  });
});

describe('lambdaErrorOf', () => {
  it('gives the thrown name, so hops and Step Functions see the same error', () => {
    const error = lambdaErrorOf({ errorType: 'BusinessRuleError', errorMessage: 'order closed' });

    expect([error.name, error.message]).toEqual(['BusinessRuleError', 'order closed']);
  });
});

describe('AuditedEventBridge', () => {
  it('records the publication before the rule delivers the event', async () => {
    const store = new MemoryAuditStore();
    const audit = new RuntimeAudit(store);
    const delivered: string[] = [];
    const bridge = new AuditedEventBridge(
      {
        deliver: async (_target: Target) => {
          delivered.push(
            store
              .hops()
              .map((h) => h.kind)
              .join(','),
          );
        },
      },
      audit,
    );
    bridge.putRule({ Name: 'r', EventPattern: '{"source":["plantsync.sap"]}' });
    bridge.putTargets({ Rule: 'r', Targets: [{ Id: 't', Arn: 'arn:aws:sqs:us-east-1:000000000000:q' }] });

    const out = bridge.putEvents([
      {
        Source: 'plantsync.sap',
        DetailType: 'ProductionOrderReleased',
        Detail: JSON.stringify(detail('c-5')),
      },
      { Source: 'plantsync.sap', DetailType: 'ProductionOrderReleased', Detail: '{"no":"metadata"}' },
    ]);
    await bridge.drain();

    expect(out.FailedEntryCount).toBe(0);
    expect(store.byCorrelation('c-5').map((h) => [h.kind, h.component])).toEqual([
      ['event-published', 'sap-idoc-ingress'],
    ]);
    expect(delivered[0]).toBe('event-published');
  });
});
