import { z } from 'zod';
import {
  GenericRestPlantConfig,
  MaintainxPlantConfig,
  SapPmPlantConfig,
} from '../../functions/maintenance/config';
import { PlantMapping } from '../../functions/sap/mapping';

/** Days CloudWatch Logs accepts as a retention period (anything else is rejected by the service). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const WEEKDAYS = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'] as const;
const Weekday = z.enum(WEEKDAYS);
const ClockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a 24-hour clock time "HH:MM", e.g. "06:00"');

const PlantCode = z.string().regex(/^[A-Z0-9]{4}$/, 'a 4-character SAP plant code (WERKS), e.g. "1000"');
/** https everywhere; plain http only to loopback (the `local` environment's simulated systems). */
const HttpsEndpoint = z.url({ error: 'an https:// URL' }).refine(
  (value) => {
    const url = new URL(value);
    return (
      url.protocol === 'https:' ||
      (url.protocol === 'http:' && (url.hostname === '127.0.0.1' || url.hostname === 'localhost'))
    );
  },
  { error: 'an https:// URL (plain http only to 127.0.0.1 or localhost)' },
);
const SecretName = z
  .string()
  .regex(
    /^[A-Za-z0-9/_+=.@-]{1,512}$/,
    'a Secrets Manager secret name (letters, digits and /_+=.@-), e.g. "plantsync/dev/1000/mes"',
  );
const TimeZone = z.string().refine(
  (zone) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  },
  { error: 'an IANA time zone, e.g. "Europe/Berlin"' },
);
const Seconds = z.number().int().positive();

/** Requests per second and burst a SaaS tool tolerates; egress concurrency is derived from it. */
export const RateLimit = z.object({
  rps: z.number().positive().max(1000),
  burst: z.number().int().positive().max(5000),
});

export const Shift = z.object({
  name: z.string().min(1),
  days: z.array(Weekday).min(1),
  start: ClockTime,
  end: ClockTime,
});

/** A recurring window in plant-local time in which planned maintenance may be scheduled. */
export const MaintenanceWindow = z.object({
  name: z.string().min(1),
  days: z.array(Weekday).min(1),
  start: ClockTime,
  durationMinutes: z
    .number()
    .int()
    .min(15)
    .max(24 * 60),
});

const maintenancePlatform = <P extends string, C extends z.ZodObject>(platform: P, connector: C) =>
  z.object({
    platform: z.literal(platform),
    endpoint: HttpsEndpoint,
    /** API credentials for the maintenance platform. */
    secretName: SecretName,
    /** Shared secret the platform signs its webhooks with. */
    webhookSecretName: SecretName,
    /**
     * The platform's own settings of the maintenance connector (functions/maintenance/config.ts),
     * typed by the connector's schema; shipped to the functions as MAINTENANCE_PLANTS.
     */
    connector: connector.strict(),
  });

/** A plant's maintenance platform: endpoint, secrets and the connector's per-plant profile settings. */
export const MaintenancePlatformConfig = z.discriminatedUnion('platform', [
  /** MaintainX: `tenant`, `currency`, `referenceField`, optional `organizationId`, `equipmentField`, `assets`, `partUnit`. */
  maintenancePlatform(
    'maintainx',
    MaintainxPlantConfig.omit({
      platform: true,
      baseUrl: true,
      apiTokenSecretName: true,
      webhookSecretName: true,
      rateLimit: true,
    }),
  ),
  /** SAP PM: `notificationType`, `orderType`, `planningPlant`. */
  maintenancePlatform('sap-pm', SapPmPlantConfig.omit({ platform: true })),
  /** A generic REST tool: `tenant` and the `mapping` of operations to its API. */
  maintenancePlatform(
    'generic-rest',
    GenericRestPlantConfig.omit({ platform: true, apiTokenSecretName: true, rateLimit: true }),
  ),
]);

export const PlantConfig = z
  .object({
    code: PlantCode,
    name: z.string().min(1),
    timeZone: TimeZone,
    mes: z.object({
      profile: z.enum(['rest-json', 'b2mml']),
      endpoint: HttpsEndpoint,
      /** Credentials for calling the MES (and the key MES signs its posts with). */
      secretName: SecretName,
      /** B2MML version plantsync writes to a `b2mml` MES. @default - the MES connector's default (V0700) */
      b2mmlVersion: z.enum(['V0600', 'V0700']).optional(),
    }),
    maintenance: MaintenancePlatformConfig,
    /** SAP mapping of the plant (functions/sap/mapping.ts PlantMapping without plant and time zone). */
    sap: PlantMapping.omit({ plant: true, timeZone: true }),
    shiftCalendar: z.array(Shift).min(1),
    maintenanceWindows: z.array(MaintenanceWindow).min(1),
    /** Plant-local dates (YYYY-MM-DD) on which no maintenance may be planned. @default [] */
    blackoutDates: z.array(z.iso.date()).default([]),
    sla: z.object({
      /** MES must acknowledge a released order within this time, else a sync exception is raised. */
      orderAckTimeoutSeconds: Seconds,
      /** An order that stays in one status longer than this is "stuck" on the dashboard. */
      stuckOrderAfterMinutes: z.number().int().positive(),
      /** Maximum time from DowntimeStarted to a maintenance notification existing. */
      downtimeToNotificationSeconds: Seconds,
      /** Maximum time for a confirmation to be posted to SAP. */
      confirmationPostingSeconds: Seconds,
    }),
    rateLimits: z.object({ maintenance: RateLimit, mes: RateLimit }),
    /** Downtime signals for one machine within this window make one maintenance notification, not many. */
    flapping: z.object({ windowSeconds: z.number().int().min(1).max(3600) }),
    /** Plant-local cron (EventBridge Scheduler syntax, 6 fields) for equipment-master reconciliation. */
    reconciliationCron: z
      .string()
      .regex(/^\S+ \S+ \S+ \S+ \S+ \S+$/, 'six cron fields, e.g. "0 2 * * ? *" (02:00 plant time)'),
  })
  .strict();
export type PlantConfig = z.infer<typeof PlantConfig>;

export const ApiClient = z.object({
  /** Used in the API key and usage plan names. */
  name: z
    .string()
    .regex(/^[a-z][a-z0-9-]{1,40}$/, 'lower-case letters, digits and dashes, e.g. "mes-relay-1000"'),
  rateLimit: z.number().positive(),
  burstLimit: z.number().int().positive(),
  quotaPerDay: z.number().int().positive(),
});

export const EnvironmentConfig = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9]{1,15}$/, 'lower-case letters and digits, e.g. "dev"'),
    /** 12-digit account; omitted means environment-agnostic templates (fine for synth and tests). */
    account: z
      .string()
      .regex(/^\d{12}$/, 'a 12-digit AWS account id')
      .optional(),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region, e.g. "eu-central-1"'),
    /** Stateful resources are kept (retain) or removed (destroy) when their stack is deleted. */
    removalPolicy: z.enum(['retain', 'destroy']),
    archiveRetentionDays: z.number().int().min(1).max(3650),
    logRetentionDays: z.union(LOG_RETENTION_DAYS.map((d) => z.literal(d))),
    /** TTL of correlation records after their last update. */
    correlationTtlDays: z.number().int().min(1).max(3650),
    alarmEmail: z.email().optional(),
    /**
     * Roles allowed to publish any source on the bus, for operators replaying dead letters
     * (`plantsync replay`). Everyone else may only publish the sources their system owns.
     */
    replayPrincipalArns: z
      .array(z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, 'an IAM role ARN'))
      .default([]),
    /** Workflow tuning passed to the state machines as definition substitutions. */
    workflowDefaults: z.object({
      /** MES acknowledgement attempts before the order becomes a sync exception. */
      ackMaxAttempts: z.number().int().min(1).max(10),
      /** Length of the maintenance slot predictive maintenance looks for. */
      maintenanceDurationMinutes: z
        .number()
        .int()
        .min(15)
        .max(24 * 60),
      /** How far ahead predictive maintenance looks for a window. */
      maintenanceHorizonHours: z
        .number()
        .int()
        .min(1)
        .max(24 * 14),
      /** How long an inventory adjustment waits for a person's approval. */
      approvalTimeoutHours: z
        .number()
        .int()
        .min(1)
        .max(24 * 30),
    }),
    sap: z.object({
      odataEndpoint: HttpsEndpoint,
      secretName: SecretName,
      /** SAP client (mandant). @default - the system default client */
      client: z
        .string()
        .regex(/^\d{3}$/, 'a 3-digit SAP client, e.g. "100"')
        .optional(),
      /** Zone of the SAP application server (IDoc control record times). */
      systemTimeZone: TimeZone,
      /** Logical systems allowed to send IDocs (EDI_DC40 SNDPRN). */
      senders: z.array(z.string().min(1).max(10)).min(1),
    }),
    api: z.object({
      stageName: z.string().regex(/^[a-zA-Z0-9_]+$/),
      /** Stage-wide throttle; per-client limits come from the usage plans. */
      throttle: z.object({ rateLimit: z.number().positive(), burstLimit: z.number().int().positive() }),
      clients: z.array(ApiClient).min(1),
    }),
    plants: z.array(PlantConfig).min(1),
  })
  .strict()
  .superRefine((env, ctx) => {
    const seen = new Set<string>();
    env.plants.forEach((plant, index) => {
      if (seen.has(plant.code)) {
        ctx.addIssue({
          code: 'custom',
          path: ['plants', index, 'code'],
          message: `plant code "${plant.code}" appears more than once`,
        });
      }
      seen.add(plant.code);
    });
    const clients = new Set<string>();
    env.api.clients.forEach((client, index) => {
      if (clients.has(client.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['api', 'clients', index, 'name'],
          message: `API client "${client.name}" appears more than once`,
        });
      }
      clients.add(client.name);
    });
  });
export type EnvironmentConfig = z.infer<typeof EnvironmentConfig>;
export type EnvironmentConfigInput = z.input<typeof EnvironmentConfig>;

export class ConfigValidationError extends Error {
  override readonly name = 'ConfigValidationError';
  constructor(
    readonly environment: string,
    readonly problems: readonly string[],
  ) {
    super(`invalid configuration for environment "${environment}":\n  - ${problems.join('\n  - ')}`);
  }
}

/** Renders a zod path with plant codes, e.g. `plants[1000].sla.orderAckTimeoutSeconds`. */
const describePath = (input: unknown, path: readonly PropertyKey[]): string => {
  let node: unknown = input;
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') {
      const element: unknown = Array.isArray(node) ? node[key] : undefined;
      const code =
        element && typeof element === 'object' && 'code' in element && typeof element.code === 'string'
          ? element.code
          : undefined;
      text += code ? `[${code}]` : `[${key}]`;
    } else {
      text += text ? `.${String(key)}` : String(key);
    }
    node = node && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[key] : undefined;
  }
  return text || '(root)';
};

/** Validates an environment at synth time; throws ConfigValidationError naming every problem. */
export const parseEnvironment = (input: unknown): EnvironmentConfig => {
  const result = EnvironmentConfig.safeParse(input);
  if (result.success) return result.data;
  const name =
    input && typeof input === 'object' && 'name' in input && typeof input.name === 'string'
      ? input.name
      : '(unnamed)';
  throw new ConfigValidationError(
    name,
    result.error.issues.map((issue) => `${describePath(input, issue.path)}: ${issue.message}`),
  );
};
