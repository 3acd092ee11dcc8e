import {
  parseJsonPath,
  renderTargetInput,
  TransformValidationError,
  validateTargetInput,
} from '../../../../local/eventbridge/transform';

const event = {
  version: '0',
  id: '7bf73129-1428-4cd3-a780-95db273d1602',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '123456789012',
  time: '2015-11-11T21:29:54Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111'],
  detail: { 'instance-id': 'i-0123456789', state: 'RUNNING', nested: { n: 1 }, quote: 'say "hi"' },
};
const ctx = { ruleName: 'my-rule', ruleArn: 'arn:aws:events:us-east-1:123456789012:rule/my-rule' };
const transformer = (InputTemplate: string) => ({
  InputTransformer: {
    InputPathsMap: { instance: '$.detail.instance-id', state: '$.detail.state', nested: '$.detail.nested' },
    InputTemplate,
  },
});

describe('target input', () => {
  it('sends the whole event when no input setting is given', () => {
    expect(JSON.parse(renderTargetInput({}, event, ctx))).toEqual(event);
  });

  it('sends constant Input text verbatim', () => {
    expect(renderTargetInput({ Input: '{"fixed":true}' }, event, ctx)).toBe('{"fixed":true}');
  });

  it('selects part of the event with InputPath', () => {
    expect(JSON.parse(renderTargetInput({ InputPath: '$.detail' }, event, ctx))).toEqual(event.detail);
    expect(renderTargetInput({ InputPath: '$.detail.state' }, event, ctx)).toBe('"RUNNING"');
    expect(renderTargetInput({ InputPath: '$.resources[0]' }, event, ctx)).toBe(
      '"arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"',
    );
  });

  it('sends null when InputPath selects nothing', () => {
    expect(renderTargetInput({ InputPath: '$.detail.absent' }, event, ctx)).toBe('null');
  });

  it('substitutes variables inside a JSON string template', () => {
    expect(renderTargetInput(transformer('"instance <instance> is in <state>"'), event, ctx)).toBe(
      '"instance i-0123456789 is in RUNNING"',
    );
  });

  it('inserts JSON values for unquoted variables in a JSON template', () => {
    const out = renderTargetInput(
      transformer('{"instance": <instance>, "state": [9, <state>, true], "Transformed": "Yes"}'),
      event,
      ctx,
    );
    expect(JSON.parse(out)).toEqual({
      instance: 'i-0123456789',
      state: [9, 'RUNNING', true],
      Transformed: 'Yes',
    });
  });

  it('inserts quoted variables as string content in a JSON template', () => {
    const out = renderTargetInput(transformer('{"instance": "<instance>", "nested": <nested>}'), event, ctx);
    expect(JSON.parse(out)).toEqual({ instance: 'i-0123456789', nested: { n: 1 } });
  });

  it('escapes quotes in string values placed inside JSON strings', () => {
    const out = renderTargetInput(
      { InputTransformer: { InputPathsMap: { q: '$.detail.quote' }, InputTemplate: '{"q": "<q>"}' } },
      event,
      ctx,
    );
    expect(JSON.parse(out)).toEqual({ q: 'say "hi"' });
  });

  it('inserts strings verbatim in a plain-text template', () => {
    expect(renderTargetInput(transformer('<instance> is in state <state>'), event, ctx)).toBe(
      'i-0123456789 is in state RUNNING',
    );
  });

  it('provides the predefined rule and event variables', () => {
    const out = renderTargetInput(
      {
        InputTransformer: {
          InputTemplate:
            '{"rule": "<aws.events.rule-name>", "arn": "<aws.events.rule-arn>", "at": "<aws.events.event.ingestion-time>", "event": <aws.events.event.json>, "envelope": <aws.events.event>}',
        },
      },
      event,
      ctx,
    );
    const parsed = JSON.parse(out);
    expect(parsed.rule).toBe('my-rule');
    expect(parsed.arn).toBe(ctx.ruleArn);
    expect(parsed.at).toBe(event.time);
    expect(parsed.event).toEqual(event);
    expect(parsed.envelope.detail).toBeUndefined();
    expect(parsed.envelope.source).toBe('aws.ec2');
  });

  it('renders a variable whose path is missing as null in JSON and empty inside a string', () => {
    const out = renderTargetInput(
      {
        InputTransformer: { InputPathsMap: { x: '$.detail.none' }, InputTemplate: '{"a": <x>, "b": "<x>"}' },
      },
      event,
      ctx,
    );
    expect(JSON.parse(out)).toEqual({ a: null, b: '' });
  });

  it('leaves placeholders that name no variable as they are', () => {
    expect(renderTargetInput(transformer('"a <unknown> b"'), event, ctx)).toBe('"a <unknown> b"');
  });
});

describe('target input validation', () => {
  it('rejects more than one of Input, InputPath and InputTransformer', () => {
    expect(() => validateTargetInput({ Input: '{}', InputPath: '$' })).toThrow(TransformValidationError);
  });

  it('rejects Input that is not JSON', () => {
    expect(() => validateTargetInput({ Input: 'not json' })).toThrow('Input is not valid JSON text.');
  });

  it('rejects InputPathsMap keys that start with aws.', () => {
    expect(() =>
      validateTargetInput({ InputTransformer: { InputPathsMap: { 'aws.x': '$' }, InputTemplate: '' } }),
    ).toThrow('reserved');
  });

  it('rejects more than 100 InputPathsMap entries', () => {
    const InputPathsMap = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`v${i}`, '$.detail']));
    expect(() => validateTargetInput({ InputTransformer: { InputPathsMap, InputTemplate: '' } })).toThrow(
      'at most 100',
    );
  });

  it('parses bracket and dotted JSONPath segments', () => {
    expect(parseJsonPath("$.detail['instance-id'].list[2]")).toEqual(['detail', 'instance-id', 'list', 2]);
    expect(parseJsonPath('$')).toEqual([]);
  });

  it('rejects paths that do not start at the root or use wildcards', () => {
    expect(() => parseJsonPath('detail.x')).toThrow('Invalid JSONPath');
    expect(() => parseJsonPath('$.detail.*')).toThrow('Unsupported JSONPath');
  });
});
