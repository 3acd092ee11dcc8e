import { ConflictError, NotFoundError, PermanentError, TransientError } from '../../../shared/errors';

/** The OData V2 error body SAP Gateway answers with: `{ error: { code, message: { lang, value } } }`. */
export interface ODataErrorBody {
  readonly code: string;
  readonly message: string;
  /** Detail messages (innererror.errordetails), e.g. several BAPI return messages. */
  readonly details: readonly {
    readonly code: string;
    readonly message: string;
    readonly severity?: string;
  }[];
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads an OData error body (JSON, or the XML form some gateways send); undefined if it is neither. */
export const parseODataError = (text: string): ODataErrorBody | undefined => {
  try {
    const json: unknown = JSON.parse(text);
    if (!isRecord(json) || !isRecord(json.error)) return undefined;
    const { code, message, innererror } = json.error;
    const value = isRecord(message) ? message.value : message;
    const rawDetails =
      isRecord(innererror) && Array.isArray(innererror.errordetails) ? innererror.errordetails : [];
    const details = rawDetails.filter(isRecord).map((d) => ({
      code: String(d.code ?? ''),
      message: String(d.message ?? ''),
      ...(d.severity ? { severity: String(d.severity) } : {}),
    }));
    return { code: String(code ?? ''), message: String(value ?? ''), details };
  } catch {
    const code = /<code>([^<]*)<\/code>/.exec(text)?.[1];
    const message = /<message[^>]*>([^<]*)<\/message>/.exec(text)?.[1];
    return code || message ? { code: code ?? '', message: message ?? '', details: [] } : undefined;
  }
};

interface RequestFacts {
  readonly method: string;
  readonly service: string;
  readonly path: string;
  readonly status: number;
}

const describe = (facts: RequestFacts, body: ODataErrorBody | undefined, fallback: string): string =>
  `SAP ${facts.service} ${facts.method} ${facts.path} answered ${facts.status}: ${
    body ? `${body.code ? `${body.code} ` : ''}${body.message}` : fallback
  }`;

const detailsOf = (facts: RequestFacts, body: ODataErrorBody | undefined) => ({
  service: facts.service,
  status: facts.status,
  ...(body?.code ? { sapCode: body.code } : {}),
});

/**
 * SAP refused the request on business terms (HTTP 400/422 with a message such as "Order 1000123 is
 * locked by user X"): retrying will not help, a person must act. Postings turn it into a
 * BusinessRuleError with an owner.
 */
export class SapBusinessError extends PermanentError {
  constructor(
    message: string,
    readonly status: number,
    readonly odata: ODataErrorBody | undefined,
  ) {
    super(message, { details: { status, ...(odata?.code ? { sapCode: odata.code } : {}) } });
  }
}

/** If-Match failed (412): someone changed the entity since it was read. */
export class SapPreconditionFailedError extends ConflictError {}

/** The addressed entity does not exist (404). */
export class SapNotFoundError extends NotFoundError {}

/** SAP refused our credentials or authorisation (401/403 that is not a CSRF challenge). */
export class SapAuthorizationError extends PermanentError {}

/** Throttling (429), server faults (5xx), timeouts and network failures, after every retry. */
export class SapUnavailableError extends TransientError {}

/** Maps a final, non-success HTTP answer to a typed error. */
export const errorForStatus = (facts: RequestFacts, text: string, retryAfterMs?: number): Error => {
  const body = parseODataError(text);
  const snippet = text.replace(/\s+/g, ' ').slice(0, 200);
  const message = describe(facts, body, snippet || 'no body');
  const details = detailsOf(facts, body);
  if (facts.status === 429 || facts.status >= 500) {
    return new SapUnavailableError(message, {
      details,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }
  if (facts.status === 404) return new SapNotFoundError(message, { details });
  if (facts.status === 412) return new SapPreconditionFailedError(message, { details });
  if (facts.status === 401 || facts.status === 403) return new SapAuthorizationError(message, { details });
  if (facts.status === 400 || facts.status === 409 || facts.status === 422) {
    return new SapBusinessError(message, facts.status, body);
  }
  return new PermanentError(message, { details });
};
