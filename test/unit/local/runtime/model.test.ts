import type { CfnTemplate, LoadedStack } from '../../../../local/runtime/cdk-out';
import { TemplateResolver } from '../../../../local/runtime/intrinsics';
import { buildModel } from '../../../../local/runtime/model';
import { StartupReport } from '../../../../local/runtime/report';

function load(template: CfnTemplate) {
  const stack: LoadedStack = { id: 'S', stackName: 'S', template, assets: new Map() };
  const report = new StartupReport();
  const resolver = new TemplateResolver(
    [stack],
    { sqsBaseUrl: 'http://127.0.0.1:1', apiBaseUrl: 'http://127.0.0.1:2' },
    report,
  );
  return { model: buildModel(resolver, report, '/nonexistent'), report };
}

describe('app model', () => {
  it('reports a resource type the runtime does not run', () => {
    const { report } = load({ Resources: { Bucket: { Type: 'AWS::S3::Bucket' } } });

    expect(report.of('unsupported')).toEqual([
      {
        level: 'unsupported',
        subject: 'S/Bucket',
        message: 'resource type AWS::S3::Bucket is not run by the local runtime',
      },
    ]);
  });

  it('reports a property it does not honour, and records observability-only ones', () => {
    const { report, model } = load({
      Resources: {
        Q: { Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeout: 5, Tags: [], SomethingNew: true } },
      },
    });

    expect(model.queues[0]?.attributes).toEqual({ VisibilityTimeout: '5' });
    expect(report.of('unsupported').map((f) => f.message)).toEqual([
      'AWS::SQS::Queue.SomethingNew is not honoured',
    ]);
    expect(report.of('recorded').map((f) => f.message)).toEqual([
      'AWS::SQS::Queue.Tags recorded, not emulated',
    ]);
  });

  it('skips resources whose condition is false', () => {
    const { report } = load({
      Conditions: { Never: { 'Fn::Equals': ['a', 'b'] } },
      Resources: { Bucket: { Type: 'AWS::S3::Bucket', Condition: 'Never' } },
    });

    expect(report.findings).toEqual([]);
  });

  it('attaches AWS::IAM::Policy statements to the roles they name', () => {
    const { model } = load({
      Resources: {
        Role: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'r' } },
        Policy: {
          Type: 'AWS::IAM::Policy',
          Properties: {
            PolicyName: 'p',
            Roles: [{ Ref: 'Role' }],
            PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' }] },
          },
        },
      },
    });

    expect(model.roles.get('arn:aws:iam::000000000000:role/r')?.statements).toEqual([
      { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' },
    ]);
  });

  it('reports a function whose asset is missing from cdk.out instead of running nothing silently', () => {
    const { report, model } = load({
      Resources: {
        Fn: {
          Type: 'AWS::Lambda::Function',
          Properties: { Runtime: 'nodejs22.x', Handler: 'index.handler', Code: { S3Key: 'abc.zip' } },
        },
      },
    });

    expect(model.functions).toEqual([]);
    expect(report.of('unsupported')[0]?.message).toBe('asset abc is missing from cdk.out');
  });
});
