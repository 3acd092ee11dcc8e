import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';

/**
 * Remembers which idempotency keys were published. Checked before publishing and written after,
 * so a failed publish is retried in full; the rare race of two concurrent resends publishes twice
 * with the same idempotency key, which consumers de-duplicate in turn.
 */
export interface SeenKeys {
  seen(keys: readonly string[]): Promise<ReadonlySet<string>>;
  remember(keys: readonly string[]): Promise<void>;
}

export class InMemorySeenKeys implements SeenKeys {
  private readonly keys = new Set<string>();
  async seen(keys: readonly string[]): Promise<ReadonlySet<string>> {
    return new Set(keys.filter((k) => this.keys.has(k)));
  }
  async remember(keys: readonly string[]): Promise<void> {
    for (const k of keys) this.keys.add(k);
  }
}

/** DynamoDB store in the shared idempotency table (partition key `id`, TTL attribute `expiration`). */
export class DynamoDbSeenKeys implements SeenKeys {
  constructor(
    private readonly client: Pick<DynamoDBDocumentClient, 'send'>,
    private readonly tableName: string,
    private readonly ttlSeconds = 7 * 24 * 3600,
    private readonly now: () => number = Date.now,
  ) {}

  private id(key: string): string {
    return `mes-ingress#${key}`;
  }

  async seen(keys: readonly string[]): Promise<ReadonlySet<string>> {
    const results = await Promise.all(
      keys.map(async (key) => {
        const out = await this.client.send(
          new GetCommand({
            TableName: this.tableName,
            Key: { id: this.id(key) },
            ProjectionExpression: 'id',
          }),
        );
        return out.Item ? key : undefined;
      }),
    );
    return new Set(results.filter((k): k is string => k !== undefined));
  }

  async remember(keys: readonly string[]): Promise<void> {
    const expiration = Math.floor(this.now() / 1000) + this.ttlSeconds;
    await Promise.all(
      keys.map((key) =>
        this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { id: this.id(key), expiration, status: 'COMPLETED' },
          }),
        ),
      ),
    );
  }
}
