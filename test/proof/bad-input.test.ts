import { CATALOGUE, type CatalogueEntry } from './bad-input-catalogue';
import { INGRESSES } from './harness';
import { evaluate } from './run-catalogue';

describe('the bad-input catalogue', () => {
  it('holds at least 60 distinct kinds of bad input', () => {
    const kinds = new Set(CATALOGUE.map((e) => e.kind));

    expect(kinds.size).toBeGreaterThanOrEqual(60);
  });

  it('names every kind once per ingress', () => {
    const keys = CATALOGUE.map((e) => `${e.ingress}: ${e.kind}`);

    expect(new Set(keys).size).toBe(keys.length);
  });

  it.each(INGRESSES)('covers the %s ingress', (ingress) => {
    expect(CATALOGUE.filter((e) => e.ingress === ingress).length).toBeGreaterThanOrEqual(5);
  });
});

describe.each(INGRESSES)('%s', (ingress) => {
  const mine: [string, CatalogueEntry][] = CATALOGUE.filter((e) => e.ingress === ingress).map((e) => [
    e.kind,
    e,
  ]);

  it.each(mine)('answers "%s" as catalogued and corrupts nothing downstream', async (_kind, entry) => {
    const verdict = await evaluate(entry);

    if (entry.expect.status !== undefined) expect(verdict.observation.status).toBe(entry.expect.status);
    expect(verdict.observation.outcome).toBe(entry.expect.outcome);
    expect(verdict.observation.reason.toLowerCase()).toContain(entry.expect.reason.toLowerCase());
    expect(verdict.newEffects.filter((e) => !entry.expect.allowedEffects?.test(e))).toEqual([]);
    expect(verdict.problems).toEqual([]);
  });
});
