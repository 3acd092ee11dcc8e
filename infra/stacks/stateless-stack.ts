import { readFileSync } from 'node:fs';
import { Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as secrets from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { Source, type System } from '../../events';
import { renderDocuments } from '../config/documents';
import type { EnvironmentConfig } from '../config/schema';
import { BusinessApi } from '../constructs/business-api';
import { ConnectorFunction, type TableAccess } from '../constructs/connector-function';
import { Orchestration } from '../constructs/orchestration';
import { type Binding, DEFAULT_ENV_NAMES, type ResolvedFunction, type TableName } from '../functions';
import { eventPatternOf, type Route, validateRoutes } from '../routing';
import type { ResolvedWorkflow } from '../workflows';
import { CorrelationKeys, type StatefulStack } from './stateful-stack';

export interface StatelessStackProps extends StackProps {
  readonly config: EnvironmentConfig;
  readonly stateful: StatefulStack;
  readonly functions: readonly ResolvedFunction[];
  readonly workflows: readonly ResolvedWorkflow[];
  readonly routes: readonly Route[];
  /** Receives one line per route, workflow or trigger left out because its code is pending. */
  readonly onPending?: (message: string) => void;
}

const pascal = (name: string): string =>
  name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');

/** Fixed so functions can be granted a workflow by ARN without referencing the state machine. */
export const stateMachineNameOf = (config: EnvironmentConfig, workflow: string): string =>
  `plantsync-${config.name}-${workflow}`;

const retentionOf = (days: number): logs.RetentionDays => days as logs.RetentionDays;

/**
 * Everything that runs: connector functions, workflows, the bus rules from the routing table,
 * the bus policy and the API. Safe to destroy and redeploy; it holds no data.
 */
export class StatelessStack extends Stack {
  public readonly functions: ReadonlyMap<string, ConnectorFunction>;
  public readonly workflows: ReadonlyMap<string, Orchestration>;
  public readonly rules: readonly events.Rule[];
  public readonly api: BusinessApi;
  /** Roles allowed to publish each source (the bus policy admits exactly these). */
  public readonly producers: ReadonlyMap<System, readonly iam.IRole[]>;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { config, stateful } = props;
    const pending = props.onPending ?? (() => undefined);
    const logRetention = retentionOf(config.logRetentionDays);
    const removal = config.removalPolicy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const producers = new Map<System, iam.IRole[]>();
    const addProducer = (system: System, role: iam.IRole) =>
      producers.set(system, [...(producers.get(system) ?? []), role]);

    // Functions, each bound to exactly what its registry entry names.
    const functions = new Map<string, ConnectorFunction>();
    const documents = renderDocuments(config);
    for (const { name, entry, spec } of props.functions) {
      const fn = new ConnectorFunction(this, pascal(name), {
        connectorName: name,
        entry,
        ...(spec.handlerName ? { handlerName: spec.handlerName } : {}),
        description: spec.description,
        timeout: Duration.seconds(spec.timeoutSeconds ?? 30),
        memorySize: spec.memorySize ?? 256,
        logRetention,
        logEncryptionKey: stateful.key,
        logRemovalPolicy: removal,
        environment: { PLANTSYNC_ENV: config.name },
        // Plant directories grow with every plant: they ship in the bundle, not the 4 KB environment.
        bundledConfig: Object.fromEntries((spec.documents ?? []).map((d) => [d, documents[d]])),
      });
      const envName = (binding: Binding): string => spec.envNames?.[binding] ?? DEFAULT_ENV_NAMES[binding];
      const publishes: readonly System[] =
        spec.publishes === undefined
          ? []
          : typeof spec.publishes === 'string'
            ? [spec.publishes]
            : spec.publishes;
      if (publishes.length > 0) fn.bindBus(stateful.bus, envName('bus'), stateful.key);
      for (const system of publishes) addProducer(system, fn.role as iam.IRole);
      for (const [table, access] of Object.entries(spec.tables ?? {}) as [TableName, TableAccess][]) {
        const indexes = table === 'correlation' ? [CorrelationKeys.statusIndex] : [];
        fn.bindTable(stateful.tables[table], access, envName(table), { indexes });
      }
      const needsSap =
        spec.sapSecret === true ||
        (spec.sapSecret === 'sap-pm-plants' &&
          config.plants.some((p) => p.maintenance.platform === 'sap-pm'));
      if (needsSap) {
        const sap = secrets.Secret.fromSecretNameV2(this, `${pascal(name)}SapSecret`, config.sap.secretName);
        fn.bindSecret(sap, envName('sapSecret'));
        fn.setVariable(envName('sapEndpoint'), config.sap.odataEndpoint);
        if (config.sap.client) fn.setVariable('SAP_CLIENT', config.sap.client);
      }
      for (const plant of stateful.plants) {
        for (const kind of spec.plantSecrets ?? []) {
          const secret =
            kind === 'mes'
              ? plant.mesSecret
              : kind === 'maintenance'
                ? plant.maintenanceSecret
                : plant.webhookSecret;
          fn.bindSecret(secret, `${kind.toUpperCase()}_SECRET_${plant.plant.code}`);
        }
      }
      functions.set(name, fn);
    }
    this.functions = functions;

    // Workflows from state-machines/*.asl.json.
    const substitutions: Record<string, string> = {
      EventBusName: stateful.bus.eventBusName,
      EventBusArn: stateful.bus.eventBusArn,
      CorrelationTableName: stateful.correlationTable.tableName,
      IdempotencyTableName: stateful.idempotencyTable.tableName,
      SapPostingsQueueUrl: stateful.sapPostings.queue.queueUrl,
      DeadLetterQueueUrl: stateful.workflowDeadLetterQueue.queueUrl,
      // One value per environment until the tasks read the plant's own SLA from PLANTS_JSON:
      // the strictest plant wins, so no plant's SLA is ever exceeded unnoticed.
      AckTimeoutSeconds: String(Math.min(...config.plants.map((p) => p.sla.orderAckTimeoutSeconds))),
      OrderSlaSeconds: String(Math.min(...config.plants.map((p) => p.sla.stuckOrderAfterMinutes * 60))),
      FlappingWindowSeconds: String(Math.max(...config.plants.map((p) => p.flapping.windowSeconds))),
      AckMaxAttempts: String(config.workflowDefaults.ackMaxAttempts),
      MaintenanceDurationMinutes: String(config.workflowDefaults.maintenanceDurationMinutes),
      MaintenanceHorizonHours: String(config.workflowDefaults.maintenanceHorizonHours),
      ApprovalTimeoutSeconds: String(config.workflowDefaults.approvalTimeoutHours * 3600),
    };
    const taskFunctions = Object.fromEntries(
      [...functions].map(([name, fn]) => [
        name === 'workflows' ? 'WorkflowTasksFunctionArn' : `${pascal(name)}FunctionArn`,
        fn,
      ]),
    );
    const workflows = new Map<string, Orchestration>();
    for (const workflow of props.workflows) {
      const text = readFileSync(workflow.definitionFile, 'utf8');
      const used = new Set([...text.matchAll(/\$\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1] as string));
      const unknown = [...used].filter(
        (p) => substitutions[p] === undefined && taskFunctions[p] === undefined,
      );
      if (unknown.length > 0) {
        pending(
          `workflow ${workflow.name}: waits for ${unknown.join(', ')} (function pending or unknown placeholder)`,
        );
        continue;
      }
      const orchestration = new Orchestration(this, `${pascal(workflow.name)}Workflow`, {
        workflowName: workflow.name,
        stateMachineName: stateMachineNameOf(config, workflow.name),
        definitionFile: workflow.definitionFile,
        type: workflow.spec.type === 'EXPRESS' ? sfn.StateMachineType.EXPRESS : sfn.StateMachineType.STANDARD,
        typeReason: workflow.spec.reason,
        timeout: Duration.seconds(workflow.spec.timeoutSeconds),
        substitutions,
        functions: Object.fromEntries(Object.entries(taskFunctions).filter(([p]) => used.has(p))),
        policyStatements: this.workflowStatements(stateful, used),
        logRetention,
        logEncryptionKey: stateful.key,
        logRemovalPolicy: removal,
      });
      addProducer('plantsync', orchestration.stateMachine.role);
      workflows.set(workflow.name, orchestration);
    }
    this.workflows = workflows;

    // Functions that start or answer workflows: bound by the state machine's fixed name, so a
    // workflow that invokes the same function creates no reference cycle.
    for (const { name, spec } of props.functions) {
      for (const grant of spec.workflows ?? []) {
        const fn = functions.get(name) as ConnectorFunction;
        if (!workflows.has(grant.name)) {
          pending(`function ${name}: no WORKFLOW_${grant.name} binding yet (workflow pending)`);
          continue;
        }
        const ref = sfn.StateMachine.fromStateMachineName(
          this,
          `${pascal(name)}To${pascal(grant.name)}`,
          stateMachineNameOf(config, grant.name),
        );
        fn.bindStateMachine(
          ref,
          grant.access,
          `WORKFLOW_${grant.name.toUpperCase().replaceAll('-', '_')}_ARN`,
        );
      }
    }

    // Buffers: consumers attach where they exist; otherwise the queues keep buffering.
    const consumerOf = (match: (spec: ResolvedFunction['spec']) => boolean) =>
      props.functions.filter((f) => match(f.spec)).map((f) => functions.get(f.name) as ConnectorFunction)[0];
    const sapPoster = consumerOf((s) => s.triggers.some((t) => t.kind === 'sap-postings'));
    // Queue consumers dead-letter a failed message themselves, with its reason, on its last receive
    // (shared/middleware sqsBatchHandler): into the delivery DLQ, whose messages are bus events that
    // `plantsync replay` puts back on the bus. Not the buffer's own DLQ: the SAP one is FIFO, and
    // SQS moves a message there without a reason.
    const bindDeadLetters = (fn: ConnectorFunction, maxReceiveCount: number) => {
      fn.bindQueue(stateful.deliveryDeadLetterQueue, 'send', 'DLQ_URL');
      fn.setVariable('MAX_RECEIVE_COUNT', String(maxReceiveCount));
    };
    if (sapPoster) {
      stateful.sapPostings.attach(sapPoster);
      bindDeadLetters(sapPoster, stateful.sapPostings.maxReceiveCount);
    } else pending('the SAP postings buffer has no consumer yet (sap-poster pending)');
    const mesPublisher = consumerOf((s) =>
      s.triggers.some((t) => t.kind === 'plant-buffer' && t.buffer === 'mes-outbound'),
    );
    const maintenanceEgress = consumerOf((s) =>
      s.triggers.some((t) => t.kind === 'plant-buffer' && t.buffer === 'maintenance-outbound'),
    );
    const plantBufferReceives = Math.min(
      ...stateful.plants.flatMap((p) => [
        p.mesOutbound.maxReceiveCount,
        p.maintenanceOutbound.maxReceiveCount,
      ]),
    );
    if (mesPublisher) bindDeadLetters(mesPublisher, plantBufferReceives);
    if (maintenanceEgress) bindDeadLetters(maintenanceEgress, plantBufferReceives);
    const deliveryDlq = sqs.Queue.fromQueueAttributes(this, 'DeliveryDeadLettersRef', {
      queueArn: stateful.deliveryDeadLetterQueue.queueArn,
      queueUrl: stateful.deliveryDeadLetterQueue.queueUrl,
      keyArn: stateful.key.keyArn,
    });
    for (const plant of stateful.plants) {
      const schedules = props.workflows.flatMap((wf) => {
        const orchestration = workflows.get(wf.name);
        if (!wf.spec.schedule || !orchestration) return [];
        const expression =
          wf.spec.schedule === 'plant-reconciliation'
            ? `cron(${plant.plant.reconciliationCron})`
            : 'rate(5 minutes)';
        return [
          {
            id: pascal(wf.name),
            expression,
            target: { kind: 'state-machine', stateMachine: orchestration.stateMachine } as const,
          },
        ];
      });
      plant.connect(this, {
        mesPublisher,
        maintenanceEgress,
        schedules,
        deliveryDeadLetterQueue: deliveryDlq,
      });
    }

    // Bus rules, all from the routing table.
    validateRoutes(props.routes);
    this.rules = this.buildRules(props.routes, stateful, functions, workflows, deliveryDlq, pending);

    this.producers = producers;
    this.addBusPolicy(stateful, producers, config.replayPrincipalArns);

    this.api = new BusinessApi(this, 'Api', {
      config,
      logEncryptionKey: stateful.key,
      logRetention,
      removalPolicy: removal,
      functions: new Map(
        props.functions.flatMap((f) =>
          f.spec.triggers.flatMap((t) =>
            t.kind === 'api' ? [[t.route, functions.get(f.name) as ConnectorFunction]] : [],
          ),
        ),
      ),
      onPending: pending,
    });
  }

  private workflowStatements(stateful: StatefulStack, used: ReadonlySet<string>): iam.PolicyStatement[] {
    const statements = [
      new iam.PolicyStatement({ actions: ['events:PutEvents'], resources: [stateful.bus.eventBusArn] }),
      new iam.PolicyStatement({
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [stateful.key.keyArn],
      }),
    ];
    if (used.has('CorrelationTableName')) {
      statements.push(
        new iam.PolicyStatement({
          actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'],
          resources: [
            stateful.correlationTable.tableArn,
            `${stateful.correlationTable.tableArn}/index/${CorrelationKeys.statusIndex}`,
          ],
        }),
      );
    }
    if (used.has('DeadLetterQueueUrl')) {
      statements.push(
        new iam.PolicyStatement({
          actions: ['sqs:SendMessage'],
          resources: [stateful.workflowDeadLetterQueue.queueArn],
        }),
      );
    }
    if (used.has('SapPostingsQueueUrl')) {
      statements.push(
        new iam.PolicyStatement({
          actions: ['sqs:SendMessage'],
          resources: [stateful.sapPostings.queue.queueArn],
        }),
      );
    }
    return statements;
  }

  private buildRules(
    table: readonly Route[],
    stateful: StatefulStack,
    functions: ReadonlyMap<string, ConnectorFunction>,
    workflows: ReadonlyMap<string, Orchestration>,
    deadLetterQueue: sqs.IQueue,
    pending: (message: string) => void,
  ): events.Rule[] {
    const rules: events.Rule[] = [];
    for (const route of table) {
      const delivery = {
        deadLetterQueue,
        retryAttempts: route.retryAttempts ?? 185,
        maxEventAge: Duration.seconds(route.maxEventAgeSeconds ?? 86_400),
      };
      const make = (id: string, target: events.IRuleTarget, plant?: string) => {
        const rule = new events.Rule(this, id, {
          eventBus: stateful.bus,
          description: plant ? `${route.description} (plant ${plant})` : route.description,
          eventPattern: eventPatternOf(route, plant),
        });
        rule.addTarget(target);
        rules.push(rule);
      };
      const target = route.target;
      switch (target.kind) {
        case 'sap-postings':
          // FIFO buffer: EventBridge sets one static MessageGroupId per target, so there is one rule
          // per plant with the plant as message group. Postings of a plant (and so of each of its
          // orders) are serialised, which closes the SAP check-before-write race (docs/connectors/sap.md)
          // while plants post in parallel. See docs/architecture.md for why not a per-order group.
          for (const plant of stateful.plants) {
            make(
              `Route${route.id}Plant${plant.plant.code}`,
              new targets.SqsQueue(stateful.sapPostings.queue, {
                ...delivery,
                messageGroupId: `sap-postings-${plant.plant.code}`,
              }),
              plant.plant.code,
            );
          }
          break;
        case 'plant-buffer':
          for (const plant of stateful.plants) {
            const buffer = target.buffer === 'mes-outbound' ? plant.mesOutbound : plant.maintenanceOutbound;
            make(
              `Route${route.id}Plant${plant.plant.code}`,
              new targets.SqsQueue(buffer.queue, delivery),
              plant.plant.code,
            );
          }
          break;
        case 'workflow': {
          const workflow = workflows.get(target.workflow);
          if (workflow)
            make(`Route${route.id}`, new targets.SfnStateMachine(workflow.stateMachine, delivery));
          else pending(`route ${route.id}: workflow ${target.workflow} pending`);
          break;
        }
        case 'function': {
          const fn = functions.get(target.function);
          if (fn) make(`Route${route.id}`, new targets.LambdaFunction(fn, delivery));
          else pending(`route ${route.id}: function ${target.function} pending`);
          break;
        }
      }
    }
    return rules;
  }

  /**
   * Data ownership on the bus: for each source, only the roles of its owning system may put
   * events with it. An Allow names the owners (events:source condition, as in the EventBridge
   * docs); a Deny refuses every other principal of the account, since same-account identity
   * policies alone would otherwise suffice.
   */
  private addBusPolicy(
    stateful: StatefulStack,
    producers: ReadonlyMap<System, readonly iam.IRole[]>,
    replayPrincipals: readonly string[],
  ): void {
    for (const [system, source] of Object.entries(Source) as [System, string][]) {
      const roles = [...(producers.get(system) ?? []).map((r) => r.roleArn), ...replayPrincipals];
      const sid = pascal(system);
      if (roles.length > 0) {
        new events.CfnEventBusPolicy(this, `BusPolicyAllow${sid}`, {
          eventBusName: stateful.bus.eventBusName,
          statementId: `Allow${sid}Producers`,
          statement: new iam.PolicyStatement({
            sid: `Allow${sid}Producers`,
            effect: iam.Effect.ALLOW,
            principals: roles.map((arn) => new iam.ArnPrincipal(arn)),
            actions: ['events:PutEvents'],
            resources: [stateful.bus.eventBusArn],
            conditions: { 'ForAllValues:StringEquals': { 'events:source': [source] } },
          }).toStatementJson(),
        });
      }
      new events.CfnEventBusPolicy(this, `BusPolicyDeny${sid}`, {
        eventBusName: stateful.bus.eventBusName,
        statementId: `OnlyOwnerPublishes${sid}`,
        statement: new iam.PolicyStatement({
          sid: `OnlyOwnerPublishes${sid}`,
          effect: iam.Effect.DENY,
          principals: [new iam.AnyPrincipal()],
          actions: ['events:PutEvents'],
          resources: [stateful.bus.eventBusArn],
          conditions: {
            'ForAnyValue:StringEquals': { 'events:source': [source] },
            ...(roles.length > 0 ? { ArnNotEquals: { 'aws:PrincipalArn': roles } } : {}),
            BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' },
          },
        }).toStatementJson(),
      });
    }
  }
}
