import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { ReplayStore } from '../maintenance/webhook-ingress';

/**
 * Replay protection on DynamoDB: a conditional put (`attribute_not_exists(id)`) succeeds once per
 * webhook; the item expires through the table's TTL attribute. The shared idempotency table
 * (partition key `id` (S), TTL `expiration`); keys are prefixed so they cannot meet other writers'.
 */
export const REPLAY_KEY_PREFIX = 'maintenance-webhook#';

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
          Item: { id: { S: REPLAY_KEY_PREFIX + key }, expiration: { N: String(expiresAtEpochSeconds) } },
          ConditionExpression: 'attribute_not_exists(id)',
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
    await this.client.send(
      new DeleteItemCommand({ TableName: this.tableName, Key: { id: { S: REPLAY_KEY_PREFIX + key } } }),
    );
  }
}
