import { request } from 'node:http';
import { localEnv } from './naming';

/** How a state machine reaches a service over the AWS JSON protocol. */
interface JsonService {
  readonly target: string;
  readonly contentType: string;
  /** Prefix of Step Functions error names for this service's errors (optimized integrations). */
  readonly errorPrefix: string;
  readonly endpoint: 'dynamodb' | 'sqs' | 'eventbridge' | 'stepfunctions' | 'secretsmanager';
}

export const JSON_SERVICES: Record<string, JsonService> = {
  dynamodb: {
    target: 'DynamoDB_20120810',
    contentType: 'application/x-amz-json-1.0',
    errorPrefix: 'DynamoDB',
    endpoint: 'dynamodb',
  },
  sqs: {
    target: 'AmazonSQS',
    contentType: 'application/x-amz-json-1.0',
    errorPrefix: 'SQS',
    endpoint: 'sqs',
  },
  events: {
    target: 'AWSEvents',
    contentType: 'application/x-amz-json-1.1',
    errorPrefix: 'EventBridge',
    endpoint: 'eventbridge',
  },
  eventbridge: {
    target: 'AWSEvents',
    contentType: 'application/x-amz-json-1.1',
    errorPrefix: 'EventBridge',
    endpoint: 'eventbridge',
  },
  sfn: {
    target: 'AWSStepFunctions',
    contentType: 'application/x-amz-json-1.0',
    errorPrefix: 'Sfn',
    endpoint: 'stepfunctions',
  },
  states: {
    target: 'AWSStepFunctions',
    contentType: 'application/x-amz-json-1.0',
    errorPrefix: 'Sfn',
    endpoint: 'stepfunctions',
  },
  secretsmanager: {
    target: 'secretsmanager',
    contentType: 'application/x-amz-json-1.1',
    errorPrefix: 'SecretsManager',
    endpoint: 'secretsmanager',
  },
};

/** An error from a service call, named as Step Functions names it (`DynamoDB.ConditionalCheckFailedException`). */
export class ServiceCallError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/**
 * Calls `operation` on a local service front as the given principal (its access key id goes in a
 * SigV4-shaped Authorization header; the fronts authorize by it and do not verify signatures).
 */
export function callAwsJson(
  baseUrl: string,
  service: JsonService,
  operation: string,
  params: unknown,
  accessKeyId: string,
  errorPrefix = service.errorPrefix,
): Promise<unknown> {
  const url = new URL(baseUrl);
  const body = JSON.stringify(params ?? {});
  const date = new Date().toISOString().replace(/[-:]/g, '').slice(0, 8);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path: '/',
        headers: {
          'content-type': service.contentType,
          'x-amz-target': `${service.target}.${operation}`,
          'content-length': Buffer.byteLength(body),
          authorization: `AWS4-HMAC-SHA256 Credential=${accessKeyId}/${date}/${localEnv.region}/${service.endpoint}/aws4_request, SignedHeaders=host, Signature=local`,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: Record<string, unknown> = {};
          try {
            parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
          } catch {
            parsed = { message: text };
          }
          if ((res.statusCode ?? 500) >= 300) {
            const type = String(parsed.__type ?? res.headers['x-amzn-errortype'] ?? 'ServiceException')
              .split('#')
              .pop()
              ?.split(':')[0];
            const message = String(parsed.message ?? parsed.Message ?? text);
            reject(new ServiceCallError(`${errorPrefix}.${type}`, message));
            return;
          }
          resolve(parsed);
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
