/**
 * Archive replay: re-sends the events an EventBridge archive holds for a time window to the bus it
 * archives, optionally only to some rules (FilterArns), and waits until the replay ends.
 */
import { randomUUID } from 'node:crypto';
import {
  DescribeReplayCommand,
  type EventBridgeClient,
  ListArchivesCommand,
  ListRulesCommand,
  StartReplayCommand,
} from '@aws-sdk/client-eventbridge';
import { readCloudAssembly } from '../../local/runtime/cdk-out';
import { generatedName } from '../../local/runtime/naming';
import { NotFoundError, ValidationError } from '../../shared/errors';

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;

/** Parses an ISO 8601 timestamp with a zone (Z or ±hh:mm); anything else is a ValidationError. */
export const parseInstant = (value: string, option: string): Date => {
  const at = new Date(value);
  if (!ISO_8601.test(value) || Number.isNaN(at.getTime())) {
    throw new ValidationError(
      `${option} must be an ISO 8601 time with a zone, e.g. 2026-11-25T03:00:00Z or 2026-11-25T04:00:00+01:00 (got "${value}")`,
    );
  }
  return at;
};

/** Checks a replay window: both ISO 8601, from before to, and not in the future. */
export const replayWindow = (from: string, to: string, now = new Date()): { from: Date; to: Date } => {
  const start = parseInstant(from, '--from');
  const end = parseInstant(to, '--to');
  if (start.getTime() >= end.getTime())
    throw new ValidationError(`--from (${from}) must be before --to (${to})`);
  if (end.getTime() > now.getTime())
    throw new ValidationError(`--to (${to}) is in the future; the archive only holds what already happened`);
  return { from: start, to: end };
};

export interface ArchiveRef {
  readonly name: string;
  readonly arn: string;
  readonly busName: string;
  readonly busArn: string;
}

/** Where to look for the archive when the API cannot list archives (the local runtime). */
export interface ArchiveDiscovery {
  /** cdk.out of the running local app (endpoints.json `cdkOut`). */
  readonly cdkOut?: string;
  /** Archive name given by the operator. */
  readonly archive?: string;
}

export interface ReplayReport {
  readonly replayName: string;
  readonly archive: string;
  readonly bus: string;
  readonly from: string;
  readonly to: string;
  readonly rules: readonly string[];
  readonly state: string;
  readonly stateReason?: string;
  readonly lastReplayedEventTime?: string;
  readonly startedAt?: string;
  readonly endedAt?: string;
  readonly durationMs?: number;
}

const arnRegionAccount = (arn: string) => {
  const [, , , region, account] = arn.split(':');
  return { region: region ?? '', account: account ?? '' };
};

const errorName = (error: unknown) => (error as { name?: string }).name ?? '';

/** Archives of a synthesized app, with their physical names as the local runtime creates them. */
export const archivesInCloudAssembly = (cdkOut: string): { name: string; busName: string }[] => {
  const found: { name: string; busName: string }[] = [];
  for (const stack of readCloudAssembly(cdkOut)) {
    const resources = stack.template.Resources ?? {};
    for (const [logicalId, resource] of Object.entries(resources)) {
      if (resource.Type !== 'AWS::Events::Archive') continue;
      const props = resource.Properties ?? {};
      const name =
        typeof props.ArchiveName === 'string'
          ? props.ArchiveName
          : generatedName(stack.stackName, logicalId, 48);
      const source = props.SourceArn as { 'Fn::GetAtt'?: [string, string] } | string | undefined;
      const busId = typeof source === 'object' ? source['Fn::GetAtt']?.[0] : undefined;
      const bus = busId ? resources[busId] : undefined;
      const busName =
        typeof bus?.Properties?.Name === 'string'
          ? bus.Properties.Name
          : busId
            ? generatedName(stack.stackName, busId, 256)
            : String(source ?? 'default').replace(/^arn:.*:event-bus\//, '');
      found.push({ name, busName });
    }
  }
  return found;
};

export class ArchiveReplayOperations {
  constructor(
    private readonly events: EventBridgeClient,
    private readonly discovery: ArchiveDiscovery = {},
    private readonly pollMs = 250,
  ) {}

  /** The environment's archive: named, listed by the API, or read from the local app's cloud assembly. */
  async archive(): Promise<ArchiveRef> {
    const region = await this.events.config.region();
    try {
      const listed = await this.events.send(new ListArchivesCommand({}));
      const archives = (listed.Archives ?? []).filter((a) => a.ArchiveName && a.EventSourceArn);
      const chosen = this.discovery.archive
        ? archives.find((a) => a.ArchiveName === this.discovery.archive)
        : archives.length === 1
          ? archives[0]
          : archives.find((a) => /plantsync/i.test(a.EventSourceArn ?? ''));
      if (!chosen?.ArchiveName || !chosen.EventSourceArn) {
        throw new NotFoundError(
          this.discovery.archive
            ? `no archive named ${this.discovery.archive}`
            : `no plantsync archive found (archives: ${archives.map((a) => a.ArchiveName).join(', ') || 'none'}); pass --archive`,
        );
      }
      const { account } = arnRegionAccount(chosen.EventSourceArn);
      return {
        name: chosen.ArchiveName,
        arn: `arn:aws:events:${region}:${account}:archive/${chosen.ArchiveName}`,
        busArn: chosen.EventSourceArn,
        busName: chosen.EventSourceArn.replace(/^arn:.*:event-bus\//, ''),
      };
    } catch (error) {
      if (errorName(error) !== 'UnknownOperationException') throw error;
    }
    // The local EventBridge does not list archives: the running app's templates name them.
    if (!this.discovery.cdkOut)
      throw new NotFoundError('cannot list archives here and no cloud assembly is known; pass --archive');
    const archives = archivesInCloudAssembly(this.discovery.cdkOut);
    const chosen = this.discovery.archive
      ? archives.find((a) => a.name === this.discovery.archive)
      : archives[0];
    if (!chosen)
      throw new NotFoundError(`no archive ${this.discovery.archive ?? ''} in ${this.discovery.cdkOut}`);
    // Region and account as the local runtime writes them into ARNs (it follows the stacks' region).
    const rules = await this.events.send(new ListRulesCommand({ EventBusName: chosen.busName }));
    const sample = rules.Rules?.find((r) => r.Arn)?.Arn;
    const { region: ruleRegion, account } = sample
      ? arnRegionAccount(sample)
      : { region, account: '000000000000' };
    return {
      name: chosen.name,
      arn: `arn:aws:events:${ruleRegion}:${account}:archive/${chosen.name}`,
      busName: chosen.busName,
      busArn: `arn:aws:events:${ruleRegion}:${account}:event-bus/${chosen.busName}`,
    };
  }

  /**
   * Rule ARNs on the archive's bus for names, ARNs or parts of names (all rules containing the part);
   * an unknown rule is a NotFoundError naming the rules.
   */
  async ruleArns(busName: string, rules: readonly string[]): Promise<string[]> {
    if (rules.length === 0) return [];
    const known: { name: string; arn: string }[] = [];
    let token: string | undefined;
    do {
      const page = await this.events.send(new ListRulesCommand({ EventBusName: busName, NextToken: token }));
      for (const r of page.Rules ?? []) if (r.Name && r.Arn) known.push({ name: r.Name, arn: r.Arn });
      token = page.NextToken;
    } while (token);
    const arns = rules.flatMap((wanted) => {
      const exact = known.find((r) => r.name === wanted || r.arn === wanted);
      // A part of a name selects every rule that has it, e.g. the per-plant rules of one route.
      const hits = exact ? [exact] : known.filter((r) => r.name.includes(wanted));
      if (hits.length === 0) {
        throw new NotFoundError(
          `no rule "${wanted}" on bus ${busName}; rules: ${known.map((r) => r.name).join(', ') || 'none'}`,
        );
      }
      return hits.map((r) => r.arn);
    });
    return [...new Set(arns)];
  }

  async replay(
    window: { from: Date; to: Date },
    options: { rules?: readonly string[]; onProgress?: (state: string, lastReplayed?: Date) => void } = {},
  ): Promise<ReplayReport> {
    const archive = await this.archive();
    const filterArns = await this.ruleArns(archive.busName, options.rules ?? []);
    const replayName = `plantsync-cli-${randomUUID().slice(0, 8)}`;
    await this.events.send(
      new StartReplayCommand({
        ReplayName: replayName,
        EventSourceArn: archive.arn,
        EventStartTime: window.from,
        EventEndTime: window.to,
        Destination: { Arn: archive.busArn, ...(filterArns.length > 0 ? { FilterArns: filterArns } : {}) },
        Description: `plantsync replay ${window.from.toISOString()}..${window.to.toISOString()}`,
      }),
    );
    for (;;) {
      const d = await this.events.send(new DescribeReplayCommand({ ReplayName: replayName }));
      const state = d.State ?? 'UNKNOWN';
      options.onProgress?.(state, d.EventLastReplayedTime);
      if (state === 'COMPLETED' || state === 'FAILED' || state === 'CANCELLED') {
        return {
          replayName,
          archive: archive.name,
          bus: archive.busName,
          from: window.from.toISOString(),
          to: window.to.toISOString(),
          rules: filterArns,
          state,
          ...(d.StateReason ? { stateReason: d.StateReason } : {}),
          ...(d.EventLastReplayedTime
            ? { lastReplayedEventTime: d.EventLastReplayedTime.toISOString() }
            : {}),
          ...(d.ReplayStartTime ? { startedAt: d.ReplayStartTime.toISOString() } : {}),
          ...(d.ReplayEndTime ? { endedAt: d.ReplayEndTime.toISOString() } : {}),
          ...(d.ReplayStartTime && d.ReplayEndTime
            ? { durationMs: d.ReplayEndTime.getTime() - d.ReplayStartTime.getTime() }
            : {}),
        };
      }
      await new Promise((resolve) => setTimeout(resolve, this.pollMs));
    }
  }
}
