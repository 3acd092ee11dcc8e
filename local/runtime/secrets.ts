import type { IncomingMessage, ServerResponse } from 'node:http';
import { accessKeyOf, readBody, sendAwsError, sendJson, targetOperation } from './http';
import type { IamAuthorizer } from './iam';
import type { Meter } from './metering';
import type { SecretModel } from './model';

/** A Secrets Manager subset (GetSecretValue, DescribeSecret) for the template's secrets, JSON 1.1. */
export function secretsHandler(secrets: () => readonly SecretModel[], iam: IamAuthorizer, meter: Meter) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const op = targetOperation(req) ?? '';
    const body = JSON.parse((await readBody(req)).toString('utf8') || '{}') as { SecretId?: string };
    const json = 'application/x-amz-json-1.1';
    const secret = secrets().find((s) => s.name === body.SecretId || s.arn === body.SecretId);
    if (!secret) {
      return sendAwsError(
        res,
        400,
        'ResourceNotFoundException',
        "Secrets Manager can't find the specified secret.",
        json,
      );
    }
    const decision = iam.authorize(accessKeyOf(req), `secretsmanager:${op}`, [secret.arn]);
    if (!decision.allowed) return sendAwsError(res, 400, 'AccessDeniedException', decision.message, json);
    meter.count('secretsmanager', op);
    const base = { ARN: secret.arn, Name: secret.name };
    if (op === 'GetSecretValue') {
      return sendJson(
        res,
        200,
        {
          ...base,
          SecretString: secret.value,
          VersionId: 'local-v1',
          VersionStages: ['AWSCURRENT'],
          CreatedDate: 0,
        },
        json,
      );
    }
    if (op === 'DescribeSecret') return sendJson(res, 200, base, json);
    return sendAwsError(res, 400, 'UnknownOperationException', `${op} is not supported locally`, json);
  };
}

/** Answers calls to AWS services the runtime does not emulate, so nothing leaves the machine. */
export function notEmulatedHandler(log: (line: string) => void, meter: Meter) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    await readBody(req);
    const scope =
      /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\//.exec(req.headers.authorization ?? '')?.[1] ?? 'unknown';
    const target = targetOperation(req) ?? `${req.method} ${req.url}`;
    meter.count('not-emulated', `${scope} ${target}`);
    log(`call to AWS service "${scope}" (${target}) refused: it is not emulated by the local runtime`);
    sendAwsError(
      res,
      501,
      'NotImplemented',
      `The local runtime does not emulate the "${scope}" service (${target}).`,
    );
  };
}
