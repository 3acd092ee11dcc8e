/**
 * The audit trail on disk: one JSON hop per line in `.plantsync/local/audit.jsonl`, so `plantsync trace`
 * can read a run's trail after the run. Appends are buffered and flushed on the next turn of the event
 * loop (and on `flush`/`close`), so recording a hop never waits on the disk.
 */
import {
  appendFileSync,
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { Hop } from './hop';
import { type AuditSink, DEFAULT_MAX_HOPS, MemoryAuditStore } from './store';

export const AUDIT_FILE = join('.plantsync', 'local', 'audit.jsonl');

export class JsonlAuditWriter implements AuditSink {
  private buffer: string[] = [];
  private scheduled = false;
  private closed = false;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
  }

  record(hop: Hop): void {
    if (this.closed) throw new Error(`audit writer for ${this.path} is closed`);
    this.buffer.push(JSON.stringify(hop));
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  flush(): void {
    this.scheduled = false;
    if (this.buffer.length === 0) return;
    const lines = `${this.buffer.join('\n')}\n`;
    this.buffer = [];
    appendFileSync(this.path, lines, 'utf8');
  }

  close(): void {
    this.flush();
    this.closed = true;
  }
}

export interface LoadedTrail {
  readonly store: MemoryAuditStore;
  /** Lines that were not a valid hop (a torn last line while the runtime writes, or a foreign line). */
  readonly skipped: number;
}

export class AuditFileMissingError extends Error {
  override readonly name = 'AuditFileMissingError';
  constructor(readonly path: string) {
    super(`no audit trail at ${path}: run the local runtime first (\`npm start\` or \`plantsync local up\`)`);
  }
}

/** Records each valid line in the store; answers how many lines were not a hop. */
const load = (store: MemoryAuditStore, lines: readonly string[]): number => {
  let skipped = 0;
  for (const line of lines) {
    if (line.trim() === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      skipped++;
      continue;
    }
    const hop = Hop.safeParse(parsed);
    if (hop.success) store.record(hop.data);
    else skipped++;
  }
  return skipped;
};

/** Reads a JSON-lines trail into a memory store (keeping the newest `maxHops` hops). */
export const readAuditFile = (path: string, maxHops = DEFAULT_MAX_HOPS): LoadedTrail => {
  if (!existsSync(path)) throw new AuditFileMissingError(path);
  const store = new MemoryAuditStore(maxHops);
  const skipped = load(store, readFileSync(path, 'utf8').split('\n'));
  return { store, skipped };
};

/**
 * Follows a trail another process is writing: each `current()` reads only what was appended since the
 * last call (a line still being written waits for the next call), and starts over when the file was
 * replaced by a shorter one (a new run). An absent file is an empty trail.
 */
export class AuditFileFollower {
  private store: MemoryAuditStore;
  private offset = 0;
  private partial = Buffer.alloc(0);
  private head = Buffer.alloc(0);

  constructor(
    readonly path: string,
    private readonly maxHops = DEFAULT_MAX_HOPS,
  ) {
    this.store = new MemoryAuditStore(maxHops);
  }

  current(): MemoryAuditStore {
    if (!existsSync(this.path)) {
      if (this.offset > 0) this.reset();
      return this.store;
    }
    const fd = openSync(this.path, 'r');
    try {
      const size = fstatSync(fd).size;
      if (size < this.offset || !this.sameStart(fd)) this.reset();
      if (size === this.offset) return this.store;
      const buffer = Buffer.alloc(size - this.offset);
      const read = readSync(fd, buffer, 0, buffer.length, this.offset);
      if (this.offset === 0) this.head = Buffer.from(buffer.subarray(0, Math.min(read, 256)));
      this.offset += read;
      // Split on the newline byte before decoding: a line cut mid-character waits whole for the next call.
      const bytes = Buffer.concat([this.partial, buffer.subarray(0, read)]);
      const end = bytes.lastIndexOf(0x0a);
      this.partial = Buffer.from(bytes.subarray(end + 1));
      load(
        this.store,
        bytes
          .subarray(0, end + 1)
          .toString('utf8')
          .split('\n'),
      );
      return this.store;
    } finally {
      closeSync(fd);
    }
  }

  /** A trail rewritten by a new run no longer starts with the bytes this follower first read. */
  private sameStart(fd: number): boolean {
    if (this.head.length === 0) return true;
    const now = Buffer.alloc(this.head.length);
    readSync(fd, now, 0, now.length, 0);
    return now.equals(this.head);
  }

  private reset(): void {
    this.head = Buffer.alloc(0);
    this.store = new MemoryAuditStore(this.maxHops);
    this.offset = 0;
    this.partial = Buffer.alloc(0);
  }
}
