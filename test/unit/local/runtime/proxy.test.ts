import type { IncomingMessage } from 'node:http';
import { classifyDynamoDb, classifySqs } from '../../../../local/runtime/proxy';

const request = (headers: Record<string, string>, url = '/') =>
  ({ headers, url }) as unknown as IncomingMessage;
const json = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('authorizing proxy request classification', () => {
  it('maps a DynamoDB query on an index to the index ARN', () => {
    const req = request({ 'x-amz-target': 'DynamoDB_20120810.Query' });

    const { operation, permissions } = classifyDynamoDb(
      req,
      json({ TableName: 'Orders', IndexName: 'byPlant' }),
    );

    expect(operation).toBe('Query');
    expect(permissions).toEqual([
      { action: 'dynamodb:Query', resources: [expect.stringMatching(/:table\/Orders\/index\/byPlant$/)] },
    ]);
  });

  it('checks each item of a transaction with its own action', () => {
    const req = request({ 'x-amz-target': 'DynamoDB_20120810.TransactWriteItems' });
    const body = json({
      TransactItems: [{ Put: { TableName: 'A' } }, { ConditionCheck: { TableName: 'B' } }],
    });

    const { permissions } = classifyDynamoDb(req, body);

    expect(permissions.map((p) => p.action)).toEqual(['dynamodb:PutItem', 'dynamodb:ConditionCheckItem']);
  });

  it('maps SQS JSON batch operations to their single-message actions on the queue ARN', () => {
    const req = request({ 'x-amz-target': 'AmazonSQS.SendMessageBatch' });

    const { permissions } = classifySqs(req, json({ QueueUrl: 'http://127.0.0.1:1/000000000000/orders' }));

    expect(permissions).toEqual([
      { action: 'sqs:SendMessage', resources: [expect.stringMatching(/:sqs:[^:]+:000000000000:orders$/)] },
    ]);
  });

  it('reads the action of the SQS query protocol from the form body', () => {
    const req = request({ 'content-type': 'application/x-www-form-urlencoded' });

    const { operation } = classifySqs(req, Buffer.from('Action=GetQueueUrl&QueueName=orders'));

    expect(operation).toBe('GetQueueUrl');
  });
});
