import { closeSync, fsyncSync, openSync } from 'node:fs';
import {
  type FileHandle,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  truncate,
} from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from './crc32';

/** One MES message as the relay received it. */
export interface LogEntry {
  /** Global, gap-free sequence number assigned on append. */
  readonly seq: number;
  /** Ordering key: the equipment the message is about (see keyOf). */
  readonly key: string;
  /** Epoch milliseconds when the relay accepted it. */
  readonly receivedAt: number;
  readonly contentType: string;
  readonly body: string;
}

export interface SegmentLogOptions {
  readonly dir: string;
  /** A segment is closed and a new one started beyond this size. @default 16 MiB */
  readonly segmentBytes?: number;
}

const HEADER = 8; // u32 length + u32 crc32, big-endian
const SEGMENT = /^(\d{20})\.seg$/;
const ACKS = 'acks.json';

interface Segment {
  readonly firstSeq: number;
  readonly file: string;
  lastSeq: number;
  size: number;
}

/**
 * Append-only segment log with an acknowledgement file.
 *
 * - `append` writes one length-prefixed, CRC-checked record and fsyncs it before resolving: the
 *   relay answers 2xx only after that, so an accepted message survives a crash or power loss.
 * - Delivery is in order per key, not globally, so acknowledgements arrive out of global order.
 *   `acks.json` holds a low-water mark (every seq below it is acknowledged) plus the acknowledged
 *   seqs above it; it is replaced atomically (write, fsync, rename, fsync dir).
 * - On open, every record not acknowledged is pending again (replayed). A torn record at the end
 *   of the last segment (a crash mid-append, never acknowledged to the sender) is truncated away.
 * - Segments entirely below the low-water mark are deleted.
 */
export class SegmentLog {
  private segments: Segment[] = [];
  private active: FileHandle | undefined;
  private nextSeq = 0;
  private lowWater = 0;
  private readonly acked = new Set<number>();
  private readonly pendingEntries = new Map<number, LogEntry>();
  private bytesPending = 0;
  private appendChain: Promise<unknown> = Promise.resolve();
  private ackWrite: Promise<void> = Promise.resolve();
  private ackDirty = false;
  private readonly segmentBytes: number;

  private constructor(private readonly options: SegmentLogOptions) {
    this.segmentBytes = options.segmentBytes ?? 16 * 1024 * 1024;
  }

  static async open(options: SegmentLogOptions): Promise<SegmentLog> {
    const log = new SegmentLog(options);
    await log.recover();
    return log;
  }

  /** Unacknowledged entries in sequence order (what a restarted relay replays). */
  pending(): LogEntry[] {
    return [...this.pendingEntries.values()];
  }

  get pendingCount(): number {
    return this.pendingEntries.size;
  }

  get pendingBytes(): number {
    return this.bytesPending;
  }

  /** Entries are inserted in increasing seq order, so the map's first value is the oldest. */
  oldestPending(): LogEntry | undefined {
    return this.pendingEntries.values().next().value;
  }

  /** Appends durably; resolves with the entry once it is on disk. Appends are serialised. */
  append(input: Omit<LogEntry, 'seq'>): Promise<LogEntry> {
    const run = this.appendChain.then(() => this.appendNow(input));
    this.appendChain = run.catch(() => undefined);
    return run;
  }

  private async appendNow(input: Omit<LogEntry, 'seq'>): Promise<LogEntry> {
    const entry: LogEntry = { seq: this.nextSeq, ...input };
    const payload = Buffer.from(JSON.stringify(entry), 'utf8');
    const record = Buffer.alloc(HEADER + payload.length);
    record.writeUInt32BE(payload.length, 0);
    record.writeUInt32BE(crc32(payload), 4);
    payload.copy(record, HEADER);
    let segment = this.segments.at(-1);
    if (!segment || !this.active || segment.size >= this.segmentBytes) segment = await this.roll(entry.seq);
    await (this.active as FileHandle).write(record, 0, record.length, segment.size);
    await (this.active as FileHandle).datasync();
    segment.size += record.length;
    segment.lastSeq = entry.seq;
    this.nextSeq = entry.seq + 1;
    this.track(entry);
    return entry;
  }

  /** Marks an entry delivered (or dead-lettered); persisted before the promise resolves. */
  async ack(seq: number): Promise<void> {
    if (seq < this.lowWater || this.acked.has(seq)) return;
    this.acked.add(seq);
    const entry = this.pendingEntries.get(seq);
    if (entry) {
      this.pendingEntries.delete(seq);
      this.bytesPending -= Buffer.byteLength(entry.body);
    }
    while (this.acked.has(this.lowWater)) {
      this.acked.delete(this.lowWater);
      this.lowWater++;
    }
    await this.persistAcks();
    await this.dropAcknowledgedSegments();
  }

  async close(): Promise<void> {
    await this.appendChain;
    await this.ackWrite;
    await this.active?.close();
    this.active = undefined;
  }

  // ---- internals --------------------------------------------------------------------------

  private track(entry: LogEntry): void {
    this.pendingEntries.set(entry.seq, entry);
    this.bytesPending += Buffer.byteLength(entry.body);
  }

  private get dir(): string {
    return this.options.dir;
  }

  /** Coalesces concurrent ack writes: at most one write in flight plus one queued. */
  private persistAcks(): Promise<void> {
    this.ackDirty = true;
    this.ackWrite = this.ackWrite.then(async () => {
      if (!this.ackDirty) return;
      this.ackDirty = false;
      const state = JSON.stringify({ lowWater: this.lowWater, acked: [...this.acked].sort((a, b) => a - b) });
      const tmp = join(this.dir, `${ACKS}.tmp`);
      const handle = await open(tmp, 'w');
      try {
        await handle.writeFile(state);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(tmp, join(this.dir, ACKS));
      fsyncDir(this.dir);
    });
    return this.ackWrite;
  }

  private async roll(firstSeq: number): Promise<Segment> {
    await this.active?.close();
    const file = join(this.dir, `${String(firstSeq).padStart(20, '0')}.seg`);
    this.active = await open(file, 'a+');
    const segment: Segment = { firstSeq, file, lastSeq: firstSeq - 1, size: 0 };
    this.segments.push(segment);
    fsyncDir(this.dir);
    return segment;
  }

  private async dropAcknowledgedSegments(): Promise<void> {
    while (this.segments.length > 1) {
      const first = this.segments[0] as Segment;
      if (first.lastSeq >= this.lowWater) return;
      this.segments.shift();
      await rm(first.file, { force: true });
    }
  }

  private async recover(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const acks = await readAcks(this.dir);
    this.lowWater = acks.lowWater;
    for (const seq of acks.acked) if (seq >= this.lowWater) this.acked.add(seq);
    const files = (await readdir(this.dir)).filter((f) => SEGMENT.test(f)).sort();
    let expected: number | undefined;
    for (const [index, name] of files.entries()) {
      const file = join(this.dir, name);
      const firstSeq = Number(SEGMENT.exec(name)?.[1]);
      const bytes = await readFile(file);
      const segment: Segment = { firstSeq, file, lastSeq: firstSeq - 1, size: 0 };
      let offset = 0;
      while (offset < bytes.length) {
        const record = readRecord(bytes, offset);
        if (!record) break;
        if (expected !== undefined && record.entry.seq !== expected) {
          throw new Error(`edge log ${file}: expected seq ${expected}, found ${record.entry.seq}`);
        }
        expected = record.entry.seq + 1;
        segment.lastSeq = record.entry.seq;
        if (record.entry.seq >= this.lowWater && !this.acked.has(record.entry.seq)) {
          this.track(record.entry);
        }
        offset = record.next;
      }
      if (offset < bytes.length) {
        if (index !== files.length - 1) {
          throw new Error(`edge log ${file}: corrupt record at byte ${offset} in a closed segment`);
        }
        await truncate(file, offset); // torn tail of the last append: never acknowledged to a sender
      }
      segment.size = offset;
      this.segments.push(segment);
    }
    this.nextSeq = Math.max(expected ?? 0, this.lowWater);
    const last = this.segments.at(-1);
    if (last) this.active = await open(last.file, 'a+');
    if (last && (await stat(last.file)).size !== last.size)
      throw new Error(`edge log ${last.file}: size mismatch`);
    await this.dropAcknowledgedSegments();
  }
}

const readRecord = (bytes: Buffer, offset: number): { entry: LogEntry; next: number } | undefined => {
  if (offset + HEADER > bytes.length) return undefined;
  const length = bytes.readUInt32BE(offset);
  const crc = bytes.readUInt32BE(offset + 4);
  const end = offset + HEADER + length;
  if (end > bytes.length) return undefined;
  const payload = bytes.subarray(offset + HEADER, end);
  if (crc32(payload) !== crc) return undefined;
  try {
    return { entry: JSON.parse(payload.toString('utf8')) as LogEntry, next: end };
  } catch {
    return undefined;
  }
};

const readAcks = async (dir: string): Promise<{ lowWater: number; acked: number[] }> => {
  try {
    const state = JSON.parse(await readFile(join(dir, ACKS), 'utf8')) as {
      lowWater?: unknown;
      acked?: unknown;
    };
    return {
      lowWater: typeof state.lowWater === 'number' ? state.lowWater : 0,
      acked: Array.isArray(state.acked) ? state.acked.filter((n): n is number => typeof n === 'number') : [],
    };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { lowWater: 0, acked: [] };
    throw error;
  }
};

/** Makes a create/rename durable (the directory entry itself). */
const fsyncDir = (dir: string): void => {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
};
