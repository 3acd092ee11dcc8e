/**
 * `plantsync trace <correlation id | business key> [--json] [--file <path>]`: every hop of every flow
 * the id or key touches, in time order, and where it failed. Reads the local runtime's trail
 * (.plantsync/local/audit.jsonl under PLANTSYNC_HOME, default: the current folder).
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { type Io, processIo } from '../../cli/io';
import { NotFoundError } from '../../shared/errors';
import { keyString } from './business-keys';
import type { Hop } from './hop';
import { AUDIT_FILE, AuditFileMissingError, readAuditFile } from './jsonl';
import type { AuditStore, Trace } from './store';

export interface TraceCommandOptions {
  /** Where the trail comes from; default: the JSON-lines file of the local runtime. */
  readonly load?: (file: string) => Pick<AuditStore, 'trace'>;
  /** ANSI colour for the failing hop; default: only on a terminal, and never with NO_COLOR. */
  readonly color?: boolean;
}

const RED = '\u001b[1;31m';
const DIM = '\u001b[2m';
const RESET = '\u001b[0m';

const clock = (iso: string): string => new Date(iso).toISOString().slice(11, 23);
/** Blank for instantaneous hops (publication, rule delivery) so real durations stand out. */
const duration = (ms: number): string =>
  ms === 0 ? '' : ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
const short = (id: string): string => (id.length > 13 ? `${id.slice(0, 12)}…` : id);

const what = (hop: Hop): string => {
  const parts = [hop.detailType, hop.target ? `→ ${hop.target}` : undefined].filter(Boolean);
  if (hop.error) parts.push(`${hop.error.name}: ${hop.error.message}`);
  return parts.join('  ');
};

/** The readable timeline; the failing hop is marked with ✗ (and red on a terminal). */
export const formatTrace = (trace: Trace, color = false): string => {
  const lines: string[] = [];
  const failureHop = trace.failure?.hop;
  const how = trace.matchedBy === 'correlation' ? 'correlation id' : 'business key';
  lines.push(
    `trace ${trace.query} (${how}): ${trace.correlations.length} correlation(s), ${trace.hops.length} hop(s), ${
      failureHop ? 'FAILED' : 'no failure'
    }`,
  );
  const label = new Map(trace.correlations.map((c, i) => [c.correlationId, `c${i + 1}`]));
  const many = trace.correlations.length > 1;
  for (const c of trace.correlations) {
    const keys = c.keys.map(keyString).join(', ') || 'no business keys';
    lines.push(
      `  ${many ? `${label.get(c.correlationId)} ` : ''}correlation ${c.correlationId}  plant ${
        c.plants.join(',') || '-'
      }  ${keys}  (${c.hops} hop(s)${c.failed ? ', failed' : ''})`,
    );
  }
  const first = trace.hops[0];
  if (first) lines.push('', `  times UTC on ${first.at.slice(0, 10)}; elapsed from the first hop`);
  const t0 = first ? Date.parse(first.at) : 0;
  const kindWidth = Math.max(4, ...trace.hops.map((h) => h.kind.length));
  const componentWidth = Math.min(34, Math.max(9, ...trace.hops.map((h) => h.component.length)));
  for (const hop of trace.hops) {
    const failing = hop === failureHop;
    const elapsed = `+${((Date.parse(hop.at) - t0) / 1000).toFixed(3)}s`;
    const row = [
      `${failing ? '✗' : hop.outcome === 'error' ? '!' : ' '} ${clock(hop.at)}`,
      elapsed.padStart(10),
      ...(many ? [(label.get(hop.correlationId) ?? '').padEnd(3)] : []),
      hop.kind.padEnd(kindWidth),
      hop.component.padEnd(componentWidth),
      (hop.outcome === 'ok' ? 'ok' : 'ERROR').padEnd(5),
      duration(hop.durationMs).padStart(8),
      what(hop),
    ].join('  ');
    lines.push(color && failing ? `${RED}${row.trimEnd()}${RESET}` : row.trimEnd());
  }
  lines.push('');
  if (trace.failure && failureHop) {
    const where = `${failureHop.kind} in ${failureHop.component}`;
    const why = failureHop.error
      ? `${failureHop.error.name}: ${failureHop.error.message}`
      : 'no reason recorded';
    lines.push(
      `where it failed: ${where} at ${failureHop.at} (correlation ${short(failureHop.correlationId)})`,
      `  ${why}`,
      trace.failure.recovered
        ? `  ${color ? DIM : ''}a later ${failureHop.component} hop succeeded (retried or replayed)${color ? RESET : ''}`
        : `  nothing after it succeeded in ${failureHop.component}: see \`plantsync dlq list\``,
    );
  } else {
    lines.push('no hop failed');
  }
  return `${lines.join('\n')}\n`;
};

export const registerTrace = (program: Command, io: Io, options: TraceCommandOptions = {}): void => {
  program
    .command('trace <idOrKey>')
    .description(
      'every hop of a flow in time order and where it failed, by correlation id or business key ' +
        '(order number, MES job, work order, equipment, notification, downtime; or kind:value, e.g. order:1000123)',
    )
    .option('--json', 'machine-readable output')
    .option('--file <path>', `audit trail to read (default: ${AUDIT_FILE})`)
    .action((idOrKey: string, flags: { json?: boolean; file?: string }) => {
      const file = flags.file ?? join(process.env.PLANTSYNC_HOME ?? process.cwd(), AUDIT_FILE);
      let store: Pick<AuditStore, 'trace'>;
      try {
        store = options.load ? options.load(file) : readAuditFile(file).store;
      } catch (error) {
        if (error instanceof AuditFileMissingError) throw Object.assign(error, { exitCode: 2 });
        throw error;
      }
      const trace = store.trace(idOrKey);
      if (trace.matchedBy === 'none') {
        throw new NotFoundError(
          `nothing recorded for "${idOrKey}": give a correlation id or a business key (e.g. an order number or order:1000123)`,
        );
      }
      if (flags.json) return io.out(`${JSON.stringify(trace, null, 2)}\n`);
      const color =
        options.color ?? (io === processIo && Boolean(process.stdout.isTTY) && !process.env.NO_COLOR);
      io.out(formatTrace(trace, color));
    });
};
