/**
 * Where the workflow ports meet the real connectors:
 * - SapPort ← functions/sap ODataSapWorkflowAdapter over one ODataClient (SAP_BASE_URL, SAP_CLIENT,
 *   SAP_SECRET_ID, SAP_MAPPINGS, SAP_TIMEOUT_MS — the SAP connector's own settings);
 * - MaintenancePort ← functions/maintenance maintenancePort(connectorFactory(...)) from
 *   MAINTENANCE_PLANTS (or PLANTS_JSON + MAINTENANCE_PROFILES), SAP PM plants through
 *   functions/sap ODataSapPmAdapter;
 * - MesPort ← mes-port.ts over functions/mes mesClients (PLANTS_JSON, MES_SECRET_<PLANT>).
 *
 * Each connector is built on its first call and then kept for the container's life: a task that
 * needs only the MES never fails on a missing SAP setting, and a missing setting is reported (as a
 * ConfigError naming it) by the first task that needs it.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { loadConfig } from '../../shared/config';
import { correlationHeaders } from '../../shared/correlation';
import { ConfigError, TransientError } from '../../shared/errors';
import { maintenancePlantsFromEnv } from '../maintenance/config';
import { connectorFactory } from '../maintenance/connectors';
import type { MaintenanceConnector } from '../maintenance/model';
import type { SapPmPort } from '../maintenance/sap-pm';
import { SecretCache } from '../maintenance/webhook-ingress';
import { maintenancePort } from '../maintenance/workflow-port';
import { mesClients } from '../mes/environment';
import { ODataSapPmAdapter } from '../sap/adapters/sap-pm-port';
import { ODataSapWorkflowAdapter } from '../sap/adapters/workflow-port';
import { parseSapMappings, plantMappingFor, type SapMappings } from '../sap/mapping';
import { SecretAuthProvider, secretsManagerLoader } from '../sap/odata/auth';
import { ODataClient } from '../sap/odata/client';
import { correlationRepository, WorkflowConfig } from './adapters';
import { ValidationError } from './errors';
import { type MesOrderClient, mesWorkflowPort } from './mes-port';
import type { CallContext, MaintenancePort, MesPort, SapPort } from './ports';

type Env = Readonly<Record<string, string | undefined>>;

/** The SAP connector's OData settings (the same variables functions/sap-poster reads). */
export const SapConfig = z.object({
  SAP_BASE_URL: z.url(),
  SAP_CLIENT: z
    .string()
    .regex(/^\d{3}$/)
    .optional(),
  SAP_SECRET_ID: z.string().min(1),
  SAP_MAPPINGS: z.string().min(2),
  SAP_TIMEOUT_MS: z.coerce.number().int().positive().default(15_000),
});

let secretsClient: SecretsManagerClient | undefined;
const secrets = (): SecretsManagerClient => {
  secretsClient ??= new SecretsManagerClient({});
  return secretsClient;
};

export interface SapConnection {
  readonly client: ODataClient;
  readonly mappings: SapMappings;
}

/** One ODataClient and the parsed mappings from the SAP connector's settings. */
export const sapConnectionFromEnv = (env: Env): SapConnection => {
  const config = loadConfig(SapConfig, env);
  let mappings: SapMappings;
  try {
    mappings = parseSapMappings(JSON.parse(config.SAP_MAPPINGS));
  } catch (error) {
    throw new ConfigError(`SAP_MAPPINGS is invalid: ${(error as Error).message}`);
  }
  return {
    client: new ODataClient({
      baseUrl: config.SAP_BASE_URL,
      ...(config.SAP_CLIENT ? { sapClient: config.SAP_CLIENT } : {}),
      auth: new SecretAuthProvider({
        secretId: config.SAP_SECRET_ID,
        loadSecret: secretsManagerLoader(secrets()),
      }),
      timeoutMs: config.SAP_TIMEOUT_MS,
      headers: correlationHeaders,
    }),
    mappings,
  };
};

/** Plant → the SAP connector's SAP PM port (for plants whose maintenance platform is SAP PM). */
export const sapPmPorts =
  (sap: () => SapConnection) =>
  (plant: string): SapPmPort => {
    const { client, mappings } = sap();
    const mapping = plantMappingFor(mappings, plant);
    if (!mapping) throw new ValidationError(`plant ${plant} is on SAP PM but has no SAP mapping`);
    return new ODataSapPmAdapter(client, mapping);
  };

/** Plant → its maintenance connector, from the maintenance connector's own settings. */
export const maintenanceConnectorsFromEnv = (
  env: Env,
  sap: () => SapConnection,
): ((plant: string) => MaintenanceConnector) => {
  const plants = maintenancePlantsFromEnv(env);
  const cache = new SecretCache(async (name) => {
    try {
      const result = await secrets().send(new GetSecretValueCommand({ SecretId: name }));
      if (!result.SecretString) throw new Error('secret has no string value');
      return result.SecretString;
    } catch (error) {
      throw new TransientError(`secret ${name} could not be read`, { cause: error });
    }
  });
  const usesSapPm = Object.values(plants).some((p) => p.platform === 'sap-pm');
  return connectorFactory({
    plants,
    secret: (name) => cache.get(name),
    ...(usesSapPm ? { sapPm: sapPmPorts(sap) } : {}),
  });
};

/** A port (every method async) whose implementation is built on its first call and kept per container. */
export const lazyPort = <T extends object>(build: () => T): T => {
  let built: T | undefined;
  const target = () => {
    built ??= build();
    return built;
  };
  return new Proxy({} as T, {
    get: (_target, method) => {
      if (method === 'then') return undefined; // not a thenable
      // Async, so a configuration error surfaces as a rejected call like any other port failure.
      return async (...args: unknown[]) => {
        const port = target() as Record<PropertyKey, (...a: unknown[]) => unknown>;
        const fn = port[method];
        if (typeof fn !== 'function') throw new TypeError(`${String(method)} is not a port method`);
        return fn.apply(port, args);
      };
    },
  });
};

/** Memoises a factory (one instance per container). */
export const once = <T>(build: () => T): (() => T) => {
  let value: T | undefined;
  return () => {
    value ??= build();
    return value;
  };
};

export interface ConnectorPorts {
  readonly sap: SapPort;
  readonly mes: MesPort;
  readonly maintenance: MaintenancePort;
}

export interface BindingOverrides {
  /** The plant's MES client. @default mesClients(env) */
  readonly mesClientFor?: (plant: string) => MesOrderClient;
  /** occurredAt behind an order's correlation state. @default the correlation table (CORRELATION_TABLE_NAME) */
  readonly orderVersion?: (ctx: CallContext, orderNumber: string) => Promise<string | undefined>;
}

/** The workflow ports bound to the SAP, MES and maintenance connectors, configured from `env`. */
export const bindConnectorPorts = (
  env: Env = process.env,
  overrides: BindingOverrides = {},
): ConnectorPorts => {
  const sap = once(() => sapConnectionFromEnv(env));
  const repo = once(() => correlationRepository(loadConfig(WorkflowConfig, env).CORRELATION_TABLE_NAME));
  const mesClientFor = once(() => overrides.mesClientFor ?? mesClients(env));
  return {
    sap: lazyPort(() => {
      const { client, mappings } = sap();
      return new ODataSapWorkflowAdapter(client, mappings);
    }),
    mes: lazyPort(() =>
      mesWorkflowPort({
        clientFor: (plant) => mesClientFor()(plant),
        orderVersion:
          overrides.orderVersion ??
          (async (ctx, orderNumber) => (await repo().getOrder(ctx.plant, orderNumber))?.version),
      }),
    ),
    maintenance: lazyPort(() => maintenancePort(maintenanceConnectorsFromEnv(env, sap))),
  };
};
