import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { AwsCredentials } from './sigv4';

export interface RelayConfig {
  readonly plant: string;
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  readonly cloudUrl: string;
  /** Sent as `x-api-key` (the API Gateway usage-plan key of this relay); read from a file, never a flag. */
  readonly apiKey?: string;
  readonly maxBodyBytes: number;
  readonly maxQueuedBytes: number;
  readonly requestTimeoutMs: number;
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  readonly segmentBytes: number;
  /** SigV4 signing for an IAM-authenticated ingress (API Gateway `execute-api`). */
  readonly aws?: { readonly region: string; readonly credentials: () => AwsCredentials };
}

export class RelayConfigError extends Error {
  override readonly name = 'RelayConfigError';
}

/** flag → environment variable; a flag wins over the environment. */
const OPTIONS = {
  plant: { env: 'PLANTSYNC_EDGE_PLANT', help: 'SAP plant code this relay serves, e.g. 1010 (required)' },
  host: {
    env: 'PLANTSYNC_EDGE_HOST',
    help: 'interface to listen on (default 127.0.0.1; 0.0.0.0 for the plant LAN)',
  },
  port: { env: 'PLANTSYNC_EDGE_PORT', help: 'local port for MES posts (default 8787; 0 = any free port)' },
  'data-dir': { env: 'PLANTSYNC_EDGE_DATA_DIR', help: 'directory of the durable log (required)' },
  'cloud-url': { env: 'PLANTSYNC_EDGE_CLOUD_URL', help: 'cloud MES ingress URL, https (required)' },
  'api-key-file': { env: 'PLANTSYNC_EDGE_API_KEY_FILE', help: 'file holding the API key sent as x-api-key' },
  'max-body-bytes': {
    env: 'PLANTSYNC_EDGE_MAX_BODY_BYTES',
    help: 'largest accepted message (default 1048576)',
  },
  'max-queued-bytes': {
    env: 'PLANTSYNC_EDGE_MAX_QUEUED_BYTES',
    help: 'refuse new messages (503) beyond this backlog (default 1073741824)',
  },
  'request-timeout-ms': {
    env: 'PLANTSYNC_EDGE_REQUEST_TIMEOUT_MS',
    help: 'per-request timeout to the cloud (default 10000)',
  },
  'backoff-base-ms': {
    env: 'PLANTSYNC_EDGE_BACKOFF_BASE_MS',
    help: 'first retry delay ceiling (default 500)',
  },
  'backoff-max-ms': { env: 'PLANTSYNC_EDGE_BACKOFF_MAX_MS', help: 'retry delay cap (default 60000)' },
  'segment-bytes': { env: 'PLANTSYNC_EDGE_SEGMENT_BYTES', help: 'log segment size (default 16777216)' },
  'aws-region': {
    env: 'PLANTSYNC_EDGE_AWS_REGION',
    help: 'sign requests with SigV4 for this region (IAM-authenticated ingress)',
  },
  'aws-credentials-file': {
    env: 'PLANTSYNC_EDGE_AWS_CREDENTIALS_FILE',
    help: 'JSON {accessKeyId, secretAccessKey, sessionToken?}, re-read per request (else AWS_ACCESS_KEY_ID/...)',
  },
} as const;
type Flag = keyof typeof OPTIONS;

export const usage = (): string =>
  [
    'plantsync-edge-relay: durable, ordered relay of MES events to the plantsync cloud ingress',
    '',
    'Options (each also read from the environment variable shown):',
    ...Object.entries(OPTIONS).map(([flag, o]) => `  --${flag.padEnd(20)} ${o.env.padEnd(34)} ${o.help}`),
  ].join('\n');

/** Reads flags and environment; throws RelayConfigError naming every problem at once. */
export const parseRelayConfig = (
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
): RelayConfig => {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      options: Object.fromEntries(Object.keys(OPTIONS).map((k) => [k, { type: 'string' as const }])),
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    throw new RelayConfigError(`${(error as Error).message}\n\n${usage()}`);
  }
  const problems: string[] = [];
  const raw = (flag: Flag): string | undefined => {
    const v = values[flag] ?? env[OPTIONS[flag].env];
    return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
  };
  const required = (flag: Flag): string => {
    const v = raw(flag);
    if (v === undefined) problems.push(`--${flag} (or ${OPTIONS[flag].env}) is required`);
    return v ?? '';
  };
  const int = (flag: Flag, fallback: number, min: number): number => {
    const v = raw(flag);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) {
      problems.push(`--${flag} must be an integer >= ${min}, got "${v}"`);
      return fallback;
    }
    return n;
  };

  const plant = required('plant').toUpperCase();
  if (plant && !/^[A-Z0-9]{4}$/.test(plant))
    problems.push(`--plant must be a 4-character plant code, got "${plant}"`);
  const dataDir = required('data-dir');
  const cloudUrl = required('cloud-url').replaceAll('{plant}', plant);
  if (cloudUrl) {
    try {
      const url = new URL(cloudUrl);
      const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
      if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
        problems.push(
          `--cloud-url must be https (http only for a loopback test ingress), got ${url.protocol}`,
        );
      }
    } catch {
      problems.push(`--cloud-url is not a URL: "${cloudUrl}"`);
    }
  }
  let apiKey: string | undefined;
  const keyFile = raw('api-key-file');
  if (keyFile) {
    try {
      apiKey = readFileSync(keyFile, 'utf8').trim();
      if (!apiKey) problems.push(`--api-key-file ${keyFile} is empty`);
    } catch (error) {
      problems.push(`--api-key-file ${keyFile} cannot be read: ${(error as NodeJS.ErrnoException).code}`);
    }
  }
  const port = int('port', 8787, 0);
  if (port > 65535) problems.push(`--port must be at most 65535, got ${port}`);
  const config: RelayConfig = {
    plant,
    host: raw('host') ?? '127.0.0.1',
    port,
    dataDir,
    cloudUrl,
    ...(apiKey ? { apiKey } : {}),
    maxBodyBytes: int('max-body-bytes', 1024 * 1024, 1),
    maxQueuedBytes: int('max-queued-bytes', 1024 * 1024 * 1024, 1),
    requestTimeoutMs: int('request-timeout-ms', 10_000, 1),
    backoffBaseMs: int('backoff-base-ms', 500, 1),
    backoffMaxMs: int('backoff-max-ms', 60_000, 1),
    segmentBytes: int('segment-bytes', 16 * 1024 * 1024, 1024),
  };
  const region = raw('aws-region');
  const credentialsFile = raw('aws-credentials-file');
  let aws: RelayConfig['aws'];
  if (region) {
    if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region))
      problems.push(`--aws-region is not an AWS region: "${region}"`);
    if (credentialsFile) {
      try {
        readCredentialsFile(credentialsFile);
        aws = { region, credentials: () => readCredentialsFile(credentialsFile) };
      } catch (error) {
        problems.push(`--aws-credentials-file ${credentialsFile}: ${(error as Error).message}`);
      }
    } else if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
      const credentials: AwsCredentials = {
        accessKeyId: env.AWS_ACCESS_KEY_ID,
        secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
        ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
      };
      aws = { region, credentials: () => credentials };
    } else {
      problems.push(
        '--aws-region needs --aws-credentials-file or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
      );
    }
  }
  if (config.backoffMaxMs < config.backoffBaseMs)
    problems.push('--backoff-max-ms must be >= --backoff-base-ms');
  if (problems.length > 0) {
    throw new RelayConfigError(
      `edge relay configuration error:\n  - ${problems.join('\n  - ')}\n\n${usage()}`,
    );
  }
  return aws ? { ...config, aws } : config;
};

/** Re-read on every signature so an external refresher (e.g. IAM Roles Anywhere) can rotate it. */
const readCredentialsFile = (file: string): AwsCredentials => {
  let value: {
    accessKeyId?: unknown;
    secretAccessKey?: unknown;
    sessionToken?: unknown;
    AccessKeyId?: unknown;
    SecretAccessKey?: unknown;
    SessionToken?: unknown;
  };
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`cannot be read as JSON (${(error as NodeJS.ErrnoException).code ?? 'invalid JSON'})`);
  }
  // Accepts the credential_process shape (AccessKeyId, ...) as well as camelCase.
  const accessKeyId = value.accessKeyId ?? value.AccessKeyId;
  const secretAccessKey = value.secretAccessKey ?? value.SecretAccessKey;
  const sessionToken = value.sessionToken ?? value.SessionToken;
  if (typeof accessKeyId !== 'string' || typeof secretAccessKey !== 'string') {
    throw new Error('needs accessKeyId and secretAccessKey');
  }
  return { accessKeyId, secretAccessKey, ...(typeof sessionToken === 'string' ? { sessionToken } : {}) };
};
