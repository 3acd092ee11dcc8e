import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import type { PutCondition, SingleTableStore, StoredItem, TableKey } from './store';

const isConditionFailure = (error: unknown): boolean =>
  error instanceof Error &&
  (error.name === 'ConditionalCheckFailedException' ||
    (error.name === 'TransactionCanceledException' && error.message.includes('ConditionalCheckFailed')));

/** The correlation table on DynamoDB. Index byStatusAge (gsi1pk, gsi1sk) projects all attributes (infra CorrelationKeys). */
export class DynamoStore implements SingleTableStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(key: TableKey): Promise<StoredItem | undefined> {
    const out = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: key.pk, sk: key.sk }, ConsistentRead: true }),
    );
    return out.Item as StoredItem | undefined;
  }

  async put(item: StoredItem, condition?: PutCondition): Promise<boolean> {
    try {
      if (condition?.kind === 'absent-while-guard-absent') {
        await this.client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                ConditionCheck: {
                  TableName: this.tableName,
                  Key: { pk: condition.guard.pk, sk: condition.guard.sk },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              {
                Put: {
                  TableName: this.tableName,
                  Item: item,
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
            ],
          }),
        );
        return true;
      }
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ...(condition?.kind === 'absent' ? { ConditionExpression: 'attribute_not_exists(pk)' } : {}),
          ...(condition?.kind === 'rev'
            ? { ConditionExpression: '#rev = :rev', ExpressionAttributeNames: { '#rev': 'rev' } }
            : {}),
          ...(condition?.kind === 'rev' ? { ExpressionAttributeValues: { ':rev': condition.rev } } : {}),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async delete(key: TableKey): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { pk: key.pk, sk: key.sk } }));
  }

  async query(pk: string, skPrefix: string): Promise<StoredItem[]> {
    return this.pages({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': pk, ':prefix': skPrefix },
      ConsistentRead: true,
    });
  }

  async queryGsi1Before(gsi1pk: string, before: string): Promise<StoredItem[]> {
    return this.pages({
      IndexName: 'byStatusAge',
      KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk < :before',
      ExpressionAttributeValues: { ':pk': gsi1pk, ':before': before },
    });
  }

  private async pages(input: Omit<ConstructorParameters<typeof QueryCommand>[0], 'TableName'>) {
    const items: StoredItem[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.client.send(
        new QueryCommand({ ...input, TableName: this.tableName, ExclusiveStartKey: startKey }),
      );
      items.push(...((out.Items ?? []) as StoredItem[]));
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return items;
  }
}
