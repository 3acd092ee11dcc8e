import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { describeError } from './errors';

/** Message attributes every dead letter carries, so `plantsync dlq list` can group by cause. */
export const DeadLetterAttribute = {
  errorName: 'plantsync.error.name',
  errorMessage: 'plantsync.error.message',
  failedAt: 'plantsync.failed.at',
  sourceQueue: 'plantsync.source.queue',
  receiveCount: 'plantsync.receive.count',
  correlationId: 'plantsync.correlation.id',
} as const;

export interface DeadLetter {
  readonly body: string;
  readonly error: unknown;
  readonly sourceQueueArn?: string;
  readonly receiveCount?: number;
  readonly correlationId?: string;
}

export interface DeadLetterSink {
  send(letter: DeadLetter): Promise<void>;
}

/**
 * Sends a message to a dead-letter queue with why it failed. SQS's own redrive moves a message
 * without a reason; plantsync dead-letters itself where it knows the cause, and keeps SQS redrive as
 * the backstop for crashes.
 */
export class SqsDeadLetterSink implements DeadLetterSink {
  constructor(
    private readonly client: Pick<SQSClient, 'send'>,
    private readonly queueUrl: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async send(letter: DeadLetter): Promise<void> {
    const { name, message } = describeError(letter.error);
    const attributes: Record<string, string | undefined> = {
      [DeadLetterAttribute.errorName]: name,
      [DeadLetterAttribute.errorMessage]: message || '(no message)',
      [DeadLetterAttribute.failedAt]: this.now().toISOString(),
      [DeadLetterAttribute.sourceQueue]: letter.sourceQueueArn,
      [DeadLetterAttribute.receiveCount]: letter.receiveCount?.toString(),
      [DeadLetterAttribute.correlationId]: letter.correlationId,
    };
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: letter.body,
        MessageAttributes: Object.fromEntries(
          Object.entries(attributes)
            .filter((entry): entry is [string, string] => entry[1] !== undefined)
            .map(([key, value]) => [key, { DataType: 'String', StringValue: value }]),
        ),
      }),
    );
  }
}
