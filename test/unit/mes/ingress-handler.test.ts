import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { InMemorySeenKeys } from '../../../functions/mes-ingress/dedup';
import { buildHandler } from '../../../functions/mes-ingress/handler';
import type { PublishRequest } from '../../../shared/publisher';
import { fixture } from './fixtures';

const context = {
  awsRequestId: 'req-1',
  functionName: 'mes-ingress',
  functionVersion: '1',
  invokedFunctionArn: 'arn:aws:lambda:eu-central-1:123456789012:function:mes-ingress',
  memoryLimitInMB: '256',
  logGroupName: '/aws/lambda/mes-ingress',
  logStreamName: 's',
  callbackWaitsForEmptyEventLoop: false,
  getRemainingTimeInMillis: () => 10_000,
} as unknown as Context;

const request = (body: string, contentType: string | undefined, plant?: string): APIGatewayProxyEvent =>
  ({
    httpMethod: 'POST',
    path: plant ? `/v1/mes/${plant}/events` : '/v1/mes/events',
    pathParameters: plant ? { plant } : null,
    queryStringParameters: null,
    headers: contentType ? { 'Content-Type': contentType } : {},
    body,
    isBase64Encoded: false,
    requestContext: { requestId: 'api-req-1' },
  }) as unknown as APIGatewayProxyEvent;

const setup = (maxBodyBytes?: number) => {
  const published: PublishRequest[] = [];
  const handler = buildHandler({
    plants: new Set(['1010', '2020']),
    publisher: {
      publish: async (requests) => {
        published.push(...requests);
        return [];
      },
    },
    seen: new InMemorySeenKeys(),
    ...(maxBodyBytes ? { maxBodyBytes } : {}),
  });
  const call = async (event: APIGatewayProxyEvent) => {
    const result = (await handler(event, context)) as APIGatewayProxyResult;
    return { status: result.statusCode, body: result.body ? JSON.parse(result.body) : undefined };
  };
  return { published, call };
};

describe('MES ingress handler', () => {
  it('publishes the facts of a JSON batch and answers 202', async () => {
    const { published, call } = setup();

    const result = await call(request(fixture('json/events-batch.json'), 'application/json', '1010'));

    expect(result.status).toBe(202);
    expect(result.body.accepted).toBe(11);
    expect(published).toHaveLength(11);
    expect(published[0]).toMatchObject({ detailType: 'OrderAcknowledged', plant: '1010' });
  });

  it('publishes the facts of a B2MML document when the content type is XML', async () => {
    const { published, call } = setup();

    const result = await call(
      request(
        fixture('b2mml/v0700-sync-operations-performance.xml'),
        'application/xml; charset=utf-8',
        '1010',
      ),
    );

    expect(result.status).toBe(202);
    expect(published.map((p) => p.idempotencyKey)).toContain('mes:b2mml:OPP-1010-20261125-000871:1');
  });

  it('does not publish a resent document a second time', async () => {
    const { published, call } = setup();
    const body = fixture('b2mml/v0600-sync-production-performance.xml');

    await call(request(body, 'application/xml', '2020'));
    const again = await call(request(body, 'application/xml', '2020'));

    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 3 });
    expect(published).toHaveLength(3);
  });

  it('takes the plant from the body when the path has none', async () => {
    const { published, call } = setup();
    const body = JSON.stringify({ ...JSON.parse(fixture('json/downtime-started.json')), plant: '2020' });

    const result = await call(request(body, 'application/json'));

    expect(result.status).toBe(202);
    expect(published[0]?.plant).toBe('2020');
  });

  it('answers 400 with the reason for an invalid event and publishes nothing', async () => {
    const { published, call } = setup();
    const body = JSON.stringify({
      eventId: 'E1',
      eventType: 'machine.state-changed',
      occurredAt: '2026-11-25T06:00:00Z',
      equipmentId: 'E1',
      state: 'DANCING',
    });

    const result = await call(request(body, 'application/json', '1010'));

    expect(result.status).toBe(400);
    expect(result.body.message).toContain('unknown machine state "DANCING"');
    expect(published).toHaveLength(0);
  });

  it('answers 400 for malformed XML', async () => {
    const { call } = setup();

    const result = await call(request('<SyncOperationsPerformance', 'application/xml', '1010'));

    expect(result.status).toBe(400);
    expect(result.body.message).toContain('B2MML');
  });

  it('answers 404 for a plant that is not configured', async () => {
    const { call } = setup();

    const result = await call(request(fixture('json/downtime-started.json'), 'application/json', '9999'));

    expect(result.status).toBe(404);
    expect(result.body.message).toContain('plant "9999" is not configured');
  });

  it('answers 404 for an unconfigured plant named in the body', async () => {
    const { call } = setup();
    const body = JSON.stringify({ ...JSON.parse(fixture('json/downtime-started.json')), plant: '9999' });

    const result = await call(request(body, 'application/json'));

    expect(result.status).toBe(404);
  });

  it('answers 413 for an oversize body before parsing it', async () => {
    const { call } = setup(1024);

    const result = await call(request(`{"events":[${'"x",'.repeat(400)}"x"]}`, 'application/json', '1010'));

    expect(result.status).toBe(413);
    expect(result.body.message).toContain('at most 1024');
  });

  it('answers 415 for a content type that is neither JSON nor XML', async () => {
    const { call } = setup();

    const result = await call(request('hello', 'text/plain', '1010'));

    expect(result.status).toBe(415);
  });

  it('answers 400 for an empty body', async () => {
    const { call } = setup();

    const result = await call(request('', 'application/json', '1010'));

    expect(result.status).toBe(400);
    expect(result.body.message).toBe('body is empty');
  });
});
