import { NotFoundError, PayloadTooLargeError, ValidationError } from '../../shared/errors';
import type { ApiRequest, ApiResult } from '../../shared/middleware';
import type { PublishRequest } from '../../shared/publisher';
import { translateIncoming } from '../mes/profiles';
import type { SeenKeys } from './dedup';

/** API Gateway's own limit is 10 MB; an MES event batch is far smaller, so anything larger is refused early. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export interface MesIngressDeps {
  /** Plants configured for MES ingress. */
  readonly plants: { has(plant: string): boolean };
  readonly publisher: { publish(requests: readonly PublishRequest[]): Promise<unknown> };
  readonly seen: SeenKeys;
  readonly maxBodyBytes?: number;
}

/**
 * `POST /ingress/mes/{plant}/events`: JSON (REST profile) or XML (B2MML), directly from the MES or via the
 * plant edge relay. Validates, drops facts already published (same idempotency key), publishes the
 * rest. 202 with what was accepted; 400 with the reason; 404 for an unknown plant; 413 when oversize.
 */
export const createMesIngress =
  (deps: MesIngressDeps) =>
  async (request: ApiRequest): Promise<ApiResult> => {
    const limit = deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    const size = Buffer.byteLength(request.rawBody, 'utf8');
    if (size > limit) {
      throw new PayloadTooLargeError(`body is ${size} bytes; the MES ingress accepts at most ${limit}`, {
        details: { size, limit },
      });
    }
    if (size === 0) throw new ValidationError('body is empty');
    const pathPlant = request.pathParameters.plant?.toUpperCase();
    if (pathPlant !== undefined && !deps.plants.has(pathPlant)) {
      throw new NotFoundError(`plant "${pathPlant.slice(0, 8)}" is not configured for MES ingress`);
    }
    const facts = translateIncoming({
      contentType: request.headers['content-type'],
      body: request.rawBody,
      ...(pathPlant ? { plant: pathPlant } : {}),
    });
    const unknown = facts.find((f) => !deps.plants.has(f.plant));
    if (unknown) throw new NotFoundError(`plant "${unknown.plant}" is not configured for MES ingress`);

    // A document may repeat a key only if it repeats a fact; publish each key once.
    const unique = [...new Map(facts.map((f) => [f.idempotencyKey, f])).values()];
    const seen = await deps.seen.seen(unique.map((f) => f.idempotencyKey));
    const fresh = unique.filter((f) => !seen.has(f.idempotencyKey));
    if (fresh.length > 0) {
      await deps.publisher.publish(
        fresh.map((f) => ({
          detailType: f.detailType,
          data: f.data,
          plant: f.plant,
          occurredAt: f.occurredAt,
          idempotencyKey: f.idempotencyKey,
          sourceRef: f.sourceRef,
        })),
      );
      await deps.seen.remember(fresh.map((f) => f.idempotencyKey));
    }
    return {
      statusCode: 202,
      body: {
        accepted: fresh.length,
        duplicates: unique.length - fresh.length,
        events: unique.map((f) => ({
          detailType: f.detailType,
          idempotencyKey: f.idempotencyKey,
          status: seen.has(f.idempotencyKey) ? 'duplicate' : 'published',
        })),
      },
    };
  };
