import { usageFromMeter } from '../../../local/report/usage';

describe('usage from the runtime meter', () => {
  it('turns metered calls into billing units', () => {
    const usage = usageFromMeter(
      {
        lambda: { 'Invoke sap-poster': 10, 'Invoke workflows (async)': 5, 'Throttled workflows': 2 },
        'lambda-gb-ms': { 'sap-poster': 2500, workflows: 500 },
        stepfunctions: {
          'StartExecution plantsync-local-order-release': 3,
          'StartExecution plantsync-local-downtime-to-maintenance': 4,
          'StateTransition (task)': 20,
        },
        sqs: { SendMessage: 7, 'ReceiveMessage (event source mapping)': 30, 'SendMessage (denied)': 1 },
        dynamodb: {
          PutItem: 4,
          UpdateItem: 1,
          TransactWriteItems: 2,
          GetItem: 6,
          Query: 1,
          DescribeTable: 9,
        },
        apigateway: { 'POST /ingress/sap/idoc': 8, 'policy violation: throttled': 3 },
        secretsmanager: { GetSecretValue: 2 },
      },
      { billableEvents: 42, expressStateMachines: new Set(['plantsync-local-downtime-to-maintenance']) },
    );
    expect(usage).toEqual({
      lambdaRequests: 15,
      lambdaGbSeconds: 3,
      sfnStandardTransitions: 26,
      sfnExpressRequests: 4,
      sfnExpressGbSeconds: 0.25,
      eventBridgeEvents: 42,
      sqsRequests: 37,
      dynamoWriteUnits: 9,
      dynamoReadUnits: 7,
      apiGatewayRequests: 8,
      secretsManagerCalls: 2,
    });
  });

  it('bills no Standard transitions when no Standard workflow ran', () => {
    const usage = usageFromMeter(
      { stepfunctions: { 'StateTransition (task)': 5 } },
      { billableEvents: 0, expressStateMachines: new Set() },
    );
    expect(usage.sfnStandardTransitions).toBe(0);
  });
});
