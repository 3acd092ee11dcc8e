import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { IntegrationMetrics, type KpiInterface, KpiMetrics, type KpiName } from '../../shared/kpi-metrics';
import type { EnvironmentConfig } from '../config/schema';
import type { StatefulStack } from './stateful-stack';
import type { StatelessStack } from './stateless-stack';

/** Where an alarm's runbook lives in the repository (docs/runbooks/README.md indexes them). */
const runbook = (name: string): string => `docs/runbooks/${name}.md`;

export interface ObservabilityStackProps extends StackProps {
  readonly config: EnvironmentConfig;
  readonly stateful: StatefulStack;
  readonly stateless: StatelessStack;
}

/** Custom metrics namespace shared with `shared/observability.ts`. */
export const METRICS_NAMESPACE = 'plantsync';

/**
 * Business KPIs: name → what it measures. Functions emit them with Powertools in namespace
 * `plantsync` with dimensions `service` (Powertools default: the emitting connector) and `plant`.
 */
export const BusinessMetrics = {
  /** Every KPI metric of shared/kpi-metrics (the names functions emit), then the ones below. */
  ...(Object.fromEntries(Object.entries(KpiMetrics).map(([name, m]) => [name, m.description])) as Record<
    KpiName,
    string
  >),
  OrderSynchronisationLatency: 'seconds from SAP release to MES acknowledgement',
  DowntimeToMaintenanceResponseTime: 'seconds from DowntimeStarted to the maintenance notification',
  WorkOrderCompletionPosted: 'completed work orders whose labour, parts and cost reached SAP',
  ConfirmationParked: 'MES facts parked because their order was not known yet (confirmation accuracy)',
  SyncExceptionRaised: 'business exceptions raised, each with an owner',
  ReconciliationVariance: 'percent of records that differ between systems in one reconciliation run',
  OrdersStuck: 'orders longer than the plant SLA in one status (stuck-order sweeper)',
  WorkOrderCompensated: 'work orders cancelled because a later step failed for good',
  DowntimeSignalSuppressed: 'flapping downtime signals absorbed into an existing notification',
  ApiServerError: 'API answers 5xx (shared middleware)',
  ApiClientError: 'API answers 4xx: auth, throttling and validation policy violations (shared middleware)',
} as const;

/** The service (POWERTOOLS_SERVICE_NAME) that emits the workflow KPIs. */
export const KPI_SERVICE = 'workflows';

interface NamedQueue {
  readonly label: string;
  readonly queue: sqs.IQueue;
  /** Age after which the oldest waiting message is an incident. */
  readonly maxAge: Duration;
}

/** The alarm topic, every alarm, and one dashboard for IT and operations. */
export class ObservabilityStack extends Stack {
  public readonly alarmTopic: sns.Topic;
  public readonly dashboard: cloudwatch.Dashboard;
  public readonly alarms: cloudwatch.Alarm[] = [];
  private readonly alarmAction: actions.SnsAction;

  constructor(scope: Construct, id: string, props: ObservabilityStackProps) {
    super(scope, id, props);
    const { config, stateful, stateless } = props;
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      displayName: `plantsync ${config.name} alarms`,
      masterKey: stateful.key,
      enforceSSL: true,
    });
    if (config.alarmEmail)
      this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(config.alarmEmail));
    this.alarmAction = new actions.SnsAction(this.alarmTopic);

    const deadLetterQueues: { label: string; queue: sqs.IQueue }[] = [
      { label: 'bus', queue: stateful.busDeadLetterQueue },
      { label: 'delivery', queue: stateful.deliveryDeadLetterQueue },
      { label: 'workflows', queue: stateful.workflowDeadLetterQueue },
      { label: 'sap-postings', queue: stateful.sapPostings.deadLetterQueue },
      ...stateful.plants.flatMap((p) => [
        { label: `${p.plant.code}-mes-outbound`, queue: p.mesOutbound.deadLetterQueue },
        { label: `${p.plant.code}-maintenance-outbound`, queue: p.maintenanceOutbound.deadLetterQueue },
      ]),
    ];
    const buffers: NamedQueue[] = [
      {
        label: 'sap-postings',
        queue: stateful.sapPostings.queue,
        maxAge: Duration.seconds(Math.min(...config.plants.map((p) => p.sla.confirmationPostingSeconds))),
      },
      ...stateful.plants.flatMap((p) => [
        {
          label: `${p.plant.code}-mes-outbound`,
          queue: p.mesOutbound.queue,
          maxAge: Duration.seconds(Math.ceil(p.plant.sla.orderAckTimeoutSeconds / 2)),
        },
        {
          label: `${p.plant.code}-maintenance-outbound`,
          queue: p.maintenanceOutbound.queue,
          maxAge: Duration.seconds(p.plant.sla.downtimeToNotificationSeconds),
        },
      ]),
    ];

    for (const { label, queue } of deadLetterQueues) {
      this.alarm(
        `DeadLetters-${label}`,
        queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
        {
          threshold: 0,
          description: `Dead letters in ${label}: find why in the message attributes, fix, then replay. Runbook: ${runbook(`dlq-${label.replace(/^\d+-/, '')}`)}`,
        },
      );
    }
    for (const { label, queue, maxAge } of [
      ...buffers,
      ...deadLetterQueues.map((d) => ({ ...d, label: `dlq-${d.label}`, maxAge: Duration.days(7) })),
    ]) {
      this.alarm(
        `OldestMessage-${label}`,
        queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1), statistic: 'Maximum' }),
        {
          threshold: maxAge.toSeconds(),
          description: `Oldest message in ${label} is older than ${maxAge.toSeconds()} s: the consumer is stuck or throttled. Runbook: ${runbook('oldest-message')}`,
        },
      );
    }
    for (const [name, workflow] of stateless.workflows) {
      this.alarm(
        `WorkflowFailed-${name}`,
        workflow.stateMachine.metricFailed({ period: Duration.minutes(5) }),
        {
          threshold: 0,
          description: `Executions of ${name} failed: open the execution, its correlation id leads to the order. Runbook: ${runbook('workflow-failed')}`,
        },
      );
      this.alarm(
        `WorkflowTimedOut-${name}`,
        workflow.stateMachine.metricTimedOut({ period: Duration.minutes(5) }),
        {
          threshold: 0,
          description: `Executions of ${name} timed out. Runbook: ${runbook('workflow-timed-out')}`,
        },
      );
    }
    for (const plant of config.plants) {
      const dims = { service: KPI_SERVICE, plant: plant.code };
      this.alarm(`StuckOrders-${plant.code}`, this.kpi('OrdersStuck', dims, 'Maximum'), {
        threshold: 0,
        description: `Orders in plant ${plant.code} are stuck longer than ${plant.sla.stuckOrderAfterMinutes} min. Runbook: ${runbook('stuck-orders')}`,
      });
      this.alarm(`ReconciliationDrift-${plant.code}`, this.kpi('ReconciliationVariance', dims, 'Maximum'), {
        threshold: 0,
        description: `Reconciliation found drift in plant ${plant.code}: see the ReconciliationDriftDetected events. Runbook: ${runbook('reconciliation-drift')}`,
      });
    }
    const api = stateless.api.restApi;
    this.alarm('Api5xx', api.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }), {
      threshold: 0,
      description: `The API answered 5xx: see the access log and the function logs by request id. Runbook: ${runbook('api-5xx')}`,
    });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.hours(6),
    });
    this.buildDashboard(props, deadLetterQueues, buffers);
  }

  private kpi(name: keyof typeof BusinessMetrics, dimensions: Record<string, string>, statistic: string) {
    return new cloudwatch.Metric({
      namespace: METRICS_NAMESPACE,
      metricName: name,
      dimensionsMap: dimensions,
      statistic,
      period: Duration.minutes(5),
    });
  }

  private alarm(
    id: string,
    metric: cloudwatch.IMetric,
    options: { readonly threshold: number; readonly description: string },
  ): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, `Alarm-${id}`, {
      metric,
      threshold: options.threshold,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: options.description,
    });
    alarm.addAlarmAction(this.alarmAction);
    alarm.addOkAction(this.alarmAction);
    this.alarms.push(alarm);
    return alarm;
  }

  private buildDashboard(
    props: ObservabilityStackProps,
    deadLetterQueues: readonly { label: string; queue: sqs.IQueue }[],
    buffers: readonly NamedQueue[],
  ): void {
    const { stateless, config } = props;
    const api = stateless.api.restApi;
    const fns = [...stateless.functions.entries()];
    const wfs = [...stateless.workflows.entries()];
    const search = (metric: string, stat: string, label: string) =>
      new cloudwatch.MathExpression({
        expression: `SEARCH('{${METRICS_NAMESPACE},plant,service} MetricName="${metric}"', '${stat}', 300)`,
        label,
        period: Duration.minutes(5),
      });
    const text = (markdown: string) => new cloudwatch.TextWidget({ markdown, width: 24, height: 1 });
    this.dashboard.addWidgets(text(`# plantsync ${config.name}: business KPIs (per plant)`));
    const kpi = (title: string, metric: keyof typeof BusinessMetrics, stat: string, width = 8) =>
      new cloudwatch.GraphWidget({ title, left: [search(metric, stat, '')], width });
    this.dashboard.addWidgets(
      kpi('Order synchronisation latency p90 (s)', 'OrderSynchronisationLatency', 'p90'),
      kpi('Downtime → maintenance response p90 (s)', 'DowntimeToMaintenanceResponseTime', 'p90'),
      kpi('Orders stuck past SLA', 'OrdersStuck', 'Maximum'),
    );
    this.dashboard.addWidgets(
      kpi('Sync exceptions raised', 'SyncExceptionRaised', 'Sum'),
      kpi('Reconciliation variance (%)', 'ReconciliationVariance', 'Maximum'),
      kpi('Work orders posted to SAP', 'WorkOrderCompletionPosted', 'Sum'),
    );
    const interfaces: readonly [KpiInterface, string][] = [
      ['sap', 'SAP OData'],
      ['mes', 'MES'],
      ['maintenance', 'maintenance'],
    ];
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Confirmation accuracy: posted / rejected / parked',
        left: [
          search('ConfirmationPosted', 'Sum', 'posted'),
          search('ConfirmationRejected', 'Sum', 'rejected'),
          search('ConfirmationParked', 'Sum', 'parked'),
        ],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Integration failure rate per interface (%)',
        left: interfaces.map(([iface, label]) => {
          const { succeeded, failed } = IntegrationMetrics[iface];
          const sum = (metric: string) =>
            `SUM(SEARCH('{${METRICS_NAMESPACE},plant,service} MetricName="${metric}"', 'Sum', 300))`;
          return new cloudwatch.MathExpression({
            expression: `100 * ${sum(failed)} / (${sum(succeeded)} + ${sum(failed)})`,
            label,
            period: Duration.minutes(5),
          });
        }),
        width: 8,
      }),
      kpi('Exception resolution time p90 (s)', 'SyncExceptionResolutionTime', 'p90'),
    );
    this.dashboard.addWidgets(
      kpi('Confirmations parked (order unknown)', 'ConfirmationParked', 'Sum', 6),
      kpi('API policy violations (4xx)', 'ApiClientError', 'Sum', 6),
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 12, height: 6 }),
    );

    this.dashboard.addWidgets(text('# Technical: latency per hop, errors, throttles, backlog'));
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'API latency p90 (ms) and 4xx / 5xx',
        left: [api.metricLatency({ statistic: 'p90' }), api.metricIntegrationLatency({ statistic: 'p90' })],
        right: [api.metricClientError({ statistic: 'Sum' }), api.metricServerError({ statistic: 'Sum' })],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Function duration p90 (ms) per connector',
        left: fns.map(([name, fn]) => fn.metricDuration({ statistic: 'p90', label: name })),
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Function errors and throttles',
        left: fns.map(([name, fn]) => fn.metricErrors({ label: `${name} errors` })),
        right: fns.map(([name, fn]) => fn.metricThrottles({ label: `${name} throttles` })),
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Workflow failures / time-outs and duration p90',
        left: wfs.flatMap(([name, wf]) => [
          wf.stateMachine.metricFailed({ label: `${name} failed` }),
          wf.stateMachine.metricTimedOut({ label: `${name} timed out` }),
        ]),
        right: wfs.map(([name, wf]) =>
          wf.stateMachine.metricTime({ statistic: 'p90', label: `${name} p90` }),
        ),
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Buffer depth and oldest message age (s)',
        left: buffers.map((b) => b.queue.metricApproximateNumberOfMessagesVisible({ label: b.label })),
        right: buffers.map((b) => b.queue.metricApproximateAgeOfOldestMessage({ label: b.label })),
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Dead letters and oldest dead letter age (s)',
        left: deadLetterQueues.map((d) =>
          d.queue.metricApproximateNumberOfMessagesVisible({ label: d.label }),
        ),
        right: deadLetterQueues.map((d) => d.queue.metricApproximateAgeOfOldestMessage({ label: d.label })),
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Bus rule failed invocations (→ delivery DLQ after retries)',
        left: stateless.rules.map(
          (rule) =>
            new cloudwatch.Metric({
              namespace: 'AWS/Events',
              metricName: 'FailedInvocations',
              dimensionsMap: { RuleName: rule.ruleName, EventBusName: props.stateful.bus.eventBusName },
              statistic: 'Sum',
              label: rule.node.id,
            }),
        ),
        width: 24,
      }),
    );
  }
}
