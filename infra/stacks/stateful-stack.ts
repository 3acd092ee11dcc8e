import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ArnFormat, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventschemas from 'aws-cdk-lib/aws-eventschemas';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../config/schema';
import { BufferedConsumer } from '../constructs/buffered-consumer';
import { PlantIntegration } from '../constructs/plant-integration';

export interface StatefulStackProps extends StackProps {
  readonly config: EnvironmentConfig;
  /** Folder with one JSON Schema (draft-04) per event type, grouped by source folder. */
  readonly schemasDir: string;
}

/** Attribute names of the correlation table (single-table design; see docs/architecture.md). */
export const CorrelationKeys = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttl: 'expiresAt',
  /** GSI finding orders by status and age: `gsi1pk` = "ORDER_STATUS#<plant>#<status>", `gsi1sk` = status-since ISO time. */
  statusIndex: 'byStatusAge',
  statusIndexPartitionKey: 'gsi1pk',
  statusIndexSortKey: 'gsi1sk',
} as const;

/** Powertools idempotency defaults: partition key `id`, expiry attribute `expiration`. */
export const IdempotencyKeys = { partitionKey: 'id', ttl: 'expiration' } as const;

/**
 * Everything that holds data: the key, the bus with its archive and schema registry, the
 * correlation and idempotency tables, and the queues (plant buffers, the SAP posting buffer,
 * the delivery dead-letter queue for rules and schedules).
 */
export class StatefulStack extends Stack {
  public readonly key: kms.Key;
  public readonly bus: events.EventBus;
  public readonly busDeadLetterQueue: sqs.Queue;
  public readonly archive: events.Archive;
  public readonly schemaRegistry: eventschemas.CfnRegistry;
  public readonly schemaCount: number;
  public readonly correlationTable: dynamodb.TableV2;
  public readonly idempotencyTable: dynamodb.TableV2;
  /** Keyed by `pk` alone, TTL `expiresAt`: IDoc DOCNUM de-duplication and webhook replay protection. */
  public readonly dedupTable: dynamodb.TableV2;
  /** Raw inbound payloads (IDoc XML, gzip, chunked) kept for re-processing: `pk`/`sk`, TTL `expiresAt`. */
  public readonly rawPayloadTable: dynamodb.TableV2;
  /** Every table by the name functions bind it with. */
  public readonly tables: Readonly<
    Record<'correlation' | 'idempotency' | 'dedup' | 'rawPayloads', dynamodb.TableV2>
  >;
  /** Dead letters of bus rule targets and schedules that failed for good. */
  public readonly deliveryDeadLetterQueue: sqs.Queue;
  /** Where workflows put what failed for good, with the workflow, correlation id, reason and state. */
  public readonly workflowDeadLetterQueue: sqs.Queue;
  public readonly sapPostings: BufferedConsumer;
  public readonly plants: readonly PlantIntegration[];

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const { config } = props;
    const removalPolicy = config.removalPolicy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.key = new kms.Key(this, 'DataKey', {
      description: `plantsync ${config.name}: bus, archive, queues, tables, logs and alarm topic`,
      enableKeyRotation: true,
      removalPolicy: config.removalPolicy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(config.removalPolicy === 'retain' ? 30 : 7),
    });
    this.allowServiceUse();

    // Its own key: the data key's policy names the bus, and the bus names this queue (a cycle).
    const busDeadLetterKey = new kms.Key(this, 'BusDeadLetterKey', {
      description: `plantsync ${config.name}: dead letters of the event bus`,
      enableKeyRotation: true,
      removalPolicy,
      pendingWindow: Duration.days(config.removalPolicy === 'retain' ? 30 : 7),
    });
    busDeadLetterKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'EventBridgeDeliversDeadLetters',
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );
    this.busDeadLetterQueue = new sqs.Queue(this, 'BusDeadLetters', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: busDeadLetterKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy,
    });
    Validations.of(this.busDeadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'this queue is itself the dead-letter queue of the event bus (events it cannot decrypt or deliver)',
    });
    this.bus = new events.EventBus(this, 'Bus', {
      description: `plantsync ${config.name} canonical events`,
      kmsKey: this.key,
      deadLetterQueue: this.busDeadLetterQueue,
    });
    // Its own key: the archive's key policy names the bus ARN, and the bus is encrypted with the data key.
    const archiveKey = new kms.Key(this, 'ArchiveKey', {
      description: `plantsync ${config.name}: event archive`,
      enableKeyRotation: true,
      removalPolicy,
      pendingWindow: Duration.days(config.removalPolicy === 'retain' ? 30 : 7),
    });
    this.archive = new events.Archive(this, 'Archive', {
      sourceEventBus: this.bus,
      description: `Every plantsync ${config.name} event, kept ${config.archiveRetentionDays} days for replay`,
      eventPattern: { account: [this.account] },
      retention: Duration.days(config.archiveRetentionDays),
      kmsKey: archiveKey,
    });

    this.schemaRegistry = new eventschemas.CfnRegistry(this, 'SchemaRegistry', {
      description: `plantsync ${config.name} canonical event schemas (JSON Schema draft-04)`,
    });
    this.schemaCount = this.addSchemas(props.schemasDir);

    this.correlationTable = new dynamodb.TableV2(this, 'CorrelationTable', {
      partitionKey: { name: CorrelationKeys.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: CorrelationKeys.sortKey, type: dynamodb.AttributeType.STRING },
      billing: dynamodb.Billing.onDemand(),
      encryption: dynamodb.TableEncryptionV2.customerManagedKey(this.key),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: CorrelationKeys.ttl,
      deletionProtection: config.removalPolicy === 'retain',
      removalPolicy,
      globalSecondaryIndexes: [
        {
          indexName: CorrelationKeys.statusIndex,
          partitionKey: {
            name: CorrelationKeys.statusIndexPartitionKey,
            type: dynamodb.AttributeType.STRING,
          },
          sortKey: { name: CorrelationKeys.statusIndexSortKey, type: dynamodb.AttributeType.STRING },
          projectionType: dynamodb.ProjectionType.ALL,
        },
      ],
    });
    this.idempotencyTable = new dynamodb.TableV2(this, 'IdempotencyTable', {
      partitionKey: { name: IdempotencyKeys.partitionKey, type: dynamodb.AttributeType.STRING },
      billing: dynamodb.Billing.onDemand(),
      encryption: dynamodb.TableEncryptionV2.customerManagedKey(this.key),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: IdempotencyKeys.ttl,
      removalPolicy,
    });

    this.dedupTable = new dynamodb.TableV2(this, 'DedupTable', {
      partitionKey: { name: CorrelationKeys.partitionKey, type: dynamodb.AttributeType.STRING },
      billing: dynamodb.Billing.onDemand(),
      encryption: dynamodb.TableEncryptionV2.customerManagedKey(this.key),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: CorrelationKeys.ttl,
      removalPolicy,
    });
    this.rawPayloadTable = new dynamodb.TableV2(this, 'RawPayloadTable', {
      partitionKey: { name: CorrelationKeys.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: CorrelationKeys.sortKey, type: dynamodb.AttributeType.STRING },
      billing: dynamodb.Billing.onDemand(),
      encryption: dynamodb.TableEncryptionV2.customerManagedKey(this.key),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: CorrelationKeys.ttl,
      removalPolicy,
    });
    this.tables = {
      correlation: this.correlationTable,
      idempotency: this.idempotencyTable,
      dedup: this.dedupTable,
      rawPayloads: this.rawPayloadTable,
    };

    this.deliveryDeadLetterQueue = new sqs.Queue(this, 'DeliveryDeadLetters', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy,
    });
    // Written here instead of by each rule target: a policy naming rule ARNs from the stateless
    // stack would make this stack depend on that one. Only this bus's rules and this account's
    // schedules may drop dead letters here.
    this.deliveryDeadLetterQueue.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'BusRulesDeliverDeadLetters',
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [this.deliveryDeadLetterQueue.queueArn],
        conditions: {
          ArnLike: {
            'aws:SourceArn': this.formatArn({
              service: 'events',
              resource: 'rule',
              resourceName: `${this.bus.eventBusName}/*`,
            }),
          },
        },
      }),
    );
    Validations.of(this.deliveryDeadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'this queue is itself the dead-letter queue of every bus rule target and plant schedule',
    });

    this.workflowDeadLetterQueue = new sqs.Queue(this, 'WorkflowDeadLetters', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy,
    });
    Validations.of(this.workflowDeadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        "this queue is itself the workflows' dead-letter queue (their SendToDeadLetter states write to it)",
    });

    this.sapPostings = new BufferedConsumer(this, 'SapPostings', {
      encryptionKey: this.key,
      // Message group per plant (the rules set it): SAP postings of one order never run concurrently,
      // which closes the check-before-write race the SAP connector documents.
      fifo: true,
      batchSize: 10,
      // SAP OData is the slowest dependency; a small cap keeps the dialog work processes free.
      maxConcurrency: 5,
      removalPolicy,
    });

    this.plants = config.plants.map(
      (plant) =>
        new PlantIntegration(this, `Plant${plant.code}`, { plant, encryptionKey: this.key, removalPolicy }),
    );
  }

  /** One schema per file, type JSONSchemaDraft4, named `<source>@<DetailType>` as discovery would. */
  private addSchemas(dir: string): number {
    let count = 0;
    for (const source of readdirSync(dir, { withFileTypes: true })) {
      if (!source.isDirectory()) continue;
      for (const file of readdirSync(join(dir, source.name))
        .filter((f) => f.endsWith('.json'))
        .sort()) {
        const [detailType, version] = basename(file, '.json').split('.');
        const content = readFileSync(join(dir, source.name, file), 'utf8');
        JSON.parse(content);
        new eventschemas.CfnSchema(this, `Schema${source.name.split('.').pop()}${detailType}${version}`, {
          registryName: this.schemaRegistry.attrRegistryName,
          schemaName: `${source.name}@${detailType}${version && version !== 'v1' ? `.${version}` : ''}`,
          type: 'JSONSchemaDraft4',
          content,
          description: `${detailType} (${version}) from ${source.name}`,
        });
        count += 1;
      }
    }
    return count;
  }

  /** Lets the services that write through this key use it, each scoped to this account. */
  private allowServiceUse(): void {
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchLogsEncryptLogGroups',
        principals: [new iam.ServicePrincipal(`logs.${this.region}.amazonaws.com`)],
        actions: [
          'kms:Encrypt',
          'kms:Decrypt',
          'kms:ReEncryptFrom',
          'kms:ReEncryptTo',
          'kms:GenerateDataKey',
          'kms:DescribeKey',
        ],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': this.formatArn({
              service: 'logs',
              resource: 'log-group',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    for (const [sid, service] of [
      ['CloudWatchAlarmsPublishToTopic', 'cloudwatch.amazonaws.com'],
      ['EventBridgeDeliversToQueues', 'events.amazonaws.com'],
    ] as const) {
      this.key.addToResourcePolicy(
        new iam.PolicyStatement({
          sid,
          principals: [new iam.ServicePrincipal(service)],
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: ['*'],
          conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
        }),
      );
    }
  }
}
