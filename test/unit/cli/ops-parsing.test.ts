import { parseInstant, replayWindow } from '../../../cli/ops/archive-replay';
import { environmentOf, parseDuration, slaMinutesByPlant } from '../../../cli/ops/stuck-orders';
import { loadEnvironment } from '../../../infra/config/environments';
import { ValidationError } from '../../../shared/errors';

describe('replay window', () => {
  const now = new Date('2026-11-25T05:00:00Z');

  it('accepts ISO 8601 times with a zone, in order and in the past', () => {
    const window = replayWindow('2026-11-25T03:00:00+01:00', '2026-11-25T04:30:00.250Z', now);

    expect(window).toEqual({
      from: new Date('2026-11-25T02:00:00Z'),
      to: new Date('2026-11-25T04:30:00.250Z'),
    });
  });

  it.each(['2026-11-25', '2026-11-25T03:00:00', 'now', '2026-13-45T03:00:00Z', '1732500000'])(
    'refuses %s: not an ISO 8601 time with a zone',
    (text) => {
      expect(() => parseInstant(text, '--from')).toThrow(ValidationError);
    },
  );

  it('refuses a window whose end is not after its start', () => {
    expect(() => replayWindow('2026-11-25T04:00:00Z', '2026-11-25T05:00:00+01:00', now)).toThrow(
      /must be before --to/,
    );
  });

  it('refuses a window that ends in the future', () => {
    expect(() => replayWindow('2026-11-25T04:00:00Z', '2026-11-25T05:00:01Z', now)).toThrow(/in the future/);
  });
});

describe('durations for --older-than', () => {
  it.each([
    ['90s', 90_000],
    ['45m', 2_700_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    ['1h30m', 5_400_000],
    ['PT2H', 7_200_000],
    ['P1DT1M', 86_460_000],
  ])('reads %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '2', 'h', '2 hours', '1h-5m', 'PT', 'P'])('refuses "%s"', (text) => {
    expect(() => parseDuration(text)).toThrow(ValidationError);
  });
});

describe('environment and SLA discovery', () => {
  it('reads the environment from generated and explicit physical names', () => {
    expect(environmentOf('Plantsync-dev-Stateful-CorrelationTable1234')).toBe('dev');
    expect(environmentOf('plantsync-prod-reconciliation')).toBe('prod');
    expect(environmentOf('some-other-table')).toBeUndefined();
  });

  it("takes each plant's stuck-order SLA from the environment config", () => {
    const expected = loadEnvironment('dev').plants.map((p) => [p.code, p.sla.stuckOrderAfterMinutes]);

    expect([...slaMinutesByPlant('dev')]).toEqual(expected);
  });

  it('knows no SLA for an environment the config does not have', () => {
    expect(slaMinutesByPlant('nowhere').size).toBe(0);
  });
});
