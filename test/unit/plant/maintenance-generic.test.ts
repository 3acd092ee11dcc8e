import { GenericRestConnector, GenericRestMapping } from '../../../functions/maintenance/generic-rest';
import { RestTransport } from '../../../functions/maintenance/http';
import { TenantRateLimiter } from '../../../functions/maintenance/rate-limiter';
import { genericMappingFor, SimulatedGenericMaintenance } from '../../../local/plant/maintenance-generic';
import { manualClock, masterFor } from './helpers';

const master = masterFor('generic-test');
const clock = manualClock();
let tool: SimulatedGenericMaintenance;

beforeAll(async () => {
  tool = await new SimulatedGenericMaintenance({
    seed: 'generic-test',
    clock,
    master,
    rateLimit: { rps: 1000, burst: 1000 },
  }).start();
});

afterAll(async () => {
  await tool.stop();
});

const connector = () => {
  const mapping = GenericRestMapping.parse(genericMappingFor(tool.url));
  const transport = new RestTransport({
    baseUrl: mapping.baseUrl,
    tenant: 'generic-1000',
    rateLimit: { requestsPerSecond: 100, burst: 100 },
    limiter: new TenantRateLimiter(),
    headers: async () => ({ [mapping.authHeader]: `${mapping.authPrefix}${tool.apiKey}` }),
    sleep: async () => undefined,
  });
  return new GenericRestConnector(transport, mapping);
};

describe('simulated generic REST maintenance tool', () => {
  it('takes a work order from the generic connector once per reference and completes it on simulated time', async () => {
    const client = connector();
    const command = {
      plant: '1000',
      kind: 'createWorkOrder' as const,
      origin: 'api' as const,
      title: 'Inspect press',
      externalReference: 'alert:1000:A-9',
      equipmentId: master.equipment[0]?.equipmentId ?? '',
      priority: 'high' as const,
    };

    const first = await client.createWorkOrder(command);
    const second = await client.createWorkOrder(command);
    await clock.advance(8 * 3_600_000);

    expect(second).toEqual({ id: first.id, created: false });
    expect(tool.records.duplicates).toEqual([]);
    expect(await client.getWorkOrder(first.id)).toEqual(
      expect.objectContaining({
        status: 'done',
        equipmentId: command.equipmentId,
        externalReference: command.externalReference,
      }),
    );
  });

  it('refuses a wrong API key', async () => {
    const response = await fetch(`${tool.url}/records`, { headers: { 'x-api-key': 'nope' } });

    expect(response.status).toBe(401);
  });
});
