import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { App } from 'aws-cdk-lib';
import { DetailType, definitionOf } from '../../../events';
import { buildPlantsync } from '../../../infra/app-builder';
import { loadEnvironment } from '../../../infra/config/environments';
import { MemoryAuditStore } from '../../../local/audit';
import { type LocalRuntime, startLocalRuntime } from '../../../local/runtime/runtime';
import { runWithCorrelation } from '../../../shared/correlation';
import { EventPublisher } from '../../../shared/publisher';

const isState = (hop: { kind: string }) => hop.kind === 'state-transition';

/** Boots what `cdk synth` produces for the dev environment: the same templates, bundles and ASL. */
const outdir = mkdtempSync(join(tmpdir(), 'plantsync-synth-'));
let runtime: LocalRuntime;
const logLines: string[] = [];
const audit = new MemoryAuditStore();
const DOWNTIME_CORRELATION = 'real-app-downtime-1';
const operator = {
  region: 'eu-central-1',
  credentials: { accessKeyId: 'test-operator', secretAccessKey: 'x' },
};

beforeAll(async () => {
  const app = new App({ outdir });
  buildPlantsync(app, { config: loadEnvironment('dev'), nag: false, onPending: () => undefined });
  app.synth();
  runtime = await startLocalRuntime({ cdkOut: outdir, log: (line) => logLines.push(line), audit });
  process.stdout.write(`local runtime started the synthesized app in ${runtime.startupMs} ms\n`);
}, 240_000);

afterAll(async () => {
  await runtime?.stop();
  rmSync(outdir, { recursive: true, force: true });
});

describe('local runtime on the synthesized app', () => {
  it('runs every function, queue, table, state machine and rule of the templates', () => {
    const { model } = runtime;

    expect(model.functions.length).toBeGreaterThan(0);
    expect(model.tables.length).toBeGreaterThan(0);
    expect(model.stateMachines.length).toBeGreaterThan(0);
    expect(model.rules.length).toBeGreaterThan(0);
    expect(model.eventSourceMappings.length).toBeGreaterThan(0);
  });

  it('reports nothing unsupported except schedules it does not fire', () => {
    const unsupported = runtime.report
      .of('unsupported')
      .filter((f) => !f.message.startsWith('schedule cron('));

    expect(unsupported).toEqual([]);
  });

  it('routes a published canonical event through the real rule to its state machine', async () => {
    const events = new EventBridgeClient({ ...operator, endpoint: runtime.endpoints.eventbridge });
    const sfn = new SFNClient({ ...operator, endpoint: runtime.endpoints.stepfunctions });
    const busName = runtime.model.buses[0]?.name as string;
    const publisher = new EventPublisher({
      busName,
      producer: { system: 'mes', name: 'test' },
      client: events,
    });
    const definition = definitionOf(DetailType.DowntimeStarted);
    const workflow = runtime.model.stateMachines.find((m) => m.name.includes('downtime-to-maintenance'));

    await runWithCorrelation({ correlationId: DOWNTIME_CORRELATION }, () =>
      publisher.publish([
        {
          detailType: DetailType.DowntimeStarted,
          data: definition.example,
          plant: '1000',
          occurredAt: '2026-11-25T03:00:00+01:00',
          idempotencyKey: 'test:downtime:1',
        },
      ]),
    );
    await runtime.eventBridge.drain();

    const executions = await sfn.send(new ListExecutionsCommand({ stateMachineArn: workflow?.arn }));
    expect(executions.executions?.length).toBe(1);
    events.destroy();
    sfn.destroy();
  });

  it('records that flow in the audit trail: published, delivered by the rule, states of the workflow', async () => {
    // The workflow goes on to call simulated systems that are not running here: wait for its first state.
    for (let i = 0; i < 100 && !audit.byCorrelation(DOWNTIME_CORRELATION).some(isState); i++)
      await new Promise((resolve) => setTimeout(resolve, 100));

    const hops = audit.trace(DOWNTIME_CORRELATION).hops;

    expect(hops.slice(0, 2).map((h) => [h.kind, h.plant, h.detailType])).toEqual([
      ['event-published', '1000', DetailType.DowntimeStarted],
      ['rule-delivered', '1000', DetailType.DowntimeStarted],
    ]);
    expect(hops.find(isState)?.component).toMatch(/downtime-to-maintenance/);
  });
});
