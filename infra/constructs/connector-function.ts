import { Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { assertRange, ConstructPropsError } from './validation';

export type TableAccess = 'read' | 'write' | 'readwrite';
export type QueueAccess = 'send' | 'consume';
export type StateMachineAccess = 'start' | 'task-response';

/** The minimum a bind helper needs of a DynamoDB table (Table and TableV2 both qualify). */
export interface BindableTable {
  readonly tableArn: string;
  readonly tableName: string;
  readonly encryptionKey?: IKey;
}

/** The minimum a bind helper needs of an event bus. */
export interface BindableBus {
  readonly eventBusArn: string;
  readonly eventBusName: string;
}

export interface ConnectorFunctionProps {
  /** Connector or job name (its folder under `functions/`); becomes POWERTOOLS_SERVICE_NAME. */
  readonly connectorName: string;
  /** Absolute path of the TypeScript handler file; it must export `handlerName`. */
  readonly entry: string;
  /** The export of `entry` Lambda calls. @default 'handler' */
  readonly handlerName?: string;
  /** @default - "plantsync <connectorName>" */
  readonly description?: string;
  /** @default 256 */
  readonly memorySize?: number;
  /** @default Duration.seconds(30) */
  readonly timeout?: Duration;
  /** Extra environment variables; every value must be non-empty. @default - none */
  readonly environment?: Readonly<Record<string, string>>;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** KMS key encrypting the log group. @default - CloudWatch Logs service-managed encryption */
  readonly logEncryptionKey?: IKey;
  /** What happens to the log group when the stack is deleted. @default RemovalPolicy.DESTROY */
  readonly logRemovalPolicy?: RemovalPolicy;
  /** @default - unreserved */
  readonly reservedConcurrentExecutions?: number;
  /**
   * Configuration too large for Lambda's 4 KB environment (plant directories, mappings): shipped in
   * the bundle as `plantsync-config.json` and copied into `process.env` (unless a variable of that
   * name is set) before any handler module runs, so handlers read it like any variable. @default - none
   */
  readonly bundledConfig?: Readonly<Record<string, string>>;
  /** Powertools log level. @default 'INFO' */
  readonly logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
}

const ENV_NAME = /^[A-Z][A-Z0-9_]*$/;
const CONFIG_FILE = 'plantsync-config.json';

/**
 * Runs before the bundled modules: `require` for CommonJS dependencies in the ESM bundle, and the
 * bundled configuration copied into `process.env` (variables set on the function win).
 */
const BANNER = [
  "import { createRequire as __psCreateRequire } from 'node:module';",
  "import { existsSync as __psExists, readFileSync as __psRead } from 'node:fs';",
  'const require = __psCreateRequire(import.meta.url);',
  `{ const f = new URL('./${CONFIG_FILE}', import.meta.url); if (__psExists(f)) {`,
  "for (const [k, v] of Object.entries(JSON.parse(__psRead(f, 'utf8')))) process.env[k] ??= v; } }",
].join(' ');

/** Shell commands that write the bundled configuration next to index.mjs (base64: no quoting issues). */
const writeConfigCommands = (
  outputDir: string,
  config: Readonly<Record<string, string>> | undefined,
): string[] => {
  if (!config || Object.keys(config).length === 0) return [];
  const encoded = Buffer.from(JSON.stringify(config)).toString('base64');
  return [
    `node -e "require('node:fs').writeFileSync(process.argv[1], Buffer.from(process.argv[2], 'base64'))" ` +
      `"${outputDir}/${CONFIG_FILE}" ${encoded}`,
  ];
};
/** Lambda refuses a function whose environment exceeds 4 KB in total. */
const MAX_ENVIRONMENT_BYTES = 4096;

/**
 * A Lambda connector with the project's fixed runtime shape: Node.js 22 on arm64, ESM bundle
 * (esbuild, local, minified, with a createRequire banner so CommonJS dependencies still load),
 * X-Ray active tracing, JSON logs into its own log group with retention, and its own role that
 * starts with nothing but that log group. Access is added with the `bind*` helpers, each granting
 * the least that the access needs and setting the variable the handler reads the resource from.
 */
export class ConnectorFunction extends NodejsFunction {
  /** The function's own log group. */
  public readonly logGroupResource: logs.LogGroup;
  /** Environment variables set through the props and the bind helpers (names → values). */
  public readonly environmentVariables: Readonly<Record<string, string>>;
  /** Configuration shipped in the bundle (see `ConnectorFunctionProps.bundledConfig`). */
  public readonly bundledConfig: Readonly<Record<string, string>>;
  private readonly envVars: Record<string, string>;

  constructor(scope: Construct, id: string, props: ConnectorFunctionProps) {
    const environment = ConnectorFunction.validate(id, props);
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      encryptionKey: props.logEncryptionKey,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.DESTROY,
    });
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of the ${props.connectorName} connector`,
      inlinePolicies: {
        logs: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
              resources: [logGroup.logGroupArn],
            }),
          ],
        }),
      },
    });
    super(scope, id, {
      entry: props.entry,
      handler: props.handlerName ?? 'handler',
      description: props.description ?? `plantsync ${props.connectorName}`,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(30),
      tracing: lambda.Tracing.ACTIVE,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel[props.logLevel ?? 'INFO'],
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      logGroup,
      role,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      environment: {
        POWERTOOLS_SERVICE_NAME: props.connectorName,
        POWERTOOLS_METRICS_NAMESPACE: 'plantsync',
        POWERTOOLS_LOG_LEVEL: props.logLevel ?? 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
        ...environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        platform: 'node',
        target: 'node22',
        mainFields: ['module', 'main'],
        minify: true,
        // Error class names reach logs, dead-letter causes and Step Functions error names.
        keepNames: true,
        sourceMap: true,
        forceDockerBundling: false,
        banner: BANNER,
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (_input: string, output: string) => writeConfigCommands(output, props.bundledConfig),
        },
        // The Lambda Node.js 22 runtime ships AWS SDK v3, but bundling pins the version we test with.
        externalModules: [],
      },
    });
    this.logGroupResource = logGroup;
    this.envVars = {
      POWERTOOLS_SERVICE_NAME: props.connectorName,
      POWERTOOLS_METRICS_NAMESPACE: 'plantsync',
      ...environment,
    };
    this.environmentVariables = this.envVars;
    this.bundledConfig = { ...(props.bundledConfig ?? {}) };
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: `X-Ray PutTraceSegments/PutTelemetryRecords of ${props.connectorName} support no resource-level permissions`,
    });
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-L1',
      reason: `${props.connectorName} is pinned to Node.js 22 (the project's tested runtime); upgrades go through CI`,
    });
  }

  private static validate(id: string, props: ConnectorFunctionProps): Record<string, string> {
    const fail = (problem: string): never => {
      throw new ConstructPropsError('ConnectorFunction', id, problem);
    };
    if (!/^[a-z][a-z0-9-]*$/.test(props.connectorName)) {
      fail(`connectorName must be lower-case kebab case, got "${props.connectorName}"`);
    }
    if (!props.entry.endsWith('.ts')) fail(`entry must be a TypeScript handler file, got "${props.entry}"`);
    if (props.handlerName !== undefined && !/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(props.handlerName)) {
      fail(`handlerName must be a JavaScript export name, got "${props.handlerName}"`);
    }
    assertRange('ConnectorFunction', id, 'memorySize', props.memorySize, 128, 10240);
    if (props.timeout && !props.timeout.isUnresolved() && props.timeout.toSeconds() > 900) {
      fail('timeout must be at most 15 minutes');
    }
    const environment = { ...(props.environment ?? {}) };
    for (const [name, value] of Object.entries(environment)) ConnectorFunction.checkVariable(id, name, value);
    for (const [name, value] of Object.entries(props.bundledConfig ?? {})) {
      ConnectorFunction.checkVariable(id, name, value);
      if (name in environment) fail(`${name} is both an environment variable and bundled configuration`);
    }
    return environment;
  }

  private static checkVariable(id: string, name: string, value: string): void {
    if (!ENV_NAME.test(name)) {
      throw new ConstructPropsError(
        'ConnectorFunction',
        id,
        `environment variable name "${name}" is invalid`,
      );
    }
    if (name.startsWith('AWS_')) {
      throw new ConstructPropsError(
        'ConnectorFunction',
        id,
        `environment variable ${name} is reserved by Lambda`,
      );
    }
    if (typeof value !== 'string' || value.trim() === '') {
      throw new ConstructPropsError('ConnectorFunction', id, `environment variable ${name} is empty`);
    }
  }

  /** Sets one environment variable (validated: non-empty, not reserved, total size under 4 KB). */
  public setVariable(name: string, value: string): this {
    ConnectorFunction.checkVariable(this.node.id, name, value);
    const existing = this.envVars[name];
    if (existing !== undefined && existing !== value) {
      throw new ConstructPropsError(
        'ConnectorFunction',
        this.node.id,
        `${name} is already bound to another value`,
      );
    }
    this.envVars[name] = value;
    const bytes = Object.entries(this.envVars).reduce(
      (sum, [k, v]) => sum + k.length + (Token.isUnresolved(v) ? 128 : Buffer.byteLength(v)),
      0,
    );
    if (bytes > MAX_ENVIRONMENT_BYTES) {
      throw new ConstructPropsError(
        'ConnectorFunction',
        this.node.id,
        `environment exceeds Lambda's 4 KB limit after setting ${name}`,
      );
    }
    this.addEnvironment(name, value);
    return this;
  }

  /**
   * Grants item access to a table (and the named GSIs) and sets `envName` to the table name.
   * Reads get GetItem/BatchGetItem/Query; writes get PutItem/UpdateItem/DeleteItem/BatchWriteItem.
   */
  public bindTable(
    table: BindableTable,
    access: TableAccess,
    envName: string,
    options: { readonly indexes?: readonly string[] } = {},
  ): this {
    const actions = ['dynamodb:ConditionCheckItem', 'dynamodb:DescribeTable'];
    if (access !== 'write') actions.push('dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query');
    if (access !== 'read') {
      actions.push(
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        'dynamodb:BatchWriteItem',
      );
    }
    const indexArns = (options.indexes ?? []).map((index) => `${table.tableArn}/index/${index}`);
    this.addToRolePolicy(new iam.PolicyStatement({ actions, resources: [table.tableArn, ...indexArns] }));
    if (table.encryptionKey) {
      const keyActions =
        access === 'read' ? ['kms:Decrypt'] : ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'];
      this.addToRolePolicy(
        new iam.PolicyStatement({ actions: keyActions, resources: [table.encryptionKey.keyArn] }),
      );
    }
    return this.setVariable(envName, table.tableName);
  }

  /** Grants send or consume on a queue (and its key) and sets `envName` to the queue URL. */
  public bindQueue(queue: IQueue, access: QueueAccess, envName: string): this {
    const actions =
      access === 'send'
        ? ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl']
        : [
            'sqs:ReceiveMessage',
            'sqs:DeleteMessage',
            'sqs:ChangeMessageVisibility',
            'sqs:GetQueueAttributes',
            'sqs:GetQueueUrl',
          ];
    this.addToRolePolicy(new iam.PolicyStatement({ actions, resources: [queue.queueArn] }));
    if (queue.encryptionMasterKey) {
      const keyActions = access === 'send' ? ['kms:GenerateDataKey', 'kms:Decrypt'] : ['kms:Decrypt'];
      this.addToRolePolicy(
        new iam.PolicyStatement({ actions: keyActions, resources: [queue.encryptionMasterKey.keyArn] }),
      );
    }
    return this.setVariable(envName, queue.queueUrl);
  }

  /** Grants events:PutEvents on exactly this bus and sets `envName` (default EVENT_BUS_NAME). */
  public bindBus(bus: BindableBus, envName = 'EVENT_BUS_NAME', encryptionKey?: IKey): this {
    this.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['events:PutEvents'], resources: [bus.eventBusArn] }),
    );
    if (encryptionKey) {
      this.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: [encryptionKey.keyArn],
        }),
      );
    }
    return this.setVariable(envName, bus.eventBusName);
  }

  /** Grants starting executions, or answering task tokens, of one state machine; sets `envName` to its ARN. */
  public bindStateMachine(stateMachine: IStateMachine, access: StateMachineAccess, envName: string): this {
    const actions =
      access === 'start'
        ? ['states:StartExecution']
        : ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'];
    this.addToRolePolicy(new iam.PolicyStatement({ actions, resources: [stateMachine.stateMachineArn] }));
    return this.setVariable(envName, stateMachine.stateMachineArn);
  }

  /** Grants GetSecretValue on one secret and sets `envName` to its name (never the value). */
  public bindSecret(secret: ISecret, envName: string): this {
    // grantRead, not the bare secretArn: a secret imported by name has a partial ARN, and the real
    // ARN ends in "-" plus six random characters, which the grant's `-??????` suffix matches.
    secret.grantRead(this);
    return this.setVariable(envName, secret.secretName);
  }

  /** The stack the function lives in (for constructs that must create resources beside it). */
  public get owningStack(): Stack {
    return Stack.of(this);
  }
}
