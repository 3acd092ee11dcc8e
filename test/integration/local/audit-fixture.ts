/**
 * The runtime's fixture app with one change, for audit tests and the overhead measurement: its queue
 * consumer passes the event's correlation id on to the execution it starts, as every plantsync
 * consumer does (the fixture's own consumer drops it).
 */
import { cpSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const fixture = join(import.meta.dirname, '../../fixtures/local/assembly');
const INGEST_ASSET = 'asset.a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1';

/** Copies the fixture below `dir` and returns the copy's cdk.out path. */
export function fixtureWithCorrelation(dir: string): string {
  const copy = join(dir, 'assembly');
  cpSync(fixture, copy, { recursive: true });
  // The functions import the SDK as bundles would; the copy resolves it from the repository.
  symlinkSync(join(import.meta.dirname, '../../../node_modules'), join(dir, 'node_modules'), 'dir');
  const file = join(copy, INGEST_ASSET, 'index.mjs');
  const source = readFileSync(file, 'utf8');
  const patched = source.replace(
    'JSON.stringify({ orderId })',
    'JSON.stringify({ orderId, correlationId: envelope.detail.metadata?.correlationId })',
  );
  if (patched === source) throw new Error('the fixture consumer changed: update audit-fixture.ts');
  writeFileSync(file, patched);
  return copy;
}

/** A canonical-looking event detail the fixture's functions accept (they read `orderId`). */
export const canonicalDetail = (
  correlationId: string,
  eventType: string,
  orderNumber: string,
  orderId: string,
) => ({
  metadata: {
    eventId: `${correlationId}-e1`,
    eventType,
    correlationId,
    plant: 'P100',
    producer: 'sap-idoc-ingress',
    occurredAt: '2026-11-25T04:00:00+00:00',
  },
  data: { orderNumber },
  orderId,
});
