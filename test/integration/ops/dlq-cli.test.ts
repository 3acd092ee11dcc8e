import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startFauxqs } from 'fauxqs';
import { memoryIo } from '../../../cli/io';
import { run } from '../../../cli/main';
import { SqsDeadLetterSink } from '../../../shared/dead-letters';
import { PermanentError } from '../../../shared/errors';

describe('plantsync dlq against the local endpoints file', () => {
  let server: Awaited<ReturnType<typeof startFauxqs>>;
  let home: string;
  const previousHome = process.env.PLANTSYNC_HOME;

  beforeAll(async () => {
    server = await startFauxqs({ port: 0, logger: false });
    home = mkdtempSync(join(tmpdir(), 'plantsync-cli-'));
    mkdirSync(join(home, '.plantsync', 'local'), { recursive: true });
    writeFileSync(
      join(home, '.plantsync', 'local', 'endpoints.json'),
      JSON.stringify({ sqs: server.address }),
    );
    process.env.PLANTSYNC_HOME = home;
    const sqs = new SQSClient({
      endpoint: server.address,
      region: 'us-east-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    });
    const dlqUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'sap-poster-dlq' }))).QueueUrl ?? '';
    const source = (await sqs.send(new CreateQueueCommand({ QueueName: 'sap-poster' }))).QueueUrl ?? '';
    const sourceArn = (
      await sqs.send(new GetQueueAttributesCommand({ QueueUrl: source, AttributeNames: ['QueueArn'] }))
    ).Attributes?.QueueArn;
    await new SqsDeadLetterSink(sqs, dlqUrl).send({
      body: '{"detail-type":"ProductionConfirmed"}',
      error: new PermanentError('SAP refused: period 11/2026 is closed'),
      ...(sourceArn ? { sourceQueueArn: sourceArn } : {}),
    });
    sqs.destroy();
  });

  afterAll(async () => {
    if (previousHome === undefined) delete process.env.PLANTSYNC_HOME;
    else process.env.PLANTSYNC_HOME = previousHome;
    await server.stop();
  });

  it('lists DLQs for people and as JSON', async () => {
    const human = memoryIo();
    expect(await run(['dlq', 'list'], human)).toBe(0);
    expect(human.stdout()).toMatch(/sap-poster-dlq\s+depth\s+1/);
    expect(human.stdout()).toContain('1 × PermanentError: SAP refused: period 11/2026 is closed');

    const machine = memoryIo();
    await run(['dlq', 'list', '--json'], machine);
    expect(JSON.parse(machine.stdout())).toEqual([
      expect.objectContaining({ name: 'sap-poster-dlq', depth: 1 }),
    ]);
  });

  it('shows the messages of a queue with their reason', async () => {
    const io = memoryIo();
    expect(await run(['dlq', 'show', 'sap-poster-dlq'], io)).toBe(0);
    expect(io.stdout()).toContain('sap-poster-dlq: 1 message(s)');
    expect(io.stdout()).toContain('ProductionConfirmed');
  });

  it('replays with a dry run first, then for real', async () => {
    const dry = memoryIo();
    expect(await run(['dlq', 'replay', 'sap-poster-dlq', '--dry-run'], dry)).toBe(0);
    expect(dry.stdout()).toContain('1 read, 1 matched, 0 replayed (dry run: nothing moved), 0 kept');
    const real = memoryIo();
    expect(await run(['dlq', 'replay', 'sap-poster-dlq', '--json'], real)).toBe(0);
    expect(JSON.parse(real.stdout())).toMatchObject({ replayed: 1, kept: [] });
  });

  it('exits 2 with the reason when the queue does not exist', async () => {
    const io = memoryIo();
    expect(await run(['dlq', 'show', 'nope'], io)).toBe(2);
    expect(io.stderr()).toContain('no dead-letter queue "nope"');
  });
});
