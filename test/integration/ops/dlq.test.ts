import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { startFauxqs } from 'fauxqs';
import { DeadLetterOperations, parseFilter } from '../../../cli/ops/dlq';
import { SqsDeadLetterSink } from '../../../shared/dead-letters';
import { TransientError, ValidationError } from '../../../shared/errors';

type Fauxqs = Awaited<ReturnType<typeof startFauxqs>>;

describe('dead-letter operations against an SQS endpoint', () => {
  let server: Fauxqs;
  let sqs: SQSClient;
  let sourceUrl: string;
  let dlqUrl: string;
  let sourceArn: string;

  const event = (correlationId: string) =>
    JSON.stringify({ 'detail-type': 'DowntimeStarted', detail: { metadata: { correlationId } } });

  beforeAll(async () => {
    server = await startFauxqs({ port: 0, logger: false });
    sqs = new SQSClient({
      endpoint: server.address,
      region: 'us-east-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    });
    dlqUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'downtime-consumer-dlq' }))).QueueUrl ?? '';
    const dlqArn =
      (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] })))
        .Attributes?.QueueArn ?? '';
    sourceUrl =
      (
        await sqs.send(
          new CreateQueueCommand({
            QueueName: 'downtime-consumer',
            Attributes: {
              RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 3 }),
            },
          }),
        )
      ).QueueUrl ?? '';
    sourceArn =
      (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: sourceUrl, AttributeNames: ['QueueArn'] })))
        .Attributes?.QueueArn ?? '';
    const sink = new SqsDeadLetterSink(sqs, dlqUrl);
    await sink.send({
      body: event('c1'),
      error: new ValidationError('unknown unit "PCS"'),
      sourceQueueArn: sourceArn,
      correlationId: 'c1',
    });
    await sink.send({
      body: event('c2'),
      error: new ValidationError('unknown unit "PCS"'),
      sourceQueueArn: sourceArn,
      correlationId: 'c2',
    });
    await sink.send({
      body: event('c3'),
      error: new TransientError('MES answered 503'),
      sourceQueueArn: sourceArn,
      correlationId: 'c3',
    });
  });

  afterAll(async () => {
    sqs.destroy();
    await server.stop();
  });

  it('lists the DLQ found through the redrive policy, with depth, oldest age and reasons grouped', async () => {
    const [summary, ...others] = await new DeadLetterOperations(sqs).summaries();
    expect(others).toEqual([]);
    expect(summary).toMatchObject({
      name: 'downtime-consumer-dlq',
      depth: 3,
      sources: ['downtime-consumer'],
    });
    expect(summary?.oldestAgeSeconds).toBeGreaterThanOrEqual(0);
    expect(summary?.reasons).toEqual([
      { reason: 'ValidationError: unknown unit "PCS"', count: 2 },
      { reason: 'TransientError: MES answered 503', count: 1 },
    ]);
  });

  it('peeks without consuming: the messages are still there afterwards', async () => {
    const ops = new DeadLetterOperations(sqs);
    const first = await ops.peek(dlqUrl);
    const second = await ops.peek(dlqUrl);
    expect(first.map((m) => m.correlationId).sort()).toEqual(['c1', 'c2', 'c3']);
    expect(second).toHaveLength(3);
    expect(first[0]?.origin).toBe(sourceArn);
  });

  it('counts a dry run without moving anything', async () => {
    const report = await new DeadLetterOperations(sqs).replay('downtime-consumer-dlq', { dryRun: true });
    expect(report).toMatchObject({ total: 3, matched: 3, replayed: 0, kept: [] });
    expect(await new DeadLetterOperations(sqs).peek(dlqUrl)).toHaveLength(3);
  });

  it('replays the filtered messages to their origin queue and keeps the rest', async () => {
    const ops = new DeadLetterOperations(sqs);
    const report = await ops.replay('downtime-consumer-dlq', {
      filter: parseFilter(['error=TransientError']),
    });
    expect(report).toMatchObject({ total: 3, matched: 1, replayed: 1, kept: [] });

    const back = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: sourceUrl, MessageAttributeNames: ['All'] }),
    );
    expect(back.Messages?.map((m) => JSON.parse(m.Body ?? '{}').detail.metadata.correlationId)).toEqual([
      'c3',
    ]);
    expect(back.Messages?.[0]?.MessageAttributes?.['plantsync.error.name']).toBeUndefined();
    expect(back.Messages?.[0]?.MessageAttributes?.['plantsync.replayed.from']?.StringValue).toBe(
      'downtime-consumer-dlq',
    );
    expect((await ops.peek(dlqUrl)).map((m) => m.correlationId).sort()).toEqual(['c1', 'c2']);
  });

  it('refuses a malformed filter and an unknown queue with the reason', async () => {
    expect(() => parseFilter(['colour=red'])).toThrow(/unknown filter key "colour"/);
    expect(() => parseFilter(['error'])).toThrow(/not key=value/);
    await expect(new DeadLetterOperations(sqs).replay('nope')).rejects.toThrow(
      /no dead-letter queue "nope"; known: downtime-consumer-dlq/,
    );
  });
});
