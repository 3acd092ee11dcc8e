import { evaluate, IamAuthorizer, wildcardMatch } from '../../../../local/runtime/iam';

const table = 'arn:aws:dynamodb:us-east-1:000000000000:table/Orders';

describe('IAM evaluation', () => {
  it('matches wildcards in actions case-insensitively and in resources exactly', () => {
    expect(wildcardMatch('dynamodb:Get*', 'DynamoDB:GetItem', true)).toBe(true);
    expect(wildcardMatch('arn:aws:dynamodb:*:*:table/Orders/index/*', `${table}/index/byPlant`)).toBe(true);
    expect(wildcardMatch('arn:aws:dynamodb:*:*:table/orders', table)).toBe(false);
  });

  it('allows an action only when a statement allows it', () => {
    const statements = [{ Effect: 'Allow', Action: ['dynamodb:GetItem'], Resource: table }];

    expect(evaluate(statements, 'dynamodb:GetItem', table)).toBe(true);
    expect(evaluate(statements, 'dynamodb:PutItem', table)).toBe(false);
  });

  it('lets an explicit Deny win over an Allow', () => {
    const statements = [
      { Effect: 'Allow', Action: 'dynamodb:*', Resource: '*' },
      { Effect: 'Deny', Action: 'dynamodb:DeleteItem', Resource: table },
    ];

    expect(evaluate(statements, 'dynamodb:DeleteItem', table)).toBe(false);
    expect(evaluate(statements, 'dynamodb:PutItem', table)).toBe(true);
  });

  it('honours NotAction', () => {
    const statements = [{ Effect: 'Allow', NotAction: 'sqs:DeleteQueue', Resource: '*' }];

    expect(evaluate(statements, 'sqs:SendMessage', 'arn:aws:sqs:us-east-1:000000000000:q')).toBe(true);
    expect(evaluate(statements, 'sqs:DeleteQueue', 'arn:aws:sqs:us-east-1:000000000000:q')).toBe(false);
  });

  it('denies a known caller with an AWS-shaped message and logs the missing action and resource', () => {
    const lines: string[] = [];
    const iam = new IamAuthorizer((line) => lines.push(line));
    iam.addPrincipal({
      accessKeyId: 'OrdersFn',
      label: 'function OrdersFn',
      roleArn: 'arn:aws:iam::000000000000:role/R',
      statements: [],
    });

    const decision = iam.authorize('OrdersFn', 'dynamodb:PutItem', [table]);

    expect(decision.allowed).toBe(false);
    expect(!decision.allowed && decision.message).toContain(
      'assumed-role/R/OrdersFn is not authorized to perform: dynamodb:PutItem',
    );
    expect(lines[0]).toContain(`missing dynamodb:PutItem on ${table}`);
  });

  it('lets callers that are not functions or state machines through, as an operator', () => {
    const iam = new IamAuthorizer(() => undefined);

    expect(iam.authorize('someone', 'dynamodb:PutItem', [table]).allowed).toBe(true);
  });
});
