import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { assertRange, ConstructPropsError } from './validation';

export interface ConsumerOptions {
  /** Messages per invocation. @default 10 */
  readonly batchSize?: number;
  /** Time to gather a batch; required by Lambda when batchSize > 10. @default - none (or 1 s when batchSize > 10) */
  readonly maxBatchingWindow?: Duration;
  /** Cap on concurrent invocations, for rate-limited targets (2–1000). @default - no cap */
  readonly maxConcurrency?: number;
}

export interface BufferedConsumerProps extends ConsumerOptions {
  /** Customer-managed key for both queues (SSE-KMS). */
  readonly encryptionKey: IKey;
  /** Receives before a message moves to the DLQ. @default 5 */
  readonly maxReceiveCount?: number;
  /** Must be at least six times the consumer's timeout (AWS guidance for Lambda). @default Duration.minutes(3) */
  readonly visibilityTimeout?: Duration;
  /** How long a buffered message may wait. @default Duration.days(4) */
  readonly retentionPeriod?: Duration;
  /** @default RemovalPolicy.DESTROY */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * FIFO queue (and FIFO DLQ, as SQS requires) with content-based de-duplication: messages of one
   * message group are consumed one batch at a time, in order. Batching windows are not allowed
   * (Lambda does not support them on FIFO sources) and batches hold at most 10 messages.
   * @default false
   */
  readonly fifo?: boolean;
  /** Attach this consumer right away; otherwise call `attach` later (e.g. from the stateless stack). @default - none */
  readonly consumer?: lambda.IFunction;
}

/** Dead letters are kept for the longest period SQS allows, to leave time for diagnosis and replay. */
const DLQ_RETENTION = Duration.days(14);

/**
 * A buffer in front of a slow or rate-limited consumer: a KMS-encrypted, TLS-only queue with a
 * dead-letter queue of its own (14-day retention), consumed by Lambda with partial batch
 * responses and an optional concurrency cap.
 */
export class BufferedConsumer extends Construct {
  public readonly queue: sqs.Queue;
  public readonly deadLetterQueue: sqs.Queue;
  public readonly maxReceiveCount: number;
  /** Whether the buffer is a FIFO queue (senders must give a MessageGroupId). */
  public readonly fifo: boolean;
  private readonly options: ConsumerOptions;
  private readonly visibilityTimeout: Duration;

  constructor(scope: Construct, id: string, props: BufferedConsumerProps) {
    super(scope, id);
    this.fifo = props.fifo ?? false;
    this.options = BufferedConsumer.validateOptions(id, props, this.fifo);
    assertRange('BufferedConsumer', id, 'maxReceiveCount', props.maxReceiveCount, 1, 1000);
    this.maxReceiveCount = props.maxReceiveCount ?? 5;
    this.visibilityTimeout = props.visibilityTimeout ?? Duration.minutes(3);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.DESTROY;
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.encryptionKey,
      dataKeyReuse: Duration.minutes(5),
      enforceSSL: true,
      retentionPeriod: DLQ_RETENTION,
      removalPolicy,
      ...(this.fifo ? { fifo: true } : {}),
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.encryptionKey,
      dataKeyReuse: Duration.minutes(5),
      enforceSSL: true,
      visibilityTimeout: this.visibilityTimeout,
      retentionPeriod: props.retentionPeriod ?? Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: this.maxReceiveCount },
      removalPolicy,
      ...(this.fifo ? { fifo: true, contentBasedDeduplication: true } : {}),
    });
    if (props.consumer) this.attach(props.consumer);
  }

  private static validateOptions(id: string, options: ConsumerOptions, fifo: boolean): ConsumerOptions {
    assertRange('BufferedConsumer', id, 'batchSize', options.batchSize, 1, fifo ? 10 : 10_000);
    if (fifo && options.maxBatchingWindow) {
      throw new ConstructPropsError('BufferedConsumer', id, 'a FIFO queue source takes no maxBatchingWindow');
    }
    assertRange('BufferedConsumer', id, 'maxConcurrency', options.maxConcurrency, 2, 1000);
    const window = options.maxBatchingWindow;
    if (window && window.toSeconds() > 300) {
      throw new ConstructPropsError('BufferedConsumer', id, 'maxBatchingWindow must be at most 5 minutes');
    }
    if ((options.batchSize ?? 10) > 10 && window === undefined) {
      return { ...options, maxBatchingWindow: Duration.seconds(1) };
    }
    return options;
  }

  /**
   * Makes `consumer` drain the queue (partial batch responses on). Options given here override
   * the construct's. Refuses a consumer whose timeout would let messages reappear mid-flight.
   */
  public attach(consumer: lambda.IFunction, overrides: ConsumerOptions = {}): SqsEventSource {
    const options = BufferedConsumer.validateOptions(
      this.node.id,
      { ...this.options, ...overrides },
      this.fifo,
    );
    if (consumer instanceof lambda.Function && consumer.timeout) {
      const needed = consumer.timeout.toSeconds() * 6;
      if (needed > this.visibilityTimeout.toSeconds()) {
        throw new ConstructPropsError(
          'BufferedConsumer',
          this.node.id,
          `visibilityTimeout (${this.visibilityTimeout.toSeconds()} s) must be at least 6 × the consumer timeout ` +
            `(${needed} s) so messages in flight do not reappear`,
        );
      }
    }
    const source = new SqsEventSource(this.queue, {
      reportBatchItemFailures: true,
      batchSize: options.batchSize ?? 10,
      maxBatchingWindow: options.maxBatchingWindow,
      maxConcurrency: options.maxConcurrency,
    });
    consumer.addEventSource(source);
    return source;
  }
}
