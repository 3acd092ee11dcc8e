/** Counts billable calls per service and operation, for the cost report. */
export class Meter {
  private readonly counts = new Map<string, Map<string, number>>();

  count(service: string, operation: string, n = 1): void {
    const byOp = this.counts.get(service) ?? new Map<string, number>();
    byOp.set(operation, (byOp.get(operation) ?? 0) + n);
    this.counts.set(service, byOp);
  }

  /** `{ service: { operation: count } }`, a snapshot. */
  snapshot(): Record<string, Record<string, number>> {
    const out: Record<string, Record<string, number>> = {};
    for (const [service, ops] of this.counts) out[service] = Object.fromEntries(ops);
    return out;
  }

  total(service: string): number {
    let sum = 0;
    for (const n of this.counts.get(service)?.values() ?? []) sum += n;
    return sum;
  }
}
