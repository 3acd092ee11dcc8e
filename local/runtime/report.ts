/** What the runtime could not honour, found while loading the app. Printed at start-up, never swallowed. */
export type FindingLevel = 'unsupported' | 'recorded' | 'differs';

export interface Finding {
  readonly level: FindingLevel;
  /** `Stack/LogicalId` or a service name. */
  readonly subject: string;
  readonly message: string;
}

export class StartupReport {
  readonly findings: Finding[] = [];

  add(level: FindingLevel, subject: string, message: string): void {
    const duplicate = this.findings.some(
      (f) => f.level === level && f.subject === subject && f.message === message,
    );
    if (!duplicate) this.findings.push({ level, subject, message });
  }

  of(level: FindingLevel): Finding[] {
    return this.findings.filter((f) => f.level === level);
  }

  /** Human-readable lines grouped by level, for the start-up banner (recorded items by kind unless verbose). */
  format(verbose = false): string {
    const titles: Record<FindingLevel, string> = {
      unsupported: 'NOT HONOURED (behaves differently from AWS or not run at all)',
      differs: 'DIFFERS FROM AWS',
      recorded: 'RECORDED, NOT EVALUATED',
    };
    const lines: string[] = [];
    for (const level of ['unsupported', 'differs', 'recorded'] as const) {
      const items = this.of(level);
      if (items.length === 0) continue;
      lines.push(`${titles[level]} (${items.length}):`);
      // The same finding on many resources (e.g. every role's trust policy) is listed once.
      const byMessage = new Map<string, string[]>();
      for (const f of items) byMessage.set(f.message, [...(byMessage.get(f.message) ?? []), f.subject]);
      for (const [message, subjects] of byMessage) {
        if (level === 'recorded' && !verbose) {
          lines.push(`  - ${message} (${subjects.length} resource${subjects.length === 1 ? '' : 's'})`);
          continue;
        }
        const who =
          subjects.length > 3
            ? `${subjects.slice(0, 3).join(', ')} and ${subjects.length - 3} more`
            : subjects.join(', ');
        lines.push(`  - ${who}: ${message}`);
      }
    }
    return lines.join('\n');
  }
}
