import { readReliabilityDoc, renderSecuritySection, sectionOf } from './report';
import {
  analyze,
  analyzeEnvironment,
  ENVIRONMENT_NAMES,
  type EnvironmentSecurity,
  type EnvironmentTemplates,
  synthesizeEnvironment,
  type Template,
} from './security';

const one = (resources: Template['Resources']): EnvironmentSecurity =>
  analyzeEnvironment({ name: 'rule-check', templates: { Stack: { Resources: resources } }, nagFindings: [] });

const policy = (statement: Record<string, unknown>) => ({
  P: {
    Type: 'AWS::IAM::Policy',
    Properties: { PolicyDocument: { Statement: [{ Effect: 'Allow', ...statement }] } },
  },
});

describe('the static security rules', () => {
  it('flag Action * and whole-service actions', () => {
    expect(one(policy({ Action: '*', Resource: 'arn:aws:s3:::b' })).iam).toHaveLength(1);
    expect(one(policy({ Action: ['sqs:*'], Resource: 'arn:aws:sqs:eu-central-1:1:q' })).iam).toHaveLength(1);
  });

  it('flag Resource * on data-store actions but not on actions without resource-level scoping', () => {
    expect(one(policy({ Action: 'dynamodb:PutItem', Resource: '*' })).iam).toHaveLength(1);
    expect(one(policy({ Action: ['xray:PutTraceSegments'], Resource: '*' })).iam).toEqual([]);
  });

  it('flag a queue, table or bus without KMS', () => {
    const found = one({
      Q: { Type: 'AWS::SQS::Queue', Properties: { SqsManagedSseEnabled: true } },
      T: { Type: 'AWS::DynamoDB::Table', Properties: {} },
      B: { Type: 'AWS::Events::EventBus', Properties: { Name: 'b' } },
    });

    expect(found.encryption).toHaveLength(3);
  });

  it('flag secret values in Lambda environments but accept secret names and ARNs', () => {
    const fn = (variables: Record<string, unknown>) => ({
      F: { Type: 'AWS::Lambda::Function', Properties: { Environment: { Variables: variables } } },
    });

    expect(
      one(fn({ MES_SECRET_1000: 'plantsync/dev/1000/mes', SAP_SECRET_ID: 'plantsync/dev/sap' })).secrets,
    ).toEqual([]);
    expect(one(fn({ API_TOKEN: 'f00dfeedcafe1234567890' })).secrets).toHaveLength(1);
    expect(one(fn({ CONFIG: 'https://user:hunter22@sap.example.com' })).secrets).toHaveLength(1);
    expect(
      one(fn({ PLANTS_JSON: JSON.stringify([{ code: '1010', webhookSecret: 'whsec_abcdefgh12345678' }]) }))
        .secrets,
    ).toHaveLength(2);
  });
});

describe('every environment, synthesized offline', () => {
  const synthesized = new Map<string, EnvironmentTemplates>();

  beforeAll(() => {
    // One synth per environment, without bundling: the rules read templates, not bundles.
    for (const name of ENVIRONMENT_NAMES) synthesized.set(name, synthesizeEnvironment(name));
  }, 300_000);

  const of = (name: string): EnvironmentSecurity => {
    const env = synthesized.get(name);
    if (!env) throw new Error(`environment ${name} was not synthesized`);
    return analyzeEnvironment(env);
  };

  describe.each(ENVIRONMENT_NAMES)('%s', (name) => {
    it('has no IAM statement with * actions or * resources on data stores', () => {
      const result = of(name);

      expect(result.counts.statements).toBeGreaterThan(0);
      expect(result.iam).toEqual([]);
    });

    it('encrypts every queue, table and bus with KMS', () => {
      const result = of(name);

      expect(result.counts.queues + result.counts.tables + result.counts.buses).toBeGreaterThan(0);
      expect(result.encryption).toEqual([]);
    });

    it('leaves no unacknowledged cdk-nag AwsSolutions finding', () => {
      expect(of(name).nag).toEqual([]);
    });

    it('keeps secret values out of every Lambda environment', () => {
      const result = of(name);

      expect(result.counts.functions).toBeGreaterThan(0);
      expect(result.secrets).toEqual([]);
    });
  });

  it('is what docs/reliability.md says (regenerate with npx tsx test/proof/write-reliability-report.ts)', () => {
    const summary = analyze(ENVIRONMENT_NAMES.map((n) => synthesized.get(n) as EnvironmentTemplates));

    expect(sectionOf(readReliabilityDoc(), 'security')).toBe(renderSecuritySection(summary));
  });
});
