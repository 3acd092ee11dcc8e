import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from './http';
import { validateJsonSchema } from './json-schema';
import type { LambdaService } from './lambda';
import type { Meter } from './metering';
import type { ApiMethodModel, RestApiModel, UsagePlanModel } from './model';
import { LOCAL_ACCOUNT } from './naming';

/** API Gateway's account-level default throttle (per region): 10,000 rps, burst 5,000. */
const ACCOUNT_THROTTLE = { rateLimit: 10_000, burstLimit: 5_000 };
/** API Gateway's maximum integration timeout for REST APIs. */
const INTEGRATION_TIMEOUT_MS = 29_000;

/** A token bucket: `burst` tokens, refilled at `rate` per second. */
class TokenBucket {
  private tokens: number;
  private last = Date.now();

  constructor(
    private readonly rate: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }

  take(): boolean {
    const now = Date.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

interface Route {
  readonly api: RestApiModel;
  readonly method: ApiMethodModel;
  readonly pathParameters: Record<string, string> | null;
}

/**
 * The REST APIs' HTTP front: `/{restApiId}/{stage}/{path}` → Lambda proxy integration, with the API's
 * API keys, usage plans, stage/method throttling and request validators applied first.
 */
export class ApiGatewayFront {
  private apis: RestApiModel[] = [];
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly quotas = new Map<string, number>();

  constructor(
    private readonly lambda: () => LambdaService | undefined,
    private readonly meter: Meter,
    private readonly log: (line: string) => void,
  ) {}

  configure(apis: readonly RestApiModel[]): void {
    this.apis = [...apis];
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const [, apiId = '', stageName = '', ...rest] = url.pathname.split('/');
    const path = `/${rest.join('/')}`;
    const api = this.apis.find((a) => a.id === apiId);
    const stage =
      api?.stages.find((s) => s.name === stageName) ??
      (api && api.stages.length === 0 ? { name: stageName } : undefined);
    const reply = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      const text = JSON.stringify(payload);
      res.writeHead(status, {
        'content-type': 'application/json',
        'x-amzn-requestid': randomUUID(),
        ...headers,
      });
      res.end(text);
    };
    if (!api || !stage) return reply(403, { message: 'Forbidden' });
    const route = this.route(api, req.method ?? 'GET', path);
    if (!route) return reply(403, { message: 'Missing Authentication Token' });
    this.meter.count('apigateway', `${route.method.httpMethod} ${route.method.path}`);
    const { method } = route;

    if (
      method.authorizationType === 'AWS_IAM' &&
      !/^AWS4-HMAC-SHA256 Credential=/.test(header(req, 'authorization') ?? '')
    ) {
      this.meter.count('apigateway', 'policy violation: auth');
      return reply(403, { message: 'Missing Authentication Token' });
    }
    const apiKey = header(req, 'x-api-key');
    let plan: UsagePlanModel | undefined;
    if (method.apiKeyRequired) {
      plan = api.usagePlans.find(
        (p) =>
          apiKey !== undefined && p.apiKeys.includes(apiKey) && p.stages.some((s) => s.stage === stage.name),
      );
      if (!plan) {
        this.meter.count('apigateway', 'policy violation: api key');
        return reply(403, { message: 'Forbidden' });
      }
    }
    const throttles: [string, { rateLimit?: number; burstLimit?: number } | undefined][] = [
      ['account', ACCOUNT_THROTTLE],
      [`${api.id}/${stage.name}`, stage.throttle],
      [`${api.id}/${stage.name}/${method.httpMethod} ${method.path}`, method.throttle],
      ...(plan
        ? ([[`plan ${plan.id} key ${apiKey}`, plan.throttle]] as [string, UsagePlanModel['throttle']][])
        : []),
    ];
    for (const [key, limit] of throttles) {
      if (!limit) continue;
      const rate = limit.rateLimit ?? ACCOUNT_THROTTLE.rateLimit;
      const burst = limit.burstLimit ?? Math.max(1, Math.ceil(rate));
      let bucket = this.buckets.get(key);
      if (!bucket) {
        bucket = new TokenBucket(rate, burst);
        this.buckets.set(key, bucket);
      }
      if (!bucket.take()) {
        this.meter.count('apigateway', 'policy violation: throttled');
        return reply(429, { message: 'Too Many Requests' });
      }
    }
    if (plan?.quota?.limit !== undefined && apiKey !== undefined) {
      const key = `quota ${plan.id} ${apiKey}`;
      const used = (this.quotas.get(key) ?? 0) + 1;
      this.quotas.set(key, used);
      if (used > plan.quota.limit) {
        this.meter.count('apigateway', 'policy violation: quota');
        return reply(429, { message: 'Limit Exceeded' });
      }
    }

    if (method.validateParameters) {
      const missing = Object.entries(method.requestParameters)
        .filter(([, required]) => required)
        .map(([name]) => name)
        .filter((name) => {
          const [, , where, key = ''] = name.split('.');
          if (where === 'querystring') return !url.searchParams.has(key);
          if (where === 'header') return header(req, key) === undefined;
          if (where === 'path') return !route.pathParameters?.[key];
          return false;
        })
        .map((name) => name.split('.').pop());
      if (missing.length > 0) {
        this.meter.count('apigateway', 'policy violation: validation');
        return reply(400, { message: `Missing required request parameters: [${missing.join(', ')}]` });
      }
    }
    const contentType = (header(req, 'content-type') ?? 'application/json').split(';')[0]?.trim() ?? '';
    if (method.validateBody) {
      const schema = method.requestModels[contentType] ?? method.requestModels['application/json'];
      if (schema) {
        let parsed: unknown;
        let errors: string[];
        try {
          parsed = JSON.parse(body.toString('utf8'));
          errors = validateJsonSchema(schema as Record<string, unknown>, parsed);
        } catch {
          errors = ['body is not JSON'];
        }
        if (errors.length > 0) {
          this.meter.count('apigateway', 'policy violation: validation');
          this.log(
            `API ${method.httpMethod} ${method.path}: invalid request body: ${errors.slice(0, 5).join('; ')}`,
          );
          return reply(400, { message: 'Invalid request body' });
        }
      }
    }

    if (method.mock) {
      res.writeHead(method.mock.statusCode, {
        'content-type': 'application/json',
        'x-amzn-requestid': randomUUID(),
      });
      res.end(method.mock.body);
      return;
    }
    const fn = method.functionArn ? this.lambda()?.get(method.functionArn) : undefined;
    if (!fn) return reply(500, { message: 'Internal server error' });
    const binary = api.binaryMediaTypes.some((t) => matchesMediaType(t, contentType));
    const event = this.proxyEvent(req, url, api.id, stage.name, path, route, body, binary, apiKey);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), INTEGRATION_TIMEOUT_MS);
    });
    const result = await Promise.race([fn.invoke(event).catch(() => undefined), timeout]);
    clearTimeout(timer);
    if (result === 'timeout') return reply(504, { message: 'Endpoint request timed out' });
    if (!result?.ok) return reply(502, { message: 'Internal server error' });
    const response = JSON.parse(result.payload) as {
      statusCode?: number;
      headers?: Record<string, string>;
      multiValueHeaders?: Record<string, string[]>;
      body?: string;
      isBase64Encoded?: boolean;
    } | null;
    if (!response || typeof response.statusCode !== 'number') {
      this.log(`API ${method.httpMethod} ${method.path}: malformed Lambda proxy response`);
      return reply(502, { message: 'Internal server error' });
    }
    const headers: Record<string, string | string[]> = {
      'x-amzn-requestid': randomUUID(),
      ...response.headers,
    };
    for (const [k, v] of Object.entries(response.multiValueHeaders ?? {})) headers[k] = v;
    res.writeHead(response.statusCode, headers);
    res.end(response.isBase64Encoded ? Buffer.from(response.body ?? '', 'base64') : (response.body ?? ''));
  }

  private route(api: RestApiModel, httpMethod: string, path: string): Route | undefined {
    const candidates = api.methods.filter((m) => m.httpMethod === httpMethod || m.httpMethod === 'ANY');
    // Literal segments beat parameters, parameters beat greedy ones, as API Gateway resolves them.
    const scored = candidates
      .map((m) => ({ m, params: matchPath(m.path, path) }))
      .filter((c) => c.params !== undefined)
      .sort((a, b) => specificity(b.m.path) - specificity(a.m.path) || (a.m.httpMethod === 'ANY' ? 1 : -1));
    const best = scored[0];
    return best ? { api, method: best.m, pathParameters: best.params ?? null } : undefined;
  }

  private proxyEvent(
    req: IncomingMessage,
    url: URL,
    apiId: string,
    stage: string,
    path: string,
    route: Route,
    body: Buffer,
    binary: boolean,
    apiKey: string | undefined,
  ) {
    const headers: Record<string, string> = {};
    const multiValueHeaders: Record<string, string[]> = {};
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      const name = req.rawHeaders[i] as string;
      const value = req.rawHeaders[i + 1] as string;
      headers[name] = value;
      multiValueHeaders[name] = [...(multiValueHeaders[name] ?? []), value];
    }
    const query: Record<string, string> = {};
    const multiQuery: Record<string, string[]> = {};
    for (const [k, v] of url.searchParams) {
      query[k] = v;
      multiQuery[k] = [...(multiQuery[k] ?? []), v];
    }
    const now = new Date();
    const requestId = randomUUID();
    return {
      resource: route.method.path,
      path,
      httpMethod: req.method,
      headers,
      multiValueHeaders,
      queryStringParameters: Object.keys(query).length > 0 ? query : null,
      multiValueQueryStringParameters: Object.keys(multiQuery).length > 0 ? multiQuery : null,
      pathParameters:
        route.pathParameters && Object.keys(route.pathParameters).length > 0 ? route.pathParameters : null,
      stageVariables: null,
      requestContext: {
        accountId: LOCAL_ACCOUNT,
        apiId,
        resourceId: route.method.path,
        resourcePath: route.method.path,
        stage,
        requestId,
        extendedRequestId: requestId,
        requestTime: now.toUTCString(),
        requestTimeEpoch: now.getTime(),
        path: `/${stage}${path}`,
        protocol: `HTTP/${req.httpVersion}`,
        httpMethod: req.method,
        domainName: `${apiId}.execute-api.us-east-1.amazonaws.com`,
        domainPrefix: apiId,
        identity: {
          sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
          userAgent: header(req, 'user-agent') ?? null,
          apiKey: apiKey ?? null,
          apiKeyId: apiKey ? `key-${apiKey.slice(0, 6)}` : null,
        },
      },
      body: body.length === 0 ? null : binary ? body.toString('base64') : body.toString('utf8'),
      isBase64Encoded: binary && body.length > 0,
    };
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

function matchesMediaType(pattern: string, contentType: string): boolean {
  if (pattern === '*/*') return true;
  const [pt, ps] = pattern.split('/');
  const [ct, cs] = contentType.split('/');
  return (pt === '*' || pt === ct) && (ps === '*' || ps === cs);
}

function specificity(template: string): number {
  return template
    .split('/')
    .filter(Boolean)
    .reduce((score, seg) => score * 3 + (seg.endsWith('+}') ? 0 : seg.startsWith('{') ? 1 : 2), 1);
}

/** Matches `/orders/{id}` or `/files/{proxy+}` against a request path; returns the path parameters. */
export function matchPath(template: string, path: string): Record<string, string> | undefined {
  const t = template.split('/').filter(Boolean);
  const p = path.split('/').filter(Boolean);
  const params: Record<string, string> = {};
  for (let i = 0; i < t.length; i++) {
    const seg = t[i] as string;
    if (seg.startsWith('{') && seg.endsWith('+}')) {
      if (i >= p.length) return undefined;
      params[seg.slice(1, -2)] = p.slice(i).map(decodeURIComponent).join('/');
      return params;
    }
    const value = p[i];
    if (value === undefined) return undefined;
    if (seg.startsWith('{') && seg.endsWith('}')) params[seg.slice(1, -1)] = decodeURIComponent(value);
    else if (seg !== value) return undefined;
  }
  return t.length === p.length ? params : undefined;
}
