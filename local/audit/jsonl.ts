/**
 * The audit trail on disk: one JSON hop per line in `.plantsync/local/audit.jsonl`, so `plantsync trace`
 * can read a run's trail after the run. Appends are buffered and flushed on the next turn of the event
 * loop (and on `flush`/`close`), so recording a hop never waits on the disk.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
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

/** Reads a JSON-lines trail into a memory store (keeping the newest `maxHops` hops). */
export const readAuditFile = (path: string, maxHops = DEFAULT_MAX_HOPS): LoadedTrail => {
  if (!existsSync(path)) throw new AuditFileMissingError(path);
  const store = new MemoryAuditStore(maxHops);
  let skipped = 0;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
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
  return { store, skipped };
};
