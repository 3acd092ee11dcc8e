import { readReliabilityDoc, renderBadInputSection, sectionOf } from './report';
import { evaluateAll } from './run-catalogue';

describe('docs/reliability.md bad-input section', () => {
  it('matches the catalogue as it runs today (regenerate with npx tsx test/proof/write-reliability-report.ts)', async () => {
    const verdicts = await evaluateAll();

    const committed = sectionOf(readReliabilityDoc(), 'bad-input');

    expect(committed).toBe(renderBadInputSection(verdicts));
  });
});
