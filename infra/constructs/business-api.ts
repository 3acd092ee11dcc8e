import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { z } from 'zod';
import { ApprovalRequest, OrderReleaseRequest, WorkOrderRequest } from '../../functions/api/service';
import type { EnvironmentConfig } from '../config/schema';
import type { ApiRoute } from '../functions';

export interface BusinessApiProps {
  readonly config: EnvironmentConfig;
  /** Function serving each route; a route without one answers 501 until its function is deployed. */
  readonly functions: ReadonlyMap<ApiRoute, IFunction>;
  /** @default - CloudWatch Logs service-managed encryption */
  readonly logEncryptionKey?: IKey;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** @default RemovalPolicy.DESTROY */
  readonly removalPolicy?: RemovalPolicy;
  readonly onPending?: (message: string) => void;
}

/**
 * XML bodies arrive base64-encoded (`isBase64Encoded: true`) so IDocs and B2MML keep their
 * declared encoding byte for byte; JSON stays text, which Lambda proxy integration passes
 * unchanged, so webhook signatures are checked over the exact bytes sent.
 */
export const BINARY_MEDIA_TYPES = ['application/xml', 'text/xml', 'application/octet-stream'] as const;

/**
 * The REST API: `/v1` business capabilities (IAM-signed callers plus a per-client API key for
 * usage-plan throttling, validated bodies and parameters), `/webhooks/{tool}/{plant}` for
 * maintenance platforms (authenticated by the signature the function checks over the raw body),
 * and the SAP and MES ingress routes. Access logs go to an encrypted log group as JSON.
 */
export class BusinessApi extends Construct {
  public readonly restApi: apigw.RestApi;
  public readonly accessLogGroup: logs.LogGroup;
  public readonly usagePlans: readonly apigw.UsagePlan[];
  public readonly bodyValidator: apigw.RequestValidator;
  public readonly paramsValidator: apigw.RequestValidator;
  private readonly props: BusinessApiProps;

  constructor(scope: Construct, id: string, props: BusinessApiProps) {
    super(scope, id);
    this.props = props;
    const { config } = props;
    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      encryptionKey: props.logEncryptionKey,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
    });
    this.restApi = new apigw.RestApi(this, 'RestApi', {
      description: `plantsync ${config.name}: business capabilities, webhooks and ingress`,
      endpointTypes: [apigw.EndpointType.REGIONAL],
      binaryMediaTypes: [...BINARY_MEDIA_TYPES],
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.DESTROY,
      disableExecuteApiEndpoint: false,
      deployOptions: {
        stageName: config.api.stageName,
        accessLogDestination: new apigw.LogGroupLogDestination(this.accessLogGroup),
        accessLogFormat: apigw.AccessLogFormat.jsonWithStandardFields({
          caller: true,
          httpMethod: true,
          ip: true,
          protocol: true,
          requestTime: true,
          resourcePath: true,
          responseLength: true,
          status: true,
          user: true,
        }),
        loggingLevel: apigw.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        tracingEnabled: true,
        metricsEnabled: true,
        throttlingRateLimit: config.api.throttle.rateLimit,
        throttlingBurstLimit: config.api.throttle.burstLimit,
        methodOptions: {
          // SaaS tools retry webhooks; a tighter cap protects the bus from a misbehaving sender.
          '/webhooks/{tool}/{plant}/POST': { throttlingRateLimit: 20, throttlingBurstLimit: 40 },
        },
      },
    });
    this.bodyValidator = this.restApi.addRequestValidator('BodyAndParameters', {
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    this.paramsValidator = this.restApi.addRequestValidator('ParametersOnly', {
      validateRequestBody: false,
      validateRequestParameters: true,
    });
    this.addRoutes();
    this.usagePlans = config.api.clients.map((client) => {
      const plan = this.restApi.addUsagePlan(`Plan-${client.name}`, {
        name: `plantsync-${config.name}-${client.name}`,
        description: `Throttle and quota for ${client.name}`,
        throttle: { rateLimit: client.rateLimit, burstLimit: client.burstLimit },
        quota: { limit: client.quotaPerDay, period: apigw.Period.DAY },
        apiStages: [{ api: this.restApi, stage: this.restApi.deploymentStage }],
      });
      plan.addApiKey(
        this.restApi.addApiKey(`Key-${client.name}`, {
          apiKeyName: `plantsync-${config.name}-${client.name}`,
          description: `API key of ${client.name}; its value is read from API Gateway, never from code`,
        }),
      );
      return plan;
    });
    this.acknowledge();
  }

  private integrationFor(route: ApiRoute): apigw.Integration {
    const fn = this.props.functions.get(route);
    if (fn) return new apigw.LambdaIntegration(fn, { proxy: true, timeout: Duration.seconds(29) });
    this.props.onPending?.(`API route ${route} answers 501 until its function is deployed`);
    return new apigw.MockIntegration({
      requestTemplates: { 'application/json': '{"statusCode": 501}' },
      passthroughBehavior: apigw.PassthroughBehavior.NEVER,
      integrationResponses: [
        {
          statusCode: '501',
          responseTemplates: {
            'application/json': JSON.stringify({
              message: `${route} is not deployed in this environment yet`,
            }),
          },
        },
      ],
    });
  }

  /** An API Gateway model from the handler's own zod schema (draft-04), so gateway and handler agree. */
  private model(name: string, schema: z.ZodType): apigw.Model {
    const { $schema: _draft, ...json } = z.toJSONSchema(schema, { target: 'draft-4', io: 'input' }) as Record<
      string,
      unknown
    >;
    return this.restApi.addModel(name, {
      contentType: 'application/json',
      modelName: name,
      schema: { schema: apigw.JsonSchemaVersion.DRAFT4, ...(json as apigw.JsonSchema) },
    });
  }

  private addRoutes(): void {
    const api = this.restApi;
    const iamAuth = { authorizationType: apigw.AuthorizationType.IAM, apiKeyRequired: true } as const;
    const responses = (codes: string[]) => codes.map((statusCode) => ({ statusCode }));

    const v1 = api.root.addResource('v1');
    const orders = v1.addResource('orders').addResource('{orderNumber}');
    orders.addResource('release').addMethod('POST', this.integrationFor('v1-order-release'), {
      ...iamAuth,
      requestValidator: this.bodyValidator,
      requestParameters: { 'method.request.path.orderNumber': true },
      requestModels: {
        'application/json': this.model('OrderReleaseRequest', OrderReleaseRequest),
      },
      methodResponses: responses(['202', '400', '404', '409']),
    });
    orders.addResource('status').addMethod('GET', this.integrationFor('v1-order-status'), {
      ...iamAuth,
      requestValidator: this.paramsValidator,
      requestParameters: {
        'method.request.path.orderNumber': true,
        'method.request.querystring.plant': true,
      },
      methodResponses: responses(['200', '404']),
    });
    v1.addResource('equipment')
      .addResource('{equipmentId}')
      .addMethod('GET', this.integrationFor('v1-equipment'), {
        ...iamAuth,
        requestValidator: this.paramsValidator,
        requestParameters: {
          'method.request.path.equipmentId': true,
          'method.request.querystring.plant': true,
        },
        methodResponses: responses(['200', '404']),
      });
    v1.addResource('work-orders').addMethod('POST', this.integrationFor('v1-work-orders'), {
      ...iamAuth,
      requestValidator: this.bodyValidator,
      requestParameters: { 'method.request.header.Idempotency-Key': true },
      requestModels: {
        'application/json': this.model('WorkOrderRequest', WorkOrderRequest),
      },
      methodResponses: responses(['201', '400', '409']),
    });
    v1.addResource('inventory-adjustments')
      .addResource('{id}')
      .addResource('approval')
      .addMethod('POST', this.integrationFor('v1-inventory-approval'), {
        ...iamAuth,
        requestValidator: this.bodyValidator,
        requestParameters: { 'method.request.path.id': true, 'method.request.querystring.plant': true },
        requestModels: {
          'application/json': this.model('ApprovalDecision', ApprovalRequest),
        },
        methodResponses: responses(['200', '400', '404', '409']),
      });

    api.root
      .addResource('webhooks')
      .addResource('{tool}')
      .addResource('{plant}')
      .addMethod('POST', this.integrationFor('webhooks'), {
        authorizationType: apigw.AuthorizationType.NONE,
        requestValidator: this.paramsValidator,
        requestParameters: { 'method.request.path.tool': true, 'method.request.path.plant': true },
        methodResponses: responses(['202', '400', '401', '413']),
      });

    const ingress = api.root.addResource('ingress');
    ingress
      .addResource('sap')
      .addResource('idoc')
      .addMethod('POST', this.integrationFor('ingress-sap-idoc'), {
        ...iamAuth,
        requestValidator: this.paramsValidator,
        requestParameters: { 'method.request.header.Content-Type': true },
        methodResponses: responses(['202', '400', '413', '415']),
      });
    ingress
      .addResource('mes')
      .addResource('{plant}')
      .addResource('events')
      .addMethod('POST', this.integrationFor('ingress-mes-events'), {
        ...iamAuth,
        requestValidator: this.paramsValidator,
        requestParameters: { 'method.request.path.plant': true, 'method.request.header.Content-Type': true },
        // 404: the path names a plant that has no MES configured.
        methodResponses: responses(['202', '400', '404', '413', '415']),
      });
  }

  private acknowledge(): void {
    Validations.of(this.restApi).acknowledge(
      {
        id: 'AwsSolutions-COG4',
        reason:
          'machine-to-machine callers sign requests with SigV4 (IAM authorizer) and webhooks are HMAC-verified; ' +
          'there are no end users, so no Cognito user pool',
      },
      {
        id: 'AwsSolutions-APIG3',
        reason:
          'callers are IAM-authenticated systems with per-client usage plans; the WAF web ACL is attached by the ' +
          "organisation's edge (Firewall Manager) per account, not per application",
      },
    );
    const webhook = this.restApi.root.resourceForPath('/webhooks/{tool}/{plant}').node.tryFindChild('POST');
    if (webhook) {
      Validations.of(webhook).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'SaaS maintenance tools cannot sign SigV4; the webhook function verifies the per-plant HMAC signature ' +
          'over the raw body and rejects unsigned calls with 401',
      });
    }
    const cloudWatchRole = this.restApi.node.tryFindChild('CloudWatchRole');
    if (cloudWatchRole) {
      Validations.of(cloudWatchRole).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason: 'the account-level API Gateway logging role needs exactly this AWS-maintained policy',
      });
    }
  }
}
