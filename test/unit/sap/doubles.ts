import type { Context } from 'aws-lambda';
import type { ClaimResult, DocnumRegistry } from '../../../functions/sap-idoc-ingress/docnum-registry';
import type { EventPublisherPort } from '../../../functions/sap-idoc-ingress/ingest';
import type {
  RawPayload,
  RawPayloadRecord,
  RawPayloadStatus,
  RawPayloadStore,
} from '../../../functions/sap-idoc-ingress/raw-store';
import type { PublishRequest } from '../../../shared/publisher';

export class MemoryRawStore implements RawPayloadStore {
  readonly records = new Map<string, RawPayloadRecord>();
  async put(payload: RawPayload): Promise<void> {
    this.records.set(payload.receiptId, { ...payload, status: 'received' });
  }
  async get(receiptId: string): Promise<RawPayloadRecord | undefined> {
    return this.records.get(receiptId);
  }
  async mark(
    receiptId: string,
    status: RawPayloadStatus,
    facts: { reason?: string; docnums?: readonly string[] } = {},
  ): Promise<void> {
    const record = this.records.get(receiptId);
    if (!record) throw new Error(`no record ${receiptId}`);
    this.records.set(receiptId, { ...record, status, ...facts });
  }
}

export class MemoryRegistry implements DocnumRegistry {
  readonly state = new Map<string, 'in-progress' | 'done'>();
  async claim(docnum: string): Promise<ClaimResult> {
    const current = this.state.get(docnum);
    if (current) return current;
    this.state.set(docnum, 'in-progress');
    return 'claimed';
  }
  async complete(docnum: string): Promise<void> {
    this.state.set(docnum, 'done');
  }
  async release(docnum: string): Promise<void> {
    if (this.state.get(docnum) === 'in-progress') this.state.delete(docnum);
  }
}

export class RecordingPublisher implements EventPublisherPort {
  readonly published: PublishRequest[] = [];
  failWith: Error | undefined;
  async publish(requests: readonly PublishRequest[]): Promise<unknown> {
    if (this.failWith) throw this.failWith;
    this.published.push(...requests);
    return requests;
  }
}

let invocation = 0;
export const lambdaContext = (): Context =>
  ({
    awsRequestId: `req-${++invocation}`,
    functionName: 'sap-idoc-ingress',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:sap-idoc-ingress',
    memoryLimitInMB: '256',
    logGroupName: '/aws/lambda/sap-idoc-ingress',
    logStreamName: 'test',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  }) as Context;
