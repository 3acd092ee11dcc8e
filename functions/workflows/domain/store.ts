/**
 * The single-table store the correlation repository sits on. Two implementations: in memory
 * (tests, local) and DynamoDB (dynamo-store.ts). Key design: docs/workflows.md "Correlation table".
 */
export interface TableKey {
  readonly pk: string;
  readonly sk: string;
}

export interface StoredItem extends TableKey {
  /** Optimistic-concurrency revision; every successful write stores rev + 1 of what it read. */
  readonly rev: number;
  readonly gsi1pk?: string;
  readonly gsi1sk?: string;
  /** Epoch seconds; DynamoDB TTL deletes the item after it. */
  readonly expiresAt?: number;
  readonly [attribute: string]: unknown;
}

export type PutCondition =
  /** Only when no item has this key (`attribute_not_exists(pk)`). */
  | { readonly kind: 'absent' }
  /** Only when the stored item still has this revision (`rev = :rev`). */
  | { readonly kind: 'rev'; readonly rev: number }
  /** Only when no item has this key AND the guard item does not exist (a transaction in DynamoDB). */
  | { readonly kind: 'absent-while-guard-absent'; readonly guard: TableKey };

export interface SingleTableStore {
  get(key: TableKey): Promise<StoredItem | undefined>;
  /** Returns false when the condition did not hold (nothing written). */
  put(item: StoredItem, condition?: PutCondition): Promise<boolean>;
  delete(key: TableKey): Promise<void>;
  /** Items of one partition whose sk starts with the prefix, in sk order. */
  query(pk: string, skPrefix: string): Promise<StoredItem[]>;
  /** Items of one GSI1 partition whose gsi1sk sorts before `before` (oldest first). */
  queryGsi1Before(gsi1pk: string, before: string): Promise<StoredItem[]>;
}

const keyOf = (key: TableKey): string => `${key.pk}\u0000${key.sk}`;

export class InMemoryStore implements SingleTableStore {
  private readonly items = new Map<string, StoredItem>();

  async get(key: TableKey): Promise<StoredItem | undefined> {
    const item = this.items.get(keyOf(key));
    return item ? structuredClone(item) : undefined;
  }

  async put(item: StoredItem, condition?: PutCondition): Promise<boolean> {
    const existing = this.items.get(keyOf(item));
    if (condition?.kind === 'absent' && existing) return false;
    if (condition?.kind === 'rev' && existing?.rev !== condition.rev) return false;
    if (condition?.kind === 'absent-while-guard-absent') {
      if (existing || this.items.has(keyOf(condition.guard))) return false;
    }
    this.items.set(keyOf(item), structuredClone(item));
    return true;
  }

  async delete(key: TableKey): Promise<void> {
    this.items.delete(keyOf(key));
  }

  async query(pk: string, skPrefix: string): Promise<StoredItem[]> {
    return [...this.items.values()]
      .filter((i) => i.pk === pk && i.sk.startsWith(skPrefix))
      .sort((a, b) => a.sk.localeCompare(b.sk))
      .map((i) => structuredClone(i));
  }

  async queryGsi1Before(gsi1pk: string, before: string): Promise<StoredItem[]> {
    return [...this.items.values()]
      .filter((i) => i.gsi1pk === gsi1pk && i.gsi1sk !== undefined && i.gsi1sk < before)
      .sort((a, b) => (a.gsi1sk ?? '').localeCompare(b.gsi1sk ?? ''))
      .map((i) => structuredClone(i));
  }

  /** Test helper: how many items the table holds. */
  size(): number {
    return this.items.size;
  }
}
