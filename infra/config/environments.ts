import { LOCAL_SAP_ODATA, localPlants, plantsFor } from './plants';
import { type EnvironmentConfig, type EnvironmentConfigInput, parseEnvironment } from './schema';

/** Environment definitions; validated with zod when the app is synthesized. */
export const environments: Readonly<Record<string, EnvironmentConfigInput>> = {
  dev: {
    name: 'dev',
    region: 'eu-central-1',
    removalPolicy: 'destroy',
    archiveRetentionDays: 14,
    logRetentionDays: 14,
    correlationTtlDays: 30,
    workflowDefaults: {
      ackMaxAttempts: 3,
      maintenanceDurationMinutes: 120,
      maintenanceHorizonHours: 72,
      approvalTimeoutHours: 72,
    },
    sap: {
      odataEndpoint: 'https://sap-dev.example.com/sap/opu/odata/sap',
      secretName: 'plantsync/dev/sap',
      client: '100',
      systemTimeZone: 'Europe/Berlin',
      senders: ['S4DCLNT100'],
    },
    api: {
      stageName: 'v1',
      throttle: { rateLimit: 50, burstLimit: 100 },
      clients: [
        { name: 'mes-relay', rateLimit: 20, burstLimit: 40, quotaPerDay: 200_000 },
        { name: 'sap-cpi', rateLimit: 10, burstLimit: 20, quotaPerDay: 100_000 },
        { name: 'ops-portal', rateLimit: 5, burstLimit: 10, quotaPerDay: 20_000 },
      ],
    },
    plants: plantsFor('dev'),
  },
  prod: {
    name: 'prod',
    region: 'eu-central-1',
    removalPolicy: 'retain',
    archiveRetentionDays: 365,
    logRetentionDays: 90,
    correlationTtlDays: 400,
    workflowDefaults: {
      ackMaxAttempts: 3,
      maintenanceDurationMinutes: 120,
      maintenanceHorizonHours: 72,
      approvalTimeoutHours: 72,
    },
    sap: {
      odataEndpoint: 'https://sap.example.com/sap/opu/odata/sap',
      secretName: 'plantsync/prod/sap',
      client: '100',
      systemTimeZone: 'Europe/Berlin',
      senders: ['S4PCLNT100'],
    },
    api: {
      stageName: 'v1',
      throttle: { rateLimit: 200, burstLimit: 400 },
      clients: [
        { name: 'mes-relay', rateLimit: 100, burstLimit: 200, quotaPerDay: 2_000_000 },
        { name: 'sap-cpi', rateLimit: 50, burstLimit: 100, quotaPerDay: 1_000_000 },
        { name: 'ops-portal', rateLimit: 5, burstLimit: 10, quotaPerDay: 20_000 },
      ],
    },
    plants: plantsFor('prod'),
  },
  /**
   * `npm start`: the dev shape on loopback. Every endpoint is a simulated system of local/plant;
   * nothing leaves the machine.
   */
  local: {
    name: 'local',
    region: 'eu-central-1',
    removalPolicy: 'destroy',
    archiveRetentionDays: 1,
    logRetentionDays: 1,
    correlationTtlDays: 1,
    workflowDefaults: {
      ackMaxAttempts: 3,
      maintenanceDurationMinutes: 120,
      // A week: the simulated plants plan predictive work into their weekly windows (weekend, Sunday).
      maintenanceHorizonHours: 168,
      approvalTimeoutHours: 1,
    },
    sap: {
      odataEndpoint: LOCAL_SAP_ODATA,
      secretName: 'plantsync/local/sap',
      client: '100',
      systemTimeZone: 'Europe/Berlin',
      senders: ['S4DCLNT100'],
    },
    api: {
      stageName: 'v1',
      throttle: { rateLimit: 500, burstLimit: 1000 },
      clients: [
        { name: 'mes-relay', rateLimit: 200, burstLimit: 400, quotaPerDay: 2_000_000 },
        { name: 'sap-cpi', rateLimit: 100, burstLimit: 200, quotaPerDay: 1_000_000 },
        { name: 'ops-portal', rateLimit: 5, burstLimit: 10, quotaPerDay: 20_000 },
      ],
    },
    plants: localPlants(),
  },
};

export class UnknownEnvironmentError extends Error {
  override readonly name = 'UnknownEnvironmentError';
  constructor(readonly environment: string) {
    super(
      `unknown environment "${environment}"; pass one of ${Object.keys(environments).join(', ')} ` +
        `with -c env=<name> (defined in infra/config/environments.ts)`,
    );
  }
}

/** The validated configuration of one environment, by name. */
export const loadEnvironment = (name: string): EnvironmentConfig => {
  const input = environments[name];
  if (!input) throw new UnknownEnvironmentError(name);
  return parseEnvironment(input);
};
