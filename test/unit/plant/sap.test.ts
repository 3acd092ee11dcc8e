import type { AuthProvider } from '../../../functions/sap/odata/auth';
import { ODataClient } from '../../../functions/sap/odata/client';
import { SapBusinessError, SapUnavailableError } from '../../../functions/sap/odata/errors';
import type { ManualClock } from '../../../local/plant/clock';
import { SimulatedSap } from '../../../local/plant/sap';
import { manualClock, masterMap, PLANT_1000, PLANT_2000 } from './helpers';

const SEED = 'sap-test';
const CONF = 'API_PROD_ORDER_CONFIRMATION_2_SRV';
const basic = `Basic ${Buffer.from('PLANTSYNC:sim-password').toString('base64')}`;

let clock: ManualClock;
let sap: SimulatedSap;

const fetchToken = async (): Promise<{ token: string; cookie: string }> => {
  const response = await fetch(`${sap.odataUrl}/${CONF}/`, {
    headers: { authorization: basic, 'x-csrf-token': 'Fetch' },
  });
  const cookie = response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return { token: response.headers.get('x-csrf-token') ?? '', cookie };
};

const confirmation = (orderNumber: string, operation: string, reference: string) => ({
  OrderID: orderNumber,
  OrderOperation: operation,
  ConfirmationYieldQuantity: '10',
  ConfirmationScrapQuantity: '1',
  ConfirmationUnit: 'ST',
  IsFinalConfirmation: false,
  ConfirmationText: reference,
});

const postConfirmation = (session: { token: string; cookie: string }, body: unknown) =>
  fetch(`${sap.odataUrl}/${CONF}/ProdnOrdConf2`, {
    method: 'POST',
    headers: {
      authorization: basic,
      'x-csrf-token': session.token,
      cookie: session.cookie,
      'content-type': 'application/json',
      accept: 'application/json',
    },
    body: JSON.stringify(body),
  });

const client = (): ODataClient => {
  const auth: AuthProvider = { authorization: async () => basic, invalidate: () => undefined };
  return new ODataClient({ baseUrl: sap.odataUrl, auth, sleep: async () => undefined, maxAttempts: 2 });
};

beforeEach(async () => {
  clock = manualClock();
  sap = await new SimulatedSap({
    seed: SEED,
    clock,
    plants: [PLANT_1000, PLANT_2000],
    masterData: masterMap(SEED),
    csrfTtlMs: 10 * 60_000,
    pageSize: 5,
  }).start();
});

afterEach(async () => {
  await sap.stop();
});

describe('simulated SAP: CSRF tokens', () => {
  it('issues a token with a session cookie on GET x-csrf-token: Fetch and accepts a posting carrying both', async () => {
    const [order] = sap.createOrders('1000', 1);
    const session = await fetchToken();

    const response = await postConfirmation(
      session,
      confirmation(order?.orderNumber ?? '', '0010', 'CONF-1'),
    );

    expect(session.token).toMatch(/==$/);
    expect(session.cookie).toContain('SAP_SESSIONID_S4H_100=');
    expect(response.status).toBe(201);
    const body = (await response.json()) as {
      d: { ConfirmationGroup: string; __metadata: { type: string } };
    };
    expect(body.d.__metadata.type).toBe(`${CONF}.ProdnOrdConf2Type`);
    expect(sap.records.confirmations).toHaveLength(1);
  });

  it('refuses a modifying request without a token with 403 and x-csrf-token: Required', async () => {
    const [order] = sap.createOrders('1000', 1);

    const response = await postConfirmation(
      { token: '', cookie: '' },
      confirmation(order?.orderNumber ?? '', '0010', 'C'),
    );

    expect(response.status).toBe(403);
    expect(response.headers.get('x-csrf-token')).toBe('Required');
    expect(sap.records.confirmations).toHaveLength(0);
  });

  it('lets a token expire after the configured simulated time', async () => {
    const [order] = sap.createOrders('1000', 1);
    const session = await fetchToken();

    await clock.advance(11 * 60_000);
    const response = await postConfirmation(session, confirmation(order?.orderNumber ?? '', '0010', 'C'));

    expect(response.status).toBe(403);
    expect(response.headers.get('x-csrf-token')).toBe('Required');
  });

  it('lets the connector OData client refetch a token after expiry and post once', async () => {
    const [order] = sap.createOrders('1000', 1);
    const odata = client();
    await odata.create(CONF, 'ProdnOrdConf2', confirmation(order?.orderNumber ?? '', '0010', 'A'));
    sap.expireCsrfTokens();

    await odata.create(CONF, 'ProdnOrdConf2', confirmation(order?.orderNumber ?? '', '0020', 'B'));

    expect(sap.records.confirmations.map((c) => c.operation)).toEqual(['0010', '0020']);
  });
});

describe('simulated SAP: authentication', () => {
  it('answers 401 without credentials', async () => {
    const response = await fetch(`${sap.odataUrl}/API_EQUIPMENT/Equipment`);

    expect(response.status).toBe(401);
  });

  it('accepts an OAuth 2.0 client-credentials bearer token', async () => {
    const token = await fetch(sap.tokenUrl, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from('plantsync:sim-client-secret').toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    const { access_token: accessToken } = (await token.json()) as { access_token: string };

    const response = await fetch(`${sap.odataUrl}/API_EQUIPMENT/Equipment?$format=json`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });

    expect(response.status).toBe(200);
  });
});

describe('simulated SAP: business rejections', () => {
  it('refuses a posting against a locked order with an OData error body, and records it', async () => {
    const [order] = sap.createOrders('1000', 1);
    const orderNumber = order?.orderNumber ?? '';
    sap.lockOrder(orderNumber, 'MUELLER');
    const session = await fetchToken();

    const response = await postConfirmation(session, confirmation(orderNumber, '0010', 'L'));

    expect(response.status).toBe(400);
    const body = (await response.json()) as {
      error: { code: string; message: { lang: string; value: string } };
    };
    expect(body.error.code).toBe('CO/469');
    expect(body.error.message.value).toContain('MUELLER');
    expect(sap.records.rejections).toEqual([expect.objectContaining({ kind: 'locked-order', orderNumber })]);
    expect(sap.records.confirmations).toHaveLength(0);
  });

  it('refuses postings while the posting period is closed, which the connector reads as a business error', async () => {
    const [order] = sap.createOrders('1000', 1);
    sap.closePostingPeriod();

    const attempt = client().create(
      CONF,
      'ProdnOrdConf2',
      confirmation(order?.orderNumber ?? '', '0010', 'P'),
    );

    await expect(attempt).rejects.toBeInstanceOf(SapBusinessError);
    expect(sap.records.rejections[0]?.kind).toBe('closed-period');
  });

  it('counts two confirmations with the same external reference as a duplicate', async () => {
    const [order] = sap.createOrders('1000', 1);
    const odata = client();
    const body = confirmation(order?.orderNumber ?? '', '0010', 'MES-CONF-77');

    await odata.create(CONF, 'ProdnOrdConf2', body);
    await odata.create(CONF, 'ProdnOrdConf2', body);

    expect(sap.records.duplicates).toEqual([
      expect.objectContaining({ kind: 'confirmation', externalReference: 'MES-CONF-77' }),
    ]);
    expect(sap.records.confirmations.filter((c) => c.duplicate)).toHaveLength(1);
  });
});

describe('simulated SAP: transient faults and outages', () => {
  it('answers 429 with Retry-After when a fault is injected', async () => {
    sap.failNext(1, 429, 7);

    const response = await fetch(`${sap.odataUrl}/API_EQUIPMENT/Equipment`, {
      headers: { authorization: basic },
    });

    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('7');
    expect(sap.records.faults).toEqual([expect.objectContaining({ status: 429, reason: 'injected' })]);
  });

  it('answers 503 while down and serves again when up', async () => {
    sap.down();
    const during = client().list('API_EQUIPMENT', 'Equipment');
    await expect(during).rejects.toBeInstanceOf(SapUnavailableError);

    sap.up();
    const equipment = await client().list('API_EQUIPMENT', 'Equipment');

    expect(equipment.length).toBeGreaterThan(5);
  });
});

describe('simulated SAP: OData reads', () => {
  it('pages a large entity set with __next, which the connector client follows', async () => {
    const all = await client().list<{ Equipment: string }>('API_EQUIPMENT', 'Equipment');

    const expected = [...masterMap(SEED).values()].flatMap((m) => m.equipment.map((e) => e.equipmentId));
    expect(all.map((e) => e.Equipment)).toEqual(expected);
  });

  it('serves production orders with their operations by $filter and an ETag', async () => {
    const [order] = sap.createOrders('1000', 2);
    const odata = client();

    const entity = await odata.get<{ ManufacturingOrder: string }>(
      'API_PRODUCTION_ORDER_2_SRV',
      `A_ProductionOrder_2('${order?.orderNumber}')`,
    );
    const operations = await odata.list<{ ManufacturingOrderOperation: string }>(
      'API_PRODUCTION_ORDER_2_SRV',
      'A_ProductionOrderOperation_2',
      { $filter: `ManufacturingOrder eq '${order?.orderNumber}'` },
    );

    expect(entity.data.ManufacturingOrder).toBe(order?.orderNumber);
    expect(entity.etag).toMatch(/^W\/"datetime'/);
    expect(operations.map((o) => o.ManufacturingOrderOperation)).toEqual(
      order?.operations.map((o) => o.operationNumber),
    );
  });

  it('records maintenance notifications and orders with basic dates as an operational impact', async () => {
    const equipment = masterMap(SEED).get('2000')?.equipment[0]?.equipmentId ?? '';
    const odata = client();

    await odata.create('API_MAINTNOTIFICATION', 'MaintenanceNotification', {
      NotificationType: 'M2',
      NotificationText: 'Spindle overload',
      TechnicalObject: equipment,
      TechObjIsEquipOrFuncnlLoc: 'EAMS_EQUI',
      MaintPriority: '2',
      MaintenancePlanningPlant: '2000',
      MaintNotifExtReferenceNumber: 'DT-2000-000001',
      MaintenanceObjectIsDown: true,
    });
    await odata.create('API_MAINTENANCEORDER', 'MaintenanceOrder', {
      MaintenanceOrderType: 'PM01',
      MaintenanceOrderDesc: 'Replace spindle bearing',
      Equipment: equipment,
      MaintenancePlanningPlant: '2000',
      MaintPriority: '2',
      MaintOrdBasicStartDateTime: '2026-11-28T06:00:00Z',
      MaintOrdBasicEndDateTime: '2026-11-28T10:00:00Z',
      MaintObjectFreeDefinedAttrib: 'ALERT-7',
    });

    expect(sap.records.notifications).toEqual([
      expect.objectContaining({ equipment, externalReference: 'DT-2000-000001', objectIsDown: true }),
    ]);
    expect(sap.records.operationalImpacts).toEqual([
      expect.objectContaining({ source: 'maintenance-order', equipment, externalReference: 'ALERT-7' }),
    ]);
  });
});
