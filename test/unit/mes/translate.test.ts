import { definitionOf } from '../../../events/catalogue';
import { translateB2mml, translateMesJson } from '../../../functions/mes';
import { ValidationError } from '../../../shared/errors';
import { fixture } from './fixtures';

describe('translate for the CLI', () => {
  it('turns a B2MML document into full canonical events that validate', () => {
    const events = translateB2mml(fixture('b2mml/v0700-sync-operations-performance.xml'));

    expect(events).toHaveLength(4); // the first operation's output is work in progress, not a receipt
    for (const e of events) {
      expect(e.source).toBe('plantsync.mes');
      expect(definitionOf(e.detailType as 'OperationStarted').detail.safeParse(e.detail).success).toBe(true);
    }
    expect(events[0]?.detail.metadata).toMatchObject({
      correlationId: 'translate-preview',
      idempotencyKey: 'mes:b2mml:OPP-1010-20261125-000871:1',
      sourceRef: { system: 'mes', kind: 'b2mml-V0700', id: 'OPP-1010-20261125-000871' },
    });
  });

  it('prints the same output for the same input', () => {
    const text = fixture('json/events-batch.json');

    expect(translateMesJson(text)).toEqual(translateMesJson(text));
  });

  it('throws a ValidationError with the reason on bad input', () => {
    expect(() => translateMesJson('{"eventType":"nope"}')).toThrow(ValidationError);
    expect(() => translateB2mml('not xml')).toThrow(/B2MML/);
  });
});
