import { Match, Template } from 'aws-cdk-lib/assertions';
import { DetailType, Source } from '../../events';
import { buildPlantsync, type PlantsyncStacks } from '../../infra/app-builder';
import { type EnvironmentConfig, loadEnvironment, parseEnvironment } from '../../infra/config';
import { renderDocuments } from '../../infra/config/documents';
import { appWithoutBundling, resourcesOf } from './helpers';

/** How the connectors, workflows and the CDK app are wired together (one deployed app). */
describe('integration wiring of the dev environment', () => {
  let config: EnvironmentConfig;
  let stacks: PlantsyncStacks;
  let stateful: Template;
  let stateless: Template;

  beforeAll(() => {
    config = loadEnvironment('dev');
    stacks = buildPlantsync(appWithoutBundling(), { config, nag: false, onPending: () => undefined });
    stateful = Template.fromStack(stacks.stateful);
    stateless = Template.fromStack(stacks.stateless);
  });

  const env = (name: string) => stacks.stateless.functions.get(name)?.environmentVariables ?? {};
  const bundled = (name: string) => stacks.stateless.functions.get(name)?.bundledConfig ?? {};

  it('gives the workflow tasks the SAP, MES and maintenance settings their bindings read', () => {
    const vars = env('workflows');
    const docs = bundled('workflows');

    expect(Object.keys(vars)).toEqual(
      expect.arrayContaining([
        'SAP_BASE_URL',
        'SAP_SECRET_ID',
        'CORRELATION_TABLE_NAME',
        'EVENT_BUS_NAME',
        ...config.plants.flatMap((p) => [`MES_SECRET_${p.code}`, `MAINTENANCE_SECRET_${p.code}`]),
      ]),
    );
    expect(Object.keys(docs).sort()).toEqual(['MAINTENANCE_PLANTS', 'PLANTS_JSON', 'SAP_MAPPINGS']);
  });

  it('gives the business API the same connector settings and its workflows', () => {
    expect(Object.keys(env('business-api'))).toEqual(
      expect.arrayContaining([
        'SAP_BASE_URL',
        'SAP_SECRET_ID',
        'CORRELATION_TABLE_NAME',
        'WORKFLOW_ORDER_RELEASE_ARN',
      ]),
    );
  });

  it('lets the SAP poster raise sync exceptions and dead-letter with a reason', () => {
    expect(Object.keys(env('sap-poster'))).toEqual(
      expect.arrayContaining([
        'EVENT_BUS_NAME',
        'DLQ_URL',
        'MAX_RECEIVE_COUNT',
        'SAP_BASE_URL',
        'SAP_SECRET_ID',
      ]),
    );
  });

  it('binds the SAP settings to maintenance egress when a plant is on SAP PM', () => {
    expect(config.plants.some((p) => p.maintenance.platform === 'sap-pm')).toBe(true);
    expect(Object.keys(env('maintenance-egress'))).toEqual(
      expect.arrayContaining(['SAP_BASE_URL', 'SAP_SECRET_ID', 'EVENT_BUS_NAME', 'DLQ_URL']),
    );
    expect(Object.keys(bundled('maintenance-egress'))).toContain('SAP_MAPPINGS');
  });

  it('binds the webhook to the idempotency table and the plants’ API tokens (cost reads)', () => {
    expect(Object.keys(env('maintenance-webhook'))).toEqual(
      expect.arrayContaining([
        'IDEMPOTENCY_TABLE_NAME',
        ...config.plants.flatMap((p) => [`WEBHOOK_SECRET_${p.code}`, `MAINTENANCE_SECRET_${p.code}`]),
      ]),
    );
  });

  it('admits the workflow tasks role as a maintenance producer on the bus', () => {
    const roleArn = stacks.stateless.functions.get('workflows')?.role?.roleArn;
    expect(roleArn).toBeDefined();
    const workflowsRole = stacks.stateless.resolve(roleArn);
    const allow = resourcesOf(stateless, 'AWS::Events::EventBusPolicy')
      .map(([, p]) => p.Statement as { Sid: string; Principal: { AWS: unknown }; Condition: unknown })
      .find((statement) => statement.Sid === 'AllowMaintenanceProducers');

    expect(allow?.Condition).toEqual({
      'ForAllValues:StringEquals': { 'events:source': [Source.maintenance] },
    });
    expect(JSON.stringify(allow?.Principal)).toContain(JSON.stringify(workflowsRole));
  });

  it('wires the SAP IDoc re-process handler as its own directly invoked function', () => {
    stateless.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.reprocessHandler',
      Environment: { Variables: Match.objectLike({ RAW_PAYLOAD_TABLE: Match.anyValue() }) },
    });
  });

  it('buffers SAP postings in a FIFO queue with a FIFO dead-letter queue', () => {
    stateful.hasResourceProperties('AWS::SQS::Queue', {
      FifoQueue: true,
      ContentBasedDeduplication: true,
      RedrivePolicy: Match.objectLike({ maxReceiveCount: Match.anyValue() }),
    });
    expect(resourcesOf(stateful, 'AWS::SQS::Queue').filter(([, p]) => p.FifoQueue === true)).toHaveLength(2);
  });

  it('routes SAP postings with one message group per plant', () => {
    for (const plant of config.plants) {
      stateless.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: Match.objectLike({ detail: { metadata: { plant: [plant.code] } } }),
        Targets: [Match.objectLike({ SqsParameters: { MessageGroupId: `sap-postings-${plant.code}` } })],
      });
    }
  });

  it('routes released orders to execution-to-sap as well, so parked confirmations complete', () => {
    stateless.hasResourceProperties('AWS::Events::Rule', {
      Description: Match.stringLikeRegexp('parked'),
      EventPattern: Match.objectLike({
        'detail-type': Match.arrayWith([DetailType.ProductionConfirmed, DetailType.ProductionOrderReleased]),
      }),
    });
  });

  it('answers 404 on the MES ingress route for an unknown plant', () => {
    stateless.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'POST',
      RequestParameters: Match.objectLike({ 'method.request.path.plant': true }),
      MethodResponses: Match.arrayWith([Match.objectLike({ StatusCode: '404' })]),
      AuthorizationType: 'AWS_IAM',
    });
  });
});

describe('plant MES B2MML version', () => {
  const withVersion = (version: unknown) => {
    const base = loadEnvironment('dev');
    return {
      ...base,
      plants: base.plants.map((p, i) => (i === 0 ? { ...p, mes: { ...p.mes, b2mmlVersion: version } } : p)),
    };
  };

  it('passes a configured version through to the plant directory the MES connector reads', () => {
    const config = parseEnvironment(withVersion('V0600'));

    const plants = JSON.parse(renderDocuments(config).PLANTS_JSON) as { mes: { b2mmlVersion?: string } }[];

    expect(plants[0]?.mes.b2mmlVersion).toBe('V0600');
  });

  it('refuses a version the MES connector cannot write, naming the field', () => {
    expect(() => parseEnvironment(withVersion('V0500'))).toThrow(/mes\.b2mmlVersion/);
  });
});

describe('secret grants', () => {
  it('match the random suffix of a secret imported by name', () => {
    const config = loadEnvironment('dev');
    const stacks = buildPlantsync(appWithoutBundling(), { config, nag: false, onPending: () => undefined });
    const policies = JSON.stringify(resourcesOf(Template.fromStack(stacks.stateless), 'AWS::IAM::Policy'));

    expect(policies).toContain(`:secret:${config.plants[0]?.mes.secretName}-??????`);
    expect(policies).not.toMatch(/:secret:[^"?]*[a-z]"/);
  });
});

describe('the local environment', () => {
  it('points every system at loopback', () => {
    const config = loadEnvironment('local');

    const urls = [
      config.sap.odataEndpoint,
      ...config.plants.flatMap((p) => [p.mes.endpoint, p.maintenance.endpoint]),
    ];

    for (const url of urls) expect(new URL(url).hostname).toBe('127.0.0.1');
  });

  it('still refuses plain http to any other host', () => {
    const input = {
      ...loadEnvironment('dev'),
      sap: { ...loadEnvironment('dev').sap, odataEndpoint: 'http://sap.example.com' },
    };

    expect(() => parseEnvironment(input)).toThrow(/sap\.odataEndpoint: an https:\/\/ URL/);
  });
});
