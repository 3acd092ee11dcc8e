import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { ReplayStore } from '../maintenance/webhook-ingress';

/**
 * Replay protection on DynamoDB: a conditional put (`attribute_not_exists(pk)`) succeeds once per
 * webhook; the item expires through the table's TTL attribute `expiresAt`.
 * Table: partition key `pk` (S), TTL on `expiresAt`.
 */
export class DynamoReplayStore implements ReplayStore {
  constructor(
    private readonly client: Pick<DynamoDBClient, 'send'>,
    private readonly tableName: string,
  ) {}

  async claim(key: string, expiresAtEpochSeconds: number): Promise<boolean> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: { pk: { S: key }, expiresAt: { N: String(expiresAtEpochSeconds) } },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (
        error instanceof ConditionalCheckFailedException ||
        (error as Error).name === 'ConditionalCheckFailedException'
      ) {
        return false;
      }
      throw error;
    }
  }

  async release(key: string): Promise<void> {
    await this.client.send(new DeleteItemCommand({ TableName: this.tableName, Key: { pk: { S: key } } }));
  }
}
