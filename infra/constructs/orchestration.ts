import { existsSync, readFileSync } from 'node:fs';
import { type CfnResource, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { ConstructPropsError } from './validation';

export interface OrchestrationProps {
  /** Workflow name, e.g. "order-release"; names the log group. */
  readonly workflowName: string;
  /** Physical name; set it when functions must be granted the workflow without referencing it. @default - generated */
  readonly stateMachineName?: string;
  /** Absolute path of the ASL definition (`state-machines/<name>.asl.json`). */
  readonly definitionFile: string;
  /** STANDARD for long, exactly-once, waiting workflows; EXPRESS for short, high-volume ones. */
  readonly type: sfn.StateMachineType;
  /** Why this type fits the workflow; recorded in the state machine's comment and docs. */
  readonly typeReason: string;
  /** Values for `${Name}` placeholders in the definition (table names, bus name, queue URLs, timeouts). @default - none */
  readonly substitutions?: Readonly<Record<string, string>>;
  /**
   * Task functions by placeholder: each becomes a substitution with the function ARN and the
   * state machine may invoke exactly that function. @default - none
   */
  readonly functions?: Readonly<Record<string, IFunction>>;
  /** Extra least-privilege statements (e.g. events:PutEvents on the bus). @default - none */
  readonly policyStatements?: readonly iam.PolicyStatement[];
  /** Whole-execution timeout; every workflow has one. @default Duration.hours(24) for STANDARD, 5 minutes for EXPRESS */
  readonly timeout?: Duration;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** @default - CloudWatch Logs service-managed encryption */
  readonly logEncryptionKey?: IKey;
  /** @default RemovalPolicy.DESTROY */
  readonly logRemovalPolicy?: RemovalPolicy;
}

const PLACEHOLDER = /\$\{([A-Za-z0-9_]+)\}/g;

/**
 * A state machine loaded from its ASL file with definition substitutions; logs every event
 * (without execution data, which may carry business payloads) and traces with X-Ray.
 */
export class Orchestration extends Construct {
  public readonly stateMachine: sfn.StateMachine;
  public readonly logGroup: logs.LogGroup;
  public readonly type: sfn.StateMachineType;
  public readonly typeReason: string;

  constructor(scope: Construct, id: string, props: OrchestrationProps) {
    super(scope, id);
    const substitutions = Orchestration.validate(id, props);
    this.type = props.type;
    this.typeReason = props.typeReason;
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      // The vendedlogs prefix keeps Step Functions from growing the account's log resource policy.
      logGroupName: `/aws/vendedlogs/states/plantsync-${props.workflowName}-${this.node.addr.slice(0, 8)}`,
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      encryptionKey: props.logEncryptionKey,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.DESTROY,
    });
    const express = props.type === sfn.StateMachineType.EXPRESS;
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName: props.stateMachineName,
      definitionBody: sfn.DefinitionBody.fromFile(props.definitionFile),
      definitionSubstitutions: substitutions,
      stateMachineType: props.type,
      timeout: props.timeout ?? (express ? Duration.minutes(5) : Duration.hours(24)),
      tracingEnabled: true,
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
    // The reason sits beside the type in the template, where a reviewer of the deploy sees it.
    (this.stateMachine.node.defaultChild as CfnResource).addMetadata(
      'plantsync:workflowType',
      `${props.type} because ${props.typeReason}`,
    );
    for (const fn of Object.values(props.functions ?? {})) {
      // Exactly the function ARN: no version or alias wildcard.
      this.stateMachine.addToRolePolicy(
        new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [fn.functionArn] }),
      );
    }
    for (const statement of props.policyStatements ?? []) this.stateMachine.addToRolePolicy(statement);
    Validations.of(this.stateMachine.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        `the ${props.workflowName} state machine needs logs:*LogDelivery and X-Ray actions, ` +
        'which support no resource-level permissions',
    });
  }

  private static validate(id: string, props: OrchestrationProps): Record<string, string> {
    const fail = (problem: string): never => {
      throw new ConstructPropsError('Orchestration', id, problem);
    };
    if (!/^[a-z][a-z0-9-]*$/.test(props.workflowName)) {
      fail(`workflowName must be lower-case kebab case, got "${props.workflowName}"`);
    }
    if (props.typeReason.trim().length < 10) {
      fail('typeReason must say why the workflow is STANDARD or EXPRESS');
    }
    if (!existsSync(props.definitionFile)) fail(`definition file ${props.definitionFile} does not exist`);
    const text = readFileSync(props.definitionFile, 'utf8');
    try {
      const parsed: unknown = JSON.parse(text);
      if (!parsed || typeof parsed !== 'object' || !('StartAt' in parsed) || !('States' in parsed)) {
        fail(`${props.definitionFile} is not an ASL definition (StartAt and States are required)`);
      }
    } catch (error) {
      if (error instanceof ConstructPropsError) throw error;
      fail(`${props.definitionFile} is not valid JSON: ${(error as Error).message}`);
    }
    const substitutions: Record<string, string> = { ...(props.substitutions ?? {}) };
    for (const [name, fn] of Object.entries(props.functions ?? {})) substitutions[name] = fn.functionArn;
    const used = new Set([...text.matchAll(PLACEHOLDER)].map((match) => match[1] as string));
    const missing = [...used].filter((name) => substitutions[name] === undefined);
    if (missing.length > 0)
      fail(`no substitution for placeholder(s) ${missing.map((m) => `\${${m}}`).join(', ')}`);
    const empty = Object.entries(substitutions).filter(([, value]) => value.trim() === '');
    if (empty.length > 0) fail(`empty substitution for ${empty.map(([name]) => name).join(', ')}`);
    // Only pass what the definition uses, so CloudFormation never carries unused references.
    return Object.fromEntries(Object.entries(substitutions).filter(([name]) => used.has(name)));
  }
}
