import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { Command } from 'commander';
import { startFauxqs } from 'fauxqs';
import { memoryIo } from '../../../cli/io';
import { JsonlAuditWriter } from '../../../local/audit';
import { localRuntimeConsoleData, registerConsole } from '../../../local/console/console-command';
import type { ConsoleServer } from '../../../local/console/server';
import { SqsDeadLetterSink } from '../../../shared/dead-letters';
import { PermanentError } from '../../../shared/errors';

describe('plantsync console', () => {
  it('serves the demo plant until told to stop', async () => {
    const io = memoryIo();
    const program = new Command('plantsync').exitOverride();
    let stop: () => void = () => {};
    const stopped = new Promise<void>((resolve) => {
      stop = resolve;
    });
    const listening = new Promise<ConsoleServer>((resolve) =>
      registerConsole(program, io, { until: () => stopped, onListening: resolve }),
    );

    const running = program.parseAsync(['console', '--demo', '--port', '0'], { from: 'user' });
    const server = await listening;
    const overview = (await (await fetch(`${server.url}api/overview`)).json()) as { plants: unknown[] };
    stop();
    await running;

    expect(io.stdout()).toContain(`ops console (demo data): ${server.url}`);
    expect(overview.plants).toHaveLength(2);
  });

  it('refuses a port that is not a port', async () => {
    const program = new Command('plantsync').exitOverride();
    registerConsole(program, memoryIo(), { until: async () => {} });

    await expect(program.parseAsync(['console', '--port', 'x'], { from: 'user' })).rejects.toMatchObject({
      exitCode: 2,
    });
  });
});

describe('localRuntimeConsoleData', () => {
  let sqsServer: Awaited<ReturnType<typeof startFauxqs>>;
  let home: string;

  beforeAll(async () => {
    sqsServer = await startFauxqs({ port: 0, logger: false });
    home = mkdtempSync(join(tmpdir(), 'plantsync-console-'));
    mkdirSync(join(home, '.plantsync', 'local'), { recursive: true });
    writeFileSync(
      join(home, '.plantsync', 'local', 'endpoints.json'),
      JSON.stringify({ sqs: sqsServer.address }),
    );
    const sqs = new SQSClient({
      endpoint: sqsServer.address,
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

  afterAll(() => sqsServer.stop());

  it('reads DLQs from the runtime SQS and flows, traces and stuck orders from the audit file as it grows', async () => {
    const data = localRuntimeConsoleData(home, 60, () => new Date('2026-11-25T06:05:00.000Z'));
    expect(await data.stuckOrders()).toEqual([]);

    const writer = new JsonlAuditWriter(join(home, '.plantsync', 'local', 'audit.jsonl'));
    writer.record({
      kind: 'event-published',
      at: '2026-11-25T06:00:00.000Z',
      durationMs: 0,
      correlationId: 'c-1',
      plant: '1010',
      component: 'sap-idoc-ingress',
      detailType: 'ProductionOrderReleased',
      outcome: 'ok',
      keys: [{ kind: 'order', value: '1000123' }],
    });
    writer.close();

    const dlqs = await data.dlqs();
    expect(dlqs.map((q) => [q.name, q.depth])).toEqual([['sap-poster-dlq', 1]]);
    expect((await data.overview()).plants[0]?.flows.ordersReleased).toBe(1);
    expect((await data.trace('1000123')).hops).toHaveLength(1);
    expect(await data.stuckOrders()).toEqual([
      expect.objectContaining({ orderNumber: '1000123', status: 'AWAITING_ACK', owner: expect.any(Object) }),
    ]);
    expect((await data.replay('sap-poster-dlq', true)).matched).toBe(1);
  });
});
