import type { CfnTemplate, LoadedStack } from '../../../../local/runtime/cdk-out';
import { TemplateResolver } from '../../../../local/runtime/intrinsics';
import { StartupReport } from '../../../../local/runtime/report';

const env = { sqsBaseUrl: 'http://127.0.0.1:4566', apiBaseUrl: 'http://127.0.0.1:3000' };

function stack(stackName: string, template: CfnTemplate): LoadedStack {
  return { id: stackName, stackName, template, assets: new Map() };
}

const producer = stack('Producer', {
  Conditions: { IsLocal: { 'Fn::Equals': [{ Ref: 'AWS::AccountId' }, '000000000000'] } },
  Resources: {
    Queue: { Type: 'AWS::SQS::Queue' },
    Named: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'orders' } },
    Table: {
      Type: 'AWS::DynamoDB::Table',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax
      Properties: { TableName: { 'Fn::Sub': '${AWS::StackName}-orders' } },
    },
    Fn: { Type: 'AWS::Lambda::Function' },
    Machine: { Type: 'AWS::StepFunctions::StateMachine', Properties: { StateMachineName: 'flow' } },
    Api: { Type: 'AWS::ApiGateway::RestApi', Properties: { Name: 'api' } },
  },
  Outputs: {
    QueueArn: { Value: { 'Fn::GetAtt': ['Queue', 'Arn'] }, Export: { Name: 'Producer:QueueArn' } },
  },
});
const consumer = stack('Consumer', { Resources: {} });

function resolver() {
  const report = new StartupReport();
  return { r: new TemplateResolver([producer, consumer], env, report), report };
}

describe('TemplateResolver', () => {
  it('resolves Ref of a queue to a loopback queue URL with a generated name', () => {
    const { r } = resolver();

    expect(r.resolve(producer, { Ref: 'Queue' }, 't')).toBe(
      'http://127.0.0.1:4566/000000000000/Producer-Queue',
    );
  });

  it('resolves Fn::GetAtt to local ARNs and honours explicit names', () => {
    const { r } = resolver();

    expect(r.resolve(producer, { 'Fn::GetAtt': ['Named', 'Arn'] }, 't')).toBe(
      'arn:aws:sqs:us-east-1:000000000000:orders',
    );
    expect(r.resolve(producer, { 'Fn::GetAtt': 'Fn.Arn' }, 't')).toBe(
      'arn:aws:lambda:us-east-1:000000000000:function:Producer-Fn',
    );
    expect(r.resolve(producer, { Ref: 'Machine' }, 't')).toBe(
      'arn:aws:states:us-east-1:000000000000:stateMachine:flow',
    );
  });

  it('resolves Fn::Sub with pseudo parameters, attributes and literal escapes', () => {
    const { r } = resolver();

    const value = r.resolve(
      producer,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax
      { 'Fn::Sub': ['${Table}|${Fn.Arn}|${!Literal}|${X}', { X: 'x' }] },
      't',
    );

    expect(value).toBe(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax
      'Producer-orders|arn:aws:lambda:us-east-1:000000000000:function:Producer-Fn|${Literal}|x',
    );
  });

  it('resolves Fn::Join, Fn::Select, Fn::Split and Fn::If with conditions', () => {
    const { r } = resolver();

    expect(r.resolve(producer, { 'Fn::Join': ['-', ['a', { Ref: 'AWS::Region' }]] }, 't')).toBe(
      'a-us-east-1',
    );
    expect(r.resolve(producer, { 'Fn::Select': [1, { 'Fn::Split': [',', 'a,b,c'] }] }, 't')).toBe('b');
    expect(r.resolve(producer, { 'Fn::If': ['IsLocal', 'yes', 'no'] }, 't')).toBe('yes');
  });

  it('drops properties set to AWS::NoValue', () => {
    const { r } = resolver();

    expect(r.resolve(producer, { A: 1, B: { Ref: 'AWS::NoValue' } }, 't')).toEqual({ A: 1 });
  });

  it('resolves Fn::ImportValue from another stack export', () => {
    const { r } = resolver();

    expect(r.resolve(consumer, { 'Fn::ImportValue': 'Producer:QueueArn' }, 't')).toBe(
      'arn:aws:sqs:us-east-1:000000000000:Producer-Queue',
    );
  });

  it('turns API Gateway endpoint URLs into the local front URL', () => {
    const { r } = resolver();
    const id = r.resolve(producer, { Ref: 'Api' }, 't');

    const url = r.resolve(
      producer,
      {
        'Fn::Join': [
          '',
          [
            'https://',
            { Ref: 'Api' },
            '.execute-api.',
            { Ref: 'AWS::Region' },
            '.',
            { Ref: 'AWS::URLSuffix' },
            '/v1/',
          ],
        ],
      },
      't',
    );

    expect(url).toBe(`http://127.0.0.1:3000/${id}/v1/`);
  });

  it('reports an attribute it cannot resolve instead of guessing', () => {
    const { r, report } = resolver();

    const value = r.resolve(producer, { 'Fn::GetAtt': ['Queue', 'Nonsense'] }, 'Producer/X');

    expect(value).toBe('unresolved:Queue.Nonsense');
    expect(report.of('unsupported')[0]?.message).toContain('Fn::GetAtt Nonsense');
  });
});
