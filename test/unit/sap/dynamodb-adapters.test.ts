import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbDocnumRegistry } from '../../../functions/sap-idoc-ingress/docnum-registry';
import { CHUNK_BYTES, DynamoDbRawPayloadStore } from '../../../functions/sap-idoc-ingress/raw-store';
import { adminClient, type DynamoDbLocal, startDynamoDbLocal } from '../../../local/runtime/dynamodb';

let dynamo: DynamoDbLocal;
let documentClient: DynamoDBDocumentClient;

beforeAll(async () => {
  dynamo = await startDynamoDbLocal(() => undefined);
  const admin = adminClient(dynamo.url);
  await admin.send(
    new CreateTableCommand({
      TableName: 'raw',
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
    }),
  );
  await admin.send(
    new CreateTableCommand({
      TableName: 'idempotency',
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    }),
  );
  documentClient = DynamoDBDocumentClient.from(admin);
}, 60_000);

afterAll(async () => {
  documentClient?.destroy();
  await dynamo?.stop();
});

describe('DynamoDB raw payload store', () => {
  it('stores a body and reads it back with its status', async () => {
    const store = new DynamoDbRawPayloadStore(documentClient, 'raw');
    await store.put({
      receiptId: 'r-1',
      receivedAt: '2026-11-25T05:00:00.000Z',
      contentType: 'text/xml',
      body: '<LOIPRO01/>',
    });

    await store.mark('r-1', 'rejected', { reason: 'malformed XML' });

    expect(await store.get('r-1')).toEqual({
      receiptId: 'r-1',
      receivedAt: '2026-11-25T05:00:00.000Z',
      contentType: 'text/xml',
      body: '<LOIPRO01/>',
      status: 'rejected',
      reason: 'malformed XML',
    });
  });

  it('splits a body larger than one item into chunks and joins them again', async () => {
    const store = new DynamoDbRawPayloadStore(documentClient, 'raw');
    // Random-ish text compresses poorly, so the gzipped body needs several chunks.
    let body = '';
    let seed = 7;
    while (body.length < CHUNK_BYTES * 3) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      body += seed.toString(36);
    }

    await store.put({
      receiptId: 'r-big',
      receivedAt: '2026-11-25T05:00:00.000Z',
      contentType: 'text/xml',
      body,
    });

    expect((await store.get('r-big'))?.body).toBe(body);
  });

  it('answers undefined for an unknown receipt', async () => {
    expect(await new DynamoDbRawPayloadStore(documentClient, 'raw').get('nope')).toBeUndefined();
  });
});

describe('DynamoDB DOCNUM registry', () => {
  it('lets exactly one request claim a DOCNUM and reports it done afterwards', async () => {
    const registry = new DynamoDbDocnumRegistry(documentClient, 'idempotency');

    const first = await registry.claim('0000000000000001', 'r-1');
    const concurrent = await registry.claim('0000000000000001', 'r-2');
    await registry.complete('0000000000000001');
    const later = await registry.claim('0000000000000001', 'r-3');

    expect([first, concurrent, later]).toEqual(['claimed', 'in-progress', 'done']);
  });

  it('lets a request take over a claim whose lease ran out', async () => {
    let now = 1_000_000;
    const registry = new DynamoDbDocnumRegistry(documentClient, 'idempotency', {
      leaseMs: 1000,
      now: () => now,
    });
    await registry.claim('0000000000000002', 'r-1');
    now += 5000;

    expect(await registry.claim('0000000000000002', 'r-2')).toBe('claimed');
  });

  it('releases a claim so the DOCNUM can be claimed again', async () => {
    const registry = new DynamoDbDocnumRegistry(documentClient, 'idempotency');
    await registry.claim('0000000000000003', 'r-1');

    await registry.release('0000000000000003');

    expect(await registry.claim('0000000000000003', 'r-2')).toBe('claimed');
  });

  it('never releases a completed DOCNUM', async () => {
    const registry = new DynamoDbDocnumRegistry(documentClient, 'idempotency');
    await registry.claim('0000000000000004', 'r-1');
    await registry.complete('0000000000000004');

    await registry.release('0000000000000004');

    expect(await registry.claim('0000000000000004', 'r-2')).toBe('done');
  });
});
