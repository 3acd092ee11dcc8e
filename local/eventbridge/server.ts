/**
 * The EventBridge JSON 1.1 protocol on loopback, in front of a LocalEventBridge. Signatures are not
 * verified (any credentials work); the caller's access key id is handed to `authorize` so the runtime
 * can check the caller's IAM policies.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventBridgeError, type LocalEventBridge, type PutEventsRequestEntry } from './bus';

/** An authorization decision; a `message` on a denial becomes the AccessDeniedException message. */
export type AuthorizeDecision = boolean | { allowed: boolean; message?: string };

/**
 * Returns a denial (or throws) to refuse; `action` is the IAM action (`events:PutEvents`) and
 * `resourceArn` the ARN IAM would evaluate for it.
 */
export type Authorize = (
  accessKeyId: string | undefined,
  action: string,
  resourceArn: string,
) => AuthorizeDecision | Promise<AuthorizeDecision>;

export interface EventBridgeServerOptions {
  bridge: LocalEventBridge;
  /** @default 0 (ephemeral) */
  port?: number;
  authorize?: Authorize;
}

export interface EventBridgeServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** `Authorization: AWS4-HMAC-SHA256 Credential=AKID/20261125/us-east-1/events/aws4_request, ...` */
export function accessKeyIdOf(authorization: string | undefined): string | undefined {
  return authorization ? /Credential=([^/,\s]+)\//.exec(authorization)?.[1] : undefined;
}

type Body = Record<string, unknown>;
type Handler = (body: Body, auth: (resourceArn: string) => Promise<void>) => unknown | Promise<unknown>;

function str(body: Body, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value === '') {
    throw new EventBridgeError(
      'ValidationException',
      `1 validation error detected: Value at '${field}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}

const optionalStr = (body: Body, field: string): string | undefined =>
  typeof body[field] === 'string' ? (body[field] as string) : undefined;

function handlers(bridge: LocalEventBridge): Record<string, Handler> {
  const busArn = (body: Body) => {
    const name = optionalStr(body, 'EventBusName') ?? 'default';
    return name.startsWith('arn:') ? name : bridge.busArn(name);
  };
  const busName = (body: Body) => optionalStr(body, 'EventBusName');
  const ruleArn = (body: Body, field: string) =>
    bridge.ruleArn((busName(body) ?? 'default').replace(/^arn:.*:event-bus\//, ''), str(body, field));
  return {
    PutEvents: async (body, auth) => {
      const entries = body.Entries as PutEventsRequestEntry[];
      const buses = new Set((Array.isArray(entries) ? entries : []).map((e) => busArn(e as Body)));
      for (const arn of buses) await auth(arn);
      return bridge.putEvents(entries);
    },
    TestEventPattern: async (body, auth) => {
      await auth('*');
      return { Result: bridge.testEventPattern(str(body, 'EventPattern'), str(body, 'Event')) };
    },
    PutRule: async (body, auth) => {
      await auth(ruleArn(body, 'Name'));
      return bridge.putRule({
        Name: str(body, 'Name'),
        EventBusName: busName(body),
        EventPattern: optionalStr(body, 'EventPattern'),
        State: body.State as 'ENABLED' | 'DISABLED' | undefined,
        Description: optionalStr(body, 'Description'),
      });
    },
    PutTargets: async (body, auth) => {
      await auth(ruleArn(body, 'Rule'));
      return bridge.putTargets({
        Rule: str(body, 'Rule'),
        EventBusName: busName(body),
        Targets: body.Targets as Parameters<LocalEventBridge['putTargets']>[0]['Targets'],
      });
    },
    ListRules: async (body, auth) => {
      await auth(bridge.ruleArn((busName(body) ?? 'default').replace(/^arn:.*:event-bus\//, ''), '*'));
      return bridge.listRules({ EventBusName: busName(body), NamePrefix: optionalStr(body, 'NamePrefix') });
    },
    ListTargetsByRule: async (body, auth) => {
      await auth(ruleArn(body, 'Rule'));
      return bridge.listTargetsByRule({ Rule: str(body, 'Rule'), EventBusName: busName(body) });
    },
    CreateEventBus: async (body, auth) => {
      await auth(bridge.busArn(str(body, 'Name')));
      return bridge.createEventBus(str(body, 'Name'));
    },
    CreateArchive: async (body, auth) => {
      const name = str(body, 'ArchiveName');
      await auth(`arn:aws:events:${bridge.region}:${bridge.account}:archive/${name}`);
      return bridge.createArchive({
        ArchiveName: name,
        EventSourceArn: str(body, 'EventSourceArn'),
        EventPattern: optionalStr(body, 'EventPattern'),
        RetentionDays: typeof body.RetentionDays === 'number' ? body.RetentionDays : undefined,
        Description: optionalStr(body, 'Description'),
      });
    },
    StartReplay: async (body, auth) => {
      await auth(str(body, 'EventSourceArn'));
      return bridge.startReplay({
        ReplayName: str(body, 'ReplayName'),
        EventSourceArn: str(body, 'EventSourceArn'),
        EventStartTime: body.EventStartTime as number,
        EventEndTime: body.EventEndTime as number,
        Destination: body.Destination as { Arn: string; FilterArns?: string[] },
        Description: optionalStr(body, 'Description'),
      });
    },
    DescribeReplay: async (body, auth) => {
      const name = str(body, 'ReplayName');
      await auth(`arn:aws:events:${bridge.region}:${bridge.account}:replay/${name}`);
      return bridge.describeReplay({ ReplayName: name });
    },
  };
}

/** Timestamps travel as epoch seconds in the JSON 1.1 protocol. */
function serialize(value: unknown): string {
  return JSON.stringify(value, function replacer(this: Record<string, unknown>, key: string, v: unknown) {
    const raw = this[key];
    // Not `instanceof`: structuredClone may hand back a Date from another realm (jest's VM context).
    return Object.prototype.toString.call(raw) === '[object Date]' ? (raw as Date).getTime() / 1000 : v;
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = serialize(body);
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
  });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new EventBridgeError('ValidationException', 'Request body is too large.'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startEventBridgeServer(options: EventBridgeServerOptions): Promise<EventBridgeServer> {
  const table = handlers(options.bridge);
  const server = createServer((req, res) => {
    void handle(req, res);
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const target = req.headers['x-amz-target'];
      const action =
        typeof target === 'string' && target.startsWith('AWSEvents.') ? target.slice(10) : undefined;
      const handler = action ? table[action] : undefined;
      const text = await readBody(req);
      if (req.method !== 'POST' || !action || !handler) {
        throw new EventBridgeError('UnknownOperationException', `Unsupported operation ${String(target)}`);
      }
      let body: Body;
      try {
        body = text === '' ? {} : (JSON.parse(text) as Body);
      } catch {
        throw new EventBridgeError('SerializationException', 'Request body is not valid JSON.');
      }
      const accessKeyId = accessKeyIdOf(req.headers.authorization);
      const auth = async (resourceArn: string): Promise<void> => {
        if (!options.authorize) return;
        const denied = `User: ${accessKeyId ?? 'anonymous'} is not authorized to perform: events:${action} on resource: ${resourceArn}`;
        let decision: AuthorizeDecision;
        try {
          decision = await options.authorize(accessKeyId, `events:${action}`, resourceArn);
        } catch (error) {
          if (error instanceof EventBridgeError) throw error;
          throw new EventBridgeError('AccessDeniedException', `${denied}: ${(error as Error).message}`);
        }
        if (decision === true || (typeof decision === 'object' && decision.allowed)) return;
        const message = typeof decision === 'object' && decision.message ? decision.message : denied;
        throw new EventBridgeError('AccessDeniedException', message);
      };
      send(res, 200, await handler(body, auth));
    } catch (error) {
      if (error instanceof EventBridgeError) {
        send(res, 400, { __type: error.name, message: error.message });
      } else {
        send(res, 500, { __type: 'InternalException', message: (error as Error).message });
      }
    }
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
