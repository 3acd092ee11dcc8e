import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { buildApp } from 'fauxqs';
import type { QueueModel } from './model';
import { localEnv } from './naming';

export interface SqsEmulator {
  readonly url: string;
  stop(): Promise<void>;
}

/** fauxqs (SQS emulator) bound to 127.0.0.1 on an ephemeral port, state in memory. */
export async function startSqsEmulator(): Promise<SqsEmulator> {
  const app = buildApp({ logger: false, defaultRegion: localEnv.region });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url: address.replace('localhost', '127.0.0.1'), stop: () => app.close() };
}

export function sqsClient(endpoint: string, accessKeyId = 'plantsync-local-admin'): SQSClient {
  return new SQSClient({
    endpoint,
    region: localEnv.region,
    credentials: { accessKeyId, secretAccessKey: 'local' },
  });
}

/** Creates the templates' queues (dead-letter targets first, so redrive policies resolve). */
export async function createQueues(endpoint: string, queues: readonly QueueModel[]): Promise<void> {
  const client = sqsClient(endpoint);
  try {
    const plain = queues.filter((q) => !q.attributes.RedrivePolicy);
    const redriven = queues.filter((q) => q.attributes.RedrivePolicy);
    for (const group of [plain, redriven]) {
      await Promise.all(
        group.map((q) =>
          client.send(new CreateQueueCommand({ QueueName: q.name, Attributes: q.attributes })),
        ),
      );
    }
  } finally {
    client.destroy();
  }
}
