/**
 * Static security rules over the synthesized CloudFormation of every environment: least-privilege
 * IAM, encryption at rest with KMS for every queue, table and bus, and no secret values in Lambda
 * environments. Synthesis is offline and skips bundling (the rules read templates, not bundles).
 * No jest here: the report script uses it too.
 */
import { App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildPlantsync } from '../../infra/app-builder';
import { environments, loadEnvironment } from '../../infra/config/environments';

type Json = unknown;
interface Resource {
  readonly Type: string;
  readonly Properties?: Record<string, Json>;
}
export interface Template {
  readonly Resources?: Record<string, Resource>;
}

export interface EnvironmentTemplates {
  readonly name: string;
  /** Stack name → template. */
  readonly templates: Readonly<Record<string, Template>>;
  /** cdk-nag AwsSolutions findings not acknowledged in the tree. */
  readonly nagFindings: readonly string[];
}

/** Every environment of infra/config/environments.ts. */
export const ENVIRONMENT_NAMES = Object.keys(environments);

/** One offline synth of an environment (no bundling, no cdk-nag: the nag test lives with infra). */
export const synthesizeEnvironment = (name: string): EnvironmentTemplates => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  buildPlantsync(app, { config: loadEnvironment(name), nag: false, onPending: () => undefined });
  const assembly = app.synth();
  const templates: Record<string, Template> = {};
  for (const stack of assembly.stacks) templates[stack.stackName] = stack.template as Template;
  const nagFindings = new AwsSolutionsChecks()
    .validateScope(app)
    .violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`));
  return { name, templates, nagFindings };
};

export const RULES = [
  'cdk-nag AwsSolutions leaves no unacknowledged finding.',
  'No IAM statement allows Action `*` or a whole service (`service:*`).',
  'No IAM statement with Resource `*` grants data-store actions (dynamodb, sqs, events, secretsmanager, kms, s3, states, sns, lambda:Invoke).',
  'Every SQS queue is encrypted with a KMS key (`KmsMasterKeyId`).',
  'Every DynamoDB table is encrypted with KMS (`SSESpecification.SSEEnabled`, or `SSEType: KMS` for global tables).',
  'Every EventBridge bus is encrypted with a customer managed KMS key (`KmsKeyIdentifier`).',
  'No Lambda environment variable holds a secret value: a variable with a sensitive name (password, secret, token, api key, credential) carries only a secret reference (a Secrets Manager ARN or a hierarchical secret name such as `plantsync/dev/1000/mes`), no value looks like a credential (AWS access key id, PEM private key, `whsec_…`, bearer token, `user:password@` URL), and JSON values carry no sensitive key with a literal value.',
] as const;

const DATA_STORE_PREFIXES = [
  'dynamodb:',
  'sqs:',
  'events:',
  'secretsmanager:',
  'kms:',
  's3:',
  'states:',
  'sns:',
  'lambda:invoke',
  'scheduler:',
  'ssm:getparameter',
];

const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

interface Statement {
  readonly Effect?: string;
  readonly Action?: Json;
  readonly NotAction?: Json;
  readonly Resource?: Json;
}

/** Every policy statement of a template, with where it sits. */
const statementsOf = (template: Template): { where: string; statement: Statement }[] => {
  const out: { where: string; statement: Statement }[] = [];
  for (const [id, resource] of Object.entries(template.Resources ?? {})) {
    const props = resource.Properties ?? {};
    const documents: { where: string; doc: Json }[] = [];
    if (resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy')
      documents.push({ where: id, doc: props.PolicyDocument });
    if (resource.Type === 'AWS::IAM::Role') {
      for (const p of asArray(props.Policies as { PolicyName?: string; PolicyDocument?: Json }[] | undefined))
        documents.push({ where: `${id}/${p.PolicyName ?? 'inline'}`, doc: p.PolicyDocument });
    }
    for (const { where, doc } of documents)
      for (const statement of asArray((doc as { Statement?: Statement[] } | undefined)?.Statement))
        out.push({ where, statement });
  }
  return out;
};

const iamViolations = (
  template: Template,
): { statements: number; violations: string[]; starResourceActions: string[] } => {
  const violations: string[] = [];
  const starResourceActions: string[] = [];
  const statements = statementsOf(template);
  for (const { where, statement } of statements) {
    if (statement.Effect !== 'Allow') continue;
    const actions = asArray(statement.Action as string | string[] | undefined).filter(
      (a): a is string => typeof a === 'string',
    );
    if (statement.NotAction !== undefined) violations.push(`${where}: Allow with NotAction`);
    for (const action of actions) {
      if (action === '*' || /^[a-z0-9-]+:\*$/i.test(action))
        violations.push(`${where}: wildcard action ${action}`);
    }
    const resources = asArray(statement.Resource);
    if (resources.includes('*')) {
      starResourceActions.push(...actions);
      const dataActions = actions.filter((a) =>
        DATA_STORE_PREFIXES.some((p) => a.toLowerCase().startsWith(p)),
      );
      if (dataActions.length > 0)
        violations.push(`${where}: Resource * for data-store actions ${dataActions.join(', ')}`);
    }
  }
  return { statements: statements.length, violations, starResourceActions };
};

const encryptionViolations = (template: Template) => {
  const violations: string[] = [];
  const counts = { queues: 0, tables: 0, buses: 0 };
  for (const [id, resource] of Object.entries(template.Resources ?? {})) {
    const props = resource.Properties ?? {};
    if (resource.Type === 'AWS::SQS::Queue') {
      counts.queues++;
      if (props.KmsMasterKeyId === undefined) violations.push(`${id}: SQS queue without a KMS key`);
    }
    if (resource.Type === 'AWS::DynamoDB::Table' || resource.Type === 'AWS::DynamoDB::GlobalTable') {
      counts.tables++;
      const sse = props.SSESpecification as { SSEEnabled?: boolean; SSEType?: string } | undefined;
      const kms =
        resource.Type === 'AWS::DynamoDB::Table' ? sse?.SSEEnabled === true : sse?.SSEType === 'KMS';
      if (!kms) violations.push(`${id}: DynamoDB table not encrypted with KMS`);
    }
    if (resource.Type === 'AWS::Events::EventBus') {
      counts.buses++;
      if (props.KmsKeyIdentifier === undefined) violations.push(`${id}: EventBridge bus without a KMS key`);
    }
  }
  return { counts, violations };
};

const SENSITIVE = /(password|passwd|secret|token|api_?key|credential|private_?key)/i;
const REFERENCE_NAME = /(_NAME|_ID|_ARN|_NAMES|_IDS|_ARNS|_TABLE|_TABLE_NAME|_URL|_HEADER|_FIELD)$/i;
/** A Secrets Manager ARN or a hierarchical secret name ("plantsync/dev/1000/mes"): a reference, not a value. */
const SECRET_REFERENCE = /^(arn:aws[a-z-]*:secretsmanager:[^\s]+|[A-Za-z0-9_+=.@-]+(\/[A-Za-z0-9_+=.@-]+)+)$/;
const REFERENCE_KEY = /(name|names|id|ids|arn|arns|field|header|ref|reference|url)$/i;
const CREDENTIAL_VALUE = [
  /AKIA[0-9A-Z]{16}/,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /\bwhsec_[A-Za-z0-9]{8,}/,
  /\bBearer\s+[A-Za-z0-9._~+/-]{16,}/,
  /\b(xox[bp]|ghp|sk_live)_[A-Za-z0-9]{10,}/,
  /:\/\/[^/\s:@]+:[^/\s@]+@/,
];

/** Sensitive keys with literal values inside a JSON environment value (e.g. PLANTS_JSON). */
const jsonSecrets = (value: Json, path: string, out: string[]): void => {
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) jsonSecrets(v, `${path}[${i}]`, out);
  } else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (SENSITIVE.test(key) && !REFERENCE_KEY.test(key) && typeof v === 'string' && v !== '')
        out.push(`${path}.${key}`);
      jsonSecrets(v, `${path}.${key}`, out);
    }
  }
};

const lambdaViolations = (template: Template) => {
  const violations: string[] = [];
  let functions = 0;
  for (const [id, resource] of Object.entries(template.Resources ?? {})) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    functions++;
    const variables = ((resource.Properties?.Environment as { Variables?: Record<string, Json> } | undefined)
      ?.Variables ?? {}) as Record<string, Json>;
    for (const [name, value] of Object.entries(variables)) {
      if (typeof value !== 'string') continue; // a reference to a resource (Ref / GetAtt / Join)
      if (SENSITIVE.test(name) && !REFERENCE_NAME.test(name) && value !== '' && !SECRET_REFERENCE.test(value))
        violations.push(`${id}: environment ${name} holds a literal value that is not a secret name or ARN`);
      if (CREDENTIAL_VALUE.some((p) => p.test(value)))
        violations.push(`${id}: environment ${name} holds a value that looks like a credential`);
      if (value.startsWith('{') || value.startsWith('[')) {
        try {
          const found: string[] = [];
          jsonSecrets(JSON.parse(value), name, found);
          for (const f of found) violations.push(`${id}: environment ${f} is a literal secret-looking value`);
        } catch {
          // not JSON: covered by the checks above
        }
      }
    }
  }
  return { functions, violations };
};

export interface EnvironmentSecurity {
  readonly name: string;
  readonly counts: {
    readonly statements: number;
    readonly functions: number;
    readonly queues: number;
    readonly tables: number;
    readonly buses: number;
  };
  readonly iam: readonly string[];
  /** Distinct actions granted on Resource `*` (allowed only where the service has no resource-level scoping). */
  readonly starResourceActions: readonly string[];
  readonly encryption: readonly string[];
  readonly secrets: readonly string[];
  readonly nag: readonly string[];
  readonly violations: readonly string[];
}

export interface SecuritySummary {
  readonly rules: readonly string[];
  readonly environments: readonly EnvironmentSecurity[];
}

export const analyzeEnvironment = (env: EnvironmentTemplates): EnvironmentSecurity => {
  const iam: string[] = [];
  const encryption: string[] = [];
  const secrets: string[] = [];
  const starResourceActions = new Set<string>();
  const counts = { statements: 0, functions: 0, queues: 0, tables: 0, buses: 0 };
  for (const [stack, template] of Object.entries(env.templates)) {
    const i = iamViolations(template);
    const e = encryptionViolations(template);
    const l = lambdaViolations(template);
    counts.statements += i.statements;
    counts.functions += l.functions;
    counts.queues += e.counts.queues;
    counts.tables += e.counts.tables;
    counts.buses += e.counts.buses;
    iam.push(...i.violations.map((v) => `${stack}/${v}`));
    for (const a of i.starResourceActions) starResourceActions.add(a);
    encryption.push(...e.violations.map((v) => `${stack}/${v}`));
    secrets.push(...l.violations.map((v) => `${stack}/${v}`));
  }
  return {
    name: env.name,
    counts,
    iam,
    starResourceActions: [...starResourceActions].sort(),
    encryption,
    secrets,
    nag: [...env.nagFindings],
    violations: [...iam, ...encryption, ...secrets, ...env.nagFindings.map((f) => `cdk-nag ${f}`)],
  };
};

export const analyze = (envs: readonly EnvironmentTemplates[]): SecuritySummary => ({
  rules: RULES,
  environments: envs.map(analyzeEnvironment),
});
