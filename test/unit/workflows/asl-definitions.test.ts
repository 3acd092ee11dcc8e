import { StateMachine } from 'aws-local-stepfunctions';
import { createWorld } from '../../integration/workflows/support/fakes';
import {
  loadDefinition,
  localHandlers,
  readRawDefinition,
  taskStates,
  validateDefinition,
  WORKFLOWS,
} from '../../integration/workflows/support/harness';

const REQUIRED_TRANSIENT = ['TransientError', 'Lambda.ServiceException', 'Lambda.TooManyRequestsException'];

type State = Record<string, unknown> & { Type: string };
const allStates = (states: Record<string, State>): [string, State][] =>
  Object.entries(states).flatMap(([name, s]) => [
    [name, s] as [string, State],
    ...(s.ItemProcessor ? allStates((s.ItemProcessor as { States: Record<string, State> }).States) : []),
    ...((s.Branches as { States: Record<string, State> }[] | undefined) ?? []).flatMap((b) =>
      allStates(b.States),
    ),
  ]);

describe.each(WORKFLOWS)('state machine %s', (name) => {
  const definition = loadDefinition(name);
  const states = allStates(definition.States as Record<string, State>);

  it('passes the ASL validator after substitution', () => {
    expect(validateDefinition(definition)).toEqual({ isValid: true, errors: '' });
  });

  it('is valid JSON before substitution, so CDK can read the file as is', () => {
    expect(() => JSON.parse(readRawDefinition(name))).not.toThrow();
  });

  it('loads in the local interpreter with ARN and path checks on', () => {
    expect(() => new StateMachine(definition as never)).not.toThrow();
  });

  it('uses the JSONPath query language only', () => {
    const raw = readRawDefinition(name);
    expect(definition.QueryLanguage).toBe('JSONPath');
    expect(raw).not.toMatch(/"(Assign|Arguments|Output|QueryLanguage": "JSONata)"/);
  });

  it('retries transient errors with capped, jittered exponential backoff on every Lambda task', () => {
    const lambdaTasks = states.filter(([, s]) => s.Type === 'Task' && !String(s.Resource).includes(':sqs:'));
    for (const [stateName, s] of lambdaTasks) {
      const retriers = (s.Retry ?? []) as Record<string, unknown>[];
      const transient = retriers.find((r) => (r.ErrorEquals as string[]).includes('TransientError'));
      expect({ stateName, errors: transient?.ErrorEquals }).toEqual({
        stateName,
        errors: expect.arrayContaining(REQUIRED_TRANSIENT),
      });
      expect(transient).toMatchObject({ JitterStrategy: 'FULL', BackoffRate: 2, MaxDelaySeconds: 60 });
    }
  });

  it('never retries permanent errors', () => {
    for (const [, s] of states) {
      for (const retrier of (s.Retry ?? []) as { ErrorEquals: string[] }[]) {
        if (String(s.Resource).includes(':sqs:')) continue;
        expect(retrier.ErrorEquals).not.toEqual(expect.arrayContaining(['ValidationError']));
        expect(retrier.ErrorEquals).not.toContain('States.ALL');
      }
    }
  });

  it('catches every error of every Lambda task into an exception or dead-letter path', () => {
    const tasks = states.filter(
      ([, s]) => s.Type === 'Task' && !String(s.Resource).includes(':sqs:') && s.End !== true,
    );
    for (const [stateName, s] of tasks) {
      const catchers = (s.Catch ?? []) as { ErrorEquals: string[] }[];
      expect({ stateName, catchesAll: catchers.some((c) => c.ErrorEquals.includes('States.ALL')) }).toEqual({
        stateName,
        catchesAll: true,
      });
    }
  });

  it('passes the correlation id into every task payload', () => {
    for (const [stateName, s] of states.filter(([, st]) => st.Type === 'Task')) {
      const params = s.Parameters as Record<string, unknown>;
      const payload = (params.Payload ?? params.MessageBody ?? params) as Record<string, unknown>;
      expect({ stateName, correlationId: payload['correlationId.$'] }).toEqual({
        stateName,
        correlationId: '$.metadata.correlationId',
      });
    }
  });

  it('binds a local handler to every Task state in tests', () => {
    const sink = { deadLetters: [], taskPayloads: [] };
    const handlers = localHandlers(definition, createWorld(), sink, 'token');
    expect(Object.keys(handlers).sort()).toEqual(
      taskStates(definition.States as never)
        .map((t) => t.name)
        .sort(),
    );
  });
});

describe('the test harness', () => {
  it('refuses a Task state it cannot run locally instead of calling AWS', () => {
    const definition = {
      StartAt: 'CallSomethingReal',
      States: {
        CallSomethingReal: { Type: 'Task', Resource: 'arn:aws:states:::dynamodb:putItem', End: true },
      },
    };
    expect(() =>
      localHandlers(definition, createWorld(), { deadLetters: [], taskPayloads: [] }, 't'),
    ).toThrow(/no local handler/);
  });
});
