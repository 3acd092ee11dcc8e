/**
 * The bad-input catalogue: every kind of bad input plantsync's ingresses must refuse clearly, as
 * data. Each entry names the ingress, builds the input, and states the expected answer (HTTP status
 * or queue outcome) and a substring of the reason the sender gets. `evaluate` (run-catalogue.ts)
 * also checks that nothing downstream happened: no event published, no state written, no target
 * system called; the SAP ingress keeps the raw payload (marked rejected) for re-processing.
 *
 * Inputs that are NOT rejected clearly today are left out of the catalogue and listed in
 * KNOWN_GAPS below (rendered into docs/reliability.md) until the lead fixes the handler; the tests
 * are never weakened to pass them. GAP_CASES holds the same inputs as ready entries with the
 * rejection a fix should give (`--only gaps` of the report script says which are fixed).
 */

import { signMaintainxWebhook } from '../../functions/maintenance/maintainx/signature';
import { translateMesJson } from '../../functions/mes/translate';
import { translateSapIdoc } from '../../functions/sap/idoc/translate';
import {
  fixture,
  type HttpInput,
  type Ingress,
  type Outcome,
  type QueueInput,
  WEBHOOK_NOW,
  WEBHOOK_SECRET,
  type World,
} from './harness';

export interface Expectation {
  /** HTTP status for API ingresses; omitted for queue consumers. */
  readonly status?: number;
  readonly outcome: Outcome;
  /** A substring (case-insensitive) of the reason the sender or the dead letter carries. */
  readonly reason: string;
  /** SAP ingress: the raw payload is kept with this status ('none': not stored at all). */
  readonly raw?: 'rejected' | 'processed' | 'none';
  /** Effects the design makes even for this input (e.g. a skipped IDoc's DOCNUM is recorded as done). */
  readonly allowedEffects?: RegExp;
}

interface Base {
  /** Distinct kind of bad input (unique across the catalogue). */
  readonly kind: string;
  readonly expect: Expectation;
}
export interface HttpCase extends Base {
  readonly ingress: 'sap-idoc-ingress' | 'mes-ingress' | 'maintenance-webhook' | 'business-api';
  readonly input: () => HttpInput;
  /** Deliveries before the one under test (a replay needs the original first). */
  readonly arrange?: (world: World<HttpInput>) => Promise<void>;
}
export interface QueueCase extends Base {
  readonly ingress: 'mes-publisher' | 'sap-poster' | 'maintenance-egress';
  readonly input: () => QueueInput;
}
export type CatalogueEntry = HttpCase | QueueCase;

// ── builders ──────────────────────────────────────────────────────────────────────────────────

const loipro = () => fixture('loipro01-released.xml');
const xml = (body: string, contentType = 'text/xml; charset=utf-8'): HttpInput => ({
  headers: { 'Content-Type': contentType },
  body,
});
/** The released-order IDoc with one replacement applied (the replaced text must exist). */
const loiproWith = (from: string | RegExp, to: string): HttpInput => {
  const source = loipro();
  const changed = source.replace(from, to);
  if (changed === source) throw new Error(`catalogue builder: ${String(from)} not found in the fixture`);
  return xml(changed);
};

const mesJson = (body: unknown, plant = '1010', contentType = 'application/json'): HttpInput => ({
  path: `/ingress/mes/${plant}/events`,
  pathParameters: { plant },
  headers: { 'Content-Type': contentType },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});
const confirmation = (): Record<string, unknown> => ({
  eventId: 'EVT-1010-PROOF-0001',
  eventType: 'production.confirmed',
  occurredAt: '2026-11-25T08:23:00+01:00',
  confirmationId: 'CONF-1010-PROOF-0010-01',
  orderNumber: '1000123',
  jobId: 'JOB-1010-000871',
  operationNumber: '0010',
  workCenter: 'MILL01',
  good: { value: '112', unit: 'PCS' },
  scrap: { value: '2', unit: 'PCS' },
  final: true,
});
const confirmationWith = (patch: Record<string, unknown>) => mesJson({ ...confirmation(), ...patch });
const downtime = () => fixture('mes-downtime-started.json');

const workOrderBody = () => fixture('maintainx-new-work-order.json');
const webhook = (
  body: string,
  options: { plant?: string; tool?: string; timestamp?: number; secret?: string; headers?: object } = {},
): HttpInput => {
  const plant = options.plant ?? '1010';
  const tool = options.tool ?? 'maintainx';
  return {
    path: `/webhooks/${tool}/${plant}`,
    pathParameters: { tool, plant },
    query: { event: 'NEW_WORK_ORDER' },
    headers: {
      ...signMaintainxWebhook({
        secret: options.secret ?? WEBHOOK_SECRET,
        body,
        timestamp: options.timestamp ?? Math.floor(WEBHOOK_NOW / 1000),
      }),
      ...options.headers,
    },
    body,
  };
};
const workOrderWith = (patch: Record<string, unknown>): string =>
  JSON.stringify({ ...(JSON.parse(workOrderBody()) as Record<string, unknown>), ...patch });

const workOrderRequest = {
  plant: '1010',
  equipmentId: '10000042',
  title: 'Replace spindle bearing',
  priority: 'high',
};
const apiPost = (path: string, body: unknown, headers: Record<string, string> = {}): HttpInput => ({
  method: 'POST',
  path,
  headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'proof-key-0001', ...headers },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

/** A valid ProductionOrderReleased EventBridge event, as a rule delivers it to a queue. */
const releasedEvent = (): Record<string, unknown> => {
  const [event] = translateSapIdoc(loipro());
  if (!event) throw new Error('catalogue builder: the fixture IDoc translates to no event');
  return {
    version: '0',
    id: 'proof-event-1',
    source: event.source,
    'detail-type': event.detailType,
    detail: structuredClone(event.detail),
  };
};
/** A valid ProductionConfirmed EventBridge event. */
const confirmedEvent = (): Record<string, unknown> => {
  const [event] = translateMesJson(JSON.stringify(confirmation()), { plant: '1010' });
  if (!event) throw new Error('catalogue builder: the MES confirmation translates to no event');
  return { version: '0', source: event.source, 'detail-type': event.detailType, detail: event.detail };
};
/** The event with fields of its detail's `metadata` or `data` replaced (undefined removes a field). */
const withDetail = (
  event: Record<string, unknown>,
  part: 'metadata' | 'data',
  patch: Record<string, unknown>,
): QueueInput => {
  const detail = event.detail as Record<string, Record<string, unknown>>;
  return { body: JSON.stringify({ ...event, detail: { ...detail, [part]: { ...detail[part], ...patch } } }) };
};
const command = (patch: Record<string, unknown> = {}): QueueInput => ({
  body: JSON.stringify({
    kind: 'createWorkOrder',
    plant: '1010',
    externalReference: 'ps-1010-proof-1',
    equipmentId: '10000042',
    priority: 'high',
    title: 'Replace spindle bearing',
    origin: 'predictive',
    ...patch,
  }),
});

const billionLaughs = `<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<LOIPRO01><IDOC BEGIN="1"><E1AFKOL><MATXT>&lol3;</MATXT></E1AFKOL></IDOC></LOIPRO01>`;
const externalEntity = `<?xml version="1.0"?>
<!DOCTYPE LOIPRO01 [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<LOIPRO01><IDOC BEGIN="1"><E1AFKOL><MATXT>&xxe;</MATXT></E1AFKOL></IDOC></LOIPRO01>`;

const rejected = (status: number, reason: string, raw?: Expectation['raw']): Expectation => ({
  status,
  outcome: 'rejected',
  reason,
  ...(raw ? { raw } : {}),
});
const deadLetter = (reason: string): Expectation => ({ outcome: 'dead-letter', reason });

const httpCases = (ingress: HttpCase['ingress'], cases: readonly Omit<HttpCase, 'ingress'>[]): HttpCase[] =>
  cases.map((c) => ({ ...c, ingress }));
const queueCases = (
  ingress: QueueCase['ingress'],
  cases: readonly Omit<QueueCase, 'ingress'>[],
): QueueCase[] => cases.map((c) => ({ ...c, ingress }));

const nonUtf8 = (text: string, at: string): string => {
  const [head, ...rest] = text.split(at);
  if (rest.length === 0) throw new Error(`catalogue builder: ${at} not found`);
  return Buffer.concat([
    Buffer.from(head ?? ''),
    Buffer.from([0xff, 0xfe, 0xc3]),
    Buffer.from(`${at}${rest.join(at)}`),
  ]).toString('base64');
};
const signedWebhook = (body: string, headers: Record<string, string> = {}): HttpInput => {
  const request = webhook(body);
  return { ...request, headers: { ...request.headers, ...headers } };
};

// ── the catalogue ─────────────────────────────────────────────────────────────────────────────

const sap = httpCases('sap-idoc-ingress', [
  {
    kind: 'malformed XML (unclosed element)',
    input: () => xml(loipro().replace('</E1AFKOL>', '')),
    expect: rejected(400, 'malformed XML at line', 'rejected'),
  },
  {
    kind: 'malformed XML (unescaped ampersand)',
    input: () => loiproWith('Gearbox housing, machined', 'Gearbox & housing'),
    expect: rejected(400, 'malformed XML', 'rejected'),
  },
  {
    kind: 'empty body',
    input: () => xml(''),
    expect: rejected(400, 'the body is empty', 'rejected'),
  },
  {
    kind: 'XML entity expansion (billion laughs DOCTYPE)',
    input: () => xml(billionLaughs),
    expect: rejected(400, 'DOCTYPE declarations are not accepted', 'rejected'),
  },
  {
    kind: 'XML external entity (XXE file:///etc/passwd)',
    input: () => xml(externalEntity),
    expect: rejected(400, 'DOCTYPE declarations are not accepted', 'rejected'),
  },
  {
    kind: 'wrong content type (application/json)',
    input: () => xml(loipro(), 'application/json'),
    expect: rejected(415, 'content type application/json is not accepted', 'none'),
  },
  {
    kind: 'missing content type',
    input: () => ({ body: loipro() }),
    expect: rejected(415, 'content type (none) is not accepted', 'none'),
  },
  {
    kind: 'oversize body (over MAX_BODY_BYTES)',
    input: () => xml(loipro().replace('<LOIPRO01>', `<LOIPRO01><!--${'x'.repeat(70 * 1024)}-->`)),
    expect: rejected(413, 'at most 65536 are accepted', 'none'),
  },
  {
    kind: 'unknown IDoc type (DELVRY07)',
    input: () => loiproWith('<IDOCTYP>LOIPRO01</IDOCTYP>', '<IDOCTYP>DELVRY07</IDOCTYP>'),
    expect: rejected(400, 'IDoc type DELVRY07 (message type LOIPRO) is not translated', 'rejected'),
  },
  {
    kind: 'no IDOC element under the root',
    input: () => xml('<?xml version="1.0"?><LOIPRO01><NOTANIDOC/></LOIPRO01>'),
    expect: rejected(400, 'no IDOC element under the root element <LOIPRO01>', 'rejected'),
  },
  {
    kind: 'missing mandatory segment (control record EDI_DC40)',
    input: () => loiproWith(/<EDI_DC40 SEGMENT="1">[\s\S]*?<\/EDI_DC40>/, ''),
    expect: rejected(400, 'mandatory segment EDI_DC40 is missing', 'rejected'),
  },
  {
    kind: 'missing mandatory segment (order header E1AFKOL)',
    input: () => loiproWith(/<E1AFKOL SEGMENT="1">[\s\S]*<\/E1AFKOL>/, ''),
    expect: rejected(400, 'mandatory segment E1AFKOL is missing', 'rejected'),
  },
  {
    kind: 'missing mandatory field (empty AUFNR)',
    input: () => loiproWith('<AUFNR>000001000123</AUFNR>', '<AUFNR></AUFNR>'),
    expect: rejected(400, 'mandatory field E1AFKOL/AUFNR is missing or empty', 'rejected'),
  },
  {
    kind: 'SQL injection in DOCNUM',
    input: () =>
      loiproWith('<DOCNUM>0000000000123456</DOCNUM>', "<DOCNUM>1' OR '1'='1; DROP TABLE x</DOCNUM>"),
    expect: rejected(400, 'is not an IDoc number', 'rejected'),
  },
  {
    kind: 'script tag in the order number (AUFNR)',
    input: () =>
      loiproWith('<AUFNR>000001000123</AUFNR>', '<AUFNR>&lt;script&gt;alert(1)&lt;/script&gt;</AUFNR>'),
    expect: rejected(400, 'in E1AFKOL/AUFNR is not numeric', 'rejected'),
  },
  {
    kind: 'sender not an allowed logical system',
    input: () => loiproWith('<SNDPRN>S4HCLNT100</SNDPRN>', '<SNDPRN>ROGUE999</SNDPRN>'),
    expect: rejected(400, 'sender ROGUE999 (EDI_DC40/SNDPRN) is not an allowed logical system', 'rejected'),
  },
  {
    kind: 'invalid date (CREDAT 30 February)',
    input: () => loiproWith('<CREDAT>20261125</CREDAT>', '<CREDAT>20260230</CREDAT>'),
    expect: rejected(400, 'EDI_DC40/CREDAT+CRETIM', 'rejected'),
  },
  {
    kind: 'invalid date (scheduled start in month 13)',
    input: () => loiproWith('<GSTRS>20261125</GSTRS>', '<GSTRS>20261325</GSTRS>'),
    expect: rejected(400, 'E1AFKOL/GSTRS', 'rejected'),
  },
  {
    kind: 'invalid time (CRETIM 25:61:00)',
    input: () => loiproWith('<CRETIM>053012</CRETIM>', '<CRETIM>256100</CRETIM>'),
    expect: rejected(400, 'EDI_DC40/CREDAT+CRETIM', 'rejected'),
  },
  {
    kind: 'unknown unit of measure (BMEINS)',
    input: () => loiproWith('<BMEINS>ST</BMEINS>', '<BMEINS>XYZ</BMEINS>'),
    expect: rejected(400, 'unit "XYZ" in E1AFKOL/BMEINS has no UN/ECE Rec 20 mapping', 'rejected'),
  },
  {
    kind: 'negative quantity (SAP trailing minus)',
    input: () => loiproWith('<BMENGE>120.000</BMENGE>', '<BMENGE>120.000-</BMENGE>'),
    expect: rejected(400, 'E1AFKOL/BMENGE is negative', 'rejected'),
  },
  {
    kind: '30-digit quantity',
    input: () => loiproWith('<BMENGE>120.000</BMENGE>', `<BMENGE>${'9'.repeat(30)}</BMENGE>`),
    expect: rejected(400, 'exceeds 15 integer or 6 fraction digits', 'rejected'),
  },
  {
    kind: 'huge number in scientific notation (1e309)',
    input: () => loiproWith('<BMENGE>120.000</BMENGE>', '<BMENGE>1e309</BMENGE>'),
    expect: rejected(400, 'is not a decimal number', 'rejected'),
  },
  {
    kind: 'non-numeric operation number (VORNR)',
    input: () => loiproWith('<VORNR>0010</VORNR>', '<VORNR>10A</VORNR>'),
    expect: rejected(400, 'operation number "10A" in E1AFVOL/VORNR is not numeric', 'rejected'),
  },
  {
    kind: 'unknown plant (WERKS not mapped)',
    input: () => loiproWith('<WERKS>1010</WERKS>', '<WERKS>9999</WERKS>'),
    // Designed: SAP sends every plant's orders; plants not ours are skipped with a reason, and the
    // DOCNUM is recorded as handled so SAP's re-send is a duplicate. Nothing is published.
    expect: {
      status: 200,
      outcome: 'skipped',
      reason: 'plant 9999 has no SAP mapping',
      raw: 'processed',
      allowedEffects: /^docnum 0000000000123456 done$/,
    },
  },
  {
    kind: 'replayed IDoc (same DOCNUM sent again)',
    arrange: async (world) => void (await world.deliver(xml(loipro()))),
    input: () => xml(loipro()),
    expect: { status: 200, outcome: 'duplicate', reason: 'duplicate 0000000000123456', raw: 'processed' },
  },
  {
    kind: 'non-UTF-8 bytes',
    input: () => ({
      headers: { 'Content-Type': 'text/xml' },
      body: nonUtf8(loipro(), 'Gearbox housing'),
      isBase64Encoded: true,
    }),
    expect: rejected(400, 'not valid UTF-8: byte 0xFF at byte offset'),
  },
  {
    kind: 'charset no decoder exists for (shift_jis)',
    input: () => ({
      headers: { 'Content-Type': 'text/xml; charset=shift_jis' },
      body: Buffer.from(loipro()).toString('base64'),
      isBase64Encoded: true,
    }),
    expect: rejected(415, 'charset "shift_jis" is not supported'),
  },
]);

const mes = httpCases('mes-ingress', [
  {
    kind: 'malformed JSON (truncated)',
    input: () => mesJson('{"eventId": "EVT-1", "eventType": '),
    expect: rejected(400, 'body is not JSON'),
  },
  { kind: 'empty body', input: () => mesJson(''), expect: rejected(400, 'body is empty') },
  {
    kind: 'JSON that is not an object (array)',
    input: () => mesJson('[1, 2, 3]'),
    expect: rejected(400, 'body must be a JSON object'),
  },
  {
    kind: 'unknown event type',
    input: () => confirmationWith({ eventType: 'production.teleported' }),
    expect: rejected(400, '"production.teleported" is not one of'),
  },
  {
    kind: 'schema-invalid (mandatory eventId missing)',
    input: () => confirmationWith({ eventId: undefined }),
    expect: rejected(400, 'eventId'),
  },
  {
    kind: 'wrong type (final as the string "yes")',
    input: () => confirmationWith({ final: 'yes' }),
    expect: rejected(400, 'final'),
  },
  {
    kind: 'wrong type (quantity as an object)',
    input: () => confirmationWith({ good: { value: { amount: 5 }, unit: 'PCS' } }),
    expect: rejected(400, 'good'),
  },
  {
    kind: 'timestamp without offset',
    input: () => confirmationWith({ occurredAt: '2026-11-25T08:23:00' }),
    expect: rejected(400, 'is not an ISO 8601 date-time with offset'),
  },
  {
    kind: 'invalid date (30 February)',
    input: () => confirmationWith({ occurredAt: '2026-02-30T08:23:00+01:00' }),
    expect: rejected(400, 'is not an ISO 8601 date-time with offset'),
  },
  {
    kind: 'invalid date (year 10000)',
    input: () => confirmationWith({ occurredAt: '+010000-01-01T00:00:00Z' }),
    expect: rejected(400, 'is not an ISO 8601 date-time with offset'),
  },
  {
    kind: 'unknown unit of measure',
    input: () => confirmationWith({ good: { value: '112', unit: 'FURLONG' } }),
    expect: rejected(400, 'FURLONG'),
  },
  {
    kind: 'huge number (1e309 JSON literal)',
    input: () => mesJson(JSON.stringify(confirmation()).replace('"value":"112"', '"value":1e309')),
    expect: rejected(400, 'at good.value'),
  },
  {
    kind: '30-digit quantity',
    input: () => confirmationWith({ good: { value: '9'.repeat(30), unit: 'PCS' } }),
    expect: rejected(400, 'has more than 15 integer digits'),
  },
  {
    kind: 'negative quantity',
    input: () => confirmationWith({ good: { value: '-112', unit: 'PCS' } }),
    expect: rejected(400, 'must not be negative'),
  },
  {
    kind: 'more than 6 decimal places',
    input: () => confirmationWith({ good: { value: '1.1234567', unit: 'PCS' } }),
    expect: rejected(400, 'has more than 6 decimal places'),
  },
  {
    kind: 'unknown plant (path parameter)',
    input: () => mesJson(confirmation(), '9999'),
    expect: rejected(404, 'plant "9999" is not configured for MES ingress'),
  },
  {
    kind: 'unknown plant (in the body, no path plant)',
    input: () => ({
      path: '/ingress/mes/events',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...confirmation(), plant: '9999' }),
    }),
    expect: rejected(404, 'plant "9999" is not configured for MES ingress'),
  },
  {
    kind: 'path traversal in the plant path parameter',
    input: () => mesJson(confirmation(), '../../etc/passwd'),
    expect: rejected(404, 'is not configured for MES ingress'),
  },
  {
    kind: 'SQL injection in the order number',
    input: () => confirmationWith({ orderNumber: "1' OR '1'='1" }),
    expect: rejected(400, 'is not an SAP order number'),
  },
  {
    kind: 'script tag in the machine state',
    input: () =>
      mesJson({
        eventId: 'EVT-1010-PROOF-0002',
        eventType: 'machine.state-changed',
        occurredAt: '2026-11-25T08:23:00+01:00',
        equipmentId: '10000042',
        state: '<script>alert(1)</script>',
      }),
    expect: rejected(400, 'unknown machine state "<script>alert(1)</script>"'),
  },
  {
    kind: 'deeply nested JSON (10,000 levels)',
    input: () => mesJson(`{"events":${'['.repeat(10_000)}${']'.repeat(10_000)}}`),
    expect: rejected(400, 'events'),
  },
  {
    kind: 'one bad event in a batch (all or nothing)',
    input: () =>
      mesJson({ events: [confirmation(), { ...confirmation(), eventId: 'EVT-2', occurredAt: 'yesterday' }] }),
    expect: rejected(400, '"yesterday" is not an ISO 8601 date-time with offset'),
  },
  {
    kind: 'oversize body (over MAX_BODY_BYTES)',
    input: () => confirmationWith({ padding: 'x'.repeat(70 * 1024) }),
    expect: rejected(413, 'the MES ingress accepts at most 65536'),
  },
  {
    kind: 'wrong content type (text/plain)',
    input: () => mesJson(confirmation(), '1010', 'text/plain'),
    expect: rejected(415, 'content type "text/plain" is not supported'),
  },
  {
    kind: 'missing content type',
    input: () => ({ ...mesJson(confirmation()), headers: {} }),
    expect: rejected(415, 'content type "(none)" is not supported'),
  },
  {
    kind: 'B2MML: malformed XML',
    input: () =>
      mesJson(fixture('b2mml-v0700.xml').replace(/<\/[A-Za-z:]+>\s*$/, ''), '1010', 'application/xml'),
    expect: rejected(400, 'XML'),
  },
  {
    kind: 'B2MML: DOCTYPE entity expansion',
    input: () =>
      mesJson(
        fixture('b2mml-v0700.xml').replace(
          /^<\?xml[^>]*>/,
          '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>',
        ),
        '1010',
        'application/xml',
      ),
    expect: rejected(400, 'DOCTYPE'),
  },
  {
    kind: 'B2MML: not a performance document',
    input: () =>
      mesJson('<?xml version="1.0"?><Invoice><Total>5</Total></Invoice>', '1010', 'application/xml'),
    expect: rejected(400, 'no B2MML namespace declared'),
  },
  {
    kind: 'replayed event (same eventId resent)',
    arrange: async (world) => void (await world.deliver(mesJson(downtime()))),
    input: () => mesJson(downtime()),
    expect: { status: 202, outcome: 'duplicate', reason: 'accepted 0, duplicates 1' },
  },
  {
    kind: 'non-UTF-8 bytes',
    input: () => ({ ...mesJson(''), body: nonUtf8(downtime(), 'P02'), isBase64Encoded: true }),
    expect: rejected(400, 'not valid UTF-8: byte 0xFF at byte offset'),
  },
  {
    kind: 'duplicated keys',
    input: () =>
      mesJson(
        JSON.stringify(confirmation()).replace('"good":', '"good":{"value":"999999","unit":"PCS"},"good":'),
      ),
    expect: rejected(400, 'duplicate key "good" at $.good'),
  },
  {
    kind: 'duplicated key inside a quantity of a batch',
    input: () =>
      mesJson(
        JSON.stringify({ events: [confirmation()] }).replace('"value":"112"', '"value":"112","value":"9"'),
      ),
    expect: rejected(400, 'duplicate key "value" at $.events[0].good.value'),
  },
  {
    kind: 'prototype pollution key (__proto__)',
    input: () => mesJson(JSON.stringify(confirmation()).replace('{', '{"__proto__":{"polluted":true},')),
    expect: rejected(400, 'key "__proto__" at $.__proto__ is not allowed'),
  },
  {
    kind: 'prototype pollution key (constructor.prototype)',
    input: () =>
      mesJson(JSON.stringify(confirmation()).replace('{', '{"constructor":{"prototype":{"polluted":true}},')),
    expect: rejected(400, 'key "constructor" at $.constructor is not allowed'),
  },
]);

const signedAt = (seconds: number) => Math.floor(WEBHOOK_NOW / 1000) + seconds;
const maintainx = httpCases('maintenance-webhook', [
  {
    kind: 'missing signature header',
    input: () => ({ ...webhook(workOrderBody()), headers: { 'content-type': 'application/json' } }),
    expect: rejected(401, 'missing x-maintainx-webhook-body-signature header'),
  },
  {
    kind: 'malformed signature header',
    input: () =>
      webhook(workOrderBody(), { headers: { 'x-maintainx-webhook-body-signature': 'sha256=deadbeef' } }),
    expect: rejected(401, 'malformed x-maintainx-webhook-body-signature header'),
  },
  {
    kind: 'signature made with the wrong secret',
    input: () => webhook(workOrderBody(), { secret: 'whsec_not_the_secret' }),
    expect: rejected(401, 'signature does not match the body'),
  },
  {
    kind: 'signature that is not hex',
    input: () =>
      webhook(workOrderBody(), {
        headers: { 'x-maintainx-webhook-body-signature': `t=${signedAt(0)},v1=${'z'.repeat(64)}` },
      }),
    expect: rejected(401, 'signature does not match the body'),
  },
  {
    kind: 'stale signature (timestamp 10 minutes old)',
    input: () => webhook(workOrderBody(), { timestamp: signedAt(-600) }),
    expect: rejected(401, 'signature timestamp outside the 5-minute tolerance'),
  },
  {
    kind: 'signature timestamp in the future (10 minutes ahead)',
    input: () => webhook(workOrderBody(), { timestamp: signedAt(600) }),
    expect: rejected(401, 'signature timestamp outside the 5-minute tolerance'),
  },
  {
    kind: 'body changed after signing',
    input: () => ({
      ...webhook(workOrderBody()),
      body: workOrderBody().replace('"priority": "HIGH"', '"priority": "LOW"'),
    }),
    expect: rejected(401, 'signature does not match the body'),
  },
  {
    kind: 'replayed webhook (same signed delivery again)',
    arrange: async (world) => void (await world.deliver(webhook(workOrderBody()))),
    input: () => webhook(workOrderBody()),
    expect: { status: 200, outcome: 'duplicate', reason: 'event already received; not processed again' },
  },
  {
    kind: 'malformed JSON (signed)',
    input: () => webhook('{"workOrderId": 5531207,'),
    expect: rejected(400, 'malformed JSON'),
  },
  {
    kind: 'empty body (signed)',
    input: () => webhook(''),
    expect: rejected(400, 'malformed JSON'),
  },
  {
    kind: 'JSON that is not an object (signed array)',
    input: () => webhook('[]'),
    expect: rejected(400, 'a MaintainX webhook body is a JSON object'),
  },
  {
    kind: 'schema-invalid (workOrderId as a string)',
    input: () => webhook(workOrderWith({ workOrderId: 'WO-5531207' })),
    expect: rejected(400, 'invalid NEW_WORK_ORDER payload'),
  },
  {
    kind: 'timestamp without offset (occurredAt)',
    input: () => webhook(workOrderWith({ occurredAt: '2026-11-25T06:12:44' })),
    expect: rejected(400, 'occurredAt'),
  },
  {
    kind: 'invalid date (occurredAt 30 February)',
    input: () => webhook(workOrderWith({ occurredAt: '2026-02-30T06:12:44.318Z' })),
    expect: rejected(400, 'occurredAt'),
  },
  {
    kind: 'huge number (workOrderId 1e309)',
    input: () => webhook(workOrderBody().replace('"workOrderId": 5531207', '"workOrderId": 1e309')),
    expect: rejected(400, 'received Infinity'),
  },
  {
    kind: 'unknown webhook type (?event=)',
    input: () => ({ ...webhook(workOrderBody()), query: { event: 'WORK_ORDER_TELEPORTED' } }),
    expect: rejected(400, 'unknown MaintainX webhook type "WORK_ORDER_TELEPORTED"'),
  },
  {
    kind: 'unknown maintenance tool',
    input: () => webhook(workOrderBody(), { tool: 'fiixx' }),
    expect: rejected(404, 'unknown maintenance tool "fiixx"'),
  },
  {
    kind: 'unknown plant',
    input: () => webhook(workOrderBody(), { plant: '9999' }),
    expect: rejected(404, 'plant "9999" has no maintainx webhook configured'),
  },
  {
    kind: 'path traversal in the plant path parameter',
    input: () => webhook(workOrderBody(), { plant: '../../secrets' }),
    expect: rejected(404, 'has no maintainx webhook configured'),
  },
  {
    kind: 'path traversal in the tool path parameter',
    input: () => webhook(workOrderBody(), { tool: '../admin' }),
    expect: rejected(404, 'unknown maintenance tool "../admin"'),
  },
  {
    kind: 'oversize body (over MAX_BODY_BYTES)',
    input: () => webhook(workOrderWith({ padding: 'x'.repeat(70 * 1024) })),
    expect: rejected(413, 'exceeds the 65536-byte limit'),
  },
  {
    kind: 'prototype pollution key (__proto__)',
    input: () => signedWebhook(workOrderBody().replace('{', '{"__proto__": {"polluted": true},')),
    expect: rejected(400, 'key "__proto__" at $.__proto__ is not allowed'),
  },
  {
    kind: 'prototype pollution key inside extraFields (constructor)',
    input: () =>
      signedWebhook(workOrderBody().replace('{', '{"extraFields": {"constructor": {"prototype": {}}},')),
    expect: rejected(400, 'key "constructor" at $.extraFields.constructor is not allowed'),
  },
  {
    kind: 'wrong content type (text/plain)',
    input: () => signedWebhook(workOrderBody(), { 'content-type': 'text/plain' }),
    expect: rejected(415, 'content type "text/plain" is not supported'),
  },
  {
    kind: 'non-UTF-8 bytes',
    input: () => ({
      ...signedWebhook(workOrderBody()),
      body: nonUtf8(workOrderBody(), 'Replace'),
      isBase64Encoded: true,
    }),
    expect: rejected(400, 'not valid UTF-8'),
  },
]);

const api = httpCases('business-api', [
  {
    kind: 'malformed JSON',
    input: () => apiPost('/v1/work-orders', '{"plant": "1010",'),
    expect: rejected(400, 'body is not valid JSON'),
  },
  {
    kind: 'empty body',
    input: () => apiPost('/v1/work-orders', ''),
    expect: rejected(400, 'not valid JSON'),
  },
  {
    kind: 'schema-invalid (priority not in the enum)',
    input: () => apiPost('/v1/work-orders', { ...workOrderRequest, priority: 'extreme' }),
    expect: rejected(400, 'priority'),
  },
  {
    kind: 'wrong type (title as a number)',
    input: () => apiPost('/v1/work-orders', { ...workOrderRequest, title: 42 }),
    expect: rejected(400, 'title'),
  },
  {
    kind: 'invalid plant code',
    input: () => apiPost('/v1/work-orders', { ...workOrderRequest, plant: "10' OR 1=1 --" }),
    expect: rejected(400, 'a 4-character plant code'),
  },
  {
    kind: 'invalid date (dueBy 30 February)',
    input: () => apiPost('/v1/work-orders', { ...workOrderRequest, dueBy: '2026-02-30T10:00:00Z' }),
    expect: rejected(400, 'dueBy'),
  },
  {
    kind: 'invalid date (dueBy in year 10000)',
    input: () => apiPost('/v1/work-orders', { ...workOrderRequest, dueBy: '+010000-01-01T00:00:00Z' }),
    expect: rejected(400, 'dueBy'),
  },
  {
    kind: 'deeply nested JSON (100,000 levels)',
    input: () => apiPost('/v1/work-orders', `${'['.repeat(100_000)}${']'.repeat(100_000)}`),
    expect: rejected(400, 'expected object, received array'),
  },
  {
    kind: 'missing Idempotency-Key header',
    input: () => ({
      ...apiPost('/v1/work-orders', workOrderRequest),
      headers: { 'Content-Type': 'application/json' },
    }),
    expect: rejected(400, 'Idempotency-Key header of 8 to 128 characters'),
  },
  {
    kind: 'SQL injection in the Idempotency-Key header',
    input: () => apiPost('/v1/work-orders', workOrderRequest, { 'Idempotency-Key': "x' OR '1'='1' --" }),
    expect: rejected(400, 'Idempotency-Key header of 8 to 128 characters'),
  },
  {
    kind: 'Idempotency-Key reused for a different request',
    arrange: async (world) => void (await world.deliver(apiPost('/v1/work-orders', workOrderRequest))),
    input: () => apiPost('/v1/work-orders', { ...workOrderRequest, title: 'Something else' }),
    expect: rejected(409, 'this Idempotency-Key was used for a different work order request'),
  },
  {
    kind: 'missing plant query parameter',
    input: () => ({ method: 'GET', path: '/v1/orders/1000123/status' }),
    expect: rejected(400, 'query parameter plant (a 4-character plant code) is required'),
  },
  {
    kind: 'approval with an unknown decision',
    input: () => ({
      ...apiPost('/v1/inventory-adjustments/ADJ-1/approval', { decision: 'maybe', approver: 'j.doe' }),
      query: { plant: '1010' },
    }),
    expect: rejected(400, 'decision'),
  },
  {
    kind: 'unknown route',
    input: () => ({ method: 'DELETE', path: '/v1/orders/1000123' }),
    expect: rejected(404, 'no business capability at DELETE /v1/orders/1000123'),
  },
  {
    kind: 'prototype pollution key (__proto__)',
    input: () =>
      apiPost(
        '/v1/work-orders',
        JSON.stringify(workOrderRequest).replace('{', '{"__proto__":{"isAdmin":true},'),
      ),
    expect: rejected(400, 'key "__proto__" at $.__proto__ is not allowed'),
  },
  {
    kind: 'duplicated keys',
    input: () =>
      apiPost(
        '/v1/work-orders',
        JSON.stringify(workOrderRequest).replace('"plant":"1010"', '"plant":"2020","plant":"1010"'),
      ),
    expect: rejected(400, 'duplicate key "plant" at $.plant'),
  },
  {
    kind: 'wrong content type (text/plain)',
    input: () => apiPost('/v1/work-orders', workOrderRequest, { 'Content-Type': 'text/plain' }),
    expect: rejected(415, 'content type "text/plain" is not supported'),
  },
  {
    kind: 'path traversal in the order number path parameter',
    input: () => ({ method: 'GET', path: '/v1/orders/..%2F..%2Fadmin/status', query: { plant: '1010' } }),
    expect: rejected(400, 'path parameter order number "../../admin" is invalid'),
  },
  {
    kind: 'path traversal in the order number of a release',
    input: () => apiPost('/v1/orders/..%2F..%2Fadmin/release', { plant: '1010' }),
    expect: rejected(400, 'path parameter order number "../../admin" is invalid'),
  },
  {
    kind: 'SQL injection in the equipment path parameter',
    input: () => ({ method: 'GET', path: "/v1/equipment/1' OR '1'='1", query: { plant: '1010' } }),
    expect: rejected(400, 'path parameter equipment id'),
  },
  {
    kind: 'broken percent-encoding in a path parameter',
    input: () => ({ method: 'GET', path: '/v1/equipment/%E0%A4%A', query: { plant: '1010' } }),
    expect: rejected(400, 'not valid percent-encoding'),
  },
]);

const mesPublisher = queueCases('mes-publisher', [
  {
    kind: 'message body not JSON',
    input: () => ({ body: '<not json>' }),
    expect: deadLetter('message body is not JSON'),
  },
  {
    kind: 'wrong event type for the queue',
    input: () => ({ body: JSON.stringify({ ...releasedEvent(), 'detail-type': 'DowntimeStarted' }) }),
    expect: deadLetter(
      'expected one of ProductionOrderReleased, ProductionOrderChanged, ProductionOrderCancelled',
    ),
  },
  {
    kind: 'schema-invalid event (order number missing)',
    input: () => withDetail(releasedEvent(), 'data', { orderNumber: undefined }),
    expect: deadLetter('invalid ProductionOrderReleased'),
  },
  {
    kind: 'envelope timestamp without offset',
    input: () => withDetail(releasedEvent(), 'metadata', { occurredAt: '2026-11-25T05:30:12' }),
    expect: deadLetter('invalid ProductionOrderReleased'),
  },
  {
    kind: 'huge number (1e309 JSON literal in a quantity)',
    input: () => {
      const body = JSON.stringify(releasedEvent());
      const changed = body.replace(/"plannedQuantity":\{"value":"[^"]+"/, '"plannedQuantity":{"value":1e309');
      if (changed === body) throw new Error('catalogue builder: no plannedQuantity in the event');
      return { body: changed };
    },
    expect: deadLetter('invalid ProductionOrderReleased'),
  },
  {
    kind: 'unknown plant (no MES configured)',
    input: () => withDetail(releasedEvent(), 'metadata', { plant: '9999' }),
    expect: deadLetter('plant 9999 has no MES configured'),
  },
]);

const sapPoster = queueCases('sap-poster', [
  {
    kind: 'message body not JSON',
    input: () => ({ body: '{"detail": ' }),
    expect: deadLetter('message body is not JSON'),
  },
  {
    kind: 'wrong event type for the queue',
    input: () => ({ body: JSON.stringify(releasedEvent()) }),
    expect: deadLetter('expected one of ProductionConfirmed'),
  },
  {
    kind: 'negative yield in a confirmation',
    input: () => withDetail(confirmedEvent(), 'data', { yield: { value: '-5', unit: 'H87' } }),
    expect: deadLetter('invalid ProductionConfirmed'),
  },
  {
    kind: 'unknown unit in a confirmation',
    input: () => withDetail(confirmedEvent(), 'data', { yield: { value: '5', unit: 'PCS' } }),
    expect: deadLetter('invalid ProductionConfirmed'),
  },
  {
    kind: '30-digit quantity in a confirmation',
    input: () => withDetail(confirmedEvent(), 'data', { yield: { value: '9'.repeat(30), unit: 'H87' } }),
    expect: deadLetter('invalid ProductionConfirmed'),
  },
  {
    kind: 'unknown plant (no SAP mapping)',
    input: () => withDetail(confirmedEvent(), 'metadata', { plant: '9999' }),
    expect: { outcome: 'sync-exception', reason: 'plant 9999 has no SAP mapping' },
  },
]);

const egress = queueCases('maintenance-egress', [
  {
    kind: 'message body not JSON',
    input: () => ({ body: 'DROP TABLE x;' }),
    expect: deadLetter('message body is not JSON'),
  },
  {
    kind: 'unknown command kind',
    input: () => command({ kind: 'deleteEverything' }),
    expect: deadLetter('invalid maintenance command'),
  },
  {
    kind: 'schema-invalid command (externalReference missing)',
    input: () => command({ externalReference: undefined }),
    expect: deadLetter('invalid maintenance command'),
  },
  {
    kind: 'command timestamp without offset',
    input: () => command({ plannedStart: '2026-11-25T08:00:00' }),
    expect: deadLetter('plannedStart'),
  },
  {
    kind: 'invalid plant code in a command',
    input: () => command({ plant: '../../1010' }),
    expect: deadLetter('plant'),
  },
  {
    kind: 'oversize title (5,000 characters)',
    input: () => command({ title: 'x'.repeat(5000) }),
    expect: deadLetter('title'),
  },
]);

export const CATALOGUE: readonly CatalogueEntry[] = [
  ...sap,
  ...mes,
  ...maintainx,
  ...api,
  ...mesPublisher,
  ...sapPoster,
  ...egress,
];

export const ingressOf = (entry: CatalogueEntry): Ingress => entry.ingress;

// ── known gaps ──────────────────────────────────────────────────────────────────────────────

/**
 * Bad inputs that would fail their catalogue entry today, as ready entries with the rejection a fix
 * should give; the jest catalogue does not run them. `npx tsx test/proof/write-reliability-report.ts
 * --only gaps` shows which are fixed; when one passes, move it into the catalogue above.
 */
export const GAP_CASES: readonly CatalogueEntry[] = [];

export interface KnownGap {
  readonly ingress: Ingress;
  readonly input: string;
  readonly observed: string;
  /** Where the fix belongs. */
  readonly file: string;
}

/**
 * Bad inputs that are accepted today. Empty since 2026-11-25: non-UTF-8 bodies, duplicated and
 * prototype keys, the webhook's content type and the business API's path parameters are refused and
 * catalogued above.
 */
export const KNOWN_GAPS: readonly KnownGap[] = [];
