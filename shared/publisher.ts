import { randomUUID } from 'node:crypto';
import {
  EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
  type PutEventsResultEntry,
} from '@aws-sdk/client-eventbridge';
import * as z from 'zod';
import { assertOwnership, type DetailType } from '../events/catalogue';
import type { System } from '../events/envelope';
import { currentCorrelation, newCorrelationId } from './correlation';
import { PayloadTooLargeError, PlantsyncError, ValidationError } from './errors';
import { backoffDelay, sleep } from './retry';

/** EventBridge limits: 10 entries per PutEvents call and 256 KB per call (and so per event). */
export const MAX_ENTRIES_PER_CALL = 10;
export const MAX_BYTES_PER_CALL = 256 * 1024;

/** Error codes of a failed entry that retrying cannot fix. */
const PERMANENT_ENTRY_ERRORS = new Set([
  'ValidationException',
  'MalformedDetail',
  'InvalidArgument',
  'AccessDeniedException',
  'NotAuthorizedForSourceException',
  'ResourceNotFoundException',
]);

export interface PublishRequest {
  readonly detailType: DetailType;
  /** The event type's data; validated against the catalogue schema. */
  readonly data: unknown;
  readonly plant: string;
  readonly occurredAt: string;
  /** Stable for the same business fact across re-deliveries, e.g. `sap:idoc:0000000000123456`. */
  readonly idempotencyKey: string;
  readonly sourceRef?: { readonly system: System; readonly kind: string; readonly id: string };
  /** Overrides the ambient correlation (for work that starts a new flow). */
  readonly correlationId?: string;
  readonly causationId?: string;
}

export interface PublishedEvent {
  readonly eventId: string;
  readonly detailType: string;
  readonly source: string;
  readonly correlationId: string;
  readonly detail: { metadata: Record<string, unknown>; data: unknown };
}

export interface FailedEntry {
  readonly eventId: string;
  readonly detailType: string;
  readonly errorCode: string;
  readonly errorMessage: string;
}

/**
 * Some events could not be published after every retry. Never swallowed: the caller fails its
 * invocation (so the record is retried or dead-lettered) or handles it explicitly.
 */
export class PublishError extends PlantsyncError {
  readonly httpStatus = 503;
  readonly retryable: boolean;
  constructor(
    readonly failed: readonly FailedEntry[],
    readonly published: readonly PublishedEvent[],
  ) {
    super(
      `${failed.length} event(s) not published: ${failed
        .slice(0, 3)
        .map((f) => `${f.detailType} ${f.eventId} (${f.errorCode}: ${f.errorMessage})`)
        .join('; ')}`,
    );
    this.retryable = failed.every((f) => !PERMANENT_ENTRY_ERRORS.has(f.errorCode));
  }
}

/** An event over EventBridge's 256 KB limit is refused outright (no claim-check); see docs/events.md. */
export class EventTooLargeError extends PayloadTooLargeError {}

export interface EventPublisherOptions {
  readonly busName: string;
  /** Who publishes: the owning system and the component name, e.g. `{ system: 'sap', name: 'idoc-ingress' }`. */
  readonly producer: { readonly system: System; readonly name: string };
  readonly client?: Pick<EventBridgeClient, 'send'>;
  /** Attempts per entry, the first included. @default 4 */
  readonly maxAttempts?: number;
  /** @default 100 */
  readonly baseDelayMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  readonly now?: () => Date;
}

/** The size EventBridge counts for an entry (see "Calculating PutEvents event entry size"). */
export const entrySize = (entry: PutEventsRequestEntry): number => {
  let size = entry.Time ? 14 : 0;
  for (const part of [entry.Source, entry.DetailType, entry.Detail, ...(entry.Resources ?? [])]) {
    if (part) size += Buffer.byteLength(part, 'utf8');
  }
  return size;
};

interface Pending {
  readonly entry: PutEventsRequestEntry;
  readonly event: PublishedEvent;
}

/**
 * Publishes canonical events: validates each against the catalogue, enforces data ownership, fills
 * the envelope (ids, correlation, times, producer), sends in batches of at most 10 entries / 256 KB,
 * and retries only the failed entries with backoff and full jitter.
 */
export class EventPublisher {
  private readonly client: Pick<EventBridgeClient, 'send'>;
  private readonly maxAttempts: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => Date;

  constructor(private readonly options: EventPublisherOptions) {
    if (!options.busName) throw new ValidationError('EventPublisher needs a bus name');
    this.client = options.client ?? new EventBridgeClient({});
    this.maxAttempts = options.maxAttempts ?? 4;
    this.sleep = options.sleep ?? sleep;
    this.now = options.now ?? (() => new Date());
  }

  /** Builds and validates the envelope without sending (also used by tests and the CLI). */
  build(request: PublishRequest): Pending {
    const definition = assertOwnership(this.options.producer.system, request.detailType);
    const ambient = currentCorrelation();
    const eventId = randomUUID();
    const metadata = {
      eventId,
      eventType: definition.detailType,
      schemaVersion: definition.schemaVersion,
      correlationId: request.correlationId ?? ambient?.correlationId ?? newCorrelationId(),
      causationId: request.causationId ?? ambient?.causationId,
      idempotencyKey: request.idempotencyKey,
      plant: request.plant,
      occurredAt: request.occurredAt,
      emittedAt: this.now().toISOString(),
      producer: `${this.options.producer.system}.${this.options.producer.name}`,
      sourceRef: request.sourceRef,
    };
    const parsed = definition.detail.safeParse({ metadata, data: request.data });
    if (!parsed.success) {
      throw new ValidationError(`invalid ${definition.detailType}: ${z.prettifyError(parsed.error)}`, {
        details: { detailType: definition.detailType, idempotencyKey: request.idempotencyKey },
      });
    }
    const detail = parsed.data as PublishedEvent['detail'];
    const entry: PutEventsRequestEntry = {
      EventBusName: this.options.busName,
      Source: definition.source,
      DetailType: definition.detailType,
      Detail: JSON.stringify(detail),
      Time: new Date(request.occurredAt),
    };
    const size = entrySize(entry);
    if (size > MAX_BYTES_PER_CALL) {
      throw new EventTooLargeError(
        `${definition.detailType} is ${size} bytes; EventBridge accepts at most ${MAX_BYTES_PER_CALL}`,
        { details: { detailType: definition.detailType, size } },
      );
    }
    return {
      entry,
      event: {
        eventId,
        detailType: definition.detailType,
        source: definition.source,
        correlationId: metadata.correlationId,
        detail,
      },
    };
  }

  async publish(requests: readonly PublishRequest[]): Promise<PublishedEvent[]> {
    // Build (and so validate) everything before sending anything: a bad event fails the call whole.
    let pending = requests.map((r) => this.build(r));
    const published: PublishedEvent[] = [];
    let failed: FailedEntry[] = [];
    for (let attempt = 0; attempt < this.maxAttempts && pending.length > 0; attempt++) {
      if (attempt > 0) {
        await this.sleep(
          backoffDelay(attempt - 1, {
            baseDelayMs: this.options.baseDelayMs ?? 100,
            ...(this.options.random ? { random: this.options.random } : {}),
          }),
        );
      }
      const retry: Pending[] = [];
      failed = [];
      for (const batch of batches(pending)) {
        const results = await this.send(batch);
        batch.forEach((item, i) => {
          const result = results[i];
          if (result?.EventId) {
            published.push(item.event);
            return;
          }
          const failure = {
            eventId: item.event.eventId,
            detailType: item.event.detailType,
            errorCode: result?.ErrorCode ?? 'Unknown',
            errorMessage: result?.ErrorMessage ?? 'no result for this entry',
          };
          failed.push(failure);
          if (!PERMANENT_ENTRY_ERRORS.has(failure.errorCode)) retry.push(item);
        });
      }
      if (failed.length > retry.length) break; // a permanent failure: report now, do not spin
      pending = retry;
    }
    if (failed.length > 0) throw new PublishError(failed, published);
    return published;
  }

  /** One PutEvents call; a thrown error (throttling, network) counts as every entry failing. */
  private async send(batch: readonly Pending[]): Promise<PutEventsResultEntry[]> {
    try {
      const response = await this.client.send(new PutEventsCommand({ Entries: batch.map((p) => p.entry) }));
      return response.Entries ?? [];
    } catch (error) {
      const name = error instanceof Error ? error.name : 'Unknown';
      const message = error instanceof Error ? error.message : String(error);
      return batch.map(() => ({ ErrorCode: name, ErrorMessage: message }));
    }
  }
}

/** Greedy batches of at most 10 entries and 256 KB. */
export function* batches(pending: readonly Pending[]): Generator<Pending[]> {
  let current: Pending[] = [];
  let bytes = 0;
  for (const item of pending) {
    const size = entrySize(item.entry);
    if (
      current.length === MAX_ENTRIES_PER_CALL ||
      (current.length > 0 && bytes + size > MAX_BYTES_PER_CALL)
    ) {
      yield current;
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) yield current;
}
