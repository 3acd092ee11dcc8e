import { parseSapMappings } from '../../../functions/sap/mapping';
import type { ODataClient } from '../../../functions/sap/odata/client';
import { SapNotFoundError } from '../../../functions/sap/odata/errors';
import {
  odataDateTimeToIso,
  readReleasedOrder,
  type SapOrderHeader,
} from '../../../functions/sap/postings/released-order';

const mappings = parseSapMappings({
  systemTimeZone: 'UTC',
  senders: ['S4HCLNT100'],
  plants: [{ plant: '1010', timeZone: 'Europe/Berlin', orderTypes: ['PP01'], workCenters: {} }],
});

const DAY = Date.UTC(2026, 10, 25); // 2026-11-25, a calendar date at UTC midnight (SAP Gateway)

const header = (overrides: Partial<SapOrderHeader> = {}): SapOrderHeader => ({
  ManufacturingOrder: '000001000123',
  ManufacturingOrderType: 'PP01',
  ProductionPlant: '1010',
  Material: '000000000000004711',
  TotalQuantity: '120.000',
  ProductionUnit: 'ST',
  ProductionVersion: '0001',
  MRPController: '101',
  MfgOrderPlannedStartDate: `/Date(${DAY})/`,
  MfgOrderPlannedStartTime: 'PT06H00M00S',
  MfgOrderPlannedEndDate: `/Date(${DAY})/`,
  MfgOrderPlannedEndTime: 'PT14H00M00S',
  MfgOrderScheduledStartDate: null,
  MfgOrderScheduledEndDate: null,
  OrderIsReleased: 'X',
  to_ProductionOrderOperation: {
    results: [
      {
        ManufacturingOrderSequence: '0',
        ManufacturingOrderOperation: '10',
        MfgOrderOperationText: 'Rough milling',
        WorkCenter: 'MILL01',
        OperationControlProfile: 'PP01',
        OperationUnit: 'ST',
        OpPlannedTotalQuantity: '120',
        WorkCenterStandardWorkQtyUnit1: 'H',
        WorkCenterStandardWorkQty1: '0.000',
        WorkCenterStandardWorkQtyUnit2: 'H',
        WorkCenterStandardWorkQty2: '2.500',
      },
    ],
  },
  to_ProductionOrderComponent: {
    results: [
      {
        ReservationItem: '0001',
        Material: 'RM-CAST-22',
        ManufacturingOrderOperation: '0010',
        StorageLocation: '0001',
        RequiredQuantity: '120',
        BaseUnit: 'ST',
        MatlCompIsMarkedForBackflush: true,
      },
      {
        ReservationItem: '0002',
        Material: 'RM-OLD',
        RequiredQuantity: '1',
        BaseUnit: 'ST',
        MatlCompIsMarkedForDeletion: true,
      },
    ],
  },
  to_ProductionOrderStatus: { results: [{ StatusShortName: 'REL', IsUserStatus: false }] },
  ...overrides,
});

/** A stand-in OData client that answers the order read and records every call. */
const fakeClient = (answer: SapOrderHeader | Error, lists: Record<string, unknown[]> = {}) => {
  const calls: { method: string; path: string; query?: unknown }[] = [];
  const client = {
    get: async (_service: string, path: string, query: unknown) => {
      calls.push({ method: 'get', path, query });
      if (answer instanceof Error) throw answer;
      return { data: answer };
    },
    list: async (_service: string, set: string, query: unknown) => {
      calls.push({ method: 'list', path: set, query });
      return lists[set] ?? [];
    },
  } as unknown as ODataClient;
  return { client, calls };
};

describe('released order from SAP OData', () => {
  it('reads the order with its operations, components and statuses in one expanded read', async () => {
    const { client, calls } = fakeClient(header());

    const order = await readReleasedOrder(client, mappings, '1010', '1000123');

    expect(calls).toEqual([
      {
        method: 'get',
        path: "A_ProductionOrder_2('1000123')",
        query: {
          $expand: 'to_ProductionOrderOperation,to_ProductionOrderComponent,to_ProductionOrderStatus',
        },
      },
    ]);
    expect(order).toEqual({
      orderNumber: '1000123',
      orderType: 'PP01',
      material: { number: '4711' },
      plannedQuantity: { value: '120.000', unit: 'H87' },
      plannedStart: '2026-11-25T06:00:00+01:00',
      plannedEnd: '2026-11-25T14:00:00+01:00',
      productionVersion: '0001',
      mrpController: '101',
      systemStatus: ['REL'],
      operations: [
        {
          sequence: '0',
          operationNumber: '0010',
          description: 'Rough milling',
          workCenter: 'MILL01',
          controlKey: 'PP01',
          plannedQuantity: { value: '120', unit: 'H87' },
          machineTime: { value: '2.500', unit: 'HUR' },
        },
      ],
      components: [
        {
          reservationItem: '0001',
          material: { number: 'RM-CAST-22' },
          requiredQuantity: { value: '120', unit: 'H87' },
          operationNumber: '0010',
          storageLocation: '0001',
          backflush: true,
        },
      ],
    });
  });

  it('reads operations, components and statuses apart when the service leaves them deferred', async () => {
    const deferred = { __deferred: { uri: 'x' } };
    const expanded = header();
    const { client, calls } = fakeClient(
      header({
        to_ProductionOrderOperation: deferred,
        to_ProductionOrderComponent: deferred,
        to_ProductionOrderStatus: deferred,
      }),
      {
        A_ProductionOrderOperation_2: [
          ...(expanded.to_ProductionOrderOperation as { results: unknown[] }).results,
        ],
        A_ProductionOrderStatus_2: [{ StatusShortName: 'REL' }],
      },
    );

    const order = await readReleasedOrder(client, mappings, '1010', '1000123');

    expect(calls.filter((c) => c.method === 'list').map((c) => [c.path, c.query])).toEqual([
      ['A_ProductionOrderOperation_2', { $filter: "ManufacturingOrder eq '000001000123'" }],
      ['A_ProductionOrderComponent_2', { $filter: "ManufacturingOrder eq '000001000123'" }],
      ['A_ProductionOrderStatus_2', { $filter: "ManufacturingOrder eq '000001000123'" }],
    ]);
    expect(order?.operations.map((o) => o.operationNumber)).toEqual(['0010']);
    expect(order?.components).toEqual([]);
  });

  it('takes the scheduled dates when scheduling ran', async () => {
    const { client } = fakeClient(
      header({ MfgOrderScheduledStartDate: `/Date(${DAY})/`, MfgOrderScheduledStartTime: 'PT07H30M00S' }),
    );

    const order = await readReleasedOrder(client, mappings, '1010', '1000123');

    expect(order?.plannedStart).toBe('2026-11-25T07:30:00+01:00');
  });

  it.each([
    ['SAP does not know it', new SapNotFoundError('no order')],
    ['it belongs to another plant', header({ ProductionPlant: '2020' })],
    ['its order type is not sent to the MES', header({ ManufacturingOrderType: 'PP99' })],
    ['it is not released', header({ to_ProductionOrderStatus: { results: [{ StatusShortName: 'CRTD' }] } })],
    [
      'it is technically completed',
      header({
        to_ProductionOrderStatus: { results: [{ StatusShortName: 'REL' }, { StatusShortName: 'TECO' }] },
      }),
    ],
    ['it is flagged for deletion', header({ OrderIsMarkedForDeletion: 'X' })],
  ])('answers undefined when %s', async (_why, answer) => {
    const { client } = fakeClient(answer);

    await expect(readReleasedOrder(client, mappings, '1010', '1000123')).resolves.toBeUndefined();
  });

  it('answers undefined for a plant without a SAP mapping and asks SAP nothing', async () => {
    const { client, calls } = fakeClient(header());

    await expect(readReleasedOrder(client, mappings, '9999', '1000123')).resolves.toBeUndefined();
    expect(calls).toEqual([]);
  });

  it('refuses a unit without a Rec 20 mapping as permanent, naming the field', async () => {
    const { client } = fakeClient(header({ ProductionUnit: 'ZZZ' }));

    await expect(readReleasedOrder(client, mappings, '1010', '1000123')).rejects.toMatchObject({
      name: 'PermanentError',
      message: expect.stringContaining('unit "ZZZ" in TotalQuantity'),
    });
  });

  it('passes other SAP failures on unchanged', async () => {
    const failure = new Error('socket hang up');
    const { client } = fakeClient(failure);

    await expect(readReleasedOrder(client, mappings, '1010', '1000123')).rejects.toBe(failure);
  });
});

describe('OData date and time to ISO 8601 in the plant zone', () => {
  it('reads a UTC-midnight date as a calendar date and the time as plant wall-clock time', () => {
    expect(odataDateTimeToIso(`/Date(${DAY})/`, 'PT23H30M00S', 'Europe/Berlin')).toBe(
      '2026-11-25T23:30:00+01:00',
    );
  });

  it('takes a date with a time part as an instant and uses its calendar date in the plant zone', () => {
    const instant = Date.parse('2026-11-24T23:30:00Z'); // 00:30 on the 25th in Berlin

    expect(odataDateTimeToIso(`/Date(${instant})/`, 'PT00H30M00S', 'Europe/Berlin')).toBe(
      '2026-11-25T00:30:00+01:00',
    );
  });

  it('answers undefined for an absent or initial date', () => {
    expect([
      odataDateTimeToIso(null, 'PT00H00M00S', 'UTC'),
      odataDateTimeToIso('/Date(-62135596800000)/', undefined, 'UTC'),
    ]).toEqual([undefined, undefined]);
  });
});
