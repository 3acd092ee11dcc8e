import { createHmac } from 'node:crypto';
import {
  BODY_SIGNATURE_HEADER,
  parseSignatureHeader,
  signMaintainxWebhook,
  verifyMaintainxSignature,
} from '../../../functions/maintenance';
import { fixture } from './fake-maintainx';

const SECRET = 'whsec-plant-1010-test';
const NOW = Date.parse('2026-11-25T06:12:45Z');
const T = String(Math.floor(NOW / 1000));
const body = fixture('maintainx/new-work-order.json');

describe('MaintainX webhook signature', () => {
  it('signs exactly as the vendor documents: HMAC-SHA256 hex over "<timestamp>.<raw body>"', () => {
    // Arrange
    const expected = createHmac('sha256', SECRET).update(`${T}.${body}`, 'utf8').digest('hex');

    // Act
    const headers = signMaintainxWebhook({ secret: SECRET, body, timestamp: T });

    // Assert
    expect(headers[BODY_SIGNATURE_HEADER]).toBe(`t=${T},v1=${expected}`);
  });

  it('accepts a correctly signed body within the tolerance', () => {
    const header = signMaintainxWebhook({ secret: SECRET, body, timestamp: T })[BODY_SIGNATURE_HEADER];

    const check = verifyMaintainxSignature({
      header,
      rawBody: body,
      secrets: [SECRET],
      nowMs: NOW + 299_000,
    });

    expect(check).toEqual({ ok: true, timestampMs: Number(T) * 1000 });
  });

  it('refuses a timestamp more than five minutes away from now', () => {
    const header = signMaintainxWebhook({ secret: SECRET, body, timestamp: T })[BODY_SIGNATURE_HEADER];

    const check = verifyMaintainxSignature({
      header,
      rawBody: body,
      secrets: [SECRET],
      nowMs: NOW + 301_000,
    });

    expect(check).toEqual({ ok: false, failure: 'stale-timestamp' });
  });

  it('accepts millisecond timestamps as well as seconds', () => {
    const header = signMaintainxWebhook({ secret: SECRET, body, timestamp: NOW })[BODY_SIGNATURE_HEADER];

    const check = verifyMaintainxSignature({ header, rawBody: body, secrets: [SECRET], nowMs: NOW });

    expect(check.ok).toBe(true);
  });

  it('refuses a body changed by one character after signing', () => {
    const header = signMaintainxWebhook({ secret: SECRET, body, timestamp: T })[BODY_SIGNATURE_HEADER];

    const check = verifyMaintainxSignature({
      header,
      rawBody: body.replace('"HIGH"', '"LOW" '),
      secrets: [SECRET],
      nowMs: NOW,
    });

    expect(check).toEqual({ ok: false, failure: 'signature-mismatch' });
  });

  it('accepts any of several v1 signatures and any of several secrets (roll-over)', () => {
    const good =
      signMaintainxWebhook({ secret: 'new-secret', body, timestamp: T })[BODY_SIGNATURE_HEADER] ?? '';
    const header = `t=${T},v0=legacy,v1=${'0'.repeat(64)},${good.split(',')[1]}`;

    const check = verifyMaintainxSignature({
      header,
      rawBody: body,
      secrets: ['old-secret', 'new-secret'],
      nowMs: NOW,
    });

    expect(check.ok).toBe(true);
  });

  it('reports a missing header and a malformed one distinctly', () => {
    expect(
      verifyMaintainxSignature({ header: undefined, rawBody: body, secrets: [SECRET], nowMs: NOW }),
    ).toEqual({
      ok: false,
      failure: 'missing-header',
    });
    expect(
      verifyMaintainxSignature({ header: 'sha256=abc', rawBody: body, secrets: [SECRET], nowMs: NOW }),
    ).toEqual({
      ok: false,
      failure: 'malformed-header',
    });
  });

  it('parses the header by splitting on "," and "=" and ignoring unknown schemes', () => {
    expect(parseSignatureHeader('t=1764051165, v1=ab12,v2=zz')).toEqual({
      timestamp: '1764051165',
      signatures: ['ab12'],
    });
  });
});
