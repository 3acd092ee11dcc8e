import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header MaintainX signs the raw body with: `t=<timestamp>,v1=<hex hmac>`. */
export const BODY_SIGNATURE_HEADER = 'x-maintainx-webhook-body-signature';
/** MaintainX's recommended tolerance between its timestamp and our clock. */
export const SIGNATURE_TOLERANCE_MS = 5 * 60 * 1000;

export type SignatureFailure =
  | 'missing-header'
  | 'malformed-header'
  | 'stale-timestamp'
  | 'signature-mismatch';

export type SignatureCheck =
  | { readonly ok: true; readonly timestampMs: number }
  | { readonly ok: false; readonly failure: SignatureFailure };

/** HMAC-SHA256 hex of `<timestamp>.<payload>` with the endpoint's secret (the vendor's recipe verbatim). */
export const computeSignature = (secret: string, timestamp: string, payload: string): string =>
  createHmac('sha256', secret).update(`${timestamp}.${payload}`, 'utf8').digest('hex');

interface ParsedHeader {
  readonly timestamp: string;
  readonly signatures: readonly string[];
}

/**
 * Split on `,`, each element on the first `=`; `t` is the timestamp, every `v1` a signature (several
 * during a secret roll-over); other schemes are ignored, as the vendor instructs.
 */
export const parseSignatureHeader = (header: string): ParsedHeader | undefined => {
  let timestamp: string | undefined;
  const signatures: string[] = [];
  for (const element of header.split(',')) {
    const at = element.indexOf('=');
    if (at < 0) continue;
    const prefix = element.slice(0, at).trim();
    const value = element.slice(at + 1).trim();
    if (prefix === 't') timestamp = value;
    else if (prefix === 'v1') signatures.push(value);
  }
  if (!timestamp || !/^\d{1,16}$/.test(timestamp) || signatures.length === 0) return undefined;
  return { timestamp, signatures };
};

/**
 * The vendor does not state the unit of `t`; a value above 10^12 is taken as milliseconds, anything
 * else as seconds since the epoch (both are accepted so either convention verifies).
 */
export const timestampToMs = (timestamp: string): number => {
  const n = Number(timestamp);
  return n > 1e12 ? n : n * 1000;
};

/**
 * Verifies a MaintainX body signature: header present and well formed, HMAC over the raw body equal
 * (constant-time) for at least one secret, timestamp within the tolerance. The signature is checked
 * before the timestamp so a forged request learns nothing about our clock.
 */
export const verifyMaintainxSignature = (input: {
  readonly header: string | undefined;
  readonly rawBody: string;
  readonly secrets: readonly string[];
  readonly nowMs: number;
  readonly toleranceMs?: number;
}): SignatureCheck => {
  if (!input.header) return { ok: false, failure: 'missing-header' };
  const parsed = parseSignatureHeader(input.header);
  if (!parsed) return { ok: false, failure: 'malformed-header' };
  const matches = input.secrets.some((secret) => {
    const expected = Buffer.from(computeSignature(secret, parsed.timestamp, input.rawBody), 'hex');
    return parsed.signatures.some((candidate) => {
      if (!/^[0-9a-f]{64}$/i.test(candidate)) return false;
      const given = Buffer.from(candidate, 'hex');
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
  });
  if (!matches) return { ok: false, failure: 'signature-mismatch' };
  const timestampMs = timestampToMs(parsed.timestamp);
  if (Math.abs(input.nowMs - timestampMs) > (input.toleranceMs ?? SIGNATURE_TOLERANCE_MS)) {
    return { ok: false, failure: 'stale-timestamp' };
  }
  return { ok: true, timestampMs };
};

/**
 * The headers MaintainX would send for `body` (for tests, the simulator and `plantsync webhook sign`).
 * `timestamp` is seconds since the epoch, default now.
 */
export const signMaintainxWebhook = (input: {
  readonly secret: string;
  readonly body: string;
  readonly timestamp?: number | string;
}): Record<string, string> => {
  const timestamp = String(input.timestamp ?? Math.floor(Date.now() / 1000));
  return {
    'content-type': 'application/json',
    [BODY_SIGNATURE_HEADER]: `t=${timestamp},v1=${computeSignature(input.secret, timestamp, input.body)}`,
  };
};
