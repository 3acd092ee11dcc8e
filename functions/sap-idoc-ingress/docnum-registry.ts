import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';

export type ClaimResult = 'claimed' | 'done' | 'in-progress';

/**
 * Port: remembers which IDocs (DOCNUM) were handled, so SAP re-sending the same IDoc yields one
 * event. Claim before publishing, complete after; a claim whose lease ran out (the worker died
 * between claim and publish) can be taken over.
 */
export interface DocnumRegistry {
  claim(docnum: string, receiptId: string): Promise<ClaimResult>;
  complete(docnum: string): Promise<void>;
  release(docnum: string): Promise<void>;
}

/**
 * DocnumRegistry on a DynamoDB table (partition key `pk`, string). Chosen over Powertools
 * idempotency because the unit is one DOCNUM inside a request of several, not the whole request:
 * a conditional put `attribute_not_exists(pk) OR (#status = in-progress AND leaseUntil < now)`
 * claims exactly one winner per DOCNUM. `expiresAt` (TTL) keeps DOCNUMs for `retentionDays`,
 * longer than SAP keeps re-sending.
 */
export class DynamoDbDocnumRegistry implements DocnumRegistry {
  constructor(
    private readonly client: Pick<DynamoDBDocumentClient, 'send'>,
    private readonly tableName: string,
    private readonly options: { leaseMs?: number; retentionDays?: number; now?: () => number } = {},
  ) {}

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  async claim(docnum: string, receiptId: string): Promise<ClaimResult> {
    const now = this.now();
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: `sap:idoc:${docnum}`,
            status: 'in-progress',
            receiptId,
            leaseUntil: now + (this.options.leaseMs ?? 60_000),
            expiresAt: Math.floor(now / 1000) + (this.options.retentionDays ?? 90) * 86_400,
          },
          ConditionExpression: 'attribute_not_exists(pk) OR (#status = :inProgress AND leaseUntil < :now)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':inProgress': 'in-progress', ':now': now },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return 'claimed';
    } catch (error) {
      if (
        error instanceof ConditionalCheckFailedException ||
        (error as Error).name === 'ConditionalCheckFailedException'
      ) {
        // The old item comes back marshalled ({ S: '…' }) even through the document client.
        const old = (error as ConditionalCheckFailedException).Item as
          | { status?: { S?: string } | string }
          | undefined;
        const status = typeof old?.status === 'string' ? old.status : old?.status?.S;
        return status === 'in-progress' ? 'in-progress' : 'done';
      }
      throw error;
    }
  }

  async complete(docnum: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: `sap:idoc:${docnum}` },
        UpdateExpression: 'SET #status = :done REMOVE leaseUntil',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':done': 'done' },
      }),
    );
  }

  async release(docnum: string): Promise<void> {
    await this.client
      .send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { pk: `sap:idoc:${docnum}` },
          ConditionExpression: '#status = :inProgress',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':inProgress': 'in-progress' },
        }),
      )
      .catch((error: unknown) => {
        if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      });
  }
}
