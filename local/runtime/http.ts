import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The access key id from a SigV4 `Authorization` header (`Credential=AKID/date/region/service/aws4_request`). */
export function accessKeyOf(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization ?? '';
  const match = /Credential=([^/,\s]+)\//.exec(header);
  return match?.[1];
}

/** The operation named in `X-Amz-Target` (e.g. `DynamoDB_20120810.PutItem` → `PutItem`). */
export function targetOperation(req: IncomingMessage): string | undefined {
  const target = req.headers['x-amz-target'];
  const value = Array.isArray(target) ? target[0] : target;
  return value?.split('.').pop();
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  contentType = 'application/x-amz-json-1.0',
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** An AWS JSON-protocol error (`__type` + `message`), as the SDK v3 parses it. */
export function sendAwsError(
  res: ServerResponse,
  status: number,
  type: string,
  message: string,
  contentType = 'application/x-amz-json-1.0',
  queryErrorCode?: string,
): void {
  const headers: Record<string, string> = { 'x-amzn-errortype': type };
  if (queryErrorCode) headers['x-amzn-query-error'] = `${queryErrorCode};Sender`;
  sendJson(res, status, { __type: type, message, Message: message }, contentType, headers);
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

export interface LoopbackServer {
  readonly server: Server;
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1 (port 0 = ephemeral). Handler errors become 500s instead of crashing. */
export async function listenLoopback(handler: Handler, port = 0): Promise<LoopbackServer> {
  const server = createServer((req, res) => {
    Promise.resolve(handler(req, res)).catch((error: unknown) => {
      if (!res.headersSent) sendAwsError(res, 500, 'InternalFailure', String(error));
      else res.end();
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    server,
    port: actual,
    url: `http://127.0.0.1:${actual}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A free loopback port, for child processes that cannot be given port 0. */
export async function freePort(): Promise<number> {
  const s = await listenLoopback(() => undefined);
  const { port } = s;
  await s.close();
  return port;
}
