import {
  ConfigValidationError,
  environments,
  loadEnvironment,
  parseEnvironment,
  UnknownEnvironmentError,
} from '../../infra/config';
import { renderDocuments } from '../../infra/config/documents';

/** A deep copy of dev's input, to break one field per test. */
const devInput = () =>
  structuredClone(environments.dev) as Record<string, unknown> & { plants: Record<string, unknown>[] };

const problemsOf = (input: unknown): readonly string[] => {
  try {
    parseEnvironment(input);
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems;
    throw error;
  }
  throw new Error('expected the configuration to be rejected');
};

describe('environment and plant configuration', () => {
  it.each(Object.keys(environments))('validates the %s environment', (name) => {
    const config = loadEnvironment(name);

    expect(config.name).toBe(name);
    expect(config.plants.length).toBeGreaterThanOrEqual(1);
  });

  it('has at least two plants in dev, with distinct MES profiles and maintenance platforms', () => {
    const plants = loadEnvironment('dev').plants;

    expect(plants.length).toBeGreaterThanOrEqual(2);
    expect(new Set(plants.map((p) => p.mes.profile)).size).toBe(2);
    expect(new Set(plants.map((p) => p.maintenance.platform)).size).toBeGreaterThanOrEqual(2);
  });

  it('names the plant and field of an invalid SLA', () => {
    const input = devInput();
    (input.plants[1] as { sla: { orderAckTimeoutSeconds: number } }).sla.orderAckTimeoutSeconds = -5;

    expect(problemsOf(input)).toEqual([
      expect.stringMatching(/^plants\[2000\]\.sla\.orderAckTimeoutSeconds: /),
    ]);
  });

  it('explains what a plant code must look like', () => {
    const input = devInput();
    (input.plants[0] as { code: string }).code = 'HAMBURG';

    expect(problemsOf(input)).toEqual([
      'plants[HAMBURG].code: a 4-character SAP plant code (WERKS), e.g. "1000"',
    ]);
  });

  it('rejects an unknown time zone with an example of a valid one', () => {
    const input = devInput();
    (input.plants[0] as { timeZone: string }).timeZone = 'Mars/Olympus';

    expect(problemsOf(input)).toEqual(['plants[1000].timeZone: an IANA time zone, e.g. "Europe/Berlin"']);
  });

  it('rejects a plant code used twice', () => {
    const input = devInput();
    input.plants.push({ ...structuredClone(input.plants[0] as Record<string, unknown>) });

    expect(problemsOf(input)).toEqual(['plants[1000].code: plant code "1000" appears more than once']);
  });

  it('rejects an unknown MES profile and a plain-HTTP endpoint together', () => {
    const input = devInput();
    (input.plants[0] as { mes: { profile: string; endpoint: string } }).mes = {
      ...(input.plants[0] as { mes: { profile: string; endpoint: string } }).mes,
      profile: 'soap',
      endpoint: 'http://mes.example.com',
    };

    const problems = problemsOf(input);

    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^plants\[1000\]\.mes\.profile: /);
    expect(problems[1]).toBe(
      'plants[1000].mes.endpoint: an https:// URL (plain http only to 127.0.0.1 or localhost)',
    );
  });

  it('rejects a log retention CloudWatch does not offer', () => {
    const input = devInput();
    input.logRetentionDays = 10;

    expect(problemsOf(input)[0]).toMatch(/^logRetentionDays: /);
  });

  it('puts the environment name and every problem in the error message', () => {
    const input = devInput();
    input.archiveRetentionDays = 0;
    (input.plants[0] as { flapping: { windowSeconds: number } }).flapping.windowSeconds = 0;

    expect(() => parseEnvironment(input)).toThrow(
      /invalid configuration for environment "dev":\n {2}- archiveRetentionDays: .*\n {2}- plants\[1000\]\.flapping\.windowSeconds: /,
    );
  });

  it('lists the known environments when asked for an unknown one', () => {
    expect(() => loadEnvironment('staging')).toThrow(UnknownEnvironmentError);
    expect(() => loadEnvironment('staging')).toThrow('unknown environment "staging"; pass one of dev, prod');
  });

  it.each(Object.keys(environments))(
    "renders the %s plant documents so that each connector's own schema accepts them",
    (name) => {
      const documents = renderDocuments(loadEnvironment(name));

      expect(JSON.parse(documents.PLANTS_JSON)).toHaveLength(loadEnvironment(name).plants.length);
      expect(Object.keys(JSON.parse(documents.MAINTENANCE_PLANTS))).toEqual(['1000', '2000']);
      expect(JSON.parse(documents.SAP_MAPPINGS).plants).toHaveLength(2);
    },
  );

  it("names the field when a plant's maintenance connector settings are incomplete", () => {
    const input = devInput();
    (input.plants[0] as { maintenance: { connector: Record<string, unknown> } }).maintenance.connector = {
      tenant: 'acme',
    };

    expect(problemsOf(input)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^plants\[1000\]\.maintenance\.connector\.currency: /)]),
    );
  });

  it("refuses a setting the plant's maintenance platform does not have", () => {
    const input = devInput();
    const maintenance = (input.plants[1] as { maintenance: { connector: Record<string, unknown> } })
      .maintenance;
    maintenance.connector = { ...maintenance.connector, currency: 'EUR' };

    expect(problemsOf(input).join('\n')).toMatch(/plants\[2000\]\.maintenance\.connector/);
  });
});
