import { createHash } from 'node:crypto';

/**
 * The region local ARNs and clients use. It follows the stacks' environment when the app pins one
 * (CDK then writes the region literally into ARNs), so grants and references keep matching.
 */
export const localEnv = { region: 'us-east-1' };

export function setLocalRegion(region: string): void {
  localEnv.region = region;
}
export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_PARTITION = 'aws';
export const LOCAL_URL_SUFFIX = 'amazonaws.com';

export function shortHash(text: string, length = 8): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

/** A CloudFormation-style generated physical name (`Stack-LogicalId`), kept within the service's limit. */
export function generatedName(stackName: string, logicalId: string, maxLength: number, suffix = ''): string {
  const full = `${stackName}-${logicalId}`;
  if (full.length + suffix.length <= maxLength) return `${full}${suffix}`;
  const hash = shortHash(full);
  return `${full.slice(0, maxLength - suffix.length - hash.length - 1)}-${hash}${suffix}`;
}

export const arn = {
  lambda: (name: string) => `arn:aws:lambda:${localEnv.region}:${LOCAL_ACCOUNT}:function:${name}`,
  role: (name: string) => `arn:aws:iam::${LOCAL_ACCOUNT}:role/${name}`,
  sqs: (name: string) => `arn:aws:sqs:${localEnv.region}:${LOCAL_ACCOUNT}:${name}`,
  table: (name: string) => `arn:aws:dynamodb:${localEnv.region}:${LOCAL_ACCOUNT}:table/${name}`,
  bus: (name: string) => `arn:aws:events:${localEnv.region}:${LOCAL_ACCOUNT}:event-bus/${name}`,
  rule: (bus: string, name: string) =>
    `arn:aws:events:${localEnv.region}:${LOCAL_ACCOUNT}:rule/${bus === 'default' ? '' : `${bus}/`}${name}`,
  archive: (name: string) => `arn:aws:events:${localEnv.region}:${LOCAL_ACCOUNT}:archive/${name}`,
  stateMachine: (name: string) => `arn:aws:states:${localEnv.region}:${LOCAL_ACCOUNT}:stateMachine:${name}`,
  execution: (machine: string, name: string) =>
    `arn:aws:states:${localEnv.region}:${LOCAL_ACCOUNT}:execution:${machine}:${name}`,
  logGroup: (name: string) => `arn:aws:logs:${localEnv.region}:${LOCAL_ACCOUNT}:log-group:${name}:*`,
  topic: (name: string) => `arn:aws:sns:${localEnv.region}:${LOCAL_ACCOUNT}:${name}`,
  secret: (name: string) =>
    `arn:aws:secretsmanager:${localEnv.region}:${LOCAL_ACCOUNT}:secret:${name}-${shortHash(name, 6)}`,
  kmsKey: (id: string) => `arn:aws:kms:${localEnv.region}:${LOCAL_ACCOUNT}:key/${id}`,
  ssmParameter: (name: string) =>
    `arn:aws:ssm:${localEnv.region}:${LOCAL_ACCOUNT}:parameter${name.startsWith('/') ? '' : '/'}${name}`,
  executeApi: (apiId: string) => `arn:aws:execute-api:${localEnv.region}:${LOCAL_ACCOUNT}:${apiId}`,
};

/** The resource name at the end of an ARN (`function:NAME`, `table/NAME`, `:NAME`). */
export function nameFromArn(value: string): string {
  const lambda = /:function:([^:]+)/.exec(value);
  if (lambda?.[1]) return lambda[1];
  const sm = /:stateMachine:([^:]+)/.exec(value);
  if (sm?.[1]) return sm[1];
  const slash = /:(?:table|event-bus|archive|role)\/([^/]+)/.exec(value);
  if (slash?.[1]) return slash[1];
  return value.split(':').pop() ?? value;
}

/** A deterministic API Gateway-style id (10 lowercase alphanumerics). */
export function apiId(seed: string): string {
  return BigInt(`0x${shortHash(seed, 14)}`)
    .toString(36)
    .padStart(10, 'a')
    .slice(0, 10);
}

export function uuidFrom(seed: string): string {
  const h = shortHash(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
