import type { CfnResource, LoadedStack } from './cdk-out';
import {
  apiId,
  arn,
  generatedName,
  LOCAL_ACCOUNT,
  LOCAL_PARTITION,
  LOCAL_URL_SUFFIX,
  localEnv,
  shortHash,
  uuidFrom,
} from './naming';
import type { StartupReport } from './report';

/** Where the local stand-ins listen, so references resolve to loopback URLs. */
export interface ResolveEnvironment {
  /** Base URL queue URLs are built on, e.g. http://127.0.0.1:4566 */
  readonly sqsBaseUrl: string;
  /** Base URL of the API Gateway front; an API's URL is `${apiBaseUrl}/${restApiId}/${stage}/`. */
  readonly apiBaseUrl: string;
}

const NO_VALUE = Symbol('AWS::NoValue');

/** Property holding an explicit physical name, and the generated-name length limit, per resource type. */
const NAME_PROPERTY: Record<string, [string, number]> = {
  'AWS::Lambda::Function': ['FunctionName', 64],
  'AWS::IAM::Role': ['RoleName', 64],
  'AWS::IAM::Policy': ['PolicyName', 128],
  'AWS::IAM::ManagedPolicy': ['ManagedPolicyName', 128],
  'AWS::SQS::Queue': ['QueueName', 80],
  'AWS::DynamoDB::Table': ['TableName', 255],
  'AWS::DynamoDB::GlobalTable': ['TableName', 255],
  'AWS::Events::EventBus': ['Name', 256],
  'AWS::Events::Rule': ['Name', 64],
  'AWS::Events::Archive': ['ArchiveName', 48],
  'AWS::StepFunctions::StateMachine': ['StateMachineName', 80],
  'AWS::Logs::LogGroup': ['LogGroupName', 512],
  'AWS::SNS::Topic': ['TopicName', 256],
  'AWS::SecretsManager::Secret': ['Name', 256],
  'AWS::SSM::Parameter': ['Name', 1011],
  'AWS::CloudWatch::Alarm': ['AlarmName', 255],
  'AWS::CloudWatch::Dashboard': ['DashboardName', 255],
  'AWS::ApiGateway::RestApi': ['Name', 255],
  'AWS::ApiGateway::ApiKey': ['Name', 1024],
  'AWS::ApiGateway::UsagePlan': ['UsagePlanName', 1024],
  'AWS::Events::Connection': ['Name', 64],
  'AWS::Events::ApiDestination': ['Name', 64],
};

export class TemplateResolver {
  private readonly names = new Map<string, string>();
  private readonly exportsByName = new Map<string, { stack: LoadedStack; value: unknown }>();
  private readonly conditionCache = new Map<string, boolean>();

  constructor(
    readonly stacks: readonly LoadedStack[],
    private readonly env: ResolveEnvironment,
    private readonly report: StartupReport,
  ) {
    for (const stack of stacks) {
      for (const [outputId, output] of Object.entries(stack.template.Outputs ?? {})) {
        if (!output.Export) continue;
        const name = this.resolve(stack, output.Export.Name, `${stack.stackName}/Outputs/${outputId}`);
        if (typeof name === 'string') this.exportsByName.set(name, { stack, value: output.Value });
      }
    }
  }

  resource(stack: LoadedStack, logicalId: string): CfnResource | undefined {
    return stack.template.Resources?.[logicalId];
  }

  /** Whether the resource's Condition (if any) holds. */
  isActive(stack: LoadedStack, resource: CfnResource): boolean {
    return resource.Condition === undefined || this.condition(stack, resource.Condition);
  }

  /** The physical name of a resource (explicit name property, or a CloudFormation-style generated one). */
  physicalName(stack: LoadedStack, logicalId: string): string {
    const key = `${stack.stackName}/${logicalId}`;
    const cached = this.names.get(key);
    if (cached) return cached;
    const resource = this.resource(stack, logicalId);
    const [prop, max] = NAME_PROPERTY[resource?.Type ?? ''] ?? ['Name', 128];
    const explicit = resource?.Properties?.[prop];
    let name: string;
    if (explicit !== undefined) {
      name = String(this.resolve(stack, explicit, key));
    } else if (resource?.Type === 'AWS::SQS::Queue' && isTrue(resource.Properties?.FifoQueue)) {
      name = generatedName(stack.stackName, logicalId, max, '.fifo');
    } else if (resource?.Type === 'AWS::Logs::LogGroup') {
      name = `/aws/local/${generatedName(stack.stackName, logicalId, max)}`;
    } else {
      name = generatedName(stack.stackName, logicalId, max);
    }
    this.names.set(key, name);
    return name;
  }

  /** What `Ref` returns for a resource. */
  ref(stack: LoadedStack, logicalId: string): string {
    const resource = this.resource(stack, logicalId);
    const type = resource?.Type ?? '';
    const seed = `${stack.stackName}/${logicalId}`;
    switch (type) {
      case 'AWS::SQS::Queue':
        return `${this.env.sqsBaseUrl}/${LOCAL_ACCOUNT}/${this.physicalName(stack, logicalId)}`;
      case 'AWS::StepFunctions::StateMachine':
        return arn.stateMachine(this.physicalName(stack, logicalId));
      case 'AWS::SNS::Topic':
        return arn.topic(this.physicalName(stack, logicalId));
      case 'AWS::SecretsManager::Secret':
        return arn.secret(this.physicalName(stack, logicalId));
      case 'AWS::KMS::Key':
        return uuidFrom(seed);
      case 'AWS::ApiGateway::RestApi':
      case 'AWS::ApiGateway::Resource':
      case 'AWS::ApiGateway::Deployment':
      case 'AWS::ApiGateway::Model':
      case 'AWS::ApiGateway::RequestValidator':
      case 'AWS::ApiGateway::UsagePlan':
      case 'AWS::ApiGateway::ApiKey':
      case 'AWS::ApiGateway::Authorizer':
        return apiId(seed);
      case 'AWS::ApiGateway::Stage': {
        const stageName = resource?.Properties?.StageName;
        return stageName === undefined ? 'prod' : String(this.resolve(stack, stageName, seed));
      }
      case 'AWS::Events::Rule': {
        const bus = resource?.Properties?.EventBusName;
        const busName = bus === undefined ? 'default' : String(this.resolve(stack, bus, seed));
        return `${busName.includes(':') ? busName.split('/').pop() : busName}|${this.physicalName(stack, logicalId)}`;
      }
      case 'AWS::Lambda::EventSourceMapping':
      case 'AWS::Lambda::EventInvokeConfig':
        return uuidFrom(seed);
      default:
        if (NAME_PROPERTY[type]) return this.physicalName(stack, logicalId);
        return `${logicalId}-${shortHash(seed)}`;
    }
  }

  /** What `Fn::GetAtt` returns; unknown attributes are reported and resolve to a visible placeholder. */
  attribute(stack: LoadedStack, logicalId: string, attr: string): unknown {
    const resource = this.resource(stack, logicalId);
    const type = resource?.Type ?? '';
    const name = () => this.physicalName(stack, logicalId);
    const seed = `${stack.stackName}/${logicalId}`;
    const table: Record<string, Record<string, () => unknown>> = {
      'AWS::Lambda::Function': { Arn: () => arn.lambda(name()) },
      'AWS::IAM::Role': {
        Arn: () => arn.role(name()),
        RoleId: () => `AROA${shortHash(seed, 16).toUpperCase()}`,
      },
      'AWS::SQS::Queue': {
        Arn: () => arn.sqs(name()),
        QueueName: name,
        QueueUrl: () => this.ref(stack, logicalId),
      },
      'AWS::DynamoDB::Table': {
        Arn: () => arn.table(name()),
        StreamArn: () => `${arn.table(name())}/stream/2026-01-01T00:00:00.000`,
      },
      'AWS::DynamoDB::GlobalTable': {
        Arn: () => arn.table(name()),
        StreamArn: () => `${arn.table(name())}/stream/2026-01-01T00:00:00.000`,
        TableId: () => uuidFrom(seed),
      },
      'AWS::Events::EventBus': { Arn: () => arn.bus(name()), Name: name },
      'AWS::Events::Rule': {
        Arn: () => {
          const [bus, rule] = this.ref(stack, logicalId).split('|');
          return arn.rule(bus ?? 'default', rule ?? name());
        },
      },
      'AWS::Events::Archive': { Arn: () => arn.archive(name()), ArchiveName: name },
      'AWS::StepFunctions::StateMachine': { Arn: () => arn.stateMachine(name()), Name: name },
      'AWS::Logs::LogGroup': { Arn: () => arn.logGroup(name()) },
      'AWS::SNS::Topic': { TopicArn: () => arn.topic(name()), TopicName: name },
      'AWS::KMS::Key': { Arn: () => arn.kmsKey(uuidFrom(seed)), KeyId: () => uuidFrom(seed) },
      'AWS::ApiGateway::RestApi': {
        RootResourceId: () => apiId(`${seed}/root`),
        RestApiId: () => apiId(seed),
      },
      'AWS::ApiGateway::ApiKey': { APIKeyId: () => apiId(seed) },
      'AWS::SecretsManager::Secret': { Id: () => arn.secret(name()) },
      'AWS::SSM::Parameter': {
        Type: () => this.resolve(stack, resource?.Properties?.Type, seed),
        Value: () => this.resolve(stack, resource?.Properties?.Value, seed),
      },
      'AWS::CloudWatch::Alarm': {
        Arn: () => `arn:aws:cloudwatch:${localEnv.region}:${LOCAL_ACCOUNT}:alarm:${name()}`,
      },
    };
    const getter = table[type]?.[attr];
    if (getter) return getter();
    this.report.add(
      'unsupported',
      seed,
      `Fn::GetAtt ${attr} of ${type || 'an unknown resource'} cannot be resolved`,
    );
    return `unresolved:${logicalId}.${attr}`;
  }

  condition(stack: LoadedStack, name: string): boolean {
    const key = `${stack.stackName}/${name}`;
    const cached = this.conditionCache.get(key);
    if (cached !== undefined) return cached;
    const expr = stack.template.Conditions?.[name];
    const value = expr === undefined ? false : Boolean(this.resolve(stack, expr, `${key} (condition)`));
    this.conditionCache.set(key, value);
    return value;
  }

  /** Resolves every intrinsic function in `value`. */
  resolve(stack: LoadedStack, value: unknown, subject: string): unknown {
    const result = this.resolveInner(stack, value, subject);
    return result === NO_VALUE ? undefined : result;
  }

  private resolveInner(stack: LoadedStack, value: unknown, subject: string): unknown {
    if (Array.isArray(value)) {
      return value.map((v) => this.resolveInner(stack, v, subject)).filter((v) => v !== NO_VALUE);
    }
    if (value === null || typeof value !== 'object') return value;
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj);
    if (keys.length === 1) {
      const fn = keys[0] as string;
      const arg = obj[fn];
      if (fn === 'Ref' || fn.startsWith('Fn::') || fn === 'Condition') {
        return this.intrinsic(stack, fn, arg, subject);
      }
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) {
      const r = this.resolveInner(stack, v, subject);
      if (r !== NO_VALUE) out[k] = r;
    }
    return out;
  }

  private intrinsic(stack: LoadedStack, fn: string, arg: unknown, subject: string): unknown {
    const r = (v: unknown) => this.resolveInner(stack, v, subject);
    switch (fn) {
      case 'Ref':
        return this.refOf(stack, String(arg), subject);
      case 'Fn::GetAtt': {
        const [logicalId, attr] = Array.isArray(arg) ? arg.map(String) : String(arg).split(/\.(.+)/);
        return this.attribute(stack, logicalId ?? '', String(attr ?? ''));
      }
      case 'Fn::Join': {
        const [sep, parts] = arg as [string, unknown];
        const resolved = r(parts);
        return this.localiseUrl((resolved as unknown[]).map((p) => stringify(p)).join(String(r(sep))));
      }
      case 'Fn::Sub': {
        const [template, vars] = Array.isArray(arg) ? (arg as [string, Record<string, unknown>]) : [arg, {}];
        const resolvedVars = r(vars ?? {}) as Record<string, unknown>;
        const text = String(r(template)).replace(/\$\{([^}]+)\}/g, (match, expr: string) => {
          if (expr.startsWith('!')) return `\${${expr.slice(1)}}`;
          if (expr in resolvedVars) return stringify(resolvedVars[expr]);
          if (expr.includes('.') && !expr.startsWith('AWS::')) {
            const [id, attr] = expr.split(/\.(.+)/);
            return stringify(this.attribute(stack, id ?? '', attr ?? ''));
          }
          const v = this.refOf(stack, expr, subject);
          return v === NO_VALUE ? match : stringify(v);
        });
        return this.localiseUrl(text);
      }
      case 'Fn::Select': {
        const [index, list] = arg as [unknown, unknown];
        const items = r(list) as unknown[];
        return items[Number(r(index))];
      }
      case 'Fn::Split': {
        const [sep, text] = arg as [string, unknown];
        return String(r(text)).split(String(r(sep)));
      }
      case 'Fn::If': {
        const [cond, whenTrue, whenFalse] = arg as [string, unknown, unknown];
        return this.condition(stack, cond) ? r(whenTrue) : r(whenFalse);
      }
      case 'Fn::Equals': {
        const [a, b] = (arg as unknown[]).map(r);
        return JSON.stringify(a) === JSON.stringify(b);
      }
      case 'Fn::And':
        return (arg as unknown[]).every((c) => Boolean(r(c)));
      case 'Fn::Or':
        return (arg as unknown[]).some((c) => Boolean(r(c)));
      case 'Fn::Not':
        return !r((arg as unknown[])[0]);
      case 'Condition':
        return this.condition(stack, String(arg));
      case 'Fn::ImportValue': {
        const exportName = String(r(arg));
        const found = this.exportsByName.get(exportName);
        if (!found) {
          this.report.add(
            'unsupported',
            subject,
            `Fn::ImportValue ${exportName}: no stack in cdk.out exports it`,
          );
          return `unresolved:import:${exportName}`;
        }
        return this.resolveInner(found.stack, found.value, subject);
      }
      case 'Fn::GetAZs':
        return [`${localEnv.region}a`, `${localEnv.region}b`, `${localEnv.region}c`];
      case 'Fn::Base64':
        return Buffer.from(String(r(arg))).toString('base64');
      case 'Fn::ToJsonString':
        return JSON.stringify(r(arg));
      case 'Fn::Length':
        return (r(arg) as unknown[]).length;
      case 'Fn::FindInMap': {
        this.report.add('unsupported', subject, 'Fn::FindInMap is not resolved by the local loader');
        return 'unresolved:FindInMap';
      }
      default:
        this.report.add('unsupported', subject, `${fn} is not resolved by the local loader`);
        return `unresolved:${fn}`;
    }
  }

  private refOf(stack: LoadedStack, name: string, subject: string): unknown {
    switch (name) {
      case 'AWS::Region':
        return localEnv.region;
      case 'AWS::AccountId':
        return LOCAL_ACCOUNT;
      case 'AWS::Partition':
        return LOCAL_PARTITION;
      case 'AWS::URLSuffix':
        return LOCAL_URL_SUFFIX;
      case 'AWS::StackName':
        return stack.stackName;
      case 'AWS::StackId':
        return `arn:aws:cloudformation:${localEnv.region}:${LOCAL_ACCOUNT}:stack/${stack.stackName}/${uuidFrom(stack.stackName)}`;
      case 'AWS::NoValue':
        return NO_VALUE;
      case 'AWS::NotificationARNs':
        return [];
    }
    const parameter = stack.template.Parameters?.[name];
    if (parameter) {
      if (parameter.Default === undefined) {
        this.report.add(
          'unsupported',
          subject,
          `parameter ${name} has no default; the local runtime passes none`,
        );
      }
      return parameter.Default;
    }
    if (this.resource(stack, name)) return this.ref(stack, name);
    this.report.add('unsupported', subject, `Ref ${name} names nothing in ${stack.stackName}`);
    return `unresolved:${name}`;
  }

  /** API Gateway endpoint URLs become the local front's URLs. */
  private localiseUrl(text: string): string {
    return text.replace(
      /https:\/\/([a-z0-9]+)\.execute-api\.[a-z0-9-]+\.amazonaws\.com\/?/g,
      (_m, id: string) => `${this.env.apiBaseUrl}/${id}/`,
    );
  }
}

function stringify(value: unknown): string {
  return typeof value === 'string'
    ? value
    : typeof value === 'object'
      ? JSON.stringify(value)
      : String(value);
}

function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}
