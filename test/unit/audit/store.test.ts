import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AuditFileFollower,
  AuditFileMissingError,
  eventHop,
  fanOut,
  JsonlAuditWriter,
  MemoryAuditStore,
  readAuditFile,
  safeMessage,
  whereFailed,
} from '../../../local/audit';
import { equipment, hop, order } from './hop-builders';

describe('MemoryAuditStore', () => {
  it('finds every hop of a correlation by its id, in time order', () => {
    const store = new MemoryAuditStore();
    const late = hop({ correlationId: 'c-1', component: 'mes-publisher', at: '2026-11-25T06:00:10.000Z' });
    const early = hop({
      correlationId: 'c-1',
      component: 'sap-idoc-ingress',
      at: '2026-11-25T06:00:01.000Z',
    });
    store.record(late);
    store.record(early);
    store.record(hop({ correlationId: 'c-2' }));

    const trace = store.trace('c-1');

    expect(trace.matchedBy).toBe('correlation');
    expect(trace.hops).toEqual([early, late]);
  });

  it('resolves an order number to every correlation that touched it, across flows', () => {
    const store = new MemoryAuditStore();
    store.record(hop({ correlationId: 'release', keys: [order('1000123')] }));
    store.record(hop({ correlationId: 'release', kind: 'outbound-call', component: 'mes-publisher' }));
    store.record(hop({ correlationId: 'downtime', keys: [equipment('10000042'), order('1000123')] }));
    store.record(hop({ correlationId: 'other', keys: [order('1000999')] }));

    const trace = store.trace('1000123');

    expect(trace.matchedBy).toBe('business-key');
    expect(trace.correlations.map((c) => c.correlationId)).toEqual(['release', 'downtime']);
    expect(trace.hops).toHaveLength(3);
    expect(trace.hops.map((h) => h.correlationId)).toEqual(['release', 'release', 'downtime']);
  });

  it('narrows a key to one kind when asked as kind:value', () => {
    const store = new MemoryAuditStore();
    store.record(hop({ correlationId: 'as-order', keys: [order('10000042')] }));
    store.record(hop({ correlationId: 'as-equipment', keys: [equipment('10000042')] }));

    expect(store.correlationsByKey('10000042')).toEqual(['as-order', 'as-equipment']);
    expect(store.correlationsByKey('equipment:10000042')).toEqual(['as-equipment']);
  });

  it('names the first failing hop of a trace and whether a retry later succeeded', () => {
    const store = new MemoryAuditStore();
    store.record(hop({ correlationId: 'c-1', component: 'sap-idoc-ingress', keys: [order('1')] }));
    const failed = hop({
      correlationId: 'c-1',
      kind: 'outbound-call',
      component: 'mes-publisher',
      outcome: 'error',
      error: { name: 'TransientError', message: 'MES answered 503' },
    });
    store.record(failed);
    store.record(hop({ correlationId: 'c-1', component: 'mes-publisher', kind: 'outbound-call' }));

    const trace = store.trace('1');

    expect(trace.failure).toEqual({ hop: failed, index: 1, recovered: true });
  });

  it('reports nothing matched for an unknown id or key', () => {
    const store = new MemoryAuditStore();
    store.record(hop({ correlationId: 'c-1', keys: [order('1')] }));

    expect(store.trace('nope')).toEqual({ query: 'nope', matchedBy: 'none', correlations: [], hops: [] });
  });

  it('keeps at most maxHops hops and drops the oldest together with their index entries', () => {
    const store = new MemoryAuditStore(3);
    for (let i = 0; i < 5000; i++) store.record(hop({ correlationId: `c-${i}`, keys: [order(String(i))] }));

    expect(store.size).toBe(3);
    expect(store.hops().map((h) => h.correlationId)).toEqual(['c-4997', 'c-4998', 'c-4999']);
    expect(store.trace('0').matchedBy).toBe('none');
    expect(store.trace('4999').hops).toHaveLength(1);
    expect(store.indexedKeyCount()).toBe(6);
  });

  it('keeps a correlation findable by key while any of its hops carrying the key remain', () => {
    const store = new MemoryAuditStore(2);
    store.record(hop({ correlationId: 'c-1', keys: [order('7')] }));
    store.record(hop({ correlationId: 'c-1', keys: [order('7')] }));
    store.record(hop({ correlationId: 'c-1' }));

    expect(store.correlationsByKey('7')).toEqual(['c-1']);
    store.record(hop({ correlationId: 'c-2' }));
    expect(store.correlationsByKey('7')).toEqual([]);
  });
});

describe('whereFailed', () => {
  it('returns nothing when every hop succeeded', () => {
    expect(whereFailed([hop({ correlationId: 'c' }), hop({ correlationId: 'c' })])).toBeUndefined();
  });

  it('picks the earliest failure by time, not by the order given', () => {
    const later = hop({ correlationId: 'c', outcome: 'error', at: '2026-11-25T07:00:00.000Z' });
    const earlier = hop({ correlationId: 'c', outcome: 'error', at: '2026-11-25T06:30:00.000Z' });

    expect(whereFailed([later, earlier])).toEqual({ hop: earlier, index: 0, recovered: false });
  });
});

describe('eventHop', () => {
  it('fills correlation, causation, plant, detail type and keys from a canonical detail', () => {
    const detail = {
      metadata: { correlationId: 'c-9', eventId: 'e-1', eventType: 'OrderAcknowledged', plant: '1010' },
      data: { orderNumber: '1000123', mesJobId: 'JOB-1', accepted: true },
    };

    const delivered = eventHop('rule-delivered', detail, {
      component: 'order-ack-to-workflow',
      at: new Date('2026-11-25T06:00:00.000Z'),
      target: 'order-release',
    });

    expect(delivered).toEqual({
      kind: 'rule-delivered',
      at: '2026-11-25T06:00:00.000Z',
      durationMs: 0,
      correlationId: 'c-9',
      causationId: 'e-1',
      plant: '1010',
      component: 'order-ack-to-workflow',
      detailType: 'OrderAcknowledged',
      target: 'order-release',
      outcome: 'ok',
      keys: [
        { kind: 'order', value: '1000123' },
        { kind: 'mes-job', value: 'JOB-1' },
      ],
    });
  });

  it('records an error by name and redacted message only', () => {
    const failed = eventHop(
      'function-handled',
      { metadata: { correlationId: 'c' }, data: {} },
      { component: 'sap-poster', at: '2026-11-25T06:00:00Z', error: new TypeError('token=abc123 refused') },
    );

    expect(failed?.outcome).toBe('error');
    expect(failed?.error).toEqual({ name: 'TypeError', message: 'token=[redacted] refused' });
  });
});

describe('safeMessage', () => {
  it('redacts credentials and cuts long messages', () => {
    expect(safeMessage('GET failed: Authorization: Bearer eyJhbGciOi.x.y')).not.toContain('eyJ');
    expect(safeMessage('password="s3cret" was wrong')).toBe('password=[redacted] was wrong');
    expect(safeMessage('x'.repeat(1000))).toHaveLength(300);
  });
});

describe('JSON-lines trail', () => {
  const dir = mkdtempSync(join(tmpdir(), 'plantsync-audit-'));

  it('reads back what the writer recorded, with the same trace', () => {
    const file = join(dir, 'nested', 'audit.jsonl');
    const memory = new MemoryAuditStore();
    const writer = new JsonlAuditWriter(file);
    const sink = fanOut(memory, writer);
    sink.record(hop({ correlationId: 'c-1', keys: [order('1000123')] }));
    sink.record(
      hop({ correlationId: 'c-1', outcome: 'error', error: { name: 'PermanentError', message: 'refused' } }),
    );
    writer.close();

    const { store, skipped } = readAuditFile(file);

    expect(skipped).toBe(0);
    expect(store.trace('1000123')).toEqual(memory.trace('1000123'));
  });

  it('skips torn or foreign lines and counts them', () => {
    const file = join(dir, 'torn.jsonl');
    const good = hop({ correlationId: 'c-1' });
    writeFileSync(file, `${JSON.stringify(good)}\nnot json\n{"kind":"nonsense"}\n{"kind":"ingr`);

    const { store, skipped } = readAuditFile(file);

    expect(store.hops()).toEqual([good]);
    expect(skipped).toBe(3);
  });

  it('flushes buffered hops on the next turn of the event loop', async () => {
    const file = join(dir, 'later.jsonl');
    const writer = new JsonlAuditWriter(file);
    writer.record(hop({ correlationId: 'c-1' }));

    await new Promise((resolve) => setImmediate(resolve));

    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(1);
    writer.close();
  });

  it('names the missing file and how to create it', () => {
    expect(() => readAuditFile(join(dir, 'absent.jsonl'))).toThrow(AuditFileMissingError);
  });
});

describe('AuditFileFollower', () => {
  const dir = mkdtempSync(join(tmpdir(), 'plantsync-follow-'));

  it('reads only what was appended, waiting for a line still being written', () => {
    const file = join(dir, 'audit.jsonl');
    const first = hop({ correlationId: 'c-1', keys: [order('1')] });
    const second = hop({ correlationId: 'c-2', keys: [order('2')], component: 'maintenance-egress ✓' });
    const follower = new AuditFileFollower(file);
    expect(follower.current().size).toBe(0);

    const secondLine = `${JSON.stringify(second)}\n`;
    const cut = Buffer.from(secondLine).length - 3;
    writeFileSync(
      file,
      Buffer.concat([Buffer.from(`${JSON.stringify(first)}\n`), Buffer.from(secondLine).subarray(0, cut)]),
    );
    expect(follower.current().hops()).toEqual([first]);

    appendFileSync(file, Buffer.from(secondLine).subarray(cut));
    expect(follower.current().hops()).toEqual([first, second]);
  });

  it('starts over when the trail was replaced by a shorter one', () => {
    const file = join(dir, 'replaced.jsonl');
    const old = [hop({ correlationId: 'old-1' }), hop({ correlationId: 'old-2' })];
    writeFileSync(file, old.map((h) => `${JSON.stringify(h)}\n`).join(''));
    const follower = new AuditFileFollower(file);
    follower.current();

    const fresh = hop({ correlationId: 'new' });
    writeFileSync(file, `${JSON.stringify(fresh)}\n`);

    expect(follower.current().hops()).toEqual([fresh]);
  });

  it('starts over when a new run rewrote the trail, even when it is longer by now', () => {
    const file = join(dir, 'rewritten.jsonl');
    writeFileSync(file, `${JSON.stringify(hop({ correlationId: 'old' }))}\n`);
    const follower = new AuditFileFollower(file);
    follower.current();

    const fresh = [
      hop({ correlationId: 'new-1' }),
      hop({ correlationId: 'new-2' }),
      hop({ correlationId: 'new-3' }),
    ];
    writeFileSync(file, fresh.map((h) => `${JSON.stringify(h)}\n`).join(''));

    expect(follower.current().hops()).toEqual(fresh);
  });
});
