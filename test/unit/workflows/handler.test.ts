import type { Context } from 'aws-lambda';

const context = {
  functionName: 'plantsync-workflow-tasks',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-central-1:123456789012:function:plantsync-workflow-tasks',
  memoryLimitInMB: '256',
  awsRequestId: 'req-1',
  getRemainingTimeInMillis: () => 20_000,
} as unknown as Context;

describe('workflow-tasks Lambda handler', () => {
  beforeAll(() => {
    process.env.CORRELATION_TABLE_NAME = 'correlation';
    process.env.EVENT_BUS_NAME = 'plantsync-test';
    process.env.PLANTS_JSON = JSON.stringify([
      { code: '1010', timeZone: 'Europe/Berlin', shifts: [], maintenanceWindows: [] },
    ]);
    process.env.POWERTOOLS_DEV = 'true';
    process.env.AWS_REGION = 'eu-central-1';
  });

  it('refuses a payload naming no known task with a ValidationError (dead-letter path)', async () => {
    const { handler } = await import('../../../functions/workflows/handler');

    await expect(
      handler({ task: 'no-such-task', correlationId: 'corr-1', plant: '1010' }, context),
    ).rejects.toMatchObject({ name: 'ValidationError' });
  });

  it('fails a connector call whose MES settings are missing with a ConfigError naming them', async () => {
    const { handler } = await import('../../../functions/workflows/handler');

    await expect(
      handler(
        {
          task: 'predictive/read-production-status',
          correlationId: 'corr-1',
          plant: '1010',
          occurredAt: '2026-11-25T08:00:00Z',
          alert: {
            alertId: 'A-1',
            equipmentId: '10000042',
            signal: 'vibration-rms',
            value: { value: '7.9', unit: 'MMS' },
            threshold: { value: '7.1', unit: 'MMS' },
            severity: 'critical',
          },
        },
        context,
      ),
    ).rejects.toMatchObject({
      name: 'ConfigError',
      message: expect.stringContaining('PLANTS_JSON'),
    });
  });
});

describe('business API Lambda handler', () => {
  beforeAll(() => {
    process.env.CORRELATION_TABLE_NAME = 'correlation';
    process.env.WORKFLOW_ORDER_RELEASE_ARN =
      'arn:aws:states:eu-central-1:123456789012:stateMachine:order-release';
  });

  it('answers 404 with a reason and the correlation id for a path that is no capability', async () => {
    const { handler } = await import('../../../functions/api/handler');

    const response = await handler(
      {
        httpMethod: 'GET',
        path: '/v1/nothing-here',
        headers: { 'X-Correlation-Id': 'corr-api-404' },
        body: null,
        isBase64Encoded: false,
        pathParameters: null,
        queryStringParameters: null,
        requestContext: { requestId: 'req-404' },
      } as never,
      context,
    );

    expect(response.statusCode).toBe(404);
    expect(JSON.parse(response.body)).toMatchObject({
      error: 'NotFoundError',
      correlationId: 'corr-api-404',
    });
  });

  it('answers 400 when a GET capability has no plant', async () => {
    const { handler } = await import('../../../functions/api/handler');

    const response = await handler(
      {
        httpMethod: 'GET',
        path: '/v1/equipment/10000042',
        headers: {},
        body: null,
        isBase64Encoded: false,
        pathParameters: { equipmentId: '10000042' },
        queryStringParameters: null,
        requestContext: { requestId: 'req-400' },
      } as never,
      context,
    );

    expect(response.statusCode).toBe(400);
  });
});

describe('OrderAcknowledged listener mapping', () => {
  it('takes operation progress as an implied acceptance and passes a real ack through', async () => {
    const { acknowledgementOf } = await import('../../../functions/workflows/ack-handler');
    const metadata = {} as never;

    expect(
      acknowledgementOf({
        detailType: 'OperationStarted',
        source: 'plantsync.mes',
        detail: { metadata, data: { orderNumber: '1000123', mesJobId: 'JOB-1', operationNumber: '0010' } },
      }),
    ).toEqual({
      orderNumber: '1000123',
      mesJobId: 'JOB-1',
      accepted: true,
      reason: 'implied by OperationStarted',
    });
    expect(
      acknowledgementOf({
        detailType: 'OrderAcknowledged',
        source: 'plantsync.mes',
        detail: {
          metadata,
          data: { orderNumber: '1000123', mesJobId: 'JOB-1', accepted: false, reason: 'no capacity' },
        },
      }),
    ).toEqual({ orderNumber: '1000123', mesJobId: 'JOB-1', accepted: false, reason: 'no capacity' });
  });
});
