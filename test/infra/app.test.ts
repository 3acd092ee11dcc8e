import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { DetailType, Source } from '../../events';
import { buildPlantsync, type PlantsyncStacks } from '../../infra/app-builder';
import { type EnvironmentConfig, loadEnvironment, parseEnvironment } from '../../infra/config';
import { egressConcurrency } from '../../infra/constructs/plant-integration';
import type { FunctionRegistry } from '../../infra/functions';
import type { Route } from '../../infra/routing';
import type { WorkflowRegistry } from '../../infra/workflows';
import { appWithoutBundling, resourcesOf, unacknowledgedNagFindings } from './helpers';

interface Synthesized {
  readonly app: App;
  readonly stacks: PlantsyncStacks;
  readonly stateful: Template;
  readonly stateless: Template;
  readonly observability: Template;
}

const synthesize = (
  app: App,
  config: EnvironmentConfig,
  options: { functions?: FunctionRegistry; workflows?: WorkflowRegistry; routes?: readonly Route[] } = {},
): Synthesized => {
  const stacks = buildPlantsync(app, { config, nag: false, onPending: () => undefined, ...options });
  return {
    app,
    stacks,
    stateful: Template.fromStack(stacks.stateful),
    stateless: Template.fromStack(stacks.stateless),
    observability: Template.fromStack(stacks.observability),
  };
};

const all = (s: Synthesized) => [s.stateful, s.stateless, s.observability];

describe.each(['dev', 'prod'])('the %s environment, synthesized offline', (envName) => {
  let s: Synthesized;
  let config: EnvironmentConfig;

  beforeAll(() => {
    config = loadEnvironment(envName);
    // Template shape only; bundling is covered by the construct and wiring tests.
    s = synthesize(appWithoutBundling(), config);
  }, 120_000);

  it('gives every queue a dead-letter queue unless it is one', () => {
    const queues = resourcesOf(s.stateful, 'AWS::SQS::Queue');
    const deadLetterTargets = new Set(
      queues.flatMap(([, p]) => {
        const redrive = p.RedrivePolicy as
          | { deadLetterTargetArn: { 'Fn::GetAtt': [string, string] } }
          | undefined;
        return redrive ? [redrive.deadLetterTargetArn['Fn::GetAtt'][0]] : [];
      }),
    );
    const serviceDeadLetterQueues = ['BusDeadLetters', 'DeliveryDeadLetters', 'WorkflowDeadLetters'];
    for (const [id, props] of queues) {
      const isDeadLetterQueue =
        deadLetterTargets.has(id) || serviceDeadLetterQueues.some((n) => id.startsWith(n));
      expect({ id, covered: isDeadLetterQueue || props.RedrivePolicy !== undefined }).toEqual({
        id,
        covered: true,
      });
    }
    expect(resourcesOf(s.stateless, 'AWS::SQS::Queue')).toEqual([]);
  });

  it('raises an alarm on depth > 0 for every dead-letter queue, to the alarm topic', () => {
    const deadLetterCount = resourcesOf(s.stateful, 'AWS::SQS::Queue').filter(
      ([, p]) => p.MessageRetentionPeriod === 14 * 86_400,
    ).length;
    const depthAlarms = resourcesOf(s.observability, 'AWS::CloudWatch::Alarm').filter(
      ([, p]) => p.MetricName === 'ApproximateNumberOfMessagesVisible' && p.Threshold === 0,
    );
    expect(depthAlarms).toHaveLength(deadLetterCount);
    expect(depthAlarms.every(([, p]) => JSON.stringify(p.AlarmActions).includes('AlarmTopic'))).toBe(true);
    expect(deadLetterCount).toBe(3 + 1 + 2 * config.plants.length);
  });

  it('alarms on the oldest message of every queue, stuck orders, reconciliation drift and API 5xx', () => {
    const alarms = resourcesOf(s.observability, 'AWS::CloudWatch::Alarm').map(([, p]) => p);
    const queues = resourcesOf(s.stateful, 'AWS::SQS::Queue').length;
    expect(alarms.filter((a) => a.MetricName === 'ApproximateAgeOfOldestMessage')).toHaveLength(queues);
    for (const plant of config.plants) {
      for (const metric of ['OrdersStuck', 'ReconciliationVariance']) {
        expect(alarms).toContainEqual(
          expect.objectContaining({
            Namespace: 'plantsync',
            MetricName: metric,
            Dimensions: expect.arrayContaining([{ Name: 'plant', Value: plant.code }]),
          }),
        );
      }
    }
    expect(alarms).toContainEqual(
      expect.objectContaining({ Namespace: 'AWS/ApiGateway', MetricName: '5XXError' }),
    );
  });

  it('encrypts queues, tables, bus, archive, log groups and the alarm topic with customer-managed keys', () => {
    expect(resourcesOf(s.stateful, 'AWS::SQS::Queue').every(([, p]) => p.KmsMasterKeyId !== undefined)).toBe(
      true,
    );
    s.stateful.allResourcesProperties('AWS::DynamoDB::GlobalTable', {
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
      Replicas: [Match.objectLike({ SSESpecification: { KMSMasterKeyId: Match.anyValue() } })],
    });
    s.stateful.hasResourceProperties('AWS::Events::EventBus', { KmsKeyIdentifier: Match.anyValue() });
    s.stateful.hasResourceProperties('AWS::Events::Archive', {
      KmsKeyIdentifier: Match.anyValue(),
      RetentionDays: config.archiveRetentionDays,
    });
    for (const t of all(s)) {
      for (const [id, p] of resourcesOf(t, 'AWS::Logs::LogGroup')) {
        expect({ id, key: p.KmsKeyId !== undefined }).toEqual({ id, key: true });
      }
    }
    s.observability.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    s.stateful.allResourcesProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('keeps point-in-time recovery and a TTL on both tables, and indexes orders by status and age', () => {
    const tables = resourcesOf(s.stateful, 'AWS::DynamoDB::GlobalTable');
    expect(tables).toHaveLength(4);
    s.stateful.allResourcesProperties('AWS::DynamoDB::GlobalTable', {
      TimeToLiveSpecification: {
        AttributeName: Match.stringLikeRegexp('^(expiresAt|expiration)$'),
        Enabled: true,
      },
      Replicas: [
        Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }),
      ],
    });
    s.stateful.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      GlobalSecondaryIndexes: [
        Match.objectLike({
          IndexName: 'byStatusAge',
          KeySchema: [
            { AttributeName: 'gsi1pk', KeyType: 'HASH' },
            { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
          ],
        }),
      ],
    });
  });

  it('runs every function on Node.js 22 and arm64', () => {
    for (const [id, p] of resourcesOf(s.stateless, 'AWS::Lambda::Function')) {
      expect({ id, runtime: p.Runtime, arch: p.Architectures }).toEqual({
        id,
        runtime: 'nodejs22.x',
        arch: ['arm64'],
      });
    }
  });

  it('gives every rule target a retry policy and the delivery dead-letter queue', () => {
    const rules = resourcesOf(s.stateless, 'AWS::Events::Rule');
    expect(rules.length).toBeGreaterThan(0);
    for (const [id, p] of rules) {
      for (const target of p.Targets as Record<string, unknown>[]) {
        expect({ id, target }).toEqual({
          id,
          target: expect.objectContaining({
            RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 },
            DeadLetterConfig: { Arn: expect.anything() },
          }),
        });
      }
    }
  });

  it('routes plant-scoped events to the buffer of the plant named in the event', () => {
    for (const plant of config.plants) {
      s.stateless.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: {
          source: [Source.sap],
          'detail-type': [DetailType.EquipmentMasterChanged, DetailType.MaterialMasterChanged],
          detail: { metadata: { plant: [plant.code] } },
        },
      });
    }
  });

  it('denies each source on the bus to everyone but its owning producers', () => {
    const denies = resourcesOf(s.stateless, 'AWS::Events::EventBusPolicy').filter(
      ([, p]) => (p.Statement as { Effect: string }).Effect === 'Deny',
    );
    expect(
      denies.map(
        ([, p]) =>
          (p.Statement as { Condition: Record<string, Record<string, string[]>> }).Condition[
            'ForAnyValue:StringEquals'
          ]?.['events:source'],
      ),
    ).toEqual(Object.values(Source).map((source) => [source]));
    s.stateless.hasResourceProperties('AWS::Events::EventBusPolicy', {
      Statement: Match.objectLike({
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 'events:PutEvents',
        Condition: Match.objectLike({ BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' } }),
      }),
    });
  });

  it('throttles the API per stage and per client, and validates requests', () => {
    s.stateless.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: config.api.stageName,
      AccessLogSetting: Match.objectLike({ DestinationArn: Match.anyValue() }),
      TracingEnabled: true,
      MethodSettings: Match.arrayWith([
        Match.objectLike({
          HttpMethod: '*',
          ResourcePath: '/*',
          ThrottlingRateLimit: config.api.throttle.rateLimit,
          ThrottlingBurstLimit: config.api.throttle.burstLimit,
        }),
      ]),
    });
    for (const client of config.api.clients) {
      s.stateless.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
        Throttle: { RateLimit: client.rateLimit, BurstLimit: client.burstLimit },
        Quota: { Limit: client.quotaPerDay, Period: 'DAY' },
      });
    }
    expect(resourcesOf(s.stateless, 'AWS::ApiGateway::ApiKey')).toHaveLength(config.api.clients.length);
    s.stateless.hasResourceProperties('AWS::ApiGateway::RequestValidator', { ValidateRequestBody: true });
    s.stateless.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'POST',
      AuthorizationType: 'AWS_IAM',
      ApiKeyRequired: true,
      RequestValidatorId: Match.anyValue(),
      RequestModels: { 'application/json': Match.anyValue() },
    });
  });

  it("validates /v1 bodies with the handler's own schemas and requires the plant on lookups", () => {
    s.stateless.hasResourceProperties('AWS::ApiGateway::Model', {
      Name: 'OrderReleaseRequest',
      Schema: Match.objectLike({
        $schema: 'http://json-schema.org/draft-04/schema#',
        required: ['plant', 'requestedBy'],
      }),
    });
    s.stateless.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'GET',
      RequestParameters: {
        'method.request.path.orderNumber': true,
        'method.request.querystring.plant': true,
      },
    });
  });

  it('keeps XML bodies byte for byte and leaves only the webhooks without IAM auth', () => {
    s.stateless.hasResourceProperties('AWS::ApiGateway::RestApi', {
      BinaryMediaTypes: ['application/xml', 'text/xml', 'application/octet-stream'],
    });
    const methods = resourcesOf(s.stateless, 'AWS::ApiGateway::Method');
    const open = methods.filter(([, p]) => p.AuthorizationType === 'NONE' && p.HttpMethod !== 'OPTIONS');
    expect(open).toHaveLength(1);
  });

  it('registers one JSON Schema draft-04 schema per file in events/schemas', () => {
    const schemas = resourcesOf(s.stateful, 'AWS::EventSchemas::Schema');
    expect(schemas.length).toBe(s.stacks.stateful.schemaCount);
    expect(schemas.length).toBeGreaterThanOrEqual(20);
    s.stateful.allResourcesProperties('AWS::EventSchemas::Schema', { Type: 'JSONSchemaDraft4' });
  });

  it('leaves no unacknowledged cdk-nag AwsSolutions finding', () => {
    expect(unacknowledgedNagFindings(s.app)).toEqual([]);
  });
});

const fixture = (path: string) => `test/fixtures/infra/${path}`;

/** Fixture handlers in every trigger role, so the wiring is tested whatever other connectors exist yet. */
const fixtureFunctions: FunctionRegistry = {
  'api-echo': {
    description: 'fixture MES ingress',
    entry: fixture('functions/api-echo/handler.ts'),
    publishes: 'mes',
    tables: { idempotency: 'readwrite' },
    documents: ['PLANTS_JSON'],
    triggers: [{ kind: 'api', route: 'ingress-mes-events' }],
  },
  'batch-consumer': {
    description: 'fixture maintenance egress',
    entry: fixture('functions/batch-consumer/handler.ts'),
    publishes: 'maintenance',
    plantSecrets: ['maintenance'],
    timeoutSeconds: 25,
    triggers: [{ kind: 'plant-buffer', buffer: 'maintenance-outbound' }],
  },
  workflows: {
    description: 'fixture workflow tasks',
    entry: fixture('functions/batch-consumer/handler.ts'),
    publishes: 'plantsync',
    workflows: [{ name: 'fixture-flow', access: 'task-response' }],
    triggers: [{ kind: 'workflow-tasks' }],
  },
};
const fixtureWorkflows: WorkflowRegistry = {
  'fixture-flow': {
    type: 'STANDARD',
    reason: 'the fixture waits for a duration chosen at run time',
    timeoutSeconds: 3600,
    definition: fixture('state-machines/fixture-flow.asl.json'),
    schedule: 'plant-sweep',
  },
};
const fixtureRoutes = [
  {
    id: 'DowntimeToFixtureFlow',
    description: 'fixture route to a workflow',
    detailTypes: [DetailType.DowntimeStarted],
    target: { kind: 'workflow', workflow: 'fixture-flow' },
  },
  {
    id: 'AckToFixtureFunction',
    description: 'fixture route to a function',
    detailTypes: [DetailType.OrderAcknowledged],
    target: { kind: 'function', function: 'batch-consumer' },
  },
] as unknown as readonly Route[];

describe('wiring from the registries, with bundled fixture handlers and a fixture workflow', () => {
  let s: Synthesized;
  let config: EnvironmentConfig;

  beforeAll(() => {
    config = loadEnvironment('dev');
    s = synthesize(new App(), config, {
      functions: fixtureFunctions,
      workflows: fixtureWorkflows,
      routes: fixtureRoutes,
    });
  }, 180_000);

  it('starts the workflow from its rule with a retry policy and a dead-letter queue', () => {
    s.stateless.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: [Source.mes], 'detail-type': [DetailType.DowntimeStarted] },
      Targets: [
        Match.objectLike({
          Arn: { Ref: Match.stringLikeRegexp('^FixtureFlowWorkflow') },
          RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 },
          DeadLetterConfig: { Arn: Match.anyValue() },
        }),
      ],
    });
  });

  it('names the workflow per environment and hands the task function its ARN without a cycle', () => {
    s.stateless.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineName: 'plantsync-dev-fixture-flow',
      DefinitionSubstitutions: Match.objectLike({ WorkflowTasksFunctionArn: Match.anyValue() }),
    });
    s.stateless.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          POWERTOOLS_SERVICE_NAME: 'workflows',
          WORKFLOW_FIXTURE_FLOW_ARN: Match.objectLike({
            'Fn::Join': ['', Match.arrayWith([':stateMachine:plantsync-dev-fixture-flow'])],
          }),
        }),
      },
    });
  });

  it("caps each plant's maintenance egress at the concurrency its SaaS rate limit allows", () => {
    for (const plant of config.plants) {
      s.stateless.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: egressConcurrency(plant.rateLimits.maintenance) },
      });
    }
  });

  it("schedules the workflow per plant in the plant's time zone, with retries and a dead-letter queue", () => {
    for (const plant of config.plants) {
      s.stateless.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: 'rate(5 minutes)',
        ScheduleExpressionTimezone: plant.timeZone,
        Target: Match.objectLike({
          Input: Match.stringLikeRegexp(`"plant":"${plant.code}"`),
          RetryPolicy: { MaximumRetryAttempts: 5, MaximumEventAgeInSeconds: 3600 },
          DeadLetterConfig: { Arn: Match.anyValue() },
        }),
      });
    }
  });

  it('admits the producer role on the bus for its own source only', () => {
    s.stateless.hasResourceProperties('AWS::Events::EventBusPolicy', {
      StatementId: 'AllowMesProducers',
      Statement: Match.objectLike({
        Effect: 'Allow',
        Principal: { AWS: Match.anyValue() },
        Condition: { 'ForAllValues:StringEquals': { 'events:source': [Source.mes] } },
      }),
    });
    s.stateless.hasResourceProperties('AWS::Events::EventBusPolicy', {
      StatementId: 'OnlyOwnerPublishesMes',
      Statement: Match.objectLike({
        Condition: Match.objectLike({ ArnNotEquals: { 'aws:PrincipalArn': [Match.anyValue()] } }),
      }),
    });
  });

  it("binds each plant's secret and the plant configuration to the functions that need them", () => {
    s.stateless.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          MAINTENANCE_SECRET_1000: 'plantsync/dev/1000/maintainx',
          MAINTENANCE_SECRET_2000: 'plantsync/dev/2000/sap-pm',
        }),
      },
    });
    const echo = s.stacks.stateless.functions.get('api-echo');
    expect(JSON.parse(echo?.bundledConfig.PLANTS_JSON ?? '[]')).toEqual(
      config.plants.map((p) => expect.objectContaining({ code: p.code, timeZone: p.timeZone })),
    );
  });

  it('serves the MES ingress route through Lambda proxy integration', () => {
    s.stateless.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'POST',
      Integration: Match.objectLike({ Type: 'AWS_PROXY' }),
      RequestParameters: { 'method.request.path.plant': true, 'method.request.header.Content-Type': true },
    });
  });

  it('alarms on failed and timed-out executions of the workflow', () => {
    for (const metric of ['ExecutionsFailed', 'ExecutionsTimedOut']) {
      s.observability.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/States',
        MetricName: metric,
        Threshold: 0,
      });
    }
  });

  it('leaves no unacknowledged cdk-nag AwsSolutions finding with functions and workflows in place', () => {
    expect(unacknowledgedNagFindings(s.app)).toEqual([]);
  });
});

describe('adding a plant', () => {
  it('is a config change only: the new plant gets its buffers, routes and alarms', () => {
    // Arrange: dev plus one more plant, as an engineer would add it to infra/config/plants.ts.
    const dev = loadEnvironment('dev');
    const template = dev.plants[0];
    if (!template) throw new Error('dev has no plant');
    const config = parseEnvironment({
      ...dev,
      plants: [
        ...dev.plants,
        { ...template, code: '3000', name: 'Brno paint shop', timeZone: 'Europe/Prague' },
      ],
    });

    // Act
    const s = synthesize(appWithoutBundling(), config);

    // Assert
    expect(resourcesOf(s.stateful, 'AWS::SQS::Queue')).toHaveLength(
      resourcesOf(synthesize(appWithoutBundling(), dev).stateful, 'AWS::SQS::Queue').length + 4,
    );
    s.stateless.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({ detail: { metadata: { plant: ['3000'] } } }),
    });
    s.observability.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription: Match.stringLikeRegexp('Dead letters in 3000-maintenance-outbound'),
    });
    s.observability.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'OrdersStuck',
      Dimensions: Match.arrayWith([{ Name: 'plant', Value: '3000' }]),
    });
  }, 120_000);
});

describe('replaying dead letters', () => {
  it('lets the configured operator role publish every source, and nobody else beyond the owners', () => {
    const operator = 'arn:aws:iam::123456789012:role/plantsync-operator';
    const config = parseEnvironment({ ...loadEnvironment('dev'), replayPrincipalArns: [operator] });

    const s = synthesize(appWithoutBundling(), config);

    const denies = resourcesOf(s.stateless, 'AWS::Events::EventBusPolicy')
      .map(
        ([, p]) => p.Statement as { Effect: string; Condition: { ArnNotEquals?: Record<string, unknown[]> } },
      )
      .filter((statement) => statement.Effect === 'Deny');
    expect(denies).toHaveLength(Object.keys(Source).length);
    for (const deny of denies) expect(deny.Condition.ArnNotEquals?.['aws:PrincipalArn']).toContain(operator);
  }, 120_000);
});
