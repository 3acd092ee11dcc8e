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

/** The correlation table on DynamoDB. Index GSI1 (GSI1PK, GSI1SK) projects all attributes. */
export class DynamoStore implements SingleTableStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(key: TableKey): Promise<StoredItem | undefined> {
    const out = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { PK: key.PK, SK: key.SK }, ConsistentRead: true }),
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
                  Key: { PK: condition.guard.PK, SK: condition.guard.SK },
                  ConditionExpression: 'attribute_not_exists(PK)',
                },
              },
              {
                Put: {
                  TableName: this.tableName,
                  Item: item,
                  ConditionExpression: 'attribute_not_exists(PK)',
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
          ...(condition?.kind === 'absent' ? { ConditionExpression: 'attribute_not_exists(PK)' } : {}),
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
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { PK: key.PK, SK: key.SK } }));
  }

  async query(PK: string, skPrefix: string): Promise<StoredItem[]> {
    return this.pages({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': PK, ':prefix': skPrefix },
      ConsistentRead: true,
    });
  }

  async queryGsi1Before(GSI1PK: string, before: string): Promise<StoredItem[]> {
    return this.pages({
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :pk AND GSI1SK < :before',
      ExpressionAttributeValues: { ':pk': GSI1PK, ':before': before },
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
