import { createHash } from 'node:crypto';
import { describeError, ValidationError } from '../../shared/errors';
import { findKeyProblem } from '../../shared/strict-json';
import { type MaintenancePlants, maintainxConfigOf } from './config';
import type { MaintainxCosts } from './maintainx/client';
import {
  BODY_SIGNATURE_HEADER,
  type SignatureFailure,
  verifyMaintainxSignature,
} from './maintainx/signature';
import { type MappedEvent, mapMaintainxWebhook, needsCosts } from './maintainx/webhook';

/** Default body limit: MaintainX work-order payloads are a few KB; EventBridge takes 256 KB per event. */
export const DEFAULT_MAX_BODY_BYTES = 256 * 1024;
/** How long a seen webhook is remembered. Longer than the vendor's retry horizon, well past the 5-minute tolerance. */
export const REPLAY_TTL_SECONDS = 7 * 24 * 60 * 60;

export interface WebhookRequest {
  readonly tool: string | undefined;
  readonly plant: string | undefined;
  /** Header names lower-cased. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly query: Readonly<Record<string, string | undefined>>;
  /** The body exactly as received (the signature covers these bytes). */
  readonly rawBody: string;
}

export type WebhookOutcome = 'accepted' | 'duplicate' | 'ignored' | 'rejected' | 'failed';

export interface WebhookResponse {
  readonly statusCode: number;
  readonly body: {
    readonly status: WebhookOutcome;
    readonly reason?: string;
    readonly events?: readonly string[];
  };
}

/** Remembers webhook deliveries; `claim` is a conditional write that succeeds once per key. */
export interface ReplayStore {
  claim(key: string, expiresAtEpochSeconds: number): Promise<boolean>;
  /** Undoes a claim when processing failed, so the vendor's retry is processed. */
  release(key: string): Promise<void>;
}

/** Structured log sink; the fields passed never contain secrets or whole payloads. */
export interface WebhookLog {
  info(message: string, fields: Record<string, unknown>): void;
  warn(message: string, fields: Record<string, unknown>): void;
  error(message: string, fields: Record<string, unknown>): void;
}

export interface WebhookDeps {
  readonly plants: MaintenancePlants;
  /** Signing secrets of a Secrets Manager secret name (several while a secret is rolled over). */
  readonly webhookSecrets: (secretName: string) => Promise<readonly string[]>;
  readonly replay: ReplayStore;
  readonly publish: (events: readonly MappedEvent[]) => Promise<readonly string[]>;
  /** GET /workorders/{id}/costs of the plant's MaintainX, for completions whose payload has no costs. */
  readonly costs?: (plant: string, workOrderId: string) => Promise<MaintainxCosts>;
  readonly now: () => number;
  readonly log: WebhookLog;
  readonly maxBodyBytes?: number;
}

const REASONS: Readonly<Record<SignatureFailure, string>> = {
  'missing-header': `missing ${BODY_SIGNATURE_HEADER} header`,
  'malformed-header': `malformed ${BODY_SIGNATURE_HEADER} header (expected t=<timestamp>,v1=<hex>)`,
  'signature-mismatch': 'signature does not match the body',
  'stale-timestamp': 'signature timestamp outside the 5-minute tolerance',
};

/**
 * `/webhooks/{tool}/{plant}`: resolve the plant, bound the size, verify the vendor's signature over
 * the raw body, parse, refuse replays (200 "duplicate", so the vendor stops retrying), map to canonical
 * events and publish. Every rejection carries its reason in the body and in the log, never the secret.
 */
export const handleWebhook = async (request: WebhookRequest, deps: WebhookDeps): Promise<WebhookResponse> => {
  const context = {
    tool: request.tool,
    plant: request.plant,
    bytes: Buffer.byteLength(request.rawBody, 'utf8'),
  };
  const reject = (
    statusCode: number,
    reason: string,
    extra: Record<string, unknown> = {},
  ): WebhookResponse => {
    deps.log.warn('webhook rejected', { ...context, statusCode, reason, ...extra });
    return { statusCode, body: { status: 'rejected', reason } };
  };

  if (request.tool !== 'maintainx')
    return reject(404, `unknown maintenance tool "${String(request.tool).slice(0, 40)}"`);
  const config = request.plant ? maintainxConfigOf(deps.plants, request.plant) : undefined;
  if (!config || !request.plant) {
    return reject(404, `plant "${String(request.plant).slice(0, 8)}" has no maintainx webhook configured`);
  }
  const plant = request.plant;
  const maxBytes = deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (context.bytes > maxBytes)
    return reject(413, `body of ${context.bytes} bytes exceeds the ${maxBytes}-byte limit`);
  // MaintainX declares every webhook body application/json (its x-webhooks, all 46 events).
  const media = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (media !== 'application/json') {
    return reject(
      415,
      `content type "${media.slice(0, 60) || '(none)'}" is not supported; expected application/json`,
    );
  }

  let secrets: readonly string[];
  try {
    secrets = await deps.webhookSecrets(config.webhookSecretName);
  } catch (error) {
    deps.log.error('webhook secret unavailable', { ...context, error: describeError(error) });
    return { statusCode: 503, body: { status: 'failed', reason: 'webhook secret unavailable; retry later' } };
  }
  const check = verifyMaintainxSignature({
    header: request.headers[BODY_SIGNATURE_HEADER],
    rawBody: request.rawBody,
    secrets,
    nowMs: deps.now(),
  });
  if (!check.ok) return reject(401, REASONS[check.failure], { failure: check.failure });

  let payload: unknown;
  try {
    payload = JSON.parse(request.rawBody);
  } catch (error) {
    return reject(400, `malformed JSON: ${(error as Error).message.slice(0, 200)}`);
  }
  // Prototype keys are refused. Duplicate keys are not: the body is the vendor's own signed JSON.
  const keyProblem = findKeyProblem(request.rawBody, false);
  if (keyProblem) {
    return reject(400, `key "${keyProblem.key}" at ${keyProblem.path} is not allowed (prototype key)`);
  }

  const type = request.query.event;
  const replayKey = `maintainx:${plant}:${createHash('sha256').update(request.rawBody).digest('hex')}`;
  let claimed: boolean;
  try {
    claimed = await deps.replay.claim(replayKey, Math.floor(deps.now() / 1000) + REPLAY_TTL_SECONDS);
  } catch (error) {
    deps.log.error('replay store unavailable', { ...context, error: describeError(error) });
    return {
      statusCode: 503,
      body: { status: 'failed', reason: 'temporarily unable to process; retry later' },
    };
  }
  if (!claimed) {
    deps.log.info('webhook duplicate ignored', { ...context, replayKey });
    return {
      statusCode: 200,
      body: { status: 'duplicate', reason: 'event already received; not processed again' },
    };
  }

  try {
    const workOrderId = (payload as { workOrderId?: unknown } | null)?.workOrderId;
    const costs =
      deps.costs && needsCosts(payload, type) && typeof workOrderId === 'number'
        ? await deps.costs(plant, String(workOrderId))
        : undefined;
    const mapping = mapMaintainxWebhook({
      payload,
      plant,
      config,
      ...(type ? { type } : {}),
      ...(costs ? { costs } : {}),
    });
    for (const note of mapping.notes) deps.log.warn('webhook note', { ...context, type: mapping.type, note });
    if (mapping.events.length === 0) {
      return {
        statusCode: 200,
        body: { status: 'ignored', reason: mapping.notes.join('; ') || 'nothing to publish' },
      };
    }
    const ids = await deps.publish(mapping.events);
    deps.log.info('webhook accepted', {
      ...context,
      type: mapping.type,
      events: mapping.events.map((e) => e.detailType),
    });
    return { statusCode: 200, body: { status: 'accepted', events: ids } };
  } catch (error) {
    await deps.replay
      .release(replayKey)
      .catch((releaseError: unknown) =>
        deps.log.error('replay claim not released', { ...context, error: describeError(releaseError) }),
      );
    // Only the sender's own faults (the payload) are 4xx. Anything on our side (the costs call, the bus,
    // configuration) is a 503: MaintainX retries, and the released claim lets the retry through, so a
    // completion is never lost to our misconfiguration.
    if (error instanceof ValidationError) return reject(error.httpStatus, error.message.slice(0, 1000));
    deps.log.error('webhook processing failed', { ...context, error: describeError(error) });
    return {
      statusCode: 503,
      body: { status: 'failed', reason: 'temporarily unable to process; retry later' },
    };
  }
};

/** A secret value is the signing secret itself, or JSON `{ "current": "...", "previous": "..." }` during a roll-over. */
export const parseWebhookSecret = (value: string): string[] => {
  const trimmed = value.trim();
  if (trimmed.startsWith('{')) {
    try {
      const parsed = JSON.parse(trimmed) as { current?: unknown; previous?: unknown };
      const secrets = [parsed.current, parsed.previous].filter(
        (s): s is string => typeof s === 'string' && s !== '',
      );
      if (secrets.length > 0) return secrets;
    } catch {
      // not JSON: the whole value is the secret
    }
  }
  return [value];
};

/** Caches secret values per name for `ttlMs` (Lambda instances live for hours; rotation takes effect within the TTL). */
export class SecretCache {
  private readonly cache = new Map<string, { value: Promise<string>; expiresAt: number }>();

  constructor(
    private readonly load: (name: string) => Promise<string>,
    private readonly now: () => number = Date.now,
    private readonly ttlMs = 5 * 60 * 1000,
  ) {}

  get(name: string): Promise<string> {
    const hit = this.cache.get(name);
    if (hit && hit.expiresAt > this.now()) return hit.value;
    const value = this.load(name);
    this.cache.set(name, { value, expiresAt: this.now() + this.ttlMs });
    value.catch(() => this.cache.delete(name));
    return value;
  }
}
