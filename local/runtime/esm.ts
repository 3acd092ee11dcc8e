import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { type CompiledPattern, compilePattern } from '../eventbridge';
import type { LambdaService } from './lambda';
import type { Meter } from './metering';
import type { EventSourceMappingModel, QueueModel } from './model';
import { localEnv } from './naming';

/**
 * An SQS event source mapping: pollers receive batches, invoke the function synchronously and delete
 * only the records that succeeded (all, or all but the reported `batchItemFailures`). Failed records
 * become visible again after the queue's visibility timeout, and the queue's redrive policy moves them
 * to its dead-letter queue after maxReceiveCount receives.
 */
export class SqsEventSourceMapping {
  private readonly abort = new AbortController();
  private readonly loops: Promise<void>[] = [];
  private inFlight = 0;
  private readonly filters: CompiledPattern[];

  constructor(
    readonly model: EventSourceMappingModel,
    private readonly queue: QueueModel,
    private readonly client: SQSClient,
    private readonly lambda: LambdaService,
    private readonly meter: Meter,
    private readonly log: (line: string) => void,
  ) {
    // Invalid patterns throw here, so the runtime reports them at start-up.
    this.filters = model.filters.map((p) => compilePattern(p));
  }

  /** Pollers: the mapping's MaximumConcurrency, capped by the function's concurrency. */
  get pollers(): number {
    const fn = this.lambda.get(this.model.functionName);
    const cap = fn?.concurrency ?? 1;
    return Math.max(1, Math.min(this.model.maximumConcurrency ?? cap, cap));
  }

  start(): void {
    if (!this.model.enabled) return;
    for (let i = 0; i < this.pollers; i++) this.loops.push(this.loop());
  }

  /** True while a batch is being processed. */
  get busy(): boolean {
    return this.inFlight > 0;
  }

  private async loop(): Promise<void> {
    while (!this.abort.signal.aborted) {
      try {
        const batch = await this.collectBatch();
        if (batch.length === 0) continue;
        this.inFlight++;
        try {
          await this.process(batch);
        } finally {
          this.inFlight--;
        }
      } catch (error) {
        if (this.abort.signal.aborted) return;
        this.log(`event source mapping ${this.model.id}: ${String(error)}`);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  private async receive(max: number, waitSeconds: number): Promise<Message[]> {
    this.meter.count('sqs', 'ReceiveMessage (event source mapping)');
    const out = await this.client.send(
      new ReceiveMessageCommand({
        QueueUrl: this.queue.url,
        MaxNumberOfMessages: Math.min(10, max),
        WaitTimeSeconds: waitSeconds,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
      { abortSignal: this.abort.signal },
    );
    return out.Messages ?? [];
  }

  /** Gathers up to BatchSize records, waiting at most MaximumBatchingWindowInSeconds after the first. */
  private async collectBatch(): Promise<Message[]> {
    // Long polling, as Lambda's pollers do (20 s); stop() aborts the pending receive.
    const batch = await this.receive(this.model.batchSize, 20);
    if (batch.length === 0 || this.model.maximumBatchingWindowSeconds === 0) return batch;
    const deadline = Date.now() + this.model.maximumBatchingWindowSeconds * 1000;
    while (batch.length < this.model.batchSize && Date.now() < deadline && !this.abort.signal.aborted) {
      const wait = Math.min(20, Math.max(0, Math.floor((deadline - Date.now()) / 1000)));
      const more = await this.receive(this.model.batchSize - batch.length, wait);
      batch.push(...more);
      if (more.length === 0 && wait === 0) break;
    }
    return batch;
  }

  /** Lambda event filtering: records matching no filter are deleted without invoking the function. */
  private async filter(messages: Message[]): Promise<Message[]> {
    if (this.filters.length === 0) return messages;
    const matched: Message[] = [];
    const dropped: Message[] = [];
    for (const m of messages) {
      const record: Record<string, unknown> = { ...this.record(m) };
      try {
        record.body = JSON.parse(m.Body ?? '');
      } catch {
        // A body that is not JSON is matched as a plain string.
      }
      (this.filters.some((f) => f.matches(record)) ? matched : dropped).push(m);
    }
    await this.delete(dropped);
    return matched;
  }

  private async delete(messages: Message[]): Promise<void> {
    if (messages.length === 0) return;
    this.meter.count('sqs', 'DeleteMessageBatch (event source mapping)');
    await this.client.send(
      new DeleteMessageBatchCommand({
        QueueUrl: this.queue.url,
        Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle as string })),
      }),
    );
  }

  private async process(received: Message[]): Promise<void> {
    const fn = this.lambda.get(this.model.functionName);
    if (!fn) throw new Error(`function ${this.model.functionName} is not in the app`);
    const messages = await this.filter(received);
    if (messages.length === 0) return;
    const event = { Records: messages.map((m) => this.record(m)) };
    let succeeded: Message[] = [];
    try {
      const result = await fn.invoke(event, { throttle: false });
      if (!result.ok) {
        this.log(
          `${this.model.functionName}: batch of ${messages.length} from ${this.queue.name} failed ` +
            `(${result.error.errorType}: ${result.error.errorMessage}); records return after the visibility timeout`,
        );
      } else {
        succeeded = this.successfulRecords(messages, result.payload);
      }
    } catch (error) {
      this.log(`${this.model.functionName}: invoke failed: ${String(error)}`);
    }
    await this.delete(succeeded);
  }

  /** Applies ReportBatchItemFailures semantics, as Lambda documents them. */
  private successfulRecords(messages: Message[], payload: string): Message[] {
    if (!this.model.reportBatchItemFailures) return messages;
    let response: unknown;
    try {
      response = JSON.parse(payload);
    } catch {
      return messages;
    }
    const failures = (response as { batchItemFailures?: { itemIdentifier?: unknown }[] } | null)
      ?.batchItemFailures;
    if (!Array.isArray(failures) || failures.length === 0) return messages;
    const ids = new Set<string>();
    for (const f of failures) {
      const id = f?.itemIdentifier;
      // An empty, null or unknown identifier fails the whole batch.
      if (typeof id !== 'string' || id === '' || !messages.some((m) => m.MessageId === id)) return [];
      ids.add(id);
    }
    return messages.filter((m) => !ids.has(m.MessageId as string));
  }

  private record(m: Message) {
    const attributes = m.Attributes ?? {};
    return {
      messageId: m.MessageId,
      receiptHandle: m.ReceiptHandle,
      body: m.Body ?? '',
      attributes: {
        ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
        SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
        SenderId: attributes.SenderId ?? 'AIDAIENQZJOLO23YVJ4VO',
        ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
        ...(attributes.MessageGroupId ? { MessageGroupId: attributes.MessageGroupId } : {}),
        ...(attributes.MessageDeduplicationId
          ? { MessageDeduplicationId: attributes.MessageDeduplicationId }
          : {}),
        ...(attributes.SequenceNumber ? { SequenceNumber: attributes.SequenceNumber } : {}),
      },
      messageAttributes: Object.fromEntries(
        Object.entries(m.MessageAttributes ?? {}).map(([k, v]) => [
          k,
          {
            stringValue: v.StringValue,
            binaryValue: v.BinaryValue ? Buffer.from(v.BinaryValue).toString('base64') : undefined,
            stringListValues: [],
            binaryListValues: [],
            dataType: v.DataType,
          },
        ]),
      ),
      md5OfBody: m.MD5OfBody,
      ...(m.MD5OfMessageAttributes ? { md5OfMessageAttributes: m.MD5OfMessageAttributes } : {}),
      eventSource: 'aws:sqs',
      eventSourceARN: this.queue.arn,
      awsRegion: localEnv.region,
    };
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.allSettled(this.loops);
  }
}
