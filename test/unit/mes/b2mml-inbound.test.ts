import { parseB2mml } from '../../../functions/mes/b2mml/document';
import { translatePerformance } from '../../../functions/mes/b2mml/inbound';
import { ValidationError } from '../../../shared/errors';
import { fixture } from './fixtures';

const reasonOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as Error).message;
  }
  throw new Error('expected a ValidationError');
};

const V0700 = 'b2mml/v0700-sync-operations-performance.xml';

const performance = (
  body: string,
  ns = 'http://www.mesa.org/xml/B2MML-V0700',
  bodId = '<BODID>DOC-1</BODID>',
) =>
  `<?xml version="1.0"?><SyncOperationsPerformance xmlns="${ns}"><ApplicationArea>${bodId}<CreationDateTime>2026-11-25T10:00:00Z</CreationDateTime></ApplicationArea><DataArea><Sync/><OperationsPerformance><HierarchyScope><EquipmentID>1010</EquipmentID><EquipmentElementLevel>Site</EquipmentElementLevel></HierarchyScope>${body}</OperationsPerformance></DataArea></SyncOperationsPerformance>`;

const response = (segment: string) =>
  `<OperationsResponse><ID>JOB-1</ID><OperationsRequestID>1000123</OperationsRequestID><SegmentResponse>${segment}</SegmentResponse></OperationsResponse>`;

const produced = (qty: string, unit = 'PCS') =>
  `<MaterialActual><MaterialDefinitionID>FG-1</MaterialDefinitionID><MaterialUse>Produced</MaterialUse><Quantity><QuantityString>${qty}</QuantityString><UnitOfMeasure>${unit}</UnitOfMeasure></Quantity></MaterialActual>`;

describe('B2MML version detection', () => {
  it.each([
    ['b2mml/v0700-sync-operations-performance.xml', 'V0700'],
    ['b2mml/v0700-unversioned-namespace-operations-performance.xml', 'V0700'],
    ['b2mml/v0600-sync-production-performance.xml', 'V0600'],
    ['b2mml/v0401-sync-production-performance.xml', 'V0401'],
  ])('detects %s as %s from its namespace', (path, version) => {
    expect(parseB2mml(fixture(path)).version).toBe(version);
  });

  it('rejects a document without a B2MML namespace', () => {
    expect(reasonOf(() => parseB2mml('<OperationsPerformance><ID>1</ID></OperationsPerformance>'))).toContain(
      'no B2MML namespace',
    );
  });

  it('rejects an unsupported B2MML version', () => {
    expect(reasonOf(() => parseB2mml(performance('', 'http://www.mesa.org/xml/B2MML-V0500')))).toContain(
      'unsupported namespace "http://www.mesa.org/xml/B2MML-V0500"',
    );
  });

  it('rejects XML that is not well formed with the line', () => {
    expect(reasonOf(() => parseB2mml('<a xmlns="http://www.mesa.org/xml/B2MML-V0700"><b></a>'))).toContain(
      'not well-formed XML',
    );
  });

  it('rejects a DOCTYPE (entity expansion)', () => {
    const xml = '<!DOCTYPE x [<!ENTITY a "aaaa">]><x xmlns="http://www.mesa.org/xml/B2MML-V0700">&a;</x>';

    expect(reasonOf(() => parseB2mml(xml))).toContain('DOCTYPE');
  });
});

/** One completed operation per document, as the simulated B2MML MES sends it. */
const operationDocument = (bodId: string, op: string, good: string, storage?: string) =>
  performance(
    `<OperationsResponse><ID>JOB-1</ID><OperationsRequestID>1000123</OperationsRequestID><ResponseState>Running</ResponseState><SegmentResponse><ID>${op}</ID><ActualEndTime>2026-11-25T09:00:00Z</ActualEndTime><SegmentState>Completed</SegmentState><MaterialActual><MaterialDefinitionID>RM-1</MaterialDefinitionID><MaterialUse>Consumed</MaterialUse><Quantity><QuantityString>180</QuantityString><UnitOfMeasure>PCS</UnitOfMeasure></Quantity></MaterialActual><MaterialActual><MaterialDefinitionID>FG-1</MaterialDefinitionID><MaterialUse>Produced</MaterialUse>${storage ? `<StorageLocation>${storage}</StorageLocation>` : ''}<Quantity><QuantityString>${good}</QuantityString><UnitOfMeasure>PCS</UnitOfMeasure></Quantity></MaterialActual></SegmentResponse></OperationsResponse>`,
    'http://www.mesa.org/xml/B2MML-V0700',
    `<BODID>${bodId}</BODID>`,
  );
const receipts = (facts: ReturnType<typeof translatePerformance>) =>
  facts.filter(
    (f) =>
      f.detailType === 'MaterialMovementRecorded' &&
      (f.data as { movement: string }).movement === 'goods-receipt',
  );

describe("B2MML goods receipt only for the order's last operation", () => {
  it('posts one goods receipt for a two-operation order reported one operation per document', () => {
    const first = translatePerformance(operationDocument('OPP-1', '0010', '176'));
    const last = translatePerformance(operationDocument('OPP-2', '0020', '172', '0002'));

    expect(receipts(first)).toEqual([]);
    expect(receipts(last).map((f) => f.data)).toEqual([
      expect.objectContaining({
        material: 'FG-1',
        quantity: { value: '172', unit: 'H87' },
        storageLocation: '0002',
      }),
    ]);
  });

  it('still confirms the yield of an intermediate operation', () => {
    const facts = translatePerformance(operationDocument('OPP-1', '0010', '176'));

    expect(facts.find((f) => f.detailType === 'ProductionConfirmed')?.data).toMatchObject({
      operationNumber: '0010',
      yield: { value: '176', unit: 'H87' },
    });
  });

  it('keeps the idempotency keys of the facts after a dropped intermediate receipt', () => {
    const facts = translatePerformance(operationDocument('OPP-1', '0010', '176'));

    expect(facts.map((f) => [f.detailType, f.idempotencyKey])).toEqual([
      ['MaterialMovementRecorded', 'mes:b2mml:OPP-1:1'],
      ['ProductionConfirmed', 'mes:b2mml:OPP-1:2'],
      ['OperationCompleted', 'mes:b2mml:OPP-1:4'],
    ]);
  });

  it('receives only the last segment of a completed response with several operations', () => {
    const segment = (op: string, good: string) =>
      `<SegmentResponse><ID>${op}</ID><SegmentState>Completed</SegmentState><ActualEndTime>2026-11-25T09:00:00Z</ActualEndTime>${produced(good)}</SegmentResponse>`;
    const xml = performance(
      `<OperationsResponse><ID>JOB-1</ID><OperationsRequestID>1000123</OperationsRequestID><ResponseState>Completed</ResponseState>${segment('0010', '176')}${segment('0020', '172')}</OperationsResponse>`,
    );

    expect(receipts(translatePerformance(xml)).map((f) => f.data)).toEqual([
      expect.objectContaining({ quantity: { value: '172', unit: 'H87' } }),
    ]);
  });

  it('posts no receipt for a running response whose output names no storage location', () => {
    const facts = translatePerformance(operationDocument('OPP-3', '0020', '50'));

    expect(receipts(facts)).toEqual([]);
  });
});

describe('B2MML V0700 OperationsPerformance → canonical facts', () => {
  it('emits the facts of a completed and a running segment in document order', () => {
    const facts = translatePerformance(fixture(V0700));

    expect(facts.map((f) => f.detailType)).toEqual([
      'MaterialMovementRecorded',
      'ProductionConfirmed',
      'OperationCompleted',
      'OperationStarted',
    ]);
  });

  it('derives deterministic idempotency keys from the BODID, numbered by place in the document', () => {
    const keys = translatePerformance(fixture(V0700)).map((f) => f.idempotencyKey);

    // 3 was the intermediate operation's output, which is work in progress and not a receipt.
    expect(keys).toEqual([1, 2, 4, 5].map((n) => `mes:b2mml:OPP-1010-20261125-000871:${n}`));
    expect(translatePerformance(fixture(V0700)).map((f) => f.idempotencyKey)).toEqual(keys);
  });

  it('splits produced material into yield and scrap and takes machine and labour time from the actuals', () => {
    const confirmation = translatePerformance(fixture(V0700))[1];

    expect(confirmation).toMatchObject({
      plant: '1010',
      occurredAt: '2026-11-25T08:23:00+01:00',
      equipmentId: '10000042',
    });
    expect(confirmation?.data).toEqual({
      orderNumber: '1000123',
      mesJobId: 'JOB-1010-000871',
      confirmationId: 'OPP-1010-20261125-000871:JOB-1010-000871:0010',
      operationNumber: '0010',
      yield: { value: '118', unit: 'H87' },
      scrap: { value: '2', unit: 'H87' },
      rework: { value: '0', unit: 'H87' },
      scrapReason: 'S01',
      finalConfirmation: true,
      machineTime: { value: '2.35', unit: 'HUR' },
      labourTime: { value: '2.35', unit: 'HUR' },
    });
  });

  it('records consumed material as a goods issue', () => {
    const [issue] = translatePerformance(fixture(V0700));

    expect(issue?.data).toMatchObject({
      movement: 'goods-issue',
      material: 'RM-CAST-22',
      quantity: { value: '120', unit: 'H87' },
      batch: 'L2611-0042',
      storageLocation: '0001',
      orderNumber: '1000123',
    });
  });

  it('starts the running operation on the equipment of its actual', () => {
    const started = translatePerformance(fixture(V0700)).at(-1);

    expect(started).toMatchObject({ occurredAt: '2026-11-25T08:31:00+01:00', equipmentId: '10000077' });
    expect(started?.data).toMatchObject({ operationNumber: '0020', equipmentId: '10000077' });
  });

  it('uses the performance ID when there is no BODID (unversioned V0700 namespace, bare noun)', () => {
    const [started] = translatePerformance(
      fixture('b2mml/v0700-unversioned-namespace-operations-performance.xml'),
    );

    expect(started).toMatchObject({
      detailType: 'OperationStarted',
      idempotencyKey: 'mes:b2mml:PERF-1010-000872:1',
    });
  });
});

describe('B2MML V0600 ProductionPerformance', () => {
  it('reads MaterialProducedActual / MaterialConsumedActual, scientific quantities and rework', () => {
    const facts = translatePerformance(fixture('b2mml/v0600-sync-production-performance.xml'));
    const confirmation = facts.find((f) => f.detailType === 'ProductionConfirmed');

    expect(facts.map((f) => f.detailType)).toEqual([
      'MaterialMovementRecorded',
      'ProductionConfirmed',
      'MaterialMovementRecorded',
    ]);
    expect(confirmation).toMatchObject({
      plant: '2020',
      sourceRef: { kind: 'b2mml-V0600', id: 'PPR-2020-77815' },
    });
    expect(confirmation?.data).toMatchObject({
      orderNumber: '1000456',
      operationNumber: '0030',
      yield: { value: '480', unit: 'EA' },
      rework: { value: '12', unit: 'EA' },
      finalConfirmation: false,
      machineTime: { value: '2', unit: 'HUR' },
    });
    expect(facts[0]?.data).toMatchObject({
      movement: 'goods-issue',
      quantity: { value: '612.5', unit: 'KGM' },
    });
  });
});

describe('B2MML V0401 ProductionPerformance', () => {
  it('accepts the V0401 shape with the response ID as document id and the plant from the URL', () => {
    const facts = translatePerformance(fixture('b2mml/v0401-sync-production-performance.xml'), {
      plant: '1010',
    });

    expect(facts).toHaveLength(1);
    expect(facts[0]).toMatchObject({
      idempotencyKey: 'mes:b2mml:53107:1',
      plant: '1010',
      occurredAt: '2026-11-25T11:58:25.3149559+01:00',
      data: {
        movement: 'goods-issue',
        material: 'CRBN0001',
        quantity: { value: '0.41', unit: 'KGM' },
        orderNumber: '258456',
      },
    });
  });

  it('refuses it without a plant in the URL, as it names no site', () => {
    expect(
      reasonOf(() => translatePerformance(fixture('b2mml/v0401-sync-production-performance.xml'))),
    ).toContain('no plant');
  });
});

describe('B2MML rejections', () => {
  it('rejects a root that is not a performance document', () => {
    const xml =
      '<SyncProductionSchedule xmlns="http://www.mesa.org/xml/B2MML-V0600"><DataArea/></SyncProductionSchedule>';

    expect(reasonOf(() => translatePerformance(xml))).toContain('is not an inbound performance document');
  });

  it('rejects a document without any id', () => {
    const body = `${response('<ID>0010</ID><SegmentState>Completed</SegmentState>')}${response('<ID>0020</ID>')}`;

    expect(reasonOf(() => translatePerformance(performance(body, undefined, '')))).toContain(
      'no document id',
    );
  });

  it('rejects a site that differs from the plant of the URL', () => {
    const xml = performance(response(`<ID>0010</ID>${produced('1')}`));

    expect(reasonOf(() => translatePerformance(xml, { plant: '2020' }))).toContain(
      'does not match the plant of the URL',
    );
  });

  it('rejects an unknown unit of measure with its path', () => {
    const xml = performance(
      response(`<ID>0010</ID><ActualEndTime>2026-11-25T10:00:00Z</ActualEndTime>${produced('1', 'barrels')}`),
    );

    expect(reasonOf(() => translatePerformance(xml))).toMatch(
      /MaterialActual\[1\]\/Quantity\/UnitOfMeasure: unknown unit "barrels"/,
    );
  });

  it('rejects produced material on a segment without an operation number', () => {
    const xml = performance(response(`<ID>Weighing</ID>${produced('1')}`));

    expect(reasonOf(() => translatePerformance(xml))).toContain('needs a 4-digit operation number');
  });

  it('rejects produced quantities in mixed units', () => {
    const xml = performance(response(`<ID>0010</ID>${produced('1')}${produced('2', 'KG')}`));

    expect(reasonOf(() => translatePerformance(xml))).toContain('mix units');
  });

  it('rejects a segment time without an offset', () => {
    const xml = performance(
      response(`<ID>0010</ID><ActualEndTime>2026-11-25T10:00:00</ActualEndTime>${produced('1')}`),
    );

    expect(reasonOf(() => translatePerformance(xml))).toContain('not an ISO 8601 date-time with offset');
  });

  it('rejects an unknown disposition', () => {
    const actual = produced('1').replace(
      '</Quantity>',
      '</Quantity><MaterialActualProperty><ID>Disposition</ID><Value><ValueString>Lost</ValueString></Value></MaterialActualProperty>',
    );

    expect(reasonOf(() => translatePerformance(performance(response(`<ID>0010</ID>${actual}`))))).toContain(
      'Disposition "lost" is not Good, Scrap or Rework',
    );
  });

  it('rejects a document that states no facts', () => {
    expect(reasonOf(() => translatePerformance(performance(response('<ID>0010</ID>'))))).toContain(
      'no facts',
    );
  });

  it('rejects a material actual without a quantity', () => {
    const xml = performance(
      response(
        '<ID>0010</ID><MaterialActual><MaterialDefinitionID>X</MaterialDefinitionID><MaterialUse>Consumed</MaterialUse></MaterialActual>',
      ),
    );

    expect(reasonOf(() => translatePerformance(xml))).toContain(
      'Quantity/QuantityString and Quantity/UnitOfMeasure are required',
    );
  });
});

describe('B2MML lots', () => {
  it('refuses a lot id longer than an SAP batch, naming it', () => {
    const actual =
      '<MaterialActual><MaterialDefinitionID>CRBN0001</MaterialDefinitionID><MaterialLotID>CRBN0001_LOT01</MaterialLotID><MaterialUse>Consumed</MaterialUse><Quantity><QuantityString>0.41</QuantityString><UnitOfMeasure>KG</UnitOfMeasure></Quantity></MaterialActual>';
    const xml = `<?xml version="1.0"?><SyncProductionPerformance xmlns="http://www.wbf.org/xml/B2MML-V0401"><ApplicationArea><CreationDateTime>2026-11-25T11:58:25+01:00</CreationDateTime></ApplicationArea><DataArea><Sync/><ProductionPerformance><ProductionResponse><ID>53107</ID><SegmentResponse><ID>Weighing</ID>${actual}</SegmentResponse></ProductionResponse></ProductionPerformance></DataArea></SyncProductionPerformance>`;

    expect(() => translatePerformance(xml, { plant: '1010' })).toThrow(
      /MaterialActual\[1\]\/MaterialLotID: "CRBN0001_LOT01" is longer than an SAP batch \(10 characters\)/,
    );
  });
});
