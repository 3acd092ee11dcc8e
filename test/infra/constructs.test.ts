import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secrets from 'aws-cdk-lib/aws-secretsmanager';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { loadEnvironment } from '../../infra/config';
import { BufferedConsumer } from '../../infra/constructs/buffered-consumer';
import { ConnectorFunction } from '../../infra/constructs/connector-function';
import { Orchestration } from '../../infra/constructs/orchestration';
import { egressConcurrency, PlantIntegration } from '../../infra/constructs/plant-integration';
import { appWithoutBundling, FIXTURES, resourcesOf, unacknowledgedNagFindings } from './helpers';

const consumerEntry = join(FIXTURES, 'functions', 'batch-consumer', 'handler.ts');
/** An ASL placeholder as written in a definition file, e.g. "${Name}". */
const placeholder = (name: string): string => ['$', '{', name, '}'].join('');
const fixtureAsl = join(FIXTURES, 'state-machines', 'fixture-flow.asl.json');

describe('constructs, synthesized once with a real bundled fixture handler', () => {
  let app: App;
  let template: Template;
  let fn: ConnectorFunction;

  beforeAll(() => {
    // Arrange: one stack using every construct the way the stacks do.
    app = new App();
    const stack = new Stack(app, 'ConstructsUnderTest', { env: { region: 'eu-central-1' } });
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const table = new dynamodb.TableV2(stack, 'Table', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      encryption: dynamodb.TableEncryptionV2.customerManagedKey(key),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    });
    const bus = new events.EventBus(stack, 'Bus');
    fn = new ConnectorFunction(stack, 'Consumer', {
      connectorName: 'batch-consumer',
      entry: consumerEntry,
      logRetention: logs.RetentionDays.TWO_WEEKS,
      logEncryptionKey: key,
      environment: { PLANTSYNC_ENV: 'test' },
      bundledConfig: { PLANTS_JSON: '[{"code":"1000"}]' },
    });
    fn.bindTable(table, 'read', 'CORRELATION_TABLE_NAME', { indexes: ['byStatusAge'] });
    fn.bindBus(bus);
    fn.bindSecret(secrets.Secret.fromSecretNameV2(stack, 'Secret', 'plantsync/test/sap'), 'SAP_SECRET_NAME');
    const buffer = new BufferedConsumer(stack, 'Buffer', {
      encryptionKey: key,
      maxConcurrency: 3,
      consumer: fn,
    });
    const workflow = new Orchestration(stack, 'Flow', {
      workflowName: 'fixture-flow',
      definitionFile: fixtureAsl,
      type: sfn.StateMachineType.STANDARD,
      typeReason: 'the fixture waits for a duration chosen at run time',
      functions: { WorkflowTasksFunctionArn: fn },
      substitutions: { DeadLetterQueueUrl: buffer.deadLetterQueue.queueUrl },
      logEncryptionKey: key,
    });
    // By name, as the stateless stack does: the workflow invokes this function, so a token reference would loop.
    fn.bindStateMachine(
      sfn.StateMachine.fromStateMachineName(stack, 'FlowRef', 'plantsync-test-fixture-flow'),
      'start',
      'WORKFLOW_FIXTURE_ARN',
    );
    expect(workflow.type).toBe(sfn.StateMachineType.STANDARD);
    template = Template.fromStack(stack);
  }, 120_000);

  it('runs the connector on Node.js 22, arm64, with active tracing and JSON logs', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: Match.objectLike({ LogFormat: 'JSON', LogGroup: Match.anyValue() }),
      Environment: {
        Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'batch-consumer', PLANTSYNC_ENV: 'test' }),
      },
    });
  });

  it('gives the connector its own encrypted log group with the requested retention', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      RetentionInDays: 14,
      KmsKeyId: Match.anyValue(),
    });
  });

  it('bundles the handler as ESM with a createRequire banner and the bundled configuration beside it', () => {
    const assembly = app.synth().directory;
    const code = resourcesOf(template, 'AWS::Lambda::Function')[0]?.[1].Code as { S3Key: string };
    const bundle = readFileSync(
      join(assembly, `asset.${code.S3Key.replace('.zip', '')}`, 'index.mjs'),
      'utf8',
    );
    const assetDir = join(assembly, `asset.${code.S3Key.replace('.zip', '')}`);
    expect(bundle.startsWith("import { createRequire as __psCreateRequire } from 'node:module';")).toBe(true);
    expect(bundle).toMatch(/export\s*\{[^}]*handler/);
    expect(JSON.parse(readFileSync(join(assetDir, 'plantsync-config.json'), 'utf8'))).toEqual({
      PLANTS_JSON: '[{"code":"1000"}]',
    });
  });

  it('loads the bundled configuration into process.env before the handler runs, and the handler works', async () => {
    const assembly = app.synth().directory;
    const code = resourcesOf(template, 'AWS::Lambda::Function')[0]?.[1].Code as { S3Key: string };
    delete process.env.PLANTS_JSON;
    const bundle = pathToFileURL(join(assembly, `asset.${code.S3Key.replace('.zip', '')}`, 'index.mjs')).href;

    const { handler } = (await import(bundle)) as { handler: (event: unknown) => Promise<unknown> };
    const result = await handler({
      Records: [
        { messageId: 'good', body: '{"ok":true}' },
        { messageId: 'bad', body: 'not json' },
      ],
    });

    expect(process.env.PLANTS_JSON).toBe('[{"code":"1000"}]');
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'bad' }] });
    delete process.env.PLANTS_JSON;
  });

  it('binds a table for reading only, including only the named index, and sets its variable', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: Match.arrayWith(['dynamodb:GetItem', 'dynamodb:Query']),
            Resource: Match.arrayWith([
              Match.objectLike({ 'Fn::Join': ['', Match.arrayWith(['/index/byStatusAge'])] }),
            ]),
          }),
        ]),
      },
    });
    const statements = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    expect(statements).not.toContain('dynamodb:PutItem');
    expect(fn.environmentVariables.CORRELATION_TABLE_NAME).toBeDefined();
  });

  it('binds the bus for PutEvents only and sets EVENT_BUS_NAME', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 'events:PutEvents', Resource: Match.anyValue() }),
        ]),
      },
    });
    expect(fn.environmentVariables.EVENT_BUS_NAME).toBeDefined();
    expect(fn.environmentVariables.SAP_SECRET_NAME).toBe('plantsync/test/sap');
  });

  it('encrypts both queues with the key, keeps dead letters 14 days, and redrives after 5 receives', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      MessageRetentionPeriod: 14 * 86_400,
      KmsMasterKeyId: Match.anyValue(),
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      KmsMasterKeyId: Match.anyValue(),
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: 5 },
    });
  });

  it('refuses plain-HTTP access to the queues', () => {
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('consumes with partial batch responses and a concurrency cap', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 3 },
      BatchSize: 10,
    });
  });

  it('builds the state machine from the ASL file with the substitutions, full logging without data, and tracing', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      DefinitionSubstitutions: {
        WorkflowTasksFunctionArn: Match.anyValue(),
        DeadLetterQueueUrl: Match.anyValue(),
      },
      LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: false }),
      TracingConfiguration: { Enabled: true },
    });
  });

  it('records why the workflow is Standard beside the type', () => {
    template.hasResource('AWS::StepFunctions::StateMachine', {
      Metadata: Match.objectLike({
        'plantsync:workflowType': 'STANDARD because the fixture waits for a duration chosen at run time',
      }),
    });
  });

  it('leaves no unacknowledged cdk-nag AwsSolutions finding', () => {
    expect(unacknowledgedNagFindings(app)).toEqual([]);
  });
});

describe('construct validation', () => {
  const stackWithKey = () => {
    const stack = new Stack(appWithoutBundling(), 'Validation', { env: { region: 'eu-central-1' } });
    return { stack, key: new kms.Key(stack, 'Key', { enableKeyRotation: true }) };
  };

  it('rejects an empty environment variable by name', () => {
    const { stack } = stackWithKey();
    expect(
      () =>
        new ConnectorFunction(stack, 'Bad', {
          connectorName: 'bad',
          entry: consumerEntry,
          environment: { SAP_ODATA_ENDPOINT: '' },
        }),
    ).toThrow('ConnectorFunction "Bad": environment variable SAP_ODATA_ENDPOINT is empty');
  });

  it('rejects a variable reserved by Lambda', () => {
    const { stack } = stackWithKey();
    expect(
      () =>
        new ConnectorFunction(stack, 'Bad', {
          connectorName: 'bad',
          entry: consumerEntry,
          environment: { AWS_REGION: 'x' },
        }),
    ).toThrow('environment variable AWS_REGION is reserved by Lambda');
  });

  it('rejects binding one variable to two different resources', () => {
    const { stack } = stackWithKey();
    const fn = new ConnectorFunction(stack, 'Fn', { connectorName: 'fn', entry: consumerEntry });
    const busA = new events.EventBus(stack, 'A');
    const busB = new events.EventBus(stack, 'B');
    fn.bindBus(busA);
    expect(() => fn.bindBus(busB)).toThrow('EVENT_BUS_NAME is already bound to another value');
  });

  it('rejects a concurrency cap below what Lambda accepts', () => {
    const { stack, key } = stackWithKey();
    expect(() => new BufferedConsumer(stack, 'Buf', { encryptionKey: key, maxConcurrency: 1 })).toThrow(
      'BufferedConsumer "Buf": maxConcurrency must be an integer from 2 to 1000, got 1',
    );
  });

  it('rejects a consumer whose timeout would let messages reappear while in flight', () => {
    const { stack, key } = stackWithKey();
    const fn = new ConnectorFunction(stack, 'Slow', {
      connectorName: 'slow',
      entry: consumerEntry,
      timeout: Duration.minutes(1),
    });
    const buffer = new BufferedConsumer(stack, 'Buf', { encryptionKey: key });
    expect(() => buffer.attach(fn)).toThrow(
      'visibilityTimeout (180 s) must be at least 6 × the consumer timeout (360 s)',
    );
  });

  it('names every placeholder of the ASL file that has no substitution', () => {
    const { stack } = stackWithKey();
    expect(
      () =>
        new Orchestration(stack, 'Flow', {
          workflowName: 'fixture-flow',
          definitionFile: fixtureAsl,
          type: sfn.StateMachineType.EXPRESS,
          typeReason: 'short and idempotent in this test',
        }),
    ).toThrow(
      `no substitution for placeholder(s) ${placeholder('WorkflowTasksFunctionArn')}, ${placeholder('DeadLetterQueueUrl')}`,
    );
  });

  it('requires the reason for the workflow type', () => {
    const { stack } = stackWithKey();
    expect(
      () =>
        new Orchestration(stack, 'Flow', {
          workflowName: 'fixture-flow',
          definitionFile: fixtureAsl,
          type: sfn.StateMachineType.EXPRESS,
          typeReason: '',
          substitutions: { WorkflowTasksFunctionArn: 'arn:fn', DeadLetterQueueUrl: 'https://q' },
        }),
    ).toThrow('typeReason must say why the workflow is STANDARD or EXPRESS');
  });

  it('reports a missing definition file by path', () => {
    const { stack } = stackWithKey();
    expect(
      () =>
        new Orchestration(stack, 'Flow', {
          workflowName: 'missing',
          definitionFile: join(FIXTURES, 'state-machines', 'missing.asl.json'),
          type: sfn.StateMachineType.STANDARD,
          typeReason: 'waits for a person',
        }),
    ).toThrow(/definition file .*missing\.asl\.json does not exist/);
  });
});

describe('PlantIntegration', () => {
  it("derives the egress concurrency cap from the plant's SaaS rate limit", () => {
    expect(egressConcurrency({ rps: 5, burst: 10 })).toBe(5);
    expect(egressConcurrency({ rps: 0.5, burst: 1 })).toBe(2);
    expect(egressConcurrency({ rps: 50, burst: 8 })).toBe(8);
  });

  it('builds both plant buffers with their own dead-letter queues, all encrypted', () => {
    // Arrange
    const stack = new Stack(appWithoutBundling(), 'Plant', { env: { region: 'eu-central-1' } });
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const plant = loadEnvironment('dev').plants[0];
    if (!plant) throw new Error('dev has no plant');

    // Act
    const integration = new PlantIntegration(stack, 'Plant', { plant, encryptionKey: key });
    const template = Template.fromStack(stack);

    // Assert
    const queues = resourcesOf(template, 'AWS::SQS::Queue');
    expect(queues).toHaveLength(4);
    expect(queues.every(([, p]) => p.KmsMasterKeyId !== undefined)).toBe(true);
    expect(queues.filter(([, p]) => p.RedrivePolicy !== undefined)).toHaveLength(2);
    expect(integration.maintenanceConcurrency).toBe(egressConcurrency(plant.rateLimits.maintenance));
  });
});
