import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRelayConfig, RelayConfigError } from '../../../edge/src/config';
import { keyOf, PLANT_LANE } from '../../../edge/src/key';

const required = [
  '--plant',
  '1010',
  '--data-dir',
  '/var/lib/plantsync-edge',
  '--cloud-url',
  'https://api.example.com/v1/mes/{plant}/events',
];

describe('edge relay configuration', () => {
  it('reads flags, substitutes the plant into the cloud URL and applies defaults', () => {
    const config = parseRelayConfig(required, {});

    expect(config).toMatchObject({
      plant: '1010',
      host: '127.0.0.1',
      port: 8787,
      cloudUrl: 'https://api.example.com/v1/mes/1010/events',
      backoffBaseMs: 500,
      backoffMaxMs: 60_000,
    });
  });

  it('reads the environment when a flag is absent', () => {
    const config = parseRelayConfig([], {
      PLANTSYNC_EDGE_PLANT: '2020',
      PLANTSYNC_EDGE_DATA_DIR: '/data',
      PLANTSYNC_EDGE_CLOUD_URL: 'https://api.example.com/x',
      PLANTSYNC_EDGE_PORT: '9000',
    });

    expect(config).toMatchObject({ plant: '2020', port: 9000, dataDir: '/data' });
  });

  it('names every missing and invalid setting at once', () => {
    const attempt = () =>
      parseRelayConfig(['--port', 'abc', '--cloud-url', 'http://mes-cloud.example.com/x'], {});

    expect(attempt).toThrow(RelayConfigError);
    expect(attempt).toThrow(/--plant \(or PLANTSYNC_EDGE_PLANT\) is required/);
    expect(attempt).toThrow(/--data-dir \(or PLANTSYNC_EDGE_DATA_DIR\) is required/);
    expect(attempt).toThrow(/--port must be an integer >= 0, got "abc"/);
    expect(attempt).toThrow(/--cloud-url must be https/);
  });

  it('rejects an unknown flag with the usage', () => {
    expect(() => parseRelayConfig([...required, '--colour', 'blue'], {})).toThrow(
      /Unknown option '--colour'[\s\S]*Options/,
    );
  });

  it('reads the API key from a file and refuses an unreadable one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'edge-cfg-'));
    await writeFile(join(dir, 'key'), 'k-123\n');

    expect(parseRelayConfig([...required, '--api-key-file', join(dir, 'key')], {}).apiKey).toBe('k-123');
    expect(() => parseRelayConfig([...required, '--api-key-file', join(dir, 'missing')], {})).toThrow(
      /cannot be read: ENOENT/,
    );
    await rm(dir, { recursive: true, force: true });
  });
});

describe('edge relay SigV4 configuration', () => {
  it('signs with credentials from the environment when a region is given', () => {
    const config = parseRelayConfig([...required, '--aws-region', 'eu-central-1'], {
      AWS_ACCESS_KEY_ID: 'AKID',
      AWS_SECRET_ACCESS_KEY: 'secret',
    });

    expect(config.aws?.region).toBe('eu-central-1');
    expect(config.aws?.credentials()).toEqual({ accessKeyId: 'AKID', secretAccessKey: 'secret' });
  });

  it('reads a credentials file in the credential_process shape', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'edge-aws-'));
    await writeFile(
      join(dir, 'creds.json'),
      '{"AccessKeyId":"ASIA1","SecretAccessKey":"s","SessionToken":"t"}',
    );

    const config = parseRelayConfig(
      [...required, '--aws-region', 'eu-central-1', '--aws-credentials-file', join(dir, 'creds.json')],
      {},
    );

    expect(config.aws?.credentials()).toEqual({
      accessKeyId: 'ASIA1',
      secretAccessKey: 's',
      sessionToken: 't',
    });
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a region without credentials', () => {
    expect(() => parseRelayConfig([...required, '--aws-region', 'eu-central-1'], {})).toThrow(
      /--aws-region needs --aws-credentials-file or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/,
    );
  });
});

describe('edge ordering key', () => {
  it.each([
    ['the header', 'application/json', '{}', 'E9', 'E9'],
    ['a JSON event', 'application/json', '{"equipmentId":"10000042"}', undefined, '10000042'],
    [
      'a batch on one machine',
      'application/json',
      '{"events":[{"equipmentId":"E1"},{"equipmentId":"E1"}]}',
      undefined,
      'E1',
    ],
    [
      'a mixed batch',
      'application/json',
      '{"events":[{"equipmentId":"E1"},{"equipmentId":"E2"}]}',
      undefined,
      PLANT_LANE,
    ],
    ['an order event', 'application/json', '{"orderNumber":"1000123"}', undefined, 'order:1000123'],
    [
      'B2MML',
      'application/xml',
      '<a><b:EquipmentActual><b:EquipmentID> 10000042 </b:EquipmentID></b:EquipmentActual></a>',
      undefined,
      '10000042',
    ],
    ['anything else', 'application/json', 'not json', undefined, PLANT_LANE],
  ])('is taken from %s', (_name, contentType, body, header, key) => {
    expect(keyOf(contentType, body, header)).toBe(key);
  });
});
