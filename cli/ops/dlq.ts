/**
 * Dead-letter operations: list every DLQ with depth, oldest age and reasons, show its messages, and
 * replay them to where they came from. Works against any SQS endpoint (local runtime or AWS).
 *
 * A DLQ is any queue named as `deadLetterTargetArn` in another queue's RedrivePolicy, or any queue
 * whose name ends in `dlq` / `deadletter` (EventBridge target DLQs have no redrive link).
 * Reasons come from plantsync's dead-letter attributes (shared/dead-letters.ts) or from the
 * attributes EventBridge sets on a target DLQ message (ERROR_CODE, ERROR_MESSAGE, RULE_ARN, TARGET_ARN).
 */
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  type Message,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { DeadLetterAttribute } from '../../shared/dead-letters';
import { NotFoundError, ValidationError } from '../../shared/errors';

type Sqs = Pick<SQSClient, 'send'>;

export interface DeadLetterMessage {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
  readonly sentAt: Date;
  readonly reason: string;
  readonly errorName: string;
  readonly correlationId?: string;
  /** Where the message came from and where replay sends it: a queue or target ARN. */
  readonly origin?: string;
  readonly detailType?: string;
  readonly attributes: Readonly<Record<string, string>>;
}

export interface DeadLetterQueue {
  readonly name: string;
  readonly url: string;
  readonly arn: string;
  readonly depth: number;
  /** Queues that dead-letter into this one (from their RedrivePolicy). */
  readonly sources: readonly string[];
}

export interface DlqSummary extends DeadLetterQueue {
  readonly oldestAgeSeconds?: number;
  readonly reasons: readonly { readonly reason: string; readonly count: number }[];
}

const nameOf = (urlOrArn: string): string => urlOrArn.split(/[/:]/).pop() ?? urlOrArn;

const attributeStrings = (
  attributes: Record<string, MessageAttributeValue> | undefined,
): Record<string, string> =>
  Object.fromEntries(
    Object.entries(attributes ?? {})
      .filter(([, v]) => typeof v.StringValue === 'string')
      .map(([k, v]) => [k, v.StringValue as string]),
  );

export const toDeadLetterMessage = (message: Message): DeadLetterMessage => {
  const attributes = attributeStrings(message.MessageAttributes);
  const errorName = attributes[DeadLetterAttribute.errorName] ?? attributes.ERROR_CODE ?? 'Unknown';
  const errorMessage =
    attributes[DeadLetterAttribute.errorMessage] ?? attributes.ERROR_MESSAGE ?? 'no reason recorded';
  let detailType: string | undefined;
  let correlationId = attributes[DeadLetterAttribute.correlationId];
  try {
    const body = JSON.parse(message.Body ?? '') as {
      'detail-type'?: unknown;
      detail?: { metadata?: { correlationId?: unknown } };
    };
    if (typeof body['detail-type'] === 'string') detailType = body['detail-type'];
    const fromBody = body.detail?.metadata?.correlationId;
    if (!correlationId && typeof fromBody === 'string') correlationId = fromBody;
  } catch {
    // a body that is not JSON is still a dead letter worth showing
  }
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    sentAt: new Date(Number(message.Attributes?.SentTimestamp ?? Date.now())),
    errorName,
    reason: `${errorName}: ${errorMessage}`,
    attributes,
    ...(correlationId ? { correlationId } : {}),
    ...(detailType ? { detailType } : {}),
    ...((attributes[DeadLetterAttribute.sourceQueue] ?? attributes.TARGET_ARN)
      ? { origin: attributes[DeadLetterAttribute.sourceQueue] ?? attributes.TARGET_ARN }
      : {}),
  };
};

export class DeadLetterOperations {
  constructor(
    private readonly sqs: Sqs,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Every dead-letter queue with its depth. */
  async queues(): Promise<DeadLetterQueue[]> {
    const urls: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.sqs.send(new ListQueuesCommand({ NextToken: token, MaxResults: 1000 }));
      urls.push(...(page.QueueUrls ?? []));
      token = page.NextToken;
    } while (token);
    const attributes = await Promise.all(
      urls.map(async (url) => {
        const result = await this.sqs.send(
          new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }),
        );
        return { url, attributes: result.Attributes ?? {} };
      }),
    );
    const sourcesOf = new Map<string, string[]>();
    for (const { url, attributes: a } of attributes) {
      if (!a.RedrivePolicy) continue;
      const target = (JSON.parse(a.RedrivePolicy) as { deadLetterTargetArn?: string }).deadLetterTargetArn;
      if (target) sourcesOf.set(target, [...(sourcesOf.get(target) ?? []), nameOf(url)]);
    }
    return attributes
      .filter(
        ({ url, attributes: a }) =>
          sourcesOf.has(a.QueueArn ?? '') || /(dlq|deadletter)(\.fifo)?$/i.test(nameOf(url)),
      )
      .map(({ url, attributes: a }) => ({
        name: nameOf(url),
        url,
        arn: a.QueueArn ?? '',
        depth:
          Number(a.ApproximateNumberOfMessages ?? 0) + Number(a.ApproximateNumberOfMessagesNotVisible ?? 0),
        sources: sourcesOf.get(a.QueueArn ?? '') ?? [],
      }))
      .sort((x, y) => x.name.localeCompare(y.name));
  }

  async resolve(queue: string): Promise<DeadLetterQueue> {
    const all = await this.queues();
    const found = all.find((q) => q.name === queue || q.url === queue || q.arn === queue);
    if (!found) {
      throw new NotFoundError(
        `no dead-letter queue "${queue}"; known: ${all.map((q) => q.name).join(', ') || 'none'}`,
      );
    }
    return found;
  }

  /**
   * Reads every message without consuming it: receives until the queue is drained, then makes all
   * messages visible again at once. Each peek counts as a receive on that message.
   */
  async peek(queueUrl: string, limit = 10_000): Promise<DeadLetterMessage[]> {
    const seen = new Map<string, DeadLetterMessage>();
    const handles: string[] = [];
    while (seen.size < limit) {
      const page = await this.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: 10,
          VisibilityTimeout: 60,
          WaitTimeSeconds: 0,
          MessageAttributeNames: ['All'],
          MessageSystemAttributeNames: ['All'],
        }),
      );
      const messages = page.Messages ?? [];
      if (messages.length === 0) break;
      for (const m of messages) {
        handles.push(m.ReceiptHandle ?? '');
        if (m.MessageId && !seen.has(m.MessageId)) seen.set(m.MessageId, toDeadLetterMessage(m));
      }
    }
    await this.release(queueUrl, handles);
    return [...seen.values()];
  }

  private async release(queueUrl: string, handles: readonly string[]): Promise<void> {
    for (let i = 0; i < handles.length; i += 10) {
      const batch = handles.slice(i, i + 10);
      await this.sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queueUrl,
          Entries: batch.map((h, j) => ({ Id: String(j), ReceiptHandle: h, VisibilityTimeout: 0 })),
        }),
      );
    }
  }

  async summaries(): Promise<DlqSummary[]> {
    const queues = await this.queues();
    return Promise.all(
      queues.map(async (q) => {
        if (q.depth === 0) return { ...q, reasons: [] };
        const messages = await this.peek(q.url);
        const counts = new Map<string, number>();
        for (const m of messages) counts.set(m.reason, (counts.get(m.reason) ?? 0) + 1);
        const oldest = Math.min(...messages.map((m) => m.sentAt.getTime()));
        return {
          ...q,
          depth: Math.max(q.depth, messages.length),
          ...(messages.length > 0
            ? { oldestAgeSeconds: Math.max(0, Math.round((this.now().getTime() - oldest) / 1000)) }
            : {}),
          reasons: [...counts.entries()]
            .map(([reason, count]) => ({ reason, count }))
            .sort((a, b) => b.count - a.count),
        };
      }),
    );
  }

  /**
   * Sends each matching message back to its origin queue and deletes it from the DLQ once sent, in
   * one pass over the queue. Messages that do not match, whose origin is unknown or not a queue, or
   * whose send fails stay in the DLQ (made visible again at the end).
   */
  async replay(
    queue: string,
    options: {
      filter?: (m: DeadLetterMessage) => boolean;
      dryRun?: boolean;
      onProgress?: (done: number, total: number) => void;
    } = {},
  ): Promise<ReplayReport> {
    const dlq = await this.resolve(queue);
    const fallbackOrigin = dlq.sources.length === 1 ? dlq.sources[0] : undefined;
    const kept: { messageId: string; why: string }[] = [];
    const release: string[] = [];
    const targets = new Map<string, string>();
    let total = 0;
    let matched = 0;
    let replayed = 0;
    for (;;) {
      const page = await this.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: dlq.url,
          MaxNumberOfMessages: 10,
          VisibilityTimeout: 120,
          WaitTimeSeconds: 0,
          MessageAttributeNames: ['All'],
          MessageSystemAttributeNames: ['All'],
        }),
      );
      const messages = page.Messages ?? [];
      if (messages.length === 0) break;
      for (const raw of messages) {
        total++;
        options.onProgress?.(total, Math.max(total, dlq.depth));
        const message = toDeadLetterMessage(raw);
        const handle = raw.ReceiptHandle ?? '';
        if (options.filter && !options.filter(message)) {
          release.push(handle);
          continue;
        }
        matched++;
        const origin = message.origin ?? fallbackOrigin;
        if (!origin || (origin.startsWith('arn:') && !origin.includes(':sqs:'))) {
          kept.push({ messageId: message.messageId, why: `origin ${origin ?? 'unknown'} is not a queue` });
          release.push(handle);
          continue;
        }
        if (options.dryRun) {
          release.push(handle);
          continue;
        }
        try {
          let targetUrl = targets.get(origin);
          if (!targetUrl) {
            targetUrl =
              (await this.sqs.send(new GetQueueUrlCommand({ QueueName: nameOf(origin) }))).QueueUrl ?? '';
            targets.set(origin, targetUrl);
          }
          const carried = Object.fromEntries(
            Object.entries(raw.MessageAttributes ?? {}).filter(
              ([k]) =>
                !k.startsWith('plantsync.error') &&
                !k.startsWith('plantsync.failed') &&
                !k.startsWith('ERROR_'),
            ),
          );
          await this.sqs.send(
            new SendMessageCommand({
              QueueUrl: targetUrl,
              MessageBody: raw.Body ?? '',
              MessageAttributes: {
                ...carried,
                'plantsync.replayed.from': { DataType: 'String', StringValue: dlq.name },
              },
            }),
          );
          await this.sqs.send(new DeleteMessageCommand({ QueueUrl: dlq.url, ReceiptHandle: handle }));
          replayed++;
        } catch (error) {
          kept.push({
            messageId: message.messageId,
            why: error instanceof Error ? error.message : String(error),
          });
          release.push(handle);
        }
      }
    }
    await this.release(dlq.url, release);
    return { queue: dlq.name, dryRun: options.dryRun ?? false, total, matched, replayed, kept };
  }
}

export interface ReplayReport {
  readonly queue: string;
  readonly dryRun: boolean;
  readonly total: number;
  readonly matched: number;
  readonly replayed: number;
  readonly kept: readonly { readonly messageId: string; readonly why: string }[];
}

/** `--filter key=value` terms, all of which must match: error, reason (substring), correlation, detail-type. */
export const parseFilter = (terms: readonly string[]): ((m: DeadLetterMessage) => boolean) => {
  const predicates = terms.map((term) => {
    const eq = term.indexOf('=');
    if (eq <= 0)
      throw new Error(`filter "${term}" is not key=value (keys: error, reason, correlation, detail-type)`);
    const key = term.slice(0, eq);
    const value = term.slice(eq + 1);
    switch (key) {
      case 'error':
        return (m: DeadLetterMessage) => m.errorName === value;
      case 'reason':
        return (m: DeadLetterMessage) => m.reason.includes(value);
      case 'correlation':
        return (m: DeadLetterMessage) => m.correlationId === value;
      case 'detail-type':
        return (m: DeadLetterMessage) => m.detailType === value;
      default:
        throw new ValidationError(
          `unknown filter key "${key}" (keys: error, reason, correlation, detail-type)`,
        );
    }
  });
  return (m) => predicates.every((p) => p(m));
};
