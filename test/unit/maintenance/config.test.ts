import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { maintenancePlantsFromEnv } from '../../../functions/maintenance';
import { DynamoReplayStore } from '../../../functions/maintenance-webhook/replay-store';
import { ConfigError } from '../../../shared/errors';
import { fixtureJson } from './fake-maintainx';

/** Entries shaped like infra's PLANTS_JSON summaries (only the fields the maintenance functions read). */
const plantsJson = JSON.stringify([
  {
    code: '1000',
    timeZone: 'Europe/Berlin',
    maintenance: { platform: 'maintainx', endpoint: 'https://api.getmaintainx.com/v1' },
    rateLimits: { maintenance: { rps: 5, burst: 10 }, mes: { rps: 20, burst: 40 } },
  },
  {
    code: '2000',
    timeZone: 'Europe/Lisbon',
    maintenance: {
      platform: 'sap-pm',
      endpoint: 'https://sap-pm.dev.example.com/sap/opu/odata/sap/API_MAINTNOTIFICATION',
    },
    rateLimits: { maintenance: { rps: 2, burst: 4 }, mes: { rps: 10, burst: 20 } },
  },
  {
    code: '3000',
    timeZone: 'Europe/Paris',
    maintenance: { platform: 'generic-rest', endpoint: 'https://cmms.example.com/api/v2' },
    rateLimits: { maintenance: { rps: 1, burst: 2 }, mes: { rps: 10, burst: 20 } },
  },
]);

const { baseUrl: _ignored, ...mapping } = fixtureJson<Record<string, unknown>>(
  'generic-rest/jsonapi-mapping.json',
);

const env = {
  PLANTS_JSON: plantsJson,
  MAINTENANCE_SECRET_1000: 'plantsync/dev/1000/maintainx',
  WEBHOOK_SECRET_1000: 'plantsync/dev/1000/maintainx-webhook',
  MAINTENANCE_SECRET_3000: 'plantsync/dev/3000/cmms',
  MAINTENANCE_PROFILES: JSON.stringify({
    '1000': { currency: 'EUR', referenceField: 'plantsync reference', assets: { '10000042': 42 } },
    '2000': { notificationType: 'M1', orderType: 'PM01', planningPlant: '2000' },
    '3000': { mapping },
  }),
};

describe('maintenance configuration from the environment', () => {
  it("builds each plant's profile from PLANTS_JSON, the bound secret names and MAINTENANCE_PROFILES", () => {
    const plants = maintenancePlantsFromEnv(env);

    expect(plants['1000']).toMatchObject({
      platform: 'maintainx',
      baseUrl: 'https://api.getmaintainx.com/v1',
      apiTokenSecretName: 'plantsync/dev/1000/maintainx',
      webhookSecretName: 'plantsync/dev/1000/maintainx-webhook',
      tenant: '1000',
      rateLimit: { requestsPerSecond: 5, burst: 10 },
      currency: 'EUR',
      partUnit: 'H87',
    });
    expect(plants['2000']).toEqual({
      platform: 'sap-pm',
      notificationType: 'M1',
      orderType: 'PM01',
      planningPlant: '2000',
    });
    expect(plants['3000']).toMatchObject({
      platform: 'generic-rest',
      apiTokenSecretName: 'plantsync/dev/3000/cmms',
      mapping: { baseUrl: 'https://cmms.example.com/api/v2', recordPath: 'data' },
    });
  });

  it('names every missing setting of every plant in one ConfigError', () => {
    const attempt = () => maintenancePlantsFromEnv({ PLANTS_JSON: plantsJson });

    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/plant 1000 maintenance\.apiTokenSecretName/);
    expect(attempt).toThrow(/plant 1000 maintenance\.currency/);
    expect(attempt).toThrow(/plant 2000 maintenance\.orderType/);
    expect(attempt).toThrow(/plant 3000 maintenance\.mapping/);
  });

  it('takes MAINTENANCE_PLANTS as the complete form when it is set', () => {
    const plants = maintenancePlantsFromEnv({
      MAINTENANCE_PLANTS: JSON.stringify({
        '2000': { platform: 'sap-pm', notificationType: 'M2', orderType: 'PM02', planningPlant: '2000' },
      }),
    });

    expect(Object.keys(plants)).toEqual(['2000']);
  });

  it('refuses to start with neither form', () => {
    expect(() => maintenancePlantsFromEnv({})).toThrow(/neither MAINTENANCE_PLANTS nor PLANTS_JSON/);
  });
});

describe('DynamoReplayStore', () => {
  const dynamo = mockClient(DynamoDBClient);
  afterEach(() => dynamo.reset());

  it('claims a key with a conditional put in the shared idempotency table', async () => {
    dynamo.on(PutItemCommand).resolves({});

    const claimed = await new DynamoReplayStore(new DynamoDBClient({}), 'idempotency').claim(
      'maintainx:1000:abc',
      1_800_000_000,
    );

    expect(claimed).toBe(true);
    expect(dynamo.commandCalls(PutItemCommand)[0]?.args[0].input).toEqual({
      TableName: 'idempotency',
      Item: { id: { S: 'maintenance-webhook#maintainx:1000:abc' }, expiration: { N: '1800000000' } },
      ConditionExpression: 'attribute_not_exists(id)',
    });
  });

  it('reports an existing key as already claimed', async () => {
    dynamo
      .on(PutItemCommand)
      .rejects(new ConditionalCheckFailedException({ message: 'exists', $metadata: {} }));

    const claimed = await new DynamoReplayStore(new DynamoDBClient({}), 'idempotency').claim('k', 1);

    expect(claimed).toBe(false);
  });

  it('releases a claim by deleting it', async () => {
    dynamo.on(DeleteItemCommand).resolves({});

    await new DynamoReplayStore(new DynamoDBClient({}), 'idempotency').release('k');

    expect(dynamo.commandCalls(DeleteItemCommand)[0]?.args[0].input.Key).toEqual({
      id: { S: 'maintenance-webhook#k' },
    });
  });
});
