import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isListUnsupported, MesClient, type MesClientOptions } from '../../../functions/mes/client';
import { isNotComparable } from '../../../functions/workflows/domain/reconciliation';

type Reply = { status: number; body: unknown };

/** A fake MES on 127.0.0.1 answering each request from a function of its URL. */
const fakeMes = async (reply: (url: URL) => Reply) => {
  const urls: string[] = [];
  const server: Server = createServer((req, res) => {
    urls.push(req.url ?? '');
    const { status, body } = reply(new URL(req.url ?? '/', 'http://127.0.0.1'));
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    urls,
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
};

const client = (
  endpoint: string,
  profile: 'rest-json' | 'b2mml' = 'rest-json',
  overrides: Partial<MesClientOptions> = {},
) =>
  new MesClient({
    plant: '1010',
    settings: { profile, endpoint, b2mmlVersion: 'V0700' },
    sleep: async () => undefined,
    timeoutMs: 2000,
    ...overrides,
  });

const pages = <T>(all: T[], url: URL, size = 2): Reply => {
  const page = Number(url.searchParams.get('page'));
  const items = all.slice((page - 1) * size, page * size);
  return {
    status: 200,
    body: { items, page, pageSize: size, nextPage: page * size < all.length ? page + 1 : null },
  };
};

describe('MES client list reads', () => {
  let mes: Awaited<ReturnType<typeof fakeMes>> | undefined;
  afterEach(async () => {
    await mes?.close();
    mes = undefined;
  });

  it('reads every page of the equipment master and keeps the master-data fields', async () => {
    const equipment = [
      {
        equipmentId: '10000041',
        description: 'Press',
        workCenter: 'PRESS01',
        active: true,
        available: false,
      },
      { equipmentId: '10000042', description: 'Mill', line: 'L1', functionalLocation: 'FL-1' },
      { equipmentId: '10000043', active: false },
    ];
    mes = await fakeMes((url) => pages(equipment, url));

    const listed = await client(mes.endpoint).listEquipment();

    expect(listed).toEqual(equipment);
    expect(mes.urls).toEqual([
      '/api/v1/equipment?page=1&pageSize=200',
      '/api/v1/equipment?page=2&pageSize=200',
    ]);
  });

  it('lists all orders with their canonical status across pages', async () => {
    const orders = [
      { orderNumber: '1000123', revision: 3, jobId: 'J1', status: 'RUNNING' },
      { orderNumber: '1000124', status: 'COMPLETED' },
      { orderNumber: '1000125', jobId: 'J3', status: 'RECEIVED' },
    ];
    mes = await fakeMes((url) => pages(orders, url));

    const listed = await client(mes.endpoint, 'rest-json', { pageSize: 2 }).listOrders();

    expect(listed).toEqual([
      { orderNumber: '1000123', status: 'in-execution', mesStatus: 'RUNNING', revision: 3, mesJobId: 'J1' },
      { orderNumber: '1000124', status: 'completed', mesStatus: 'COMPLETED' },
      { orderNumber: '1000125', status: 'released', mesStatus: 'RECEIVED', mesJobId: 'J3' },
    ]);
    expect(mes.urls[0]).toBe('/api/v1/production-orders?status=all&page=1&pageSize=2');
  });

  it('retries a page the MES answers with 503 and goes on from that page', async () => {
    let failures = 1;
    mes = await fakeMes((url) => {
      if (url.searchParams.get('page') === '2' && failures-- > 0) return { status: 503, body: {} };
      return pages([{ equipmentId: 'A' }, { equipmentId: 'B' }, { equipmentId: 'C' }], url);
    });

    const listed = await client(mes.endpoint, 'rest-json', { pageSize: 2 }).listEquipment();

    expect(listed.map((e) => e.equipmentId)).toEqual(['A', 'B', 'C']);
    expect(mes.urls.filter((u) => u.includes('page=2'))).toHaveLength(2);
  });

  it('refuses a list whose pages point back to an earlier page', async () => {
    mes = await fakeMes(() => ({ status: 200, body: { items: [{ equipmentId: 'A' }], nextPage: 1 } }));

    await expect(client(mes.endpoint).listEquipment()).rejects.toMatchObject({
      name: 'PermanentError',
      message: expect.stringContaining('loop back to page 1'),
    });
  });

  it('refuses a list longer than the page limit', async () => {
    mes = await fakeMes((url) => ({
      status: 200,
      body: { items: [], nextPage: Number(url.searchParams.get('page')) + 1 },
    }));

    await expect(client(mes.endpoint, 'rest-json', { maxPages: 3 }).listEquipment()).rejects.toMatchObject({
      name: 'PermanentError',
      message: expect.stringContaining('more than 3 pages'),
    });
  });

  it('refuses a malformed page and an unknown order status as permanent', async () => {
    mes = await fakeMes((url) =>
      url.pathname.endsWith('equipment')
        ? { status: 200, body: { equipment: [] } }
        : { status: 200, body: { items: [{ orderNumber: '1000123', status: 'PAUSED' }] } },
    );

    await expect(client(mes.endpoint).listEquipment()).rejects.toMatchObject({ name: 'PermanentError' });
    await expect(client(mes.endpoint).listOrders()).rejects.toMatchObject({
      name: 'PermanentError',
      message: expect.stringContaining('unknown status "PAUSED"'),
    });
  });

  it('says a B2MML plant has no list query, names the profile and calls nothing', async () => {
    mes = await fakeMes(() => ({ status: 500, body: {} }));
    const b2mml = client(mes.endpoint, 'b2mml');

    const equipment = b2mml.listEquipment();
    const orders = b2mml.listOrders();

    await expect(equipment).rejects.toMatchObject({
      name: 'PermanentError',
      message: expect.stringContaining('b2mml profile, which has no list query'),
    });
    const error = await orders.catch((e: unknown) => e);
    expect([isListUnsupported(error), isNotComparable(error)]).toEqual([true, true]);
    expect(mes.urls).toEqual([]);
  });
});
