import {
  NotFoundError,
  PayloadTooLargeError,
  TransientError,
  UnsupportedMediaTypeError,
} from '../../shared/errors';
import type { PublishRequest } from '../../shared/publisher';
import { IdocRejectedError } from '../sap/errors';
import { type TranslateOptions, translateIdocs } from '../sap/idoc/translate';
import type { DocnumRegistry } from './docnum-registry';
import type { RawPayloadStore } from './raw-store';

/** Port: publishes canonical events (shared/publisher's EventPublisher satisfies it). */
export interface EventPublisherPort {
  publish(requests: readonly PublishRequest[]): Promise<unknown>;
}

export interface IngestDeps {
  readonly rawStore: RawPayloadStore;
  readonly registry: DocnumRegistry;
  readonly publisher: EventPublisherPort;
  readonly translate: TranslateOptions;
  /** @default 5 MiB (Lambda's synchronous payload limit is 6 MB) */
  readonly maxBodyBytes?: number;
  readonly now?: () => Date;
}

export interface IngestResult {
  readonly receiptId: string;
  /** Every distinct DOCNUM of the request, handled now or before. */
  readonly accepted: readonly string[];
  /** DOCNUMs whose events were published by this request. */
  readonly published: readonly string[];
  /** DOCNUMs already handled by an earlier request, or repeated within this one. */
  readonly duplicates: readonly string[];
  /** Valid IDocs that produce no event, with why. */
  readonly skipped: readonly { readonly docnum: string; readonly reason: string }[];
}

const XML_TYPES = new Set(['text/xml', 'application/xml']);

export const assertXmlContentType = (contentType: string | undefined): void => {
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
  if (!mediaType || !XML_TYPES.has(mediaType)) {
    throw new UnsupportedMediaTypeError(
      `content type ${mediaType ?? '(none)'} is not accepted; SAP's XML-HTTP port sends text/xml or application/xml`,
    );
  }
};

/** Translate, de-duplicate by DOCNUM, publish; shared by first delivery and re-processing. */
const processPayload = async (receiptId: string, body: string, deps: IngestDeps): Promise<IngestResult> => {
  let result: ReturnType<typeof translateIdocs>;
  try {
    result = translateIdocs(body, deps.translate);
  } catch (error) {
    if (error instanceof IdocRejectedError)
      await deps.rawStore.mark(receiptId, 'rejected', { reason: error.message });
    throw error;
  }
  const duplicates = [...result.repeatedDocnums];
  const claimed: (typeof result.idocs)[number][] = [];
  try {
    for (const idoc of result.idocs) {
      const claim = await deps.registry.claim(idoc.control.docnum, receiptId);
      if (claim === 'done') duplicates.push(idoc.control.docnum);
      else if (claim === 'claimed') claimed.push(idoc);
      else {
        throw new TransientError(
          `IDoc ${idoc.control.docnum} is being processed by another request; re-send later`,
          {
            retryAfterMs: 30_000,
          },
        );
      }
    }
    const requests: PublishRequest[] = claimed.flatMap((idoc) =>
      idoc.events.map((e) => ({
        detailType: e.detailType,
        data: e.data,
        plant: e.plant,
        occurredAt: e.occurredAt,
        idempotencyKey: e.idempotencyKey,
        sourceRef: e.sourceRef,
      })),
    );
    if (requests.length > 0) await deps.publisher.publish(requests);
  } catch (error) {
    // Give the DOCNUMs back so SAP's re-send (or a re-process) can publish them.
    await Promise.all(claimed.map((idoc) => deps.registry.release(idoc.control.docnum)));
    await deps.rawStore.mark(receiptId, 'failed', {
      reason: error instanceof Error ? error.message : String(error),
    });
    throw error;
  }
  for (const idoc of claimed) await deps.registry.complete(idoc.control.docnum);
  const docnums = result.idocs.map((i) => i.control.docnum);
  await deps.rawStore.mark(receiptId, 'processed', { docnums });
  return {
    receiptId,
    accepted: docnums,
    published: claimed.filter((i) => i.events.length > 0).map((i) => i.control.docnum),
    duplicates: [...new Set(duplicates)],
    skipped: claimed.flatMap((i) => (i.skipped ? [{ docnum: i.control.docnum, reason: i.skipped }] : [])),
  };
};

/**
 * One XML-HTTP request from SAP: check the content type and size, keep the raw body, then
 * translate, de-duplicate and publish. All or nothing per request: any bad IDoc rejects the whole
 * request (400, reason names DOCNUM, segment and field) and SAP keeps the packet in error until
 * it is fixed and re-sent.
 */
export const ingestIdocRequest = async (
  request: { readonly receiptId: string; readonly contentType: string | undefined; readonly body: string },
  deps: IngestDeps,
): Promise<IngestResult> => {
  assertXmlContentType(request.contentType);
  const bytes = Buffer.byteLength(request.body, 'utf8');
  const max = deps.maxBodyBytes ?? 5 * 1024 * 1024;
  if (bytes > max)
    throw new PayloadTooLargeError(`the body is ${bytes} bytes; at most ${max} are accepted per request`);
  await deps.rawStore.put({
    receiptId: request.receiptId,
    receivedAt: (deps.now ?? (() => new Date()))().toISOString(),
    contentType: request.contentType ?? '',
    body: request.body,
  });
  return processPayload(request.receiptId, request.body, deps);
};

/** Re-runs a stored payload (after a mapping fix, or after a failed publish). DOCNUMs already done stay done. */
export const reprocessRawPayload = async (receiptId: string, deps: IngestDeps): Promise<IngestResult> => {
  const stored = await deps.rawStore.get(receiptId);
  if (!stored) {
    throw new NotFoundError(`no raw SAP payload with receipt ${receiptId}`);
  }
  return processPayload(receiptId, stored.body, deps);
};
