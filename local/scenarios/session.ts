/**
 * One local session of the main job: synthesizes the CDK app for the `local` environment (the same
 * templates, bundles and state machines `cdk deploy` ships, configured for loopback systems), boots
 * it on the local runtime, seeds the secrets the connectors read, and starts the simulated plant on
 * the ports the configuration names.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DeadLetterOperations } from '../../cli/ops/dlq';
import { type EnvironmentConfig, loadEnvironment } from '../../infra/config';
import type { AuditSink } from '../audit/store';
import { RealtimeSimClock } from '../plant/clock';
import { type SimulatedPlant, startSimulatedPlant } from '../plant/plant';
import { type LocalRuntime, startLocalRuntime } from '../runtime/runtime';
import type { PlatformView } from './kpi';

export const LOCAL_ENVIRONMENT = 'local';

export interface SessionOptions {
  readonly seed: string;
  /** How many plants of the local configuration take part (the first N). */
  readonly plants: number;
  /** Simulated ms per real ms. */
  readonly clockSpeed: number;
  /** Where cdk.out, logs and endpoints go. */
  readonly stateDir: string;
  readonly say: (line: string) => void;
  /** Start the MES machine-fault processes. @default true */
  readonly machineFaults?: boolean;
  /** Where the runtime records every hop (ingress, event, delivery, invocation, state, dead letter). */
  readonly audit?: AuditSink;
}

export interface Session {
  readonly env: EnvironmentConfig;
  readonly plantCodes: readonly string[];
  readonly runtime: LocalRuntime;
  readonly plant: SimulatedPlant;
  readonly apiBase: string;
  readonly logFile: string;
  readonly deadLetters: DeadLetterOperations;
  /** What the platform observed: the bus archive, dead letters, the call meter. */
  observe(): Promise<PlatformView>;
  stop(): Promise<void>;
}

const portOf = (url: string): number => {
  const parsed = new URL(url);
  if (parsed.hostname !== '127.0.0.1' && parsed.hostname !== 'localhost') {
    throw new Error(`the ${LOCAL_ENVIRONMENT} environment must point at loopback systems, not ${url}`);
  }
  return Number(parsed.port);
};

/** Runs `cdk synth` for the local environment into `<stateDir>/cdk.out`, logging its output. */
export const synthesize = async (stateDir: string, log: (chunk: string) => void): Promise<string> => {
  const out = join(stateDir, 'cdk.out');
  const cdk = join('node_modules', '.bin', 'cdk');
  await new Promise<void>((resolve, reject) => {
    const child = spawn(cdk, ['synth', '-q', '-c', `env=${LOCAL_ENVIRONMENT}`, '-o', out], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CDK_DISABLE_VERSION_CHECK: 'true', CDK_CLI_NOTICES: 'false' },
    });
    const lines: string[] = [];
    const collect = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      lines.push(text);
      log(text);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`cdk synth failed (exit ${code}):\n${lines.join('').slice(-3000)}`)),
    );
  });
  return out;
};

export const startSession = async (options: SessionOptions): Promise<Session> => {
  mkdirSync(options.stateDir, { recursive: true });
  const logFile = join(options.stateDir, 'runtime.log');
  const logStream = createWriteStream(logFile, { flags: 'w' });
  const log = (line: string) => logStream.write(line.endsWith('\n') ? line : `${line}\n`);

  const env = loadEnvironment(LOCAL_ENVIRONMENT);
  if (options.plants < 1 || options.plants > env.plants.length) {
    throw new Error(
      `--plants must be between 1 and ${env.plants.length} (the local configuration has ${env.plants.length})`,
    );
  }
  const plants = env.plants.slice(0, options.plants);

  options.say('synthesizing the CDK app for the local environment (cdk synth, bundling every function)…');
  const cdkOut = await synthesize(options.stateDir, log);

  options.say('starting the local runtime (DynamoDB Local, SQS, EventBridge, Step Functions, Lambda, API)…');
  const runtime = await startLocalRuntime({
    cdkOut,
    log,
    asyncRetryDelaysMs: [200, 400],
    eventRetryDelayMs: (a) => 100 * 2 ** a,
    ...(options.audit ? { audit: options.audit } : {}),
  });
  try {
    const api = runtime.model.apis[0];
    const apiBase = runtime.endpoints.api;
    const planKey = (name: string) =>
      api?.usagePlans.find((p) => p.name.toLowerCase().includes(name))?.apiKeys[0] ?? '';
    // The ingress routes take IAM (SigV4) plus a client API key; the local front checks the key and
    // that a signature is present.
    const signed = (client: string) => () => ({
      'x-api-key': planKey(client),
      authorization: `AWS4-HMAC-SHA256 Credential=${client}/local/${env.region}/execute-api/aws4_request, SignedHeaders=host, Signature=local`,
    });

    options.say(
      `starting the simulated plant (seed ${options.seed}, plants ${plants.map((p) => p.code).join(', ')})…`,
    );
    const mesApiKey = `sim-mes-${options.seed}`;
    const plant = await startSimulatedPlant({
      seed: options.seed,
      plants,
      clock: new RealtimeSimClock({ speed: options.clockSpeed }),
      machineFaults: options.machineFaults ?? true,
      mes: { apiKey: mesApiKey },
      // The simulated SAP is the system the configuration describes: same logical system and zone.
      sap: {
        ...(env.sap.senders[0] ? { logicalSystem: env.sap.senders[0] } : {}),
        systemTimeZone: env.sap.systemTimeZone,
      },
      ingress: {
        sapIdocUrl: `${apiBase}/ingress/sap/idoc`,
        mesUrl: (code) => `${apiBase}/ingress/mes/${code}/events`,
        webhookUrl: (tool, code) => `${apiBase}/webhooks/${tool}/${code}`,
        sapHeaders: signed('sap'),
        mesHeaders: signed('mes'),
      },
      ports: {
        sap: portOf(env.sap.odataEndpoint),
        mes: Object.fromEntries(plants.map((p) => [p.code, portOf(p.mes.endpoint)])),
        ...(plants.find((p) => p.maintenance.platform === 'maintainx')
          ? {
              maintainx: portOf(
                plants.find((p) => p.maintenance.platform === 'maintainx')?.maintenance.endpoint ?? '',
              ),
            }
          : {}),
        generic: Object.fromEntries(
          plants
            .filter((p) => p.maintenance.platform === 'generic-rest')
            .map((p) => [p.code, portOf(p.maintenance.endpoint)]),
        ),
      },
    });

    // Secrets the connectors read by name; no template creates them (they are never in code).
    runtime.putSecret(env.sap.secretName, JSON.stringify(plant.sap.credentials('basic')));
    for (const p of plants) {
      runtime.putSecret(p.mes.secretName, JSON.stringify({ apiKey: mesApiKey }));
      if (p.maintenance.platform === 'maintainx' && plant.maintainx) {
        const mx = plant.maintainx.configFor(p.code);
        runtime.putSecret(p.maintenance.secretName, mx.apiToken);
        runtime.putSecret(p.maintenance.webhookSecretName, mx.webhookSecret);
      } else if (p.maintenance.platform === 'sap-pm') {
        runtime.putSecret(p.maintenance.secretName, JSON.stringify(plant.sap.credentials('basic')));
      } else {
        const tool = plant.generic.get(p.code);
        if (tool) runtime.putSecret(p.maintenance.secretName, tool.apiKey);
      }
    }

    const sqs = new SQSClient({
      endpoint: runtime.endpoints.sqs,
      region: env.region,
      credentials: { accessKeyId: 'plantsync-operator', secretAccessKey: 'local' },
    });
    const deadLetters = new DeadLetterOperations(sqs);
    const archive = runtime.model.archives[0]?.name;
    const express = new Set(
      runtime.model.stateMachines.filter((m) => m.type === 'EXPRESS').map((m) => m.name),
    );

    return {
      env,
      plantCodes: plants.map((p) => p.code),
      runtime,
      plant,
      apiBase,
      logFile,
      deadLetters,
      observe: async () => ({
        events: archive ? runtime.eventBridge.archivedEvents(archive) : [],
        deadLetters: await deadLetters.summaries(),
        meter: runtime.meter.snapshot(),
        billableEvents: runtime.eventBridge.metering().billablePutEvents,
        expressStateMachines: express,
      }),
      stop: async () => {
        await plant.stop();
        sqs.destroy();
        await runtime.stop();
        logStream.end();
      },
    };
  } catch (error) {
    await runtime.stop();
    logStream.end();
    throw error;
  }
};
