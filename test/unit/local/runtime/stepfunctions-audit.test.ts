import { MemoryAuditStore, whereFailed } from '../../../../local/audit';
import { RuntimeAudit } from '../../../../local/runtime/audit';
import { IamAuthorizer } from '../../../../local/runtime/iam';
import type { InvokeResult, LambdaService } from '../../../../local/runtime/lambda';
import { Meter } from '../../../../local/runtime/metering';
import { arn } from '../../../../local/runtime/naming';
import { StartupReport } from '../../../../local/runtime/report';
import { StepFunctionsService } from '../../../../local/runtime/stepfunctions';

const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:sap-poster';

/** A function that fails the first call as the shared middleware names a retryable error, then succeeds. */
const flakyLambda = (): LambdaService => {
  let calls = 0;
  const fn = {
    model: { arn: FUNCTION_ARN, name: 'sap-poster' },
    invoke: async (): Promise<InvokeResult> =>
      ++calls === 1
        ? { ok: false, requestId: 'r1', error: { errorType: 'TransientError', errorMessage: 'SAP busy' } }
        : { ok: true, requestId: 'r2', payload: '{"posted":true}' },
  };
  return { get: () => fn } as unknown as LambdaService;
};

const definition = {
  StartAt: 'Post',
  States: {
    Post: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: FUNCTION_ARN, 'Payload.$': '$' },
      ResultPath: '$.post',
      Retry: [{ ErrorEquals: ['TransientError'], IntervalSeconds: 1, MaxAttempts: 1 }],
      Next: 'Halt',
    },
    Halt: { Type: 'Fail', Error: 'OrderOnHold', Cause: 'held for review' },
  },
};

describe('Step Functions state hops', () => {
  it('records a failed attempt, the retry that worked, and the failing state, each under its error name', async () => {
    const store = new MemoryAuditStore();
    const service = new StepFunctionsService(
      [
        {
          id: 'Posting',
          name: 'posting',
          arn: arn.stateMachine('posting'),
          roleArn: 'arn:aws:iam::000000000000:role/posting',
          type: 'STANDARD',
          definition,
        },
      ],
      {
        lambda: flakyLambda(),
        iam: new IamAuthorizer(() => undefined),
        endpoints: () => ({ dynamodb: '', sqs: '', stepfunctions: '', secretsmanager: '' }),
        log: () => undefined,
        meter: new Meter(),
        report: new StartupReport(),
        audit: new RuntimeAudit(store),
      },
    );

    const execution = service.startExecution(
      arn.stateMachine('posting'),
      JSON.stringify({ correlationId: 'c-sfn', orderNumber: '1000123' }),
    );
    await execution.done;
    await service.drain();
    await new Promise((resolve) => setImmediate(resolve));
    const hops = store.trace('c-sfn').hops;

    expect(hops.map((h) => [h.component, h.outcome, h.error?.name])).toEqual([
      ['posting/Post', 'error', 'TransientError'],
      ['posting/Post', 'ok', undefined],
      ['posting/Halt', 'error', 'OrderOnHold'],
    ]);
    expect(hops[0]?.error?.message).toBe('SAP busy');
    expect(hops[0]?.keys).toEqual([{ kind: 'order', value: '1000123' }]);
    expect(whereFailed(hops)).toMatchObject({ hop: { component: 'posting/Post' }, recovered: true });
  });
});
