/**
 * Measures what the audit trail costs the local runtime, side by side in one process:
 * `npx tsx test/integration/local/measure-audit-overhead.ts [rounds] [eventsPerRound]`.
 *
 * Two runtimes boot the same fixture app, one without audit and one recording to memory and a
 * JSON-lines file as `plantsync local up` does. Each round puts the same burst of order events
 * (rule → queue → function → state machine → table → bus) on both, one after the other, alternating
 * which goes first, and times each until settled. It also adds up the time spent inside the audit
 * hooks themselves (taps, sinks and the file flushes), which is the overhead with the noise of polling and workers removed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { fanOut, JsonlAuditWriter, MemoryAuditStore } from '../../../local/audit';
import { RuntimeAudit } from '../../../local/runtime/audit';
import { type LocalRuntime, startLocalRuntime } from '../../../local/runtime/runtime';
import { canonicalDetail, fixtureWithCorrelation } from './audit-fixture';

const rounds = Number(process.argv[2] ?? 8);
const perRound = Number(process.argv[3] ?? 20);

// Time spent in every hook, measured by wrapping the prototype methods (this script only).
let hookMs = 0;
let hookCalls = 0;
for (const method of ['invocation', 'published', 'delivery', 'state', 'sqsRequest'] as const) {
  const original = RuntimeAudit.prototype[method] as (...args: unknown[]) => void;
  (RuntimeAudit.prototype as unknown as Record<string, unknown>)[method] = function (
    this: RuntimeAudit,
    ...args: unknown[]
  ) {
    const t = performance.now();
    try {
      original.apply(this, args);
    } finally {
      hookMs += performance.now() - t;
      hookCalls++;
    }
  };
}

// The file writer's flush runs later (next turn of the event loop): count it too.
const flush = JsonlAuditWriter.prototype.flush;
JsonlAuditWriter.prototype.flush = function (this: JsonlAuditWriter) {
  const t = performance.now();
  try {
    flush.call(this);
  } finally {
    hookMs += performance.now() - t;
  }
};

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

async function burst(runtime: LocalRuntime, client: EventBridgeClient, tag: string): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < perRound; i += 10) {
    const entries = Array.from({ length: Math.min(10, perRound - i) }, (_, k) => {
      const n = i + k;
      return {
        EventBusName: 'plantsync-fixture',
        Source: 'plantsync.sap',
        DetailType: 'ProductionOrderReleased',
        Detail: JSON.stringify(
          canonicalDetail(`${tag}-${n}`, 'ProductionOrderReleased', `${n + 1}`, `${tag}-${n}`),
        ),
      };
    });
    await client.send(new PutEventsCommand({ Entries: entries }));
  }
  await runtime.settle();
  return performance.now() - started;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'plantsync-audit-overhead-'));
  const cdkOut = fixtureWithCorrelation(dir);
  const store = new MemoryAuditStore();
  const file = new JsonlAuditWriter(join(dir, 'audit.jsonl'));
  const quiet = { log: () => undefined };
  const plain = await startLocalRuntime({ cdkOut, ...quiet });
  const audited = await startLocalRuntime({ cdkOut, ...quiet, audit: fanOut(store, file) });
  const operator = { region: 'us-east-1', credentials: { accessKeyId: 'operator', secretAccessKey: 'x' } };
  const clients = new Map([
    [plain, new EventBridgeClient({ ...operator, endpoint: plain.endpoints.eventbridge })],
    [audited, new EventBridgeClient({ ...operator, endpoint: audited.endpoints.eventbridge })],
  ]);
  const times = { plain: [] as number[], audited: [] as number[] };
  try {
    await burst(plain, clients.get(plain) as EventBridgeClient, 'warm-p');
    await burst(audited, clients.get(audited) as EventBridgeClient, 'warm-a');
    hookMs = 0;
    hookCalls = 0;
    const hopsBefore = store.size;
    for (let r = 0; r < rounds; r++) {
      const order: [keyof typeof times, LocalRuntime][] = [
        ['plain', plain],
        ['audited', audited],
      ];
      if (r % 2) order.reverse();
      for (const [name, runtime] of order)
        times[name].push(await burst(runtime, clients.get(runtime) as EventBridgeClient, `${name}-${r}`));
    }
    const hops = store.size - hopsBefore;
    const events = rounds * perRound;
    const p = median(times.plain);
    const a = median(times.audited);
    process.stdout.write(
      `${[
        `node ${process.version}, ${rounds} rounds × ${perRound} events, alternating order`,
        `median time to settle a burst: without audit ${p.toFixed(0)} ms, with audit ${a.toFixed(0)} ms, ratio ${(a / p).toFixed(3)}`,
        `per round (without / with): ${times.plain.map((t, i) => `${t.toFixed(0)}/${(times.audited[i] ?? 0).toFixed(0)}`).join(' ')}`,
        `hops recorded: ${hops} (${(hops / events).toFixed(1)} per event); hook calls ${hookCalls}`,
        `time inside the hooks and file flushes: ${hookMs.toFixed(1)} ms total, ${((hookMs / hops) * 1000).toFixed(1)} µs per hop, ` +
          `${((hookMs / times.audited.reduce((x, y) => x + y, 0)) * 100).toFixed(2)} % of the audited runtime's wall time`,
      ].join('\n')}\n`,
    );
  } finally {
    for (const c of clients.values()) c.destroy();
    await plain.stop();
    await audited.stop();
    file.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
