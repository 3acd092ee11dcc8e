import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { memoryIo } from '../../../cli/io';
import { run } from '../../../cli/main';
import { findDefinition } from '../../../events';

const lines = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { source: string; detailType: string; detail: unknown });

describe('plantsync translate', () => {
  it.each([
    ['sap-idoc', 'test/fixtures/sap/idoc/loipro01-batch.xml'],
    ['b2mml', 'test/fixtures/mes/b2mml/v0700-sync-operations-performance.xml'],
    ['mes-json', 'test/fixtures/mes/json/events-batch.json'],
  ])('prints valid canonical events, one per line, for %s', async (format, file) => {
    const io = memoryIo();
    expect(await run(['translate', format, '--plant', '1010', file], io)).toBe(0);
    const events = lines(io.stdout());
    expect(events.length).toBeGreaterThan(0);
    for (const event of events) {
      const definition = findDefinition(event.detailType);
      expect(definition?.source).toBe(event.source);
      expect(definition?.detail.safeParse(event.detail).error?.issues).toBeUndefined();
    }
  });

  it('reads standard input for "-"', async () => {
    const io = memoryIo(readFileSync('test/fixtures/mes/json/downtime-started.json', 'utf8'));
    expect(await run(['translate', 'mes-json', '--plant', '2020', '-'], io)).toBe(0);
    const [event] = lines(io.stdout());
    expect(event).toMatchObject({ detailType: 'DowntimeStarted', detail: { metadata: { plant: '2020' } } });
  });

  it.each([
    [['translate', 'sap-idoc', '-'], '<IDOC><EDI_DC40>', /sap-idoc: .*malformed XML/],
    [['translate', 'mes-json', '-'], '{"eventType":"teleport"}', /mes-json: /],
    [['translate', 'telex', '-'], '', /unknown format "telex"/],
    [
      ['translate', 'mes-json', '--plant', '2020', 'test/fixtures/mes/json/events-batch.json'],
      '',
      /does not match the plant of the URL "2020"/,
    ],
    [['translate', 'b2mml', 'no/such/file.xml'], '', /cannot read no\/such\/file.xml: ENOENT/],
  ])('exits 2 with the reason on stderr for bad input %#', async (argv, input, reason) => {
    const io = memoryIo(input);
    expect(await run(argv, io)).toBe(2);
    expect(io.stderr()).toMatch(reason);
    expect(io.stdout()).toBe('');
  });
});

describe('plantsync webhook sign', () => {
  it('prints the MaintainX signature headers for a body', async () => {
    const io = memoryIo('{"id":1}');
    expect(
      await run(['webhook', 'sign', 'maintainx', '--secret', 's3cret', '--timestamp', '1764046800', '-'], io),
    ).toBe(0);
    const headers = JSON.parse(io.stdout()) as Record<string, string>;
    const expected = createHmac('sha256', 's3cret').update('1764046800.{"id":1}').digest('hex');
    expect(headers['x-maintainx-webhook-body-signature']).toBe(`t=1764046800,v1=${expected}`);
  });
});
