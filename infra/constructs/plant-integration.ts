import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as secrets from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { PlantConfig } from '../config/schema';
import { BufferedConsumer } from './buffered-consumer';
import { ConstructPropsError } from './validation';

export interface PlantIntegrationProps {
  /** The plant's validated config entry; everything here is derived from it. */
  readonly plant: PlantConfig;
  /** Key for the plant's queues. */
  readonly encryptionKey: IKey;
  /** @default RemovalPolicy.DESTROY */
  readonly removalPolicy?: RemovalPolicy;
}

/** Something a schedule can start: a Lambda function or a state machine. */
export type ScheduleTarget =
  | { readonly kind: 'function'; readonly function: IFunction }
  | { readonly kind: 'state-machine'; readonly stateMachine: IStateMachine };

export interface PlantSchedule {
  /** PascalCase; names the schedule. */
  readonly id: string;
  /** `cron(...)` or `rate(...)`; cron is evaluated in the plant's time zone. */
  readonly expression: string;
  readonly target: ScheduleTarget;
}

export interface PlantConsumers {
  /** Drains the plant's MES outbound queue (calls the plant MES). @default - queue buffers until deployed */
  readonly mesPublisher?: IFunction;
  /** Drains the plant's maintenance outbound queue (calls the plant's maintenance platform). @default - buffers */
  readonly maintenanceEgress?: IFunction;
  /** Scheduled runs for this plant (reconciliation, stuck-order sweep). @default - none */
  readonly schedules?: readonly PlantSchedule[];
  /** Where schedule deliveries that fail for good go. Required with `schedules`. */
  readonly deliveryDeadLetterQueue?: IQueue;
}

/**
 * Maximum concurrent egress invocations for a SaaS limit of `rps` requests per second: each
 * invocation sends its batch one call at a time (~1 call/s with the connector's pacing), so the
 * cap is the rate rounded up, bounded by the burst and by Lambda's floor of 2.
 */
export const egressConcurrency = (limit: { readonly rps: number; readonly burst: number }): number =>
  Math.max(2, Math.min(limit.burst, Math.ceil(limit.rps)));

/**
 * What one plant needs, built from its config entry: its outbound buffers to the plant MES and
 * to its maintenance platform (rate-limited egress), references to its secrets, and (via
 * `connect`) the consumers and its reconciliation schedule in the plant's time zone.
 */
export class PlantIntegration extends Construct {
  public readonly plant: PlantConfig;
  public readonly mesOutbound: BufferedConsumer;
  public readonly maintenanceOutbound: BufferedConsumer;
  public readonly mesSecret: secrets.ISecret;
  public readonly maintenanceSecret: secrets.ISecret;
  public readonly webhookSecret: secrets.ISecret;
  public readonly maintenanceConcurrency: number;
  public readonly mesConcurrency: number;

  constructor(scope: Construct, id: string, props: PlantIntegrationProps) {
    super(scope, id);
    const { plant } = props;
    if (!/^[A-Z0-9]{4}$/.test(plant.code)) {
      throw new ConstructPropsError(
        'PlantIntegration',
        id,
        `plant code "${plant.code}" is not 4 characters A-Z/0-9`,
      );
    }
    this.plant = plant;
    this.maintenanceConcurrency = egressConcurrency(plant.rateLimits.maintenance);
    this.mesConcurrency = egressConcurrency(plant.rateLimits.mes);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.DESTROY;
    this.mesOutbound = new BufferedConsumer(this, 'MesOutbound', {
      encryptionKey: props.encryptionKey,
      batchSize: 10,
      maxConcurrency: this.mesConcurrency,
      removalPolicy,
    });
    this.maintenanceOutbound = new BufferedConsumer(this, 'MaintenanceOutbound', {
      encryptionKey: props.encryptionKey,
      batchSize: 5,
      maxBatchingWindow: Duration.seconds(1),
      maxConcurrency: this.maintenanceConcurrency,
      removalPolicy,
    });
    this.mesSecret = secrets.Secret.fromSecretNameV2(this, 'MesSecret', plant.mes.secretName);
    this.maintenanceSecret = secrets.Secret.fromSecretNameV2(
      this,
      'MaintenanceSecret',
      plant.maintenance.secretName,
    );
    this.webhookSecret = secrets.Secret.fromSecretNameV2(
      this,
      'WebhookSecret',
      plant.maintenance.webhookSecretName,
    );
  }

  /**
   * Attaches the plant's consumers and creates its schedules in `scope` (normally the stateless
   * stack). Consumers that are not deployed yet are skipped: their queues keep buffering.
   */
  public connect(scope: Construct, consumers: PlantConsumers): void {
    if (consumers.mesPublisher) this.mesOutbound.attach(consumers.mesPublisher);
    if (consumers.maintenanceEgress) this.maintenanceOutbound.attach(consumers.maintenanceEgress);
    const schedules = consumers.schedules ?? [];
    if (schedules.length === 0) return;
    const dlq = consumers.deliveryDeadLetterQueue;
    if (!dlq) {
      throw new ConstructPropsError(
        'PlantIntegration',
        this.node.id,
        'schedules need a deliveryDeadLetterQueue',
      );
    }
    const role = this.schedulerRole(scope, dlq);
    for (const schedule of schedules) this.schedule(scope, schedule, role, dlq);
  }

  private schedulerRole(scope: Construct, dlq: IQueue): iam.Role {
    const code = this.plant.code;
    const role = new iam.Role(scope, `Plant${code}SchedulerRole`, {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com'),
      description: `Lets EventBridge Scheduler start plant ${code}'s scheduled runs`,
    });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [dlq.queueArn] }));
    if (dlq.encryptionMasterKey) {
      role.addToPolicy(
        new iam.PolicyStatement({
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: [dlq.encryptionMasterKey.keyArn],
        }),
      );
    }
    return role;
  }

  private schedule(scope: Construct, schedule: PlantSchedule, role: iam.Role, dlq: IQueue): void {
    const code = this.plant.code;
    const { target } = schedule;
    const arn =
      target.kind === 'function' ? target.function.functionArn : target.stateMachine.stateMachineArn;
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: [target.kind === 'function' ? 'lambda:InvokeFunction' : 'states:StartExecution'],
        resources: [arn],
      }),
    );
    // The canonical metadata shape the scheduled workflows read ($.metadata, $.data).
    const input = {
      metadata: { correlationId: '<aws.scheduler.execution-id>', plant: code },
      data: { runId: '<aws.scheduler.execution-id>', scheduledAt: '<aws.scheduler.scheduled-time>' },
    };
    new scheduler.CfnSchedule(scope, `Plant${code}${schedule.id}`, {
      description: `${schedule.id} for plant ${code} (${this.plant.name})`,
      scheduleExpression: schedule.expression,
      scheduleExpressionTimezone: this.plant.timeZone,
      flexibleTimeWindow: { mode: 'OFF' },
      target: {
        arn,
        roleArn: role.roleArn,
        input: JSON.stringify(input),
        retryPolicy: { maximumRetryAttempts: 5, maximumEventAgeInSeconds: 3600 },
        deadLetterConfig: { arn: dlq.queueArn },
      },
    });
  }
}
