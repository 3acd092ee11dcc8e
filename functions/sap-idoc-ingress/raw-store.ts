import { gunzipSync, gzipSync } from 'node:zlib';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';

export type RawPayloadStatus = 'received' | 'processed' | 'rejected' | 'failed';

export interface RawPayload {
  readonly receiptId: string;
  readonly receivedAt: string;
  readonly contentType: string;
  readonly body: string;
}

export interface RawPayloadRecord extends RawPayload {
  readonly status: RawPayloadStatus;
  readonly reason?: string;
  readonly docnums?: readonly string[];
}

/**
 * Port: keeps every request body as received, before it is parsed, so nothing is lost and a
 * rejected or failed payload can be re-processed after a mapping fix.
 */
export interface RawPayloadStore {
  put(payload: RawPayload): Promise<void>;
  get(receiptId: string): Promise<RawPayloadRecord | undefined>;
  mark(
    receiptId: string,
    status: RawPayloadStatus,
    facts?: { reason?: string; docnums?: readonly string[] },
  ): Promise<void>;
}

/** DynamoDB items stay well below the 400 KB item limit: gzip, then split into chunks of this size. */
export const CHUNK_BYTES = 300 * 1024;

/**
 * RawPayloadStore on a DynamoDB table (partition key `pk`, sort key `sk`, both strings):
 * `pk = receipt#<id>`, `sk = meta` holds status and facts, `sk = chunk#0000…` the gzipped body.
 * XML compresses about tenfold, so a 5 MB request is a handful of items. A TTL attribute
 * (`expiresAt`, epoch seconds) lets the table forget processed payloads after `retentionDays`.
 */
export class DynamoDbRawPayloadStore implements RawPayloadStore {
  constructor(
    private readonly client: Pick<DynamoDBDocumentClient, 'send'>,
    private readonly tableName: string,
    private readonly retentionDays = 30,
  ) {}

  async put(payload: RawPayload): Promise<void> {
    const pk = `receipt#${payload.receiptId}`;
    const zipped = gzipSync(Buffer.from(payload.body, 'utf8'));
    const chunks = Math.max(1, Math.ceil(zipped.length / CHUNK_BYTES));
    const expiresAt = Math.floor(Date.parse(payload.receivedAt) / 1000) + this.retentionDays * 86_400;
    // Chunks first, the meta item last: a meta item always means a complete body.
    for (let i = 0; i < chunks; i++) {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk,
            sk: `chunk#${String(i).padStart(4, '0')}`,
            data: zipped.subarray(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES),
            expiresAt,
          },
        }),
      );
    }
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk,
          sk: 'meta',
          receiptId: payload.receiptId,
          receivedAt: payload.receivedAt,
          contentType: payload.contentType,
          bytes: Buffer.byteLength(payload.body, 'utf8'),
          chunks,
          status: 'received',
          expiresAt,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async get(receiptId: string): Promise<RawPayloadRecord | undefined> {
    const pk = `receipt#${receiptId}`;
    const meta = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk, sk: 'meta' }, ConsistentRead: true }),
    );
    if (!meta.Item) return undefined;
    const parts: Buffer[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :chunk)',
          ExpressionAttributeValues: { ':pk': pk, ':chunk': 'chunk#' },
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of page.Items ?? []) parts.push(Buffer.from(item.data as Uint8Array));
      start = page.LastEvaluatedKey;
    } while (start);
    const item = meta.Item;
    return {
      receiptId,
      receivedAt: String(item.receivedAt),
      contentType: String(item.contentType),
      body: gunzipSync(Buffer.concat(parts)).toString('utf8'),
      status: item.status as RawPayloadStatus,
      ...(item.reason ? { reason: String(item.reason) } : {}),
      ...(Array.isArray(item.docnums) ? { docnums: item.docnums.map(String) } : {}),
    };
  }

  async mark(
    receiptId: string,
    status: RawPayloadStatus,
    facts: { reason?: string; docnums?: readonly string[] } = {},
  ): Promise<void> {
    const names: Record<string, string> = { '#status': 'status' };
    const values: Record<string, unknown> = { ':status': status };
    const sets = ['#status = :status'];
    if (facts.reason !== undefined) {
      sets.push('reason = :reason');
      values[':reason'] = facts.reason.slice(0, 2000);
    }
    if (facts.docnums !== undefined) {
      sets.push('docnums = :docnums');
      values[':docnums'] = [...facts.docnums];
    }
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: `receipt#${receiptId}`, sk: 'meta' },
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }
}
