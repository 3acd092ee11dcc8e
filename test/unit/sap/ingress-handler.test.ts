import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { createIngressHandler, createReprocessHandler } from '../../../functions/sap-idoc-ingress/handler';
import type { IngestDeps } from '../../../functions/sap-idoc-ingress/ingest';
import { TransientError } from '../../../shared/errors';
import { EventPublisher } from '../../../shared/publisher';
import { lambdaContext, MemoryRawStore, MemoryRegistry, RecordingPublisher } from './doubles';
import { fixture, testMappings } from './fixtures';

const post = (body: string, contentType = 'text/xml; charset=utf-8'): APIGatewayProxyEvent =>
  ({
    httpMethod: 'POST',
    path: '/sap/idoc',
    headers: { 'Content-Type': contentType, 'x-correlation-id': 'corr-1' },
    body,
    isBase64Encoded: false,
    pathParameters: null,
    queryStringParameters: null,
    requestContext: { requestId: 'api-req' },
  }) as unknown as APIGatewayProxyEvent;

let rawStore: MemoryRawStore;
let registry: MemoryRegistry;
let publisher: RecordingPublisher;
let deps: IngestDeps;

beforeEach(() => {
  rawStore = new MemoryRawStore();
  registry = new MemoryRegistry();
  publisher = new RecordingPublisher();
  deps = { rawStore, registry, publisher, translate: { mappings: testMappings }, maxBodyBytes: 200_000 };
});

const call = async (event: APIGatewayProxyEvent) => {
  const handler = createIngressHandler(() => deps);
  const response = (await handler(event, lambdaContext())) as APIGatewayProxyResult;
  return { status: response.statusCode, body: JSON.parse(response.body || '{}') as Record<string, unknown> };
};

describe('SAP IDoc ingress handler', () => {
  it('publishes the events of several IDocs and answers 200 with the accepted DOCNUMs', async () => {
    const { status, body } = await call(post(fixture('idoc/loipro01-batch.xml')));

    expect(status).toBe(200);
    expect(body).toMatchObject({
      accepted: ['0000000000123501', '0000000000123502', '0000000000123503', '0000000000123504'],
      published: ['0000000000123501', '0000000000123502', '0000000000123503'],
      duplicates: ['0000000000123501'],
      skipped: [{ docnum: '0000000000123504', reason: expect.stringContaining('not released') }],
    });
    expect(publisher.published.map((p) => [p.detailType, p.idempotencyKey])).toEqual([
      ['ProductionOrderReleased', 'sap:idoc:0000000000123501'],
      ['ProductionOrderChanged', 'sap:idoc:0000000000123502'],
      ['ProductionOrderCancelled', 'sap:idoc:0000000000123503'],
    ]);
    expect(publisher.published[0]?.sourceRef).toEqual({
      system: 'sap',
      kind: 'idoc',
      id: '0000000000123501',
    });
  });

  it('treats an IDoc SAP sends again as a duplicate and publishes nothing more', async () => {
    await call(post(fixture('idoc/loipro01-released.xml')));

    const { status, body } = await call(post(fixture('idoc/loipro01-released.xml')));

    expect(status).toBe(200);
    expect(body).toMatchObject({
      accepted: ['0000000000123456'],
      published: [],
      duplicates: ['0000000000123456'],
    });
    expect(publisher.published).toHaveLength(1);
  });

  it('keeps the raw payload of every request and marks it processed', async () => {
    const { body } = await call(post(fixture('idoc/equipment-create.xml')));

    const stored = rawStore.records.get(String(body.receiptId));
    expect(stored).toMatchObject({
      status: 'processed',
      docnums: ['0000000000200001'],
      contentType: 'text/xml; charset=utf-8',
    });
    expect(stored?.body).toBe(fixture('idoc/equipment-create.xml'));
  });

  it('answers 400 with the reason for malformed XML and keeps the payload as rejected', async () => {
    const { status, body } = await call(post(fixture('idoc/matmas05-unescaped-ampersand.xml')));

    expect(status).toBe(400);
    expect(body.error).toBe('IdocMalformedXmlError');
    expect(body.message).toMatch(/^malformed XML at line \d+/);
    const [stored] = rawStore.records.values();
    expect(stored).toMatchObject({ status: 'rejected', reason: body.message });
    expect(publisher.published).toEqual([]);
  });

  it('answers 400 naming the IDoc type it does not know', async () => {
    const xml = fixture('idoc/loipro01-released.xml').replace(
      '<IDOCTYP>LOIPRO01</IDOCTYP>',
      '<IDOCTYP>DELVRY07</IDOCTYP>',
    );

    const { status, body } = await call(post(xml));

    expect(status).toBe(400);
    expect(body).toMatchObject({ error: 'IdocUnknownTypeError' });
    expect(body.message).toContain('IDoc type DELVRY07');
  });

  it('answers 400 naming a missing mandatory segment', async () => {
    const xml = fixture('idoc/matmas05.xml').replaceAll('E1MAKTM', 'E1XXXXX');

    const { status, body } = await call(post(xml));

    expect(status).toBe(400);
    expect(body.message).toBe(
      'IDoc 0000000000300001 (MATMAS05): mandatory segment E1MAKTM (material description) is missing under E1MARAM',
    );
  });

  it.each(['application/json', 'text/plain'])('answers 415 for %s', async (contentType) => {
    const { status } = await call(post(fixture('idoc/loipro01-released.xml'), contentType));

    expect(status).toBe(415);
    expect(rawStore.records.size).toBe(0);
  });

  it('accepts application/xml', async () => {
    expect((await call(post(fixture('idoc/equipment-create.xml'), 'application/xml'))).status).toBe(200);
  });

  it('answers 413 for a body over the size limit', async () => {
    deps = { ...deps, maxBodyBytes: 1000 };

    expect((await call(post(fixture('idoc/loipro01-released.xml')))).status).toBe(413);
  });

  it('releases the DOCNUMs and answers 503 when publishing fails, so a re-send publishes', async () => {
    publisher.failWith = new TransientError('EventBridge throttled');
    const failed = await call(post(fixture('idoc/equipment-create.xml')));
    publisher.failWith = undefined;

    const resent = await call(post(fixture('idoc/equipment-create.xml')));

    expect(failed.status).toBe(503);
    expect([...rawStore.records.values()][0]?.status).toBe('failed');
    expect(resent.body).toMatchObject({ published: ['0000000000200001'], duplicates: [] });
    expect(publisher.published).toHaveLength(1);
  });

  it('re-processes a rejected payload after the mapping is fixed', async () => {
    const xml = fixture('idoc/loipro01-released.xml').replace('<MEINS>L</MEINS>', '<MEINS>FAS</MEINS>');
    const rejected = await call(post(xml));
    expect(rejected.status).toBe(400);
    const [receiptId] = rawStore.records.keys();
    const plant = testMappings.plants[0];
    if (!plant || !receiptId) throw new Error('fixture mapping has a plant');
    const fixed: IngestDeps = {
      ...deps,
      translate: { mappings: { ...testMappings, plants: [{ ...plant, units: { FAS: 'LTR' } }] } },
    };

    const result = await createReprocessHandler(() => fixed)({ receiptId }, lambdaContext());

    expect(result).toMatchObject({ receiptId, published: ['0000000000123456'] });
    expect(rawStore.records.get(receiptId)?.status).toBe('processed');
    expect(publisher.published).toHaveLength(1);
  });
});

describe('SAP IDoc ingress with the shared publisher', () => {
  it('publishes envelopes that pass the publisher validation and ownership checks', async () => {
    const entries: { DetailType?: string; Source?: string; Detail?: string }[] = [];
    const eventBridge = {
      send: async (command: { input: { Entries?: typeof entries } }) => {
        entries.push(...(command.input.Entries ?? []));
        return {
          Entries: (command.input.Entries ?? []).map((_, i) => ({ EventId: `e-${i}` })),
          FailedEntryCount: 0,
        };
      },
    };
    deps = {
      ...deps,
      publisher: new EventPublisher({
        busName: 'plantsync-test',
        producer: { system: 'sap', name: 'idoc-ingress' },
        client: eventBridge as never,
      }),
    };

    const { status } = await call(post(fixture('idoc/matmas05.xml')));

    expect(status).toBe(200);
    expect(entries.map((e) => [e.Source, e.DetailType])).toEqual([
      ['plantsync.sap', 'MaterialMasterChanged'],
      ['plantsync.sap', 'MaterialMasterChanged'],
    ]);
    const detail = JSON.parse(entries[0]?.Detail ?? '{}') as { metadata: Record<string, unknown> };
    expect(detail.metadata).toMatchObject({
      idempotencyKey: 'sap:idoc:0000000000300001:1010',
      correlationId: 'corr-1',
      producer: 'sap.idoc-ingress',
      sourceRef: { system: 'sap', kind: 'idoc', id: '0000000000300001' },
    });
  });
});
