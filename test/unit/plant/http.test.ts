import { createServer } from 'node:net';
import { startServer } from '../../../local/plant/http';

const freePort = async (): Promise<number> => {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
};

describe('simulator HTTP server', () => {
  it('listens on the fixed port the configuration names', async () => {
    const port = await freePort();
    const server = await startServer(() => ({ status: 200, body: 'ok' }), port);
    try {
      expect(server.url).toBe(`http://127.0.0.1:${port}`);
      expect(await (await fetch(`${server.url}/x`)).text()).toBe('ok');
    } finally {
      await server.close();
    }
  });

  it('says which port is taken instead of failing obscurely', async () => {
    const first = await startServer(() => ({ status: 200 }));
    const port = Number(new URL(first.url).port);
    try {
      await expect(startServer(() => ({ status: 200 }), port)).rejects.toThrow(
        `port ${port} on 127.0.0.1 is in use`,
      );
    } finally {
      await first.close();
    }
  });
});
