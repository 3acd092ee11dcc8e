import type { IncomingMessage, ServerResponse } from 'node:http';
import { request } from 'node:http';
import {
  accessKeyOf,
  type LoopbackServer,
  listenLoopback,
  readBody,
  sendAwsError,
  targetOperation,
} from './http';
import type { IamAuthorizer } from './iam';
import type { Meter } from './metering';
import { arn, nameFromArn } from './naming';

/** One IAM check a request needs: an action on some resources. */
export interface RequiredPermission {
  readonly action: string;
  readonly resources: readonly string[];
}

export interface ProxyOptions {
  readonly service: string;
  readonly upstream: string;
  readonly iam: IamAuthorizer;
  readonly meter: Meter;
  /** Works out the operation name and the permissions a request needs. */
  readonly classify: (
    req: IncomingMessage,
    body: Buffer,
  ) => { operation: string; permissions: RequiredPermission[] };
  /** Writes the service's AccessDenied error shape. */
  readonly deny: (res: ServerResponse, req: IncomingMessage, message: string) => void;
  /** Replaces the caller's access key id before forwarding (DynamoDB Local accepts only alphanumeric ones). */
  readonly upstreamAccessKeyId?: string;
  /** Sees every authorized request before it is forwarded (the audit trail's dead-letter tap). */
  readonly observe?: (operation: string, body: Buffer) => void;
}

/**
 * A loopback proxy in front of an emulator that authorizes every call against the caller's role
 * (the caller is identified by the SigV4 access key id) before forwarding it unchanged.
 */
export function startAuthorizingProxy(options: ProxyOptions): Promise<LoopbackServer> {
  const upstream = new URL(options.upstream);
  return listenLoopback(async (req, res) => {
    const body = await readBody(req);
    const { operation, permissions } = options.classify(req, body);
    const key = accessKeyOf(req);
    for (const permission of permissions) {
      const decision = options.iam.authorize(key, permission.action, permission.resources);
      if (!decision.allowed) {
        options.meter.count(options.service, `${operation} (denied)`);
        options.deny(res, req, decision.message);
        return;
      }
    }
    options.meter.count(options.service, operation);
    options.observe?.(operation, body);
    await new Promise<void>((resolve) => {
      const forward = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: {
            ...req.headers,
            'content-length': String(body.length),
            ...(options.upstreamAccessKeyId && req.headers.authorization
              ? {
                  authorization: req.headers.authorization.replace(
                    /Credential=[^/,\s]+\//,
                    `Credential=${options.upstreamAccessKeyId}/`,
                  ),
                }
              : {}),
          },
        },
        (upstreamRes) => {
          res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
          upstreamRes.pipe(res);
          upstreamRes.on('end', () => resolve());
          upstreamRes.on('error', () => resolve());
        },
      );
      forward.on('error', (error) => {
        if (!res.headersSent)
          sendAwsError(res, 502, 'ServiceUnavailable', `${options.service} emulator: ${error}`);
        resolve();
      });
      forward.end(body);
    });
  });
}

function parseJson(body: Buffer): Record<string, unknown> {
  try {
    const parsed = JSON.parse(body.toString('utf8') || '{}') as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const tableArn = (nameOrArn: unknown): string => {
  const text = String(nameOrArn ?? '*');
  return text.startsWith('arn:') ? text : arn.table(text);
};

/** DynamoDB JSON 1.0: `X-Amz-Target: DynamoDB_20120810.<Op>`, tables named in the body. */
export function classifyDynamoDb(
  req: IncomingMessage,
  body: Buffer,
): { operation: string; permissions: RequiredPermission[] } {
  const operation = targetOperation(req) ?? 'Unknown';
  const input = parseJson(body);
  const single = (action = operation): RequiredPermission[] => {
    const base = tableArn(input.TableName);
    const resource = typeof input.IndexName === 'string' ? `${base}/index/${input.IndexName}` : base;
    return [{ action: `dynamodb:${action}`, resources: [resource] }];
  };
  switch (operation) {
    case 'ListTables':
      return { operation, permissions: [{ action: 'dynamodb:ListTables', resources: ['*'] }] };
    case 'BatchGetItem':
    case 'BatchWriteItem':
      return {
        operation,
        permissions: [
          {
            action: `dynamodb:${operation}`,
            resources: Object.keys((input.RequestItems as Record<string, unknown>) ?? {}).map(tableArn),
          },
        ],
      };
    case 'TransactWriteItems':
    case 'TransactGetItems': {
      const items = (input.TransactItems as Record<string, { TableName?: string }>[]) ?? [];
      const actionOf: Record<string, string> = {
        Put: 'PutItem',
        Update: 'UpdateItem',
        Delete: 'DeleteItem',
        ConditionCheck: 'ConditionCheckItem',
        Get: 'GetItem',
      };
      const permissions = items.flatMap((item) =>
        Object.entries(item).map(([kind, spec]) => ({
          action: `dynamodb:${actionOf[kind] ?? kind}`,
          resources: [tableArn(spec.TableName)],
        })),
      );
      return { operation, permissions };
    }
    case 'ExecuteStatement':
    case 'BatchExecuteStatement':
    case 'ExecuteTransaction':
      return { operation, permissions: [{ action: `dynamodb:PartiQL${operation}`, resources: ['*'] }] };
    default:
      return { operation, permissions: single() };
  }
}

const BATCH_ACTION: Record<string, string> = {
  SendMessageBatch: 'SendMessage',
  DeleteMessageBatch: 'DeleteMessage',
  ChangeMessageVisibilityBatch: 'ChangeMessageVisibility',
};

/** SQS: JSON 1.0 (`X-Amz-Target: AmazonSQS.<Op>`) or the query protocol (`Action=<Op>`). */
export function classifySqs(
  req: IncomingMessage,
  body: Buffer,
): { operation: string; permissions: RequiredPermission[] } {
  let operation = targetOperation(req);
  let queueUrl: string | undefined;
  let queueName: string | undefined;
  if (operation) {
    const input = parseJson(body);
    queueUrl = typeof input.QueueUrl === 'string' ? input.QueueUrl : undefined;
    queueName = typeof input.QueueName === 'string' ? input.QueueName : undefined;
  } else {
    const params = new URLSearchParams(body.toString('utf8'));
    const url = new URL(req.url ?? '/', 'http://x');
    operation = params.get('Action') ?? url.searchParams.get('Action') ?? 'Unknown';
    queueUrl = params.get('QueueUrl') ?? (url.pathname.length > 1 ? url.pathname : undefined);
    queueName = params.get('QueueName') ?? undefined;
  }
  const name = queueName ?? (queueUrl ? queueUrl.split('/').filter(Boolean).pop() : undefined);
  const action = `sqs:${BATCH_ACTION[operation] ?? operation}`;
  const resource = operation === 'ListQueues' || !name ? '*' : arn.sqs(nameFromArn(name));
  return { operation, permissions: [{ action, resources: [resource] }] };
}

export function denyJson(res: ServerResponse, _req: IncomingMessage, message: string): void {
  sendAwsError(res, 400, 'com.amazon.coral.service#AccessDeniedException', message);
}

export function denySqs(res: ServerResponse, req: IncomingMessage, message: string): void {
  if (targetOperation(req)) {
    sendAwsError(
      res,
      403,
      'com.amazon.coral.service#AccessDeniedException',
      message,
      'application/x-amz-json-1.0',
      'AccessDenied',
    );
    return;
  }
  const xml =
    `<?xml version="1.0"?><ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>` +
    `<Message>${message}</Message></Error><RequestId>local</RequestId></ErrorResponse>`;
  res.writeHead(403, { 'content-type': 'text/xml' });
  res.end(xml);
}
