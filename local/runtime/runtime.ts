import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { AuditSink } from '../audit';
import {
  DeliveryError,
  type DeliveryMeta,
  type DroppedDelivery,
  LocalEventBridge,
  startEventBridgeServer,
  type Target,
} from '../eventbridge';
import type { Usage } from '../report/cost';
import { ApiGatewayFront } from './apigateway';
import { AuditedEventBridge, RuntimeAudit } from './audit';
import { readCloudAssembly } from './cdk-out';
import { createTables, DYNAMODB_LOCAL_KEY, type DynamoDbLocal, startDynamoDbLocal } from './dynamodb';
import { SqsEventSourceMapping } from './esm';
import { type LoopbackServer, listenLoopback } from './http';
import { IamAuthorizer } from './iam';
import { TemplateResolver } from './intrinsics';
import { LambdaService } from './lambda';
import { Meter } from './metering';
import { type AppModel, buildModel, type RuleModel } from './model';
import { arn, LOCAL_ACCOUNT, localEnv, nameFromArn, setLocalRegion } from './naming';
import { classifyDynamoDb, classifySqs, denyJson, denySqs, startAuthorizingProxy } from './proxy';
import { StartupReport } from './report';
import { notEmulatedHandler, secretsHandler } from './secrets';
import { createQueues, type SqsEmulator, sqsClient, startSqsEmulator } from './sqs';
import { StepFunctionsService, stateMachinePrincipal } from './stepfunctions';

export interface LocalRuntimeOptions {
  /** Path to the cloud assembly (`cdk.out`). */
  readonly cdkOut: string;
  /** Fixed ports for the fronts; 0 or absent means ephemeral. */
  readonly ports?: Partial<
    Record<'dynamodb' | 'sqs' | 'eventbridge' | 'stepfunctions' | 'api' | 'secretsmanager', number>
  >;
  readonly log?: (line: string) => void;
  /** Concurrent environments per function without reserved concurrency. @default 4 */
  readonly defaultConcurrency?: number;
  /** Pauses between async-invocation attempts. @default [1000, 2000] (AWS: ~1 min, ~2 min) */
  readonly asyncRetryDelaysMs?: readonly number[];
  /** Delay before EventBridge target retry `attempt`. @default the bus's exponential backoff */
  readonly eventRetryDelayMs?: (attempt: number) => number;
  /**
   * Where the audit trail goes (e.g. `fanOut(new MemoryAuditStore(), new JsonlAuditWriter(path))`):
   * a hop per invocation, publication, rule delivery, state and dead letter. @default no trail
   */
  readonly audit?: AuditSink;
}

export interface LocalEndpoints {
  readonly eventbridge: string;
  readonly sqs: string;
  readonly dynamodb: string;
  readonly stepfunctions: string;
  readonly secretsmanager: string;
  /** Base URL of the first REST API's first stage (`…/{restApiId}/{stage}`), or the front's root. */
  readonly api: string;
  /** Every REST API stage by API name: `{ name: url }`. */
  readonly apis: Record<string, string>;
}

export interface LocalRuntime {
  readonly endpoints: LocalEndpoints;
  readonly model: AppModel;
  readonly report: StartupReport;
  readonly meter: Meter;
  readonly iam: IamAuthorizer;
  readonly lambda: LambdaService;
  readonly stepFunctions: StepFunctionsService;
  readonly eventBridge: LocalEventBridge;
  readonly startupMs: number;
  /** The audit sink given in the options, if any. */
  readonly audit?: AuditSink;
  /**
   * Adds or replaces a Secrets Manager secret (for secrets the app reads by name but does not create,
   * e.g. connector credentials). Returns its ARN.
   */
  putSecret(name: string, value: string): string;
  /** Billable usage so far in the units the cost report prices (see local/report/cost.ts). */
  usage(): Usage;
  /** Environment a client process needs to reach the local services (endpoints + dummy credentials). */
  clientEnvironment(): Record<string, string>;
  /**
   * Resolves when no event delivery, async invocation, queue record (visible, in flight or delayed) or
   * execution is in progress; executions waiting for a task token count as settled. With `timeoutMs`,
   * resolves `false` if that takes longer (records failing into long visibility timeouts can).
   */
  settle(options?: { timeoutMs?: number }): Promise<boolean>;
  stop(): Promise<void>;
}

/**
 * Boots the synthesized app on local stand-ins: reads cdk.out, starts DynamoDB Local, fauxqs, the
 * EventBridge bus, the Step Functions interpreter, Lambda worker pools and the API front, creates every
 * resource, and reports what it cannot honour.
 */
export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const started = Date.now();
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const report = new StartupReport();
  const meter = new Meter();
  const iam = new IamAuthorizer(log);
  const closers: (() => Promise<unknown>)[] = [];
  const audit = options.audit ? new RuntimeAudit(options.audit, log) : undefined;
  const stacks = readCloudAssembly(options.cdkOut);
  const regions = new Set(stacks.map((s) => s.region).filter((r): r is string => r !== undefined));
  if (regions.size > 1)
    report.add('differs', 'cdk.out', `stacks span regions ${[...regions].join(', ')}; all run in one`);
  setLocalRegion([...regions][0] ?? 'us-east-1');

  try {
    // Emulators and fronts first: references resolve to their URLs.
    const [dynamo, sqs]: [DynamoDbLocal, SqsEmulator] = await Promise.all([
      startDynamoDbLocal(log),
      startSqsEmulator(),
    ]);
    closers.push(dynamo.stop, sqs.stop);
    const dynamoProxy = await startAuthorizingProxy({
      service: 'dynamodb',
      upstream: dynamo.url,
      iam,
      meter,
      classify: classifyDynamoDb,
      deny: denyJson,
      upstreamAccessKeyId: DYNAMODB_LOCAL_KEY,
    });
    const sqsProxy = await startAuthorizingProxy({
      service: 'sqs',
      upstream: sqs.url,
      iam,
      meter,
      classify: classifySqs,
      deny: denySqs,
      ...(audit ? { observe: (operation: string, body: Buffer) => audit.sqsRequest(operation, body) } : {}),
    });
    closers.push(dynamoProxy.close, sqsProxy.close);

    let model: AppModel | undefined;
    let lambda: LambdaService | undefined;
    let stepFunctions: StepFunctionsService | undefined;
    const api = new ApiGatewayFront(() => lambda, meter, log);
    const servers: LoopbackServer[] = [];
    const serve = async (handler: Parameters<typeof listenLoopback>[0], port?: number) => {
      const s = await listenLoopback(handler, port ?? 0);
      servers.push(s);
      closers.push(s.close);
      return s;
    };
    const apiServer = await serve((req, res) => api.handle(req, res), options.ports?.api);
    const sfnServer = await serve(async (req, res) => {
      if (!stepFunctions) throw new Error('Step Functions not ready');
      await stepFunctions.handle(req, res);
    }, options.ports?.stepfunctions);
    const secretsServer = await serve(
      secretsHandler(() => model?.secrets ?? [], iam, meter),
      options.ports?.secretsmanager,
    );
    const notEmulated = await serve(notEmulatedHandler(log, meter));

    const resolver = new TemplateResolver(
      stacks,
      { sqsBaseUrl: sqsProxy.url, apiBaseUrl: apiServer.url },
      report,
    );
    model = buildModel(resolver, report, options.cdkOut);
    const app = model;
    api.configure(app.apis);

    // EventBridge: deliveries route by target ARN to the local services.
    const admin = sqsClient(sqs.url);
    const queueUrl = (queueArn: string) => `${sqs.url}/${LOCAL_ACCOUNT}/${nameFromArn(queueArn)}`;
    const sendToQueue = async (
      queueArn: string,
      body: string,
      attributes: Record<string, string> = {},
      groupId?: string,
    ) => {
      meter.count('sqs', 'SendMessage (service integration)');
      await admin.send(
        new SendMessageCommand({
          QueueUrl: queueUrl(queueArn),
          MessageBody: body,
          ...(groupId ? { MessageGroupId: groupId } : {}),
          MessageAttributes: Object.fromEntries(
            Object.entries(attributes).map(([k, v]) => [k, { DataType: 'String', StringValue: String(v) }]),
          ),
        }),
      );
    };
    const deliver = async (target: Target, payload: string, meta: DeliveryMeta) => {
      const targetArn = target.Arn;
      const attributes = meta.deadLetter
        ? Object.fromEntries(Object.entries(meta.deadLetter).map(([k, v]) => [k, String(v)]))
        : {};
      const groupId = (target as Target & { SqsParameters?: { MessageGroupId?: string } }).SqsParameters
        ?.MessageGroupId;
      await routeToArn(targetArn, payload, attributes, groupId);
    };
    const busOptions = {
      account: LOCAL_ACCOUNT,
      region: localEnv.region,
      ...(options.eventRetryDelayMs ? { retryDelayMs: options.eventRetryDelayMs } : {}),
      deliver: audit ? auditedDelivery(audit, deliver) : deliver,
      onDropped: (d: DroppedDelivery) =>
        log(
          `event ${d.event.id} dropped for ${d.target.Arn}: ${d.reason.ERROR_CODE} ${d.reason.ERROR_MESSAGE}`,
        ),
    };
    const bridge: LocalEventBridge = audit
      ? new AuditedEventBridge(busOptions, audit)
      : new LocalEventBridge(busOptions);
    const routeToArn = async (
      targetArn: string,
      payload: string,
      attributes: Record<string, string> = {},
      groupId?: string,
    ) => {
      try {
        if (targetArn.startsWith('arn:aws:sqs:'))
          return await sendToQueue(targetArn, payload, attributes, groupId);
        if (targetArn.startsWith('arn:aws:lambda:')) {
          const fn = lambda?.get(targetArn);
          if (!fn) throw new DeliveryError('ResourceNotFoundException', `no function ${targetArn}`, false);
          return fn.invokeAsync(JSON.parse(payload));
        }
        if (targetArn.startsWith('arn:aws:states:')) {
          if (!stepFunctions) throw new DeliveryError('ServiceUnavailable', 'Step Functions not ready');
          stepFunctions.startExecution(targetArn, payload);
          return;
        }
        if (targetArn.startsWith('arn:aws:events:') && targetArn.includes(':event-bus/')) {
          // Bus to bus: the event travels unchanged (same id, time, source), as on AWS.
          bridge.forwardEvent(targetArn, JSON.parse(payload));
          return;
        }
        throw new DeliveryError('UnsupportedTarget', `target ${targetArn} is not run locally`, false);
      } catch (error) {
        if (error instanceof DeliveryError) throw error;
        throw new DeliveryError('DeliveryFailed', String(error));
      }
    };
    const ebServer = await startEventBridgeServer({
      bridge,
      ...(options.ports?.eventbridge ? { port: options.ports.eventbridge } : {}),
      authorize: (accessKeyId, action, resourceArn) => {
        const decision = iam.authorize(accessKeyId, action, [resourceArn]);
        if (!decision.allowed) return { allowed: false, message: decision.message };
        meter.count('eventbridge', action.replace('events:', ''));
        return true;
      },
    });
    closers.push(ebServer.close);

    const endpointsForFunctions: Record<string, string> = {
      AWS_ENDPOINT_URL: notEmulated.url,
      AWS_ENDPOINT_URL_DYNAMODB: dynamoProxy.url,
      AWS_ENDPOINT_URL_SQS: sqsProxy.url,
      AWS_ENDPOINT_URL_EVENTBRIDGE: ebServer.url,
      AWS_ENDPOINT_URL_SFN: sfnServer.url,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsServer.url,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_XRAY_CONTEXT_MISSING: 'IGNORE_ERROR',
    };

    // Resources.
    await Promise.all([createTables(dynamo.url, app.tables), createQueues(sqs.url, app.queues)]);
    for (const bus of app.buses) bridge.createEventBus(bus.name);
    const timers: NodeJS.Timeout[] = [];
    for (const rule of app.rules) installRule(bridge, rule, report, routeToArn, timers, log);
    for (const schedule of app.schedules) {
      const fire = () => {
        const executionId = crypto.randomUUID();
        const input = (schedule.target.Input ?? '{}')
          .replaceAll('<aws.scheduler.execution-id>', executionId)
          .replaceAll('<aws.scheduler.scheduled-time>', new Date().toISOString())
          .replaceAll(
            '<aws.scheduler.schedule-arn>',
            `arn:aws:scheduler:${localEnv.region}:${LOCAL_ACCOUNT}:schedule/default/${schedule.name}`,
          )
          .replaceAll('<aws.scheduler.attempt-number>', '1');
        routeToArn(schedule.target.Arn, input).catch((e: unknown) =>
          log(`schedule ${schedule.name}: ${String(e)}`),
        );
      };
      startSchedule(schedule.id, schedule.expression, schedule.enabled, fire, report, timers);
    }
    closers.push(async () => {
      for (const t of timers) clearInterval(t);
    });
    for (const archive of app.archives) {
      bridge.createArchive({
        ArchiveName: archive.name,
        EventSourceArn: archive.sourceArn,
        ...(archive.eventPattern ? { EventPattern: archive.eventPattern } : {}),
        ...(archive.retentionDays !== undefined ? { RetentionDays: archive.retentionDays } : {}),
      });
    }

    // Callers and their roles.
    for (const fn of app.functions) {
      const role = app.roles.get(fn.roleArn);
      if (!role)
        report.add('differs', fn.id, `role ${fn.roleArn} is not in the app: every call it makes is denied`);
      iam.addPrincipal({
        accessKeyId: fn.name,
        label: `function ${fn.name}`,
        roleArn: fn.roleArn,
        statements: role?.statements ?? [],
      });
    }
    for (const sm of app.stateMachines) {
      const role = app.roles.get(sm.roleArn);
      iam.addPrincipal({
        accessKeyId: stateMachinePrincipal(sm.name),
        label: `state machine ${sm.name}`,
        roleArn: sm.roleArn,
        statements: role?.statements ?? [],
      });
    }

    const lambdaService = new LambdaService(app.functions, {
      baseEnvironment: endpointsForFunctions,
      log,
      meter,
      defaultConcurrency: options.defaultConcurrency ?? 4,
      asyncRetryDelaysMs: options.asyncRetryDelaysMs ?? [1000, 2000],
      sendToDestination: (targetArn, body, attributes) => routeToArn(targetArn, body, attributes),
      ...(audit ? { audit } : {}),
    });
    lambda = lambdaService;
    closers.push(() => lambdaService.stop());
    const endpointsForSfn = {
      dynamodb: dynamoProxy.url,
      sqs: sqsProxy.url,
      eventbridge: ebServer.url,
      stepfunctions: sfnServer.url,
      secretsmanager: secretsServer.url,
    };
    const sfnService = new StepFunctionsService(app.stateMachines, {
      lambda: lambdaService,
      iam,
      endpoints: () => endpointsForSfn,
      log,
      meter,
      report,
      ...(audit ? { audit } : {}),
    });
    stepFunctions = sfnService;

    const pollClient = sqsClient(sqs.url);
    const mappings: SqsEventSourceMapping[] = [];
    for (const esm of app.eventSourceMappings) {
      const queue = app.queues.find((q) => q.arn === esm.queueArn);
      if (!queue) {
        report.add('unsupported', esm.id, `queue ${esm.queueArn} is not in the app`);
        continue;
      }
      let mapping: SqsEventSourceMapping;
      try {
        mapping = new SqsEventSourceMapping(esm, queue, pollClient, lambdaService, meter, log);
      } catch (error) {
        report.add('unsupported', esm.id, `filter criteria rejected: ${String(error)}; mapping not started`);
        continue;
      }
      mapping.start();
      mappings.push(mapping);
    }
    closers.push(async () => {
      await Promise.all(mappings.map((m) => m.stop()));
      pollClient.destroy();
      admin.destroy();
    });
    addStandingDifferences(report);

    const apis: Record<string, string> = {};
    for (const a of app.apis) {
      for (const s of a.stages)
        apis[a.stages.length > 1 ? `${a.name}/${s.name}` : a.name] = `${apiServer.url}/${a.id}/${s.name}`;
    }
    const endpoints: LocalEndpoints = {
      eventbridge: ebServer.url,
      sqs: sqsProxy.url,
      dynamodb: dynamoProxy.url,
      stepfunctions: sfnServer.url,
      secretsmanager: secretsServer.url,
      api: Object.values(apis)[0] ?? apiServer.url,
      apis,
    };
    const startupMs = Date.now() - started;

    return {
      endpoints,
      model: app,
      report,
      meter,
      iam,
      lambda: lambdaService,
      stepFunctions: sfnService,
      eventBridge: bridge,
      startupMs,
      ...(options.audit ? { audit: options.audit } : {}),
      putSecret: (name, value) => {
        const existing = app.secrets.findIndex((x) => x.name === name);
        const secret = { name, arn: arn.secret(name), value };
        if (existing >= 0) app.secrets.splice(existing, 1, secret);
        else app.secrets.push(secret);
        return secret.arn;
      },
      usage: () => usageOf(meter, bridge, sfnService),
      clientEnvironment: () => ({
        AWS_REGION: localEnv.region,
        AWS_ACCESS_KEY_ID: 'plantsync-local-operator',
        AWS_SECRET_ACCESS_KEY: 'local',
        ...endpointsForFunctions,
      }),
      settle: async (settleOptions) => {
        const quietly = async () => {
          for (let quiet = 0; quiet < 3; ) {
            await bridge.drain();
            await lambdaService.drainAsync();
            await sfnService.drain();
            const busy =
              mappings.some((m) => m.busy) || (await queuesHaveVisibleWork(sqs.url, app, mappings));
            quiet = busy ? 0 : quiet + 1;
            await new Promise((r) => setTimeout(r, busy ? 100 : 50));
          }
          return true;
        };
        if (settleOptions?.timeoutMs === undefined) return quietly();
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), settleOptions.timeoutMs);
        });
        try {
          return await Promise.race([quietly(), timeout]);
        } finally {
          clearTimeout(timer);
        }
      },
      stop: async () => {
        for (const close of closers.reverse()) await close().catch(() => undefined);
      },
    };
  } catch (error) {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    throw error;
  }
}

/**
 * Wraps the bus's delivery callback: a `rule-delivered` hop per attempt (failed attempts are errors,
 * so retries show), and a `dead-lettered` hop when the event goes to the target's DLQ, with the reason.
 */
function auditedDelivery(
  audit: RuntimeAudit,
  deliver: (target: Target, payload: string, meta: DeliveryMeta) => Promise<void>,
): (target: Target, payload: string, meta: DeliveryMeta) => Promise<void> {
  return async (target, payload, meta) => {
    const at = new Date();
    const reason = meta.deadLetter
      ? Object.assign(new Error(meta.deadLetter.ERROR_MESSAGE), { name: meta.deadLetter.ERROR_CODE })
      : undefined;
    const observe = (error: unknown) =>
      audit.delivery({
        rule: meta.rule,
        targetArn: target.Arn,
        event: meta.event,
        at,
        durationMs: Date.now() - at.getTime(),
        ...(error === undefined ? {} : { error }),
        ...(meta.deadLetter ? { deadLetter: true } : {}),
      });
    try {
      await deliver(target, payload, meta);
    } catch (error) {
      observe(error);
      throw error;
    }
    observe(reason);
  };
}

/**
 * Usage in billing units. DynamoDB units are counted per request (1 unit per write or read, 2 per
 * transactional item), not from item sizes; Step Functions transitions from the interpreter's events.
 */
function usageOf(meter: Meter, bridge: LocalEventBridge, sfn: StepFunctionsService): Usage {
  const m = meter.snapshot();
  const sum = (service: string, filter: (op: string) => boolean = () => true) =>
    Object.entries(m[service] ?? {})
      .filter(([op]) => filter(op))
      .reduce((total, [, n]) => total + n, 0);
  const ddb = (op: string) => m.dynamodb?.[op] ?? 0;
  let standardTransitions = 0;
  let expressRequests = 0;
  let expressGbSeconds = 0;
  for (const e of sfn.executions.values()) {
    const machine = sfn.machines.get(e.stateMachineArn)?.model;
    if (machine?.type === 'EXPRESS') {
      expressRequests++;
      const end = e.stopDate?.getTime() ?? Date.now();
      expressGbSeconds += ((end - e.startDate.getTime()) / 1000) * (64 / 1024);
    } else {
      standardTransitions += e.history.filter((h) => h.type === 'StateEntered').length;
    }
  }
  return {
    lambdaRequests: sum('lambda', (op) => op.startsWith('Invoke ')),
    lambdaGbSeconds: sum('lambda-gb-ms') / 1000,
    sfnStandardTransitions: standardTransitions,
    sfnExpressRequests: expressRequests,
    sfnExpressGbSeconds: expressGbSeconds,
    eventBridgeEvents: bridge.metering().billablePutEvents,
    sqsRequests: sum('sqs', (op) => !op.endsWith('(denied)')),
    dynamoWriteUnits:
      ddb('PutItem') +
      ddb('UpdateItem') +
      ddb('DeleteItem') +
      ddb('BatchWriteItem') +
      2 * ddb('TransactWriteItems'),
    dynamoReadUnits:
      ddb('GetItem') + ddb('Query') + ddb('Scan') + ddb('BatchGetItem') + 2 * ddb('TransactGetItems'),
    apiGatewayRequests: sum('apigateway', (op) => !op.startsWith('policy violation')),
    secretsManagerCalls: sum('secretsmanager'),
  };
}

/** Whether a queue polled by a mapping still holds messages (visible, in flight or delayed). */
async function queuesHaveVisibleWork(
  sqsUrl: string,
  app: AppModel,
  mappings: SqsEventSourceMapping[],
): Promise<boolean> {
  const polled = new Set(mappings.filter((m) => m.model.enabled).map((m) => m.model.queueArn));
  const response = await fetch(`${sqsUrl}/_fauxqs/queues`).catch(() => undefined);
  if (!response?.ok) return false;
  const queues = (await response.json()) as {
    name: string;
    approximateMessageCount?: number;
    approximateInflightCount?: number;
    approximateDelayedCount?: number;
  }[];
  // In-flight records count: a failed batch comes back after the visibility timeout (or goes to the DLQ).
  const pending = (q: (typeof queues)[number]) =>
    (q.approximateMessageCount ?? 0) + (q.approximateInflightCount ?? 0) + (q.approximateDelayedCount ?? 0);
  return queues.some((q) => pending(q) > 0 && app.queues.some((m) => m.name === q.name && polled.has(m.arn)));
}

function installRule(
  bridge: LocalEventBridge,
  rule: RuleModel,
  report: StartupReport,
  route: (arn: string, payload: string) => Promise<void>,
  timers: NodeJS.Timeout[],
  log: (line: string) => void,
): void {
  if (rule.scheduleExpression) {
    const fire = () => {
      const event = {
        version: '0',
        id: crypto.randomUUID(),
        'detail-type': 'Scheduled Event',
        source: 'aws.events',
        account: LOCAL_ACCOUNT,
        time: `${new Date().toISOString().slice(0, 19)}Z`,
        region: localEnv.region,
        resources: [rule.arn],
        detail: {},
      };
      for (const target of rule.targets) {
        route(target.Arn, target.Input ?? JSON.stringify(event)).catch((e: unknown) =>
          log(`scheduled rule ${rule.name} → ${target.Arn}: ${String(e)}`),
        );
      }
    };
    startSchedule(rule.id, rule.scheduleExpression, rule.state === 'ENABLED', fire, report, timers);
    return;
  }
  if (!rule.eventPattern) {
    report.add('unsupported', rule.id, 'rule has neither an event pattern nor a schedule');
    return;
  }
  try {
    bridge.putRule({
      Name: rule.name,
      EventBusName: rule.busName,
      EventPattern: rule.eventPattern,
      State: rule.state === 'DISABLED' ? 'DISABLED' : 'ENABLED',
    });
    if (rule.targets.length > 0) {
      bridge.putTargets({ EventBusName: rule.busName, Rule: rule.name, Targets: rule.targets as Target[] });
    }
  } catch (error) {
    report.add('unsupported', rule.id, `rule rejected by the local bus: ${String(error)}`);
  }
}

/** Fires `rate()` schedules from start-up; other expressions are reported, not run. */
function startSchedule(
  subject: string,
  expression: string,
  enabled: boolean,
  fire: () => void,
  report: StartupReport,
  timers: NodeJS.Timeout[],
): void {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (!rate) {
    report.add(
      'unsupported',
      subject,
      `schedule ${expression} is not fired locally (only rate() is); start its target by hand`,
    );
    return;
  }
  report.add('differs', subject, `schedule ${expression} fires from start-up, not on wall-clock boundaries`);
  if (!enabled) return;
  const unit = rate[2] as string;
  const ms = unit.startsWith('minute') ? 60_000 : unit.startsWith('hour') ? 3_600_000 : 86_400_000;
  timers.push(setInterval(fire, Math.min(2_147_483_647, Number(rate[1]) * ms)));
}

/** Differences that hold for every app, listed once at start-up. */
function addStandingDifferences(report: StartupReport): void {
  report.add(
    'differs',
    'IAM',
    'identity policies are evaluated; Condition blocks, resource policies, SCPs and permission boundaries are not',
  );
  report.add(
    'differs',
    'Lambda',
    'functions run in worker threads of one process: memory size is a heap limit, not a CPU share; layers and NODE_OPTIONS are not applied',
  );
  report.add('differs', 'Lambda', 'asynchronous retries wait seconds, not minutes');
  report.add(
    'differs',
    'Step Functions',
    '$$.State and $$.Task fields other than Task.Token are absent from the context object',
  );
}
