import { appendFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SegmentLog } from '../../../edge/src/segment-log';

const entry = (key: string, body: string) => ({
  key,
  receivedAt: 1_764_050_400_000,
  contentType: 'application/json',
  body,
});

describe('edge segment log', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'edge-log-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('numbers appends in order and replays everything unacknowledged after reopening', async () => {
    const log = await SegmentLog.open({ dir });
    await log.append(entry('E1', 'a'));
    await log.append(entry('E2', 'b'));
    await log.append(entry('E1', 'c'));
    await log.close();

    const reopened = await SegmentLog.open({ dir });

    expect(reopened.pending().map((e) => [e.seq, e.key, e.body])).toEqual([
      [0, 'E1', 'a'],
      [1, 'E2', 'b'],
      [2, 'E1', 'c'],
    ]);
    await reopened.close();
  });

  it('remembers out-of-order acknowledgements across a restart', async () => {
    const log = await SegmentLog.open({ dir });
    for (const body of ['a', 'b', 'c', 'd']) await log.append(entry('E1', body));
    await log.ack(2);
    await log.ack(0);
    await log.close();

    const reopened = await SegmentLog.open({ dir });

    expect(reopened.pending().map((e) => e.seq)).toEqual([1, 3]);
    expect((await reopened.append(entry('E1', 'e'))).seq).toBe(4);
    await reopened.close();
  });

  it('truncates a torn record at the end of the last segment and keeps what came before', async () => {
    const log = await SegmentLog.open({ dir });
    await log.append(entry('E1', 'a'));
    await log.close();
    const [segment] = (await readdir(dir)).filter((f) => f.endsWith('.seg'));
    await appendFile(join(dir, segment as string), Buffer.from([0, 0, 0, 50, 1, 2, 3]));

    const reopened = await SegmentLog.open({ dir });
    const next = await reopened.append(entry('E1', 'b'));

    expect(reopened.pending().map((e) => e.body)).toEqual(['a', 'b']);
    expect(next.seq).toBe(1);
    await reopened.close();
    const again = await SegmentLog.open({ dir });
    expect(again.pending().map((e) => e.body)).toEqual(['a', 'b']);
    await again.close();
  });

  it('rolls segments and deletes those that are fully acknowledged', async () => {
    const log = await SegmentLog.open({ dir, segmentBytes: 1024 });
    for (let i = 0; i < 30; i++) await log.append(entry('E1', 'x'.repeat(100)));
    const before = (await readdir(dir)).filter((f) => f.endsWith('.seg')).length;

    for (let i = 0; i < 30; i++) await log.ack(i);
    const after = (await readdir(dir)).filter((f) => f.endsWith('.seg')).length;
    await log.close();

    expect(before).toBeGreaterThan(3);
    expect(after).toBe(1);
    const reopened = await SegmentLog.open({ dir, segmentBytes: 1024 });
    expect(reopened.pendingCount).toBe(0);
    expect((await reopened.append(entry('E1', 'y'))).seq).toBe(30);
    await reopened.close();
  });
});
