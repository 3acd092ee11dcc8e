import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Written by `plantsync local up`; the ops commands use it unless told to use AWS. */
export const LOCAL_ENDPOINTS_FILE = join('.plantsync', 'local', 'endpoints.json');

export interface Endpoints {
  readonly eventbridge?: string;
  readonly sqs?: string;
  readonly dynamodb?: string;
  readonly stepfunctions?: string;
  readonly api?: string;
  readonly [other: string]: unknown;
}

export interface Target {
  readonly kind: 'local' | 'aws';
  readonly endpoints: Endpoints;
  /** Client options for a service: local endpoints with dummy credentials, or the SDK defaults. */
  clientConfig(service: 'eventbridge' | 'sqs' | 'dynamodb' | 'stepfunctions'): Record<string, unknown>;
}

/**
 * Chooses where ops commands act: `--aws` uses the standard credential chain and region; otherwise the
 * local runtime named in .plantsync/local/endpoints.json (below PLANTSYNC_HOME, default: the current
 * folder), with a clear error when it is not running.
 */
export const resolveTarget = (
  options: { aws?: boolean },
  cwd = process.env.PLANTSYNC_HOME ?? process.cwd(),
): Target => {
  if (options.aws) return { kind: 'aws', endpoints: {}, clientConfig: () => ({}) };
  const file = join(cwd, LOCAL_ENDPOINTS_FILE);
  if (!existsSync(file)) {
    throw Object.assign(
      new Error(
        `the local runtime is not running (${LOCAL_ENDPOINTS_FILE} is missing): start it with \`plantsync local up\` or \`npm start\`, or pass --aws`,
      ),
      { exitCode: 2 },
    );
  }
  const endpoints = JSON.parse(readFileSync(file, 'utf8')) as Endpoints;
  return {
    kind: 'local',
    endpoints,
    clientConfig: (service) => {
      const endpoint = endpoints[service];
      if (typeof endpoint !== 'string')
        throw new Error(`${LOCAL_ENDPOINTS_FILE} names no ${service} endpoint`);
      return {
        endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'plantsync-operator', secretAccessKey: 'local' },
      };
    },
  };
};
