import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { type Hop, MemoryAuditStore, whereFailed } from '../../../local/audit';
import { type LocalRuntime, startLocalRuntime } from '../../../local/runtime/runtime';
import { canonicalDetail as canonical, fixtureWithCorrelation } from './audit-fixture';

const operator = { region: 'us-east-1', credentials: { accessKeyId: 'test-operator', secretAccessKey: 'x' } };

let dir: string;
let runtime: LocalRuntime;
let events: EventBridgeClient;
const store = new MemoryAuditStore();

async function put(source: string, detailType: string, detail: object): Promise<void> {
  const out = await events.send(
    new PutEventsCommand({
      Entries: [
        {
          EventBusName: 'plantsync-fixture',
          Source: source,
          DetailType: detailType,
          Detail: JSON.stringify(detail),
        },
      ],
    }),
  );
  expect(out.FailedEntryCount).toBe(0);
}

const isTimeOrdered = (hops: readonly Hop[]) =>
  hops.every((h, i) => i === 0 || Date.parse(hops[i - 1]?.at ?? '') <= Date.parse(h.at));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'plantsync-audit-'));
  runtime = await startLocalRuntime({
    cdkOut: fixtureWithCorrelation(dir),
    log: () => undefined,
    asyncRetryDelaysMs: [50],
    eventRetryDelayMs: () => 50,
    audit: store,
  });
  events = new EventBridgeClient({ ...operator, endpoint: runtime.endpoints.eventbridge });
}, 90_000);

afterAll(async () => {
  events?.destroy();
  await runtime?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('audit trail of the local runtime', () => {
  it('exposes the sink it was given', () => {
    expect(runtime.audit).toBe(store);
  });

  it('traces an event through rule, queue, function and state machine in time order', async () => {
    await put(
      'plantsync.sap',
      'ProductionOrderReleased',
      canonical('corr-ok-1', 'ProductionOrderReleased', '1000500', 'O-500'),
    );

    await runtime.settle();
    const trace = store.trace('corr-ok-1');

    expect(isTimeOrdered(trace.hops)).toBe(true);
    expect(trace.hops.slice(0, 3).map((h) => [h.kind, h.component])).toEqual([
      ['event-published', 'sap-idoc-ingress'],
      ['rule-delivered', expect.stringContaining('OrdersRule')],
      ['function-handled', 'PlantsyncFixture-IngestFn'],
    ]);
    expect(trace.hops[1]?.target).toBe('PlantsyncFixture-OrdersQueue');
    const states = trace.hops.filter((h) => h.kind === 'state-transition').map((h) => h.component);
    expect(states).toEqual([
      'PlantsyncFixture-OrderFlow/Enrich',
      'PlantsyncFixture-OrderFlow/Save',
      'PlantsyncFixture-OrderFlow/Notify',
    ]);
    expect(
      trace.hops.some((h) => h.kind === 'function-handled' && h.component === 'PlantsyncFixture-EnrichFn'),
    ).toBe(true);
    expect(trace.hops.every((h) => h.outcome === 'ok')).toBe(true);
    expect(trace.failure).toBeUndefined();
  });

  it('finds the flow by its business key and keeps the plant and detail type', async () => {
    const trace = store.trace('order:1000500');

    expect(trace.matchedBy).toBe('business-key');
    expect(trace.correlations.map((c) => c.correlationId)).toEqual(['corr-ok-1']);
    expect(trace.hops[0]).toMatchObject({ plant: 'P100', detailType: 'ProductionOrderReleased' });
  });

  it('shows a failing Step Functions task in whereFailed under the error name the function threw', async () => {
    await put(
      'plantsync.sap',
      'ProductionOrderReleased',
      canonical('corr-reject-1', 'ProductionOrderReleased', '1000501', 'REJECT-501'),
    );

    await runtime.settle();
    const hops = store.trace('corr-reject-1').hops;
    const failure = whereFailed(hops);

    expect(failure?.hop.component).toMatch(/Enrich/);
    expect(failure?.hop.error).toEqual({
      name: 'PermanentError',
      message: 'order REJECT-501 cannot be enriched',
    });
    expect(failure?.recovered).toBe(false);
    const fn = hops.find((h) => h.component === 'PlantsyncFixture-EnrichFn');
    expect(fn).toMatchObject({
      kind: 'function-handled',
      outcome: 'error',
      error: { name: 'PermanentError' },
    });
    expect(hops.find((h) => h.component === 'PlantsyncFixture-OrderFlow/Failed')?.error?.name).toBe(
      'OrderRejected',
    );
  });

  it('records every failed asynchronous attempt and the dead letter that follows', async () => {
    await put(
      'plantsync.mes',
      'DowntimeStarted',
      canonical('corr-flaky-1', 'DowntimeStarted', '1000502', 'M-502'),
    );

    await runtime.settle();
    const hops = store.trace('corr-flaky-1').hops;

    const attempts = hops.filter(
      (h) => h.component === 'PlantsyncFixture-FlakyFn' && h.kind === 'function-handled',
    );
    expect(attempts).toHaveLength(2);
    expect(attempts.every((h) => h.outcome === 'error' && h.error?.name === 'Error')).toBe(true);
    expect(hops.at(-1)).toMatchObject({ kind: 'dead-lettered', target: 'PlantsyncFixture-FlakyDlq' });
  });

  it('records an API request as ingress by its correlation header, without the body', async () => {
    const res = await fetch(`${runtime.endpoints.api}/v1/orders`, {
      method: 'POST',
      body: '{"orderId":"A","quantity":"1"}',
      headers: {
        'content-type': 'application/json',
        'x-api-key': 'fixture-key-0123456789abcdef',
        'x-correlation-id': 'corr-api-1',
      },
    });
    expect(res.status).toBe(202);

    const [ingress] = store.trace('corr-api-1').hops;

    expect(ingress).toMatchObject({ kind: 'ingress', component: 'PlantsyncFixture-ApiFn', outcome: 'ok' });
    expect(JSON.stringify(ingress)).not.toContain('quantity');
  });

  it('records nothing for events without a correlation id', async () => {
    const before = store.size;

    await put('plantsync.sap', 'ProductionOrderReleased', { orderId: 'O-600' });
    await runtime.settle();

    // The state machine's own OrderStored event and the bare order carry no correlation id.
    expect(store.size).toBe(before);
  });
});
