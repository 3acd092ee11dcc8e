import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CfnResource, LoadedStack } from './cdk-out';
import type { PolicyStatement } from './iam';
import type { TemplateResolver } from './intrinsics';
import { arn, nameFromArn } from './naming';
import type { StartupReport } from './report';

/** The app as the local runtime runs it: every resource with its references resolved. */
export interface AppModel {
  readonly functions: FunctionModel[];
  readonly roles: Map<string, RoleModel>;
  readonly queues: QueueModel[];
  readonly tables: TableModel[];
  readonly eventSourceMappings: EventSourceMappingModel[];
  readonly buses: BusModel[];
  readonly rules: RuleModel[];
  readonly archives: ArchiveModel[];
  readonly stateMachines: StateMachineModel[];
  readonly apis: RestApiModel[];
  readonly secrets: SecretModel[];
  readonly topics: { name: string; arn: string }[];
  readonly schedules: ScheduleModel[];
}

/** An EventBridge Scheduler schedule (or a scheduled rule target) the runtime fires itself. */
export interface ScheduleModel {
  readonly id: string;
  readonly name: string;
  readonly expression: string;
  readonly timezone?: string;
  readonly enabled: boolean;
  readonly target: { Arn: string; Input?: string; RoleArn?: string };
}

export interface FunctionModel {
  readonly id: string;
  readonly name: string;
  readonly arn: string;
  readonly codeDir: string;
  readonly handler: string;
  readonly runtime: string;
  readonly environment: Record<string, string>;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  readonly reservedConcurrency?: number;
  readonly roleArn: string;
  readonly deadLetterTargetArn?: string;
  readonly maximumRetryAttempts: number;
  readonly maximumEventAgeSeconds: number;
  readonly onFailureDestination?: string;
  readonly onSuccessDestination?: string;
}

export interface RoleModel {
  readonly name: string;
  readonly arn: string;
  readonly statements: PolicyStatement[];
}

export interface QueueModel {
  readonly id: string;
  readonly name: string;
  readonly arn: string;
  readonly url: string;
  readonly attributes: Record<string, string>;
}

export interface TableModel {
  readonly id: string;
  readonly name: string;
  readonly arn: string;
  readonly keySchema: { AttributeName: string; KeyType: string }[];
  readonly attributeDefinitions: { AttributeName: string; AttributeType: string }[];
  readonly globalSecondaryIndexes: Record<string, unknown>[];
  readonly localSecondaryIndexes: Record<string, unknown>[];
  readonly billingMode: string;
  readonly provisionedThroughput?: { ReadCapacityUnits: number; WriteCapacityUnits: number };
  readonly ttlAttribute?: string;
  readonly streamViewType?: string;
}

export interface EventSourceMappingModel {
  readonly id: string;
  readonly functionName: string;
  readonly queueArn: string;
  readonly batchSize: number;
  readonly maximumBatchingWindowSeconds: number;
  readonly reportBatchItemFailures: boolean;
  readonly maximumConcurrency?: number;
  readonly enabled: boolean;
  /** FilterCriteria patterns (EventBridge pattern syntax over the SQS record, body parsed as JSON). */
  readonly filters: string[];
}

export interface BusModel {
  readonly name: string;
  readonly arn: string;
}

export interface RuleTargetModel {
  readonly Id: string;
  readonly Arn: string;
  readonly RoleArn?: string;
  readonly Input?: string;
  readonly InputPath?: string;
  readonly InputTransformer?: { InputPathsMap?: Record<string, string>; InputTemplate: string };
  readonly RetryPolicy?: { MaximumRetryAttempts?: number; MaximumEventAgeInSeconds?: number };
  readonly DeadLetterConfig?: { Arn?: string };
  readonly SqsParameters?: { MessageGroupId?: string };
}

export interface RuleModel {
  readonly id: string;
  readonly name: string;
  readonly arn: string;
  readonly busName: string;
  readonly eventPattern?: string;
  readonly scheduleExpression?: string;
  readonly state: string;
  readonly targets: RuleTargetModel[];
}

export interface ArchiveModel {
  readonly name: string;
  readonly arn: string;
  readonly sourceArn: string;
  readonly eventPattern?: string;
  readonly retentionDays?: number;
}

export interface StateMachineModel {
  readonly id: string;
  readonly name: string;
  readonly arn: string;
  readonly roleArn: string;
  readonly type: string;
  readonly definition: Record<string, unknown>;
}

export interface ApiMethodModel {
  readonly httpMethod: string;
  /** Path template like `/v1/orders/{orderId}`. */
  readonly path: string;
  readonly functionArn?: string;
  readonly integrationType: string;
  readonly apiKeyRequired: boolean;
  readonly authorizationType: string;
  readonly validateBody: boolean;
  readonly validateParameters: boolean;
  readonly requestParameters: Record<string, boolean>;
  readonly requestModels: Record<string, unknown>;
  readonly throttle?: { rateLimit?: number; burstLimit?: number };
  /** A MOCK integration's response (the request template's statusCode picks the integration response). */
  readonly mock?: { statusCode: number; body: string };
}

export interface UsagePlanModel {
  readonly id: string;
  readonly name: string;
  readonly stages: {
    apiId: string;
    stage: string;
    throttle?: Record<string, { rateLimit?: number; burstLimit?: number }>;
  }[];
  readonly throttle?: { rateLimit?: number; burstLimit?: number };
  readonly quota?: { limit?: number; period?: string };
  readonly apiKeys: string[];
}

export interface RestApiModel {
  readonly id: string;
  readonly name: string;
  readonly stages: { name: string; throttle?: { rateLimit?: number; burstLimit?: number } }[];
  readonly binaryMediaTypes: string[];
  readonly methods: ApiMethodModel[];
  readonly usagePlans: UsagePlanModel[];
}

export interface SecretModel {
  readonly name: string;
  readonly arn: string;
  readonly value: string;
}

/** Properties the runtime honours (`h`) or only records (`r`), per resource type. Anything else is reported. */
const PROPERTIES: Record<string, { h: string[]; r: string[] }> = {
  'AWS::Lambda::Function': {
    h: [
      'Code',
      'Handler',
      'Runtime',
      'Environment',
      'Timeout',
      'MemorySize',
      'Role',
      'ReservedConcurrentExecutions',
      'DeadLetterConfig',
      'FunctionName',
    ],
    r: [
      'Architectures',
      'TracingConfig',
      'LoggingConfig',
      'Description',
      'Tags',
      'EphemeralStorage',
      'KmsKeyArn',
      'RuntimeManagementConfig',
      'VpcConfig',
      'SnapStart',
      'RecursiveLoop',
    ],
  },
  'AWS::IAM::Role': {
    h: ['Policies', 'RoleName'],
    r: [
      'AssumeRolePolicyDocument',
      'ManagedPolicyArns',
      'Description',
      'Tags',
      'Path',
      'MaxSessionDuration',
      'PermissionsBoundary',
    ],
  },
  'AWS::IAM::Policy': { h: ['PolicyDocument', 'PolicyName', 'Roles'], r: ['Users', 'Groups'] },
  'AWS::IAM::ManagedPolicy': {
    h: ['PolicyDocument', 'ManagedPolicyName', 'Roles'],
    r: ['Users', 'Groups', 'Description', 'Path'],
  },
  'AWS::SQS::Queue': {
    h: [
      'QueueName',
      'VisibilityTimeout',
      'DelaySeconds',
      'MessageRetentionPeriod',
      'MaximumMessageSize',
      'ReceiveMessageWaitTimeSeconds',
      'RedrivePolicy',
      'FifoQueue',
      'ContentBasedDeduplication',
    ],
    r: [
      'KmsMasterKeyId',
      'SqsManagedSseEnabled',
      'KmsDataKeyReusePeriodSeconds',
      'Tags',
      'RedriveAllowPolicy',
      'DeduplicationScope',
      'FifoThroughputLimit',
    ],
  },
  'AWS::DynamoDB::Table': {
    h: [
      'TableName',
      'KeySchema',
      'AttributeDefinitions',
      'GlobalSecondaryIndexes',
      'LocalSecondaryIndexes',
      'BillingMode',
      'ProvisionedThroughput',
      'TimeToLiveSpecification',
    ],
    r: [
      'StreamSpecification',
      'PointInTimeRecoverySpecification',
      'SSESpecification',
      'DeletionProtectionEnabled',
      'Tags',
      'ContributorInsightsSpecification',
      'TableClass',
      'WarmThroughput',
      'OnDemandThroughput',
    ],
  },
  'AWS::DynamoDB::GlobalTable': {
    h: [
      'TableName',
      'KeySchema',
      'AttributeDefinitions',
      'GlobalSecondaryIndexes',
      'LocalSecondaryIndexes',
      'BillingMode',
      'TimeToLiveSpecification',
    ],
    r: [
      'Replicas',
      'StreamSpecification',
      'SSESpecification',
      'WriteProvisionedThroughputSettings',
      'WriteOnDemandThroughputSettings',
      'WarmThroughput',
      'MultiRegionConsistency',
      'GlobalTableWitnesses',
    ],
  },
  'AWS::Events::EventBus': {
    h: ['Name'],
    r: ['Description', 'DeadLetterConfig', 'KmsKeyIdentifier', 'Policy', 'Tags'],
  },
  'AWS::Events::Rule': {
    h: ['EventBusName', 'EventPattern', 'State', 'Targets', 'Name', 'ScheduleExpression'],
    r: ['Description', 'RoleArn', 'Tags'],
  },
  'AWS::Scheduler::Schedule': {
    h: ['ScheduleExpression', 'ScheduleExpressionTimezone', 'Target', 'State', 'Name'],
    r: ['Description', 'FlexibleTimeWindow', 'GroupName', 'StartDate', 'EndDate', 'KmsKeyArn'],
  },
  'AWS::Events::Archive': {
    h: ['ArchiveName', 'SourceArn', 'EventPattern', 'RetentionDays'],
    r: ['Description', 'KmsKeyIdentifier'],
  },
  'AWS::StepFunctions::StateMachine': {
    h: [
      'DefinitionString',
      'Definition',
      'DefinitionS3Location',
      'DefinitionSubstitutions',
      'RoleArn',
      'StateMachineName',
      'StateMachineType',
    ],
    r: ['LoggingConfiguration', 'TracingConfiguration', 'Tags', 'EncryptionConfiguration'],
  },
  'AWS::Lambda::EventSourceMapping': {
    h: [
      'EventSourceArn',
      'FunctionName',
      'BatchSize',
      'MaximumBatchingWindowInSeconds',
      'FunctionResponseTypes',
      'ScalingConfig',
      'Enabled',
      'FilterCriteria',
    ],
    r: ['Tags', 'MetricsConfig'],
  },
  'AWS::Lambda::EventInvokeConfig': {
    h: ['FunctionName', 'Qualifier', 'MaximumRetryAttempts', 'MaximumEventAgeInSeconds', 'DestinationConfig'],
    r: [],
  },
  'AWS::SecretsManager::Secret': {
    h: ['Name', 'SecretString', 'GenerateSecretString'],
    r: ['Description', 'KmsKeyId', 'Tags', 'ReplicaRegions'],
  },
  'AWS::ApiGateway::RestApi': {
    h: ['Name', 'BinaryMediaTypes'],
    r: [
      'Description',
      'EndpointConfiguration',
      'Policy',
      'Tags',
      'DisableExecuteApiEndpoint',
      'MinimumCompressionSize',
    ],
  },
  'AWS::ApiGateway::Resource': { h: ['ParentId', 'PathPart', 'RestApiId'], r: [] },
  'AWS::ApiGateway::Method': {
    h: [
      'HttpMethod',
      'ResourceId',
      'RestApiId',
      'AuthorizationType',
      'ApiKeyRequired',
      'Integration',
      'RequestValidatorId',
      'RequestParameters',
      'RequestModels',
    ],
    r: ['MethodResponses', 'OperationName'],
  },
  'AWS::ApiGateway::RequestValidator': {
    h: ['RestApiId', 'ValidateRequestBody', 'ValidateRequestParameters'],
    r: ['Name'],
  },
  'AWS::ApiGateway::Model': { h: ['RestApiId', 'Schema', 'ContentType'], r: ['Name', 'Description'] },
  'AWS::ApiGateway::Deployment': { h: ['RestApiId'], r: ['Description', 'StageName'] },
  'AWS::ApiGateway::Stage': {
    h: ['RestApiId', 'StageName', 'DeploymentId', 'MethodSettings'],
    r: ['AccessLogSetting', 'TracingEnabled', 'Tags', 'Description', 'Variables'],
  },
  'AWS::ApiGateway::UsagePlan': {
    h: ['ApiStages', 'Throttle', 'UsagePlanName', 'Quota'],
    r: ['Description', 'Tags'],
  },
  'AWS::ApiGateway::ApiKey': { h: ['Name', 'Enabled', 'Value'], r: ['Description', 'StageKeys', 'Tags'] },
  'AWS::ApiGateway::UsagePlanKey': { h: ['KeyId', 'KeyType', 'UsagePlanId'], r: [] },
};

/** Types kept for the record: the runtime reads them but does not emulate their behaviour. */
const RECORDED_TYPES: Record<string, string> = {
  'AWS::Logs::LogGroup': 'function output goes to the runtime log; retention and encryption not emulated',
  'AWS::KMS::Key': 'no encryption at rest locally',
  'AWS::KMS::Alias': 'no encryption at rest locally',
  'AWS::CloudWatch::Alarm': 'observability only: recorded, not evaluated',
  'AWS::CloudWatch::Dashboard': 'observability only: recorded, not evaluated',
  'AWS::CloudWatch::CompositeAlarm': 'observability only: recorded, not evaluated',
  'AWS::Logs::MetricFilter': 'observability only: recorded, not evaluated',
  'AWS::Logs::QueryDefinition': 'observability only: recorded, not evaluated',
  'AWS::SNS::Topic': 'topic exists for ARNs; alarm notifications are not sent',
  'AWS::SNS::Subscription': 'recorded; notifications are not delivered',
  'AWS::SNS::TopicPolicy': 'resource policies are not evaluated',
  'AWS::SQS::QueuePolicy': 'resource policies are not evaluated',
  'AWS::Lambda::Permission': 'resource policies are not evaluated',
  'AWS::Events::EventBusPolicy': 'resource policies are not evaluated',
  'AWS::ApiGateway::Account': 'account settings (CloudWatch role) are not used locally',
  'AWS::ApiGateway::GatewayResponse': 'custom gateway responses are not applied',
  'AWS::SSM::Parameter': 'parameters resolve in references only; there is no SSM API locally',
  'AWS::Scheduler::ScheduleGroup': 'recorded only',
  'AWS::EventSchemas::Registry':
    'schema registry is documentation; publishers validate against the catalogue',
  'AWS::EventSchemas::Schema': 'schema registry is documentation; publishers validate against the catalogue',
  'AWS::EventSchemas::Discoverer': 'schema discovery is not run',
  'AWS::XRay::Group': 'observability only: recorded, not evaluated',
};

const SILENT_TYPES = new Set(['AWS::CDK::Metadata']);

type Props = Record<string, unknown>;

/** Builds the model and reports every type or property the runtime cannot honour. */
export function buildModel(resolver: TemplateResolver, report: StartupReport, cdkOut: string): AppModel {
  const model: AppModel = {
    functions: [],
    roles: new Map(),
    queues: [],
    tables: [],
    eventSourceMappings: [],
    buses: [],
    rules: [],
    archives: [],
    stateMachines: [],
    apis: [],
    secrets: [],
    topics: [],
    schedules: [],
  };
  const invokeConfigs: { fn: string; props: Props }[] = [];
  const policies: { roles: string[]; statements: PolicyStatement[] }[] = [];
  const api = new ApiCollector(resolver, report);

  for (const stack of resolver.stacks) {
    for (const [logicalId, resource] of Object.entries(stack.template.Resources ?? {})) {
      if (!resolver.isActive(stack, resource)) continue;
      const subject = `${stack.stackName}/${logicalId}`;
      const type = resource.Type;
      if (SILENT_TYPES.has(type)) continue;
      if (RECORDED_TYPES[type]) {
        report.add('recorded', subject, `${type}: ${RECORDED_TYPES[type]}`);
        if (type === 'AWS::SNS::Topic') {
          const name = resolver.physicalName(stack, logicalId);
          model.topics.push({ name, arn: arn.topic(name) });
        }
        continue;
      }
      const known = PROPERTIES[type];
      if (!known) {
        report.add('unsupported', subject, `resource type ${type} is not run by the local runtime`);
        continue;
      }
      for (const prop of Object.keys(resource.Properties ?? {})) {
        if (known.h.includes(prop)) continue;
        if (type === 'AWS::IAM::Role' && prop === 'ManagedPolicyArns') {
          const arns = JSON.stringify(resolver.resolve(stack, resource.Properties?.[prop], subject));
          const onlyLogs = ((JSON.parse(arns) as string[]) ?? []).every((a) =>
            /AWSLambda(Basic|VPCAccess)ExecutionRole$/.test(a),
          );
          if (onlyLogs)
            report.add(
              'recorded',
              subject,
              'managed Lambda execution policy (CloudWatch Logs grants; logs are not checked)',
            );
          else
            report.add(
              'differs',
              subject,
              `managed policies are not expanded, their grants are not applied: ${arns}`,
            );
          continue;
        }
        if (known.r.includes(prop)) report.add('recorded', subject, `${type}.${prop} recorded, not emulated`);
        else report.add('unsupported', subject, `${type}.${prop} is not honoured`);
      }
      const props = (resolver.resolve(stack, resource.Properties ?? {}, subject) ?? {}) as Props;
      const name = () => resolver.physicalName(stack, logicalId);
      switch (type) {
        case 'AWS::Lambda::Function': {
          const fn = functionModel(stack, logicalId, props, name(), cdkOut, subject, report);
          if (fn) model.functions.push(fn);
          break;
        }
        case 'AWS::IAM::Role': {
          const statements = (
            (props.Policies as { PolicyDocument?: { Statement?: unknown } }[]) ?? []
          ).flatMap((p) => statementsOf(p.PolicyDocument));
          model.roles.set(arn.role(name()), { name: name(), arn: arn.role(name()), statements });
          break;
        }
        case 'AWS::IAM::Policy':
        case 'AWS::IAM::ManagedPolicy':
          policies.push({
            roles: ((props.Roles as string[]) ?? []).map(String),
            statements: statementsOf(props.PolicyDocument),
          });
          break;
        case 'AWS::SQS::Queue':
          model.queues.push({
            id: subject,
            name: name(),
            arn: arn.sqs(name()),
            url: resolver.ref(stack, logicalId),
            attributes: queueAttributes(props),
          });
          break;
        case 'AWS::DynamoDB::Table':
        case 'AWS::DynamoDB::GlobalTable':
          model.tables.push(tableModel(subject, name(), props));
          break;
        case 'AWS::Lambda::EventSourceMapping': {
          const source = String(props.EventSourceArn ?? '');
          if (!source.startsWith('arn:aws:sqs:')) {
            report.add('unsupported', subject, `event source ${source} is not polled (only SQS queues are)`);
            break;
          }
          const types = (props.FunctionResponseTypes as string[]) ?? [];
          const scaling = props.ScalingConfig as { MaximumConcurrency?: number } | undefined;
          model.eventSourceMappings.push({
            id: subject,
            functionName: nameFromArn(String(props.FunctionName)),
            queueArn: source,
            batchSize: Number(props.BatchSize ?? 10),
            maximumBatchingWindowSeconds: Number(props.MaximumBatchingWindowInSeconds ?? 0),
            reportBatchItemFailures: types.includes('ReportBatchItemFailures'),
            ...(scaling?.MaximumConcurrency
              ? { maximumConcurrency: Number(scaling.MaximumConcurrency) }
              : {}),
            enabled: props.Enabled !== false && props.Enabled !== 'false',
            filters: (
              (props.FilterCriteria as { Filters?: { Pattern?: string }[] } | undefined)?.Filters ?? []
            )
              .map((f) => f.Pattern)
              .filter((p): p is string => typeof p === 'string'),
          });
          break;
        }
        case 'AWS::Lambda::EventInvokeConfig':
          invokeConfigs.push({ fn: nameFromArn(String(props.FunctionName)), props });
          break;
        case 'AWS::Events::EventBus':
          model.buses.push({ name: name(), arn: arn.bus(name()) });
          break;
        case 'AWS::Events::Rule': {
          const [busName, ruleName] = resolver.ref(stack, logicalId).split('|') as [string, string];
          const pattern = props.EventPattern;
          model.rules.push({
            id: subject,
            name: ruleName,
            arn: arn.rule(busName, ruleName),
            busName,
            ...(pattern !== undefined
              ? { eventPattern: typeof pattern === 'string' ? pattern : JSON.stringify(pattern) }
              : {}),
            ...(props.ScheduleExpression ? { scheduleExpression: String(props.ScheduleExpression) } : {}),
            state: String(props.State ?? 'ENABLED'),
            targets: (props.Targets as RuleTargetModel[]) ?? [],
          });
          break;
        }
        case 'AWS::Events::Archive': {
          const pattern = props.EventPattern;
          model.archives.push({
            name: name(),
            arn: arn.archive(name()),
            sourceArn: String(props.SourceArn),
            ...(pattern !== undefined
              ? { eventPattern: typeof pattern === 'string' ? pattern : JSON.stringify(pattern) }
              : {}),
            ...(props.RetentionDays !== undefined ? { retentionDays: Number(props.RetentionDays) } : {}),
          });
          break;
        }
        case 'AWS::StepFunctions::StateMachine': {
          const definition = stateMachineDefinition(props, subject, report, stack, cdkOut);
          if (!definition) break;
          model.stateMachines.push({
            id: subject,
            name: name(),
            arn: arn.stateMachine(name()),
            roleArn: String(props.RoleArn ?? ''),
            type: String(props.StateMachineType ?? 'STANDARD'),
            definition,
          });
          break;
        }
        case 'AWS::Scheduler::Schedule': {
          const target = (props.Target ?? {}) as { Arn?: string; Input?: string; RoleArn?: string };
          model.schedules.push({
            id: subject,
            name: String(props.Name ?? logicalId),
            expression: String(props.ScheduleExpression ?? ''),
            ...(props.ScheduleExpressionTimezone
              ? { timezone: String(props.ScheduleExpressionTimezone) }
              : {}),
            enabled: props.State !== 'DISABLED',
            target: {
              Arn: String(target.Arn ?? ''),
              ...(target.Input !== undefined ? { Input: String(target.Input) } : {}),
              ...(target.RoleArn ? { RoleArn: String(target.RoleArn) } : {}),
            },
          });
          break;
        }
        case 'AWS::SecretsManager::Secret':
          model.secrets.push({ name: name(), arn: arn.secret(name()), value: secretValue(props) });
          break;
        default:
          if (type.startsWith('AWS::ApiGateway::')) api.add(stack, logicalId, resource, props);
      }
    }
  }

  for (const policy of policies) {
    for (const roleRef of policy.roles) {
      const role = model.roles.get(arn.role(roleRef)) ?? model.roles.get(roleRef);
      if (role) role.statements.push(...policy.statements);
      else
        report.add(
          'unsupported',
          `IAM policy on ${roleRef}`,
          'the role is not in the app; grant not applied',
        );
    }
  }
  for (const cfg of invokeConfigs) {
    const i = model.functions.findIndex((f) => f.name === cfg.fn);
    const fn = model.functions[i];
    if (!fn) continue;
    const dest = cfg.props.DestinationConfig as
      | { OnFailure?: { Destination?: string }; OnSuccess?: { Destination?: string } }
      | undefined;
    model.functions[i] = {
      ...fn,
      maximumRetryAttempts: Number(cfg.props.MaximumRetryAttempts ?? fn.maximumRetryAttempts),
      maximumEventAgeSeconds: Number(cfg.props.MaximumEventAgeInSeconds ?? fn.maximumEventAgeSeconds),
      ...(dest?.OnFailure?.Destination ? { onFailureDestination: dest.OnFailure.Destination } : {}),
      ...(dest?.OnSuccess?.Destination ? { onSuccessDestination: dest.OnSuccess.Destination } : {}),
    };
  }
  model.apis.push(...api.build());
  return model;
}

function statementsOf(document: unknown): PolicyStatement[] {
  const statement = (document as { Statement?: unknown } | undefined)?.Statement;
  if (!statement) return [];
  return (Array.isArray(statement) ? statement : [statement]) as PolicyStatement[];
}

function functionModel(
  stack: LoadedStack,
  logicalId: string,
  props: Props,
  name: string,
  cdkOut: string,
  subject: string,
  report: StartupReport,
): FunctionModel | undefined {
  const runtime = String(props.Runtime ?? '');
  if (!runtime.startsWith('nodejs')) {
    report.add(
      'unsupported',
      subject,
      `runtime ${runtime || '(container image)'} cannot run in a worker thread`,
    );
    return undefined;
  }
  const code = (props.Code ?? {}) as { S3Key?: string; ZipFile?: string };
  if (!code.S3Key) {
    report.add('unsupported', subject, 'inline (ZipFile) code is not run; only cdk.out assets are');
    return undefined;
  }
  const assetId = code.S3Key.replace(/\.zip$/, '');
  const codeDir = stack.assets.get(assetId) ?? join(cdkOut, `asset.${assetId}`);
  if (!existsSync(codeDir)) {
    report.add('unsupported', subject, `asset ${assetId} is missing from cdk.out`);
    return undefined;
  }
  const variables = ((props.Environment as { Variables?: Record<string, unknown> })?.Variables ??
    {}) as Record<string, unknown>;
  const reserved = props.ReservedConcurrentExecutions;
  const dlq = (props.DeadLetterConfig as { TargetArn?: string } | undefined)?.TargetArn;
  return {
    id: `${stack.stackName}/${logicalId}`,
    name,
    arn: arn.lambda(name),
    codeDir,
    handler: String(props.Handler ?? 'index.handler'),
    runtime,
    environment: Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, String(v)])),
    timeoutSeconds: Number(props.Timeout ?? 3),
    memoryMb: Number(props.MemorySize ?? 128),
    ...(reserved !== undefined ? { reservedConcurrency: Number(reserved) } : {}),
    roleArn: String(props.Role ?? ''),
    ...(dlq ? { deadLetterTargetArn: dlq } : {}),
    maximumRetryAttempts: 2,
    maximumEventAgeSeconds: 21600,
  };
}

function queueAttributes(props: Props): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const key of [
    'VisibilityTimeout',
    'DelaySeconds',
    'MessageRetentionPeriod',
    'MaximumMessageSize',
    'ReceiveMessageWaitTimeSeconds',
    'FifoQueue',
    'ContentBasedDeduplication',
  ]) {
    if (props[key] !== undefined) attributes[key] = String(props[key]);
  }
  if (props.RedrivePolicy !== undefined) {
    attributes.RedrivePolicy =
      typeof props.RedrivePolicy === 'string' ? props.RedrivePolicy : JSON.stringify(props.RedrivePolicy);
  }
  return attributes;
}

function tableModel(id: string, name: string, props: Props): TableModel {
  const ttl = props.TimeToLiveSpecification as
    | { AttributeName?: string; Enabled?: boolean | string }
    | undefined;
  const stream = props.StreamSpecification as { StreamViewType?: string } | undefined;
  const throughput = props.ProvisionedThroughput as
    | { ReadCapacityUnits: number; WriteCapacityUnits: number }
    | undefined;
  return {
    id,
    name,
    arn: arn.table(name),
    keySchema: (props.KeySchema as TableModel['keySchema']) ?? [],
    attributeDefinitions: (props.AttributeDefinitions as TableModel['attributeDefinitions']) ?? [],
    globalSecondaryIndexes: (props.GlobalSecondaryIndexes as Record<string, unknown>[]) ?? [],
    localSecondaryIndexes: (props.LocalSecondaryIndexes as Record<string, unknown>[]) ?? [],
    billingMode: String(props.BillingMode ?? 'PROVISIONED'),
    ...(throughput
      ? {
          provisionedThroughput: {
            ReadCapacityUnits: Number(throughput.ReadCapacityUnits),
            WriteCapacityUnits: Number(throughput.WriteCapacityUnits),
          },
        }
      : {}),
    ...(ttl?.AttributeName && String(ttl.Enabled) !== 'false' ? { ttlAttribute: ttl.AttributeName } : {}),
    ...(stream?.StreamViewType ? { streamViewType: stream.StreamViewType } : {}),
  };
}

function stateMachineDefinition(
  props: Props,
  subject: string,
  report: StartupReport,
  stack: LoadedStack,
  cdkOut: string,
) {
  let text: string;
  const location = props.DefinitionS3Location as { Key?: string } | undefined;
  if (typeof props.DefinitionString === 'string') text = props.DefinitionString;
  else if (props.Definition && typeof props.Definition === 'object') text = JSON.stringify(props.Definition);
  else if (location?.Key) {
    // CDK uploads file definitions as assets: the S3 key is `<asset id>.json`, the file is in cdk.out.
    const assetId = location.Key.replace(/\.json$/, '');
    const path = stack.assets.get(assetId) ?? join(cdkOut, `asset.${location.Key}`);
    if (!existsSync(path)) {
      report.add('unsupported', subject, `definition asset ${location.Key} is missing from cdk.out`);
      return undefined;
    }
    text = readFileSync(path, 'utf8');
  } else {
    report.add('unsupported', subject, 'state machine has no definition the runtime can read');
    return undefined;
  }
  const substitutions = (props.DefinitionSubstitutions ?? {}) as Record<string, unknown>;
  text = text.replace(/\$\{([^}]+)\}/g, (match, key: string) =>
    key in substitutions ? String(substitutions[key]) : match,
  );
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    report.add('unsupported', subject, `definition is not valid JSON after substitution: ${String(error)}`);
    return undefined;
  }
}

function secretValue(props: Props): string {
  if (typeof props.SecretString === 'string') return props.SecretString;
  const generate = props.GenerateSecretString as
    | { SecretStringTemplate?: string; GenerateStringKey?: string; PasswordLength?: number }
    | undefined;
  const random = Array.from({ length: Number(generate?.PasswordLength ?? 32) }, () =>
    'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789'.charAt(Math.floor(Math.random() * 57)),
  ).join('');
  if (generate?.SecretStringTemplate && generate.GenerateStringKey) {
    const base = JSON.parse(generate.SecretStringTemplate) as Record<string, unknown>;
    return JSON.stringify({ ...base, [generate.GenerateStringKey]: random });
  }
  return random;
}

/** Collects API Gateway pieces (they reference each other by id) and assembles them into APIs. */
class ApiCollector {
  private readonly items: { id: string; type: string; props: Props; resource: CfnResource }[] = [];

  constructor(
    private readonly resolver: TemplateResolver,
    private readonly report: StartupReport,
  ) {}

  add(stack: LoadedStack, logicalId: string, resource: CfnResource, props: Props): void {
    const id =
      resource.Type === 'AWS::ApiGateway::Stage'
        ? `${String(props.RestApiId)}:${this.resolver.ref(stack, logicalId)}`
        : this.resolver.ref(stack, logicalId);
    this.items.push({ id, type: resource.Type, props, resource });
    if (resource.Type === 'AWS::ApiGateway::RestApi') {
      this.items.push({
        id: String(this.resolver.attribute(stack, logicalId, 'RootResourceId')),
        type: 'root',
        props: { RestApiId: id },
        resource,
      });
    }
  }

  private of(type: string) {
    return this.items.filter((i) => i.type === type);
  }

  private pathOf(resourceId: string): string {
    const item = this.items.find((i) => i.id === resourceId);
    if (!item || item.type === 'root') return '';
    return `${this.pathOf(String(item.props.ParentId))}/${String(item.props.PathPart)}`;
  }

  build(): RestApiModel[] {
    const validators = new Map(this.of('AWS::ApiGateway::RequestValidator').map((v) => [v.id, v.props]));
    const models = new Map<string, unknown>();
    for (const m of this.of('AWS::ApiGateway::Model')) {
      const schema = typeof m.props.Schema === 'string' ? JSON.parse(m.props.Schema) : m.props.Schema;
      models.set(m.id, schema);
      if (m.props.Name) models.set(String(m.props.Name), schema);
    }
    const keys = new Map(this.of('AWS::ApiGateway::ApiKey').map((k) => [k.id, k.props]));
    const planKeys = this.of('AWS::ApiGateway::UsagePlanKey');
    return this.of('AWS::ApiGateway::RestApi').map((restApi) => {
      const apiId = restApi.id;
      const stages = this.of('AWS::ApiGateway::Stage')
        .filter((s) => String(s.props.RestApiId) === apiId)
        .map((s) => {
          // CloudFormation escapes slashes in MethodSettings paths: `/~1v1~1orders` is `/v1/orders`.
          const settings = ((s.props.MethodSettings as Record<string, unknown>[] | undefined) ?? []).map(
            (m): Record<string, unknown> => ({
              ...m,
              ResourcePath: String(m.ResourcePath ?? '/*')
                .replace(/^\/~1/, '/')
                .replace(/~1/g, '/'),
            }),
          );
          const all = settings.find((m) => m.ResourcePath === '/*' && m.HttpMethod === '*');
          return {
            name: String(s.props.StageName ?? 'prod'),
            ...(all
              ? {
                  throttle: {
                    ...(all.ThrottlingRateLimit !== undefined
                      ? { rateLimit: Number(all.ThrottlingRateLimit) }
                      : {}),
                    ...(all.ThrottlingBurstLimit !== undefined
                      ? { burstLimit: Number(all.ThrottlingBurstLimit) }
                      : {}),
                  },
                }
              : {}),
            methodSettings: settings,
          };
        });
      const methods = this.of('AWS::ApiGateway::Method')
        .filter((m) => String(m.props.RestApiId) === apiId)
        .map((m): ApiMethodModel => {
          const integration = (m.props.Integration ?? {}) as {
            Type?: string;
            Uri?: string;
            RequestTemplates?: Record<string, string>;
            IntegrationResponses?: {
              StatusCode?: string;
              SelectionPattern?: string;
              ResponseTemplates?: Record<string, string>;
            }[];
          };
          const fnArn = /functions\/(arn:aws:lambda:[^/]+)\/invocations/.exec(
            String(integration.Uri ?? ''),
          )?.[1];
          const validator = validators.get(String(m.props.RequestValidatorId ?? ''));
          const requestModels: Record<string, unknown> = {};
          for (const [ct, ref] of Object.entries((m.props.RequestModels ?? {}) as Record<string, string>)) {
            const schema = models.get(ref);
            if (schema) requestModels[ct] = schema;
            else if (ref !== 'Empty')
              this.report.add('unsupported', `API method ${m.id}`, `model ${ref} not found`);
          }
          const path = this.pathOf(String(m.props.ResourceId)) || '/';
          const httpMethod = String(m.props.HttpMethod);
          const authorizationType = String(m.props.AuthorizationType ?? 'NONE');
          if (authorizationType === 'AWS_IAM') {
            this.report.add(
              'differs',
              `API ${httpMethod} ${path}`,
              'AWS_IAM: a SigV4 Authorization header is required but not verified',
            );
          } else if (authorizationType !== 'NONE') {
            this.report.add(
              'unsupported',
              `API ${httpMethod} ${path}`,
              `authorization ${authorizationType} is not enforced`,
            );
          }
          const type = String(integration.Type ?? 'MOCK');
          let mock: { statusCode: number; body: string } | undefined;
          if (type === 'MOCK') {
            const template = integration.RequestTemplates?.['application/json'] ?? '';
            const requested = /"statusCode"\s*:\s*(\d{3})/.exec(template)?.[1];
            const responses = integration.IntegrationResponses ?? [];
            const chosen =
              responses.find((r) => r.StatusCode === requested) ??
              responses.find((r) => !r.SelectionPattern) ??
              responses[0];
            mock = {
              statusCode: Number(chosen?.StatusCode ?? requested ?? 200),
              body: chosen?.ResponseTemplates?.['application/json'] ?? '',
            };
            this.report.add(
              'differs',
              `API ${httpMethod} ${path}`,
              'MOCK integration: response templates are returned as written (VTL is not evaluated)',
            );
          }
          if (httpMethod !== 'OPTIONS' && type !== 'MOCK' && (type !== 'AWS_PROXY' || !fnArn)) {
            this.report.add(
              'unsupported',
              `API ${httpMethod} ${path}`,
              `integration ${type} is not run (only Lambda proxy)`,
            );
          }
          const methodThrottle = stages
            .flatMap((s) => s.methodSettings)
            .find((s) => s.HttpMethod === httpMethod && s.ResourcePath === path);
          return {
            httpMethod,
            path,
            ...(fnArn ? { functionArn: fnArn } : {}),
            integrationType: type,
            ...(mock ? { mock } : {}),
            apiKeyRequired: m.props.ApiKeyRequired === true || m.props.ApiKeyRequired === 'true',
            authorizationType,
            validateBody: Boolean(
              validator?.ValidateRequestBody === true || validator?.ValidateRequestBody === 'true',
            ),
            validateParameters: Boolean(
              validator?.ValidateRequestParameters === true ||
                validator?.ValidateRequestParameters === 'true',
            ),
            requestParameters: Object.fromEntries(
              Object.entries((m.props.RequestParameters ?? {}) as Record<string, unknown>).map(([k, v]) => [
                k,
                v === true || v === 'true',
              ]),
            ),
            requestModels,
            ...(methodThrottle
              ? {
                  throttle: {
                    ...(methodThrottle.ThrottlingRateLimit !== undefined
                      ? { rateLimit: Number(methodThrottle.ThrottlingRateLimit) }
                      : {}),
                    ...(methodThrottle.ThrottlingBurstLimit !== undefined
                      ? { burstLimit: Number(methodThrottle.ThrottlingBurstLimit) }
                      : {}),
                  },
                }
              : {}),
          };
        });
      const usagePlans = this.of('AWS::ApiGateway::UsagePlan')
        .filter((p) =>
          ((p.props.ApiStages as { ApiId?: string }[]) ?? []).some((s) => String(s.ApiId) === apiId),
        )
        .map((p): UsagePlanModel => {
          const throttle = p.props.Throttle as { RateLimit?: number; BurstLimit?: number } | undefined;
          const quota = p.props.Quota as { Limit?: number; Period?: string } | undefined;
          return {
            id: p.id,
            name: String(p.props.UsagePlanName ?? p.id),
            stages: ((p.props.ApiStages as { ApiId?: string; Stage?: string }[]) ?? []).map((s) => ({
              apiId: String(s.ApiId),
              stage: String(s.Stage),
            })),
            ...(throttle
              ? {
                  throttle: {
                    ...(throttle.RateLimit !== undefined ? { rateLimit: Number(throttle.RateLimit) } : {}),
                    ...(throttle.BurstLimit !== undefined ? { burstLimit: Number(throttle.BurstLimit) } : {}),
                  },
                }
              : {}),
            ...(quota
              ? { quota: { limit: Number(quota.Limit), ...(quota.Period ? { period: quota.Period } : {}) } }
              : {}),
            apiKeys: planKeys
              .filter((k) => String(k.props.UsagePlanId) === p.id)
              .map((k) => {
                const key = keys.get(String(k.props.KeyId));
                return String(key?.Value ?? k.props.KeyId);
              }),
          };
        });
      return {
        id: apiId,
        name: String(restApi.props.Name ?? apiId),
        stages: stages.map(({ methodSettings: _m, ...s }) => s),
        binaryMediaTypes: ((restApi.props.BinaryMediaTypes as string[]) ?? []).map((t) =>
          t.replace('~1', '/'),
        ),
        methods,
        usagePlans,
      };
    });
  }
}
