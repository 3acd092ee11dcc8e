/**
 * In-memory EventBridge: buses, rules, targets, archives and replays. Delivery to targets goes through an
 * injected `deliver` callback, asynchronously to PutEvents as on AWS, with the target's retry policy and
 * dead-letter queue.
 */
import { randomUUID } from 'node:crypto';
import { type CompiledPattern, compilePattern } from './pattern';
import { type InputTransformer, renderTargetInput, validateTargetInput } from './transform';

/** An AWS-style API error: `name` is the error code (`__type` on the wire). */
export class EventBridgeError extends Error {
  constructor(
    override readonly name: string,
    message: string,
  ) {
    super(message);
  }
}

export interface RetryPolicy {
  MaximumRetryAttempts?: number;
  MaximumEventAgeInSeconds?: number;
}

export interface Target {
  Id: string;
  Arn: string;
  RoleArn?: string;
  Input?: string;
  InputPath?: string;
  InputTransformer?: InputTransformer;
  RetryPolicy?: RetryPolicy;
  DeadLetterConfig?: { Arn?: string };
}

export interface EventBridgeEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
  'replay-name'?: string;
}

/** The AWS attributes a failed event carries into a target's dead-letter queue. */
export interface DeadLetterAttributes {
  ERROR_CODE: string;
  ERROR_MESSAGE: string;
  EXHAUSTED_RETRY_CONDITION: 'MaximumRetryAttempts' | 'MaximumEventAgeInSeconds' | 'NonRetryableError';
  RETRY_ATTEMPTS: number;
  RULE_ARN: string;
  TARGET_ARN: string;
}

export interface DeliveryMeta {
  bus: string;
  rule: string;
  ruleArn: string;
  event: EventBridgeEvent;
  /** 0 for the first attempt. */
  attempt: number;
  /** Present when this delivery sends a failed event to a dead-letter queue. */
  deadLetter?: DeadLetterAttributes;
}

export type Deliver = (target: Target, payload: string, meta: DeliveryMeta) => Promise<void>;

/** Throw this (or any error with `retryable: false`) from `deliver` for failures AWS does not retry. */
export class DeliveryError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryable = true,
  ) {
    super(message);
    this.name = code;
  }
}

export interface DroppedDelivery {
  bus: string;
  rule: string;
  target: Target;
  event: EventBridgeEvent;
  reason: DeadLetterAttributes;
}

export interface LocalEventBridgeOptions {
  deliver: Deliver;
  /** @default '000000000000' */
  account?: string;
  /** @default 'us-east-1' */
  region?: string;
  onDropped?: (dropped: DroppedDelivery) => void;
  /** Delay before retry number `attempt` (1-based). @default exponential from 1 s, capped at 60 s, with jitter */
  retryDelayMs?: (attempt: number) => number;
  /** @default real timers */
  sleep?: (ms: number) => Promise<void>;
  now?: () => Date;
  newId?: () => string;
}

export interface PutEventsRequestEntry {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  Resources?: string[];
  Time?: Date | string | number;
  EventBusName?: string;
  TraceHeader?: string;
}

export type PutEventsResultEntry = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

export interface PutEventsResponse {
  FailedEntryCount: number;
  Entries: PutEventsResultEntry[];
}

export interface PutRuleInput {
  Name: string;
  EventBusName?: string;
  EventPattern?: string;
  State?: 'ENABLED' | 'DISABLED';
  Description?: string;
}

export interface RuleSummary {
  Name: string;
  Arn: string;
  EventBusName: string;
  EventPattern?: string;
  State: 'ENABLED' | 'DISABLED';
  Description?: string;
}

export interface CreateArchiveInput {
  ArchiveName: string;
  EventSourceArn: string;
  EventPattern?: string;
  RetentionDays?: number;
  Description?: string;
}

export interface StartReplayInput {
  ReplayName: string;
  EventSourceArn: string;
  EventStartTime: Date | string | number;
  EventEndTime: Date | string | number;
  Destination: { Arn: string; FilterArns?: string[] };
  Description?: string;
}

export type ReplayState = 'STARTING' | 'RUNNING' | 'COMPLETED' | 'FAILED';

export interface ReplayDescription {
  ReplayName: string;
  ReplayArn: string;
  State: ReplayState;
  StateReason?: string;
  EventSourceArn: string;
  Destination: { Arn: string; FilterArns?: string[] };
  EventStartTime: Date;
  EventEndTime: Date;
  EventLastReplayedTime?: Date;
  ReplayStartTime: Date;
  ReplayEndTime?: Date;
}

export interface Metering {
  /** PutEvents entries accepted, each billed per started 64 KB chunk. */
  billablePutEvents: number;
  acceptedEntries: number;
  failedEntries: number;
  replayedEvents: number;
  deliveries: number;
  deliveryFailures: number;
  sentToDeadLetter: number;
  dropped: number;
  apiCalls: Record<string, number>;
}

interface Rule {
  name: string;
  arn: string;
  bus: string;
  eventPattern?: string;
  compiled?: CompiledPattern;
  state: 'ENABLED' | 'DISABLED';
  description?: string;
  targets: Map<string, Target>;
}

interface Bus {
  name: string;
  arn: string;
  rules: Map<string, Rule>;
}

interface Archive {
  name: string;
  arn: string;
  bus: string;
  compiled?: CompiledPattern;
  retentionDays: number;
  events: Array<{ event: EventBridgeEvent; receivedAt: Date }>;
}

const MAX_ENTRIES = 10;
const MAX_REQUEST_BYTES = 256 * 1024;
const BILLING_CHUNK_BYTES = 64 * 1024;
const DEFAULT_RETRY_ATTEMPTS = 185;
const DEFAULT_EVENT_AGE_SECONDS = 86_400;
const NON_RETRYABLE_CODES = new Set(['AccessDeniedException', 'ResourceNotFoundException', 'NotFound']);

const byteLength = (text: string): number => Buffer.byteLength(text, 'utf8');

/** The entry size exactly as the user guide's "Calculating PutEvents event entry size" describes it. */
export function putEventsEntrySize(entry: PutEventsRequestEntry): number {
  let size = entry.Time !== undefined ? 14 : 0;
  size += byteLength(entry.Source ?? '') + byteLength(entry.DetailType ?? '');
  if (entry.Detail !== undefined) size += byteLength(entry.Detail);
  for (const resource of entry.Resources ?? []) size += byteLength(resource);
  return size;
}

function toDate(value: Date | string | number, field: string): Date {
  // The JSON protocol sends timestamps as epoch seconds.
  const date = typeof value === 'number' ? new Date(value * 1000) : new Date(value);
  if (Number.isNaN(date.getTime()))
    throw new EventBridgeError('ValidationException', `${field} is not a valid timestamp.`);
  return date;
}

/** EventBridge event times have second precision: 2017-12-22T18:43:48Z. */
const formatTime = (date: Date): string => `${date.toISOString().slice(0, 19)}Z`;

export class LocalEventBridge {
  readonly account: string;
  readonly region: string;
  private readonly buses = new Map<string, Bus>();
  private readonly archives = new Map<string, Archive>();
  private readonly replays = new Map<string, ReplayDescription>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly meter: Metering = {
    billablePutEvents: 0,
    acceptedEntries: 0,
    failedEntries: 0,
    replayedEvents: 0,
    deliveries: 0,
    deliveryFailures: 0,
    sentToDeadLetter: 0,
    dropped: 0,
    apiCalls: {},
  };
  private readonly deliver: Deliver;
  private readonly onDropped: (dropped: DroppedDelivery) => void;
  private readonly retryDelayMs: (attempt: number) => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => Date;
  private readonly newId: () => string;

  constructor(options: LocalEventBridgeOptions) {
    this.deliver = options.deliver;
    this.account = options.account ?? '000000000000';
    this.region = options.region ?? 'us-east-1';
    this.onDropped = options.onDropped ?? (() => {});
    this.retryDelayMs =
      options.retryDelayMs ??
      ((attempt) => Math.min(60_000, 1000 * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2));
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = options.now ?? (() => new Date());
    this.newId = options.newId ?? randomUUID;
    this.createEventBus('default');
  }

  // ---- ARNs -------------------------------------------------------------------------------------------

  busArn(name: string): string {
    return `arn:aws:events:${this.region}:${this.account}:event-bus/${name}`;
  }

  ruleArn(bus: string, rule: string): string {
    const path = bus === 'default' ? rule : `${bus}/${rule}`;
    return `arn:aws:events:${this.region}:${this.account}:rule/${path}`;
  }

  private count(action: string): void {
    this.meter.apiCalls[action] = (this.meter.apiCalls[action] ?? 0) + 1;
  }

  /** Accepts a bus name or ARN. */
  private bus(nameOrArn: string | undefined): Bus {
    const name = (nameOrArn ?? 'default').replace(/^arn:aws:events:[^:]*:[^:]*:event-bus\//, '');
    const bus = this.buses.get(name);
    if (!bus) throw new EventBridgeError('ResourceNotFoundException', `Event bus ${name} does not exist.`);
    return bus;
  }

  private rule(busName: string | undefined, ruleName: string): Rule {
    const bus = this.bus(busName);
    const rule = bus.rules.get(ruleName);
    if (!rule) {
      throw new EventBridgeError(
        'ResourceNotFoundException',
        `Rule ${ruleName} does not exist on EventBus ${bus.name}.`,
      );
    }
    return rule;
  }

  // ---- Buses, rules and targets -----------------------------------------------------------------------

  createEventBus(name: string): { EventBusArn: string } {
    this.count('CreateEventBus');
    if (!/^[/.\-_A-Za-z0-9]{1,256}$/.test(name)) {
      throw new EventBridgeError('ValidationException', `Event bus name ${name} is not valid.`);
    }
    if (this.buses.has(name)) {
      throw new EventBridgeError('ResourceAlreadyExistsException', `Event bus ${name} already exists.`);
    }
    const arn = this.busArn(name);
    this.buses.set(name, { name, arn, rules: new Map() });
    return { EventBusArn: arn };
  }

  putRule(input: PutRuleInput): { RuleArn: string } {
    this.count('PutRule');
    const bus = this.bus(input.EventBusName);
    if (!/^[.\-_A-Za-z0-9]{1,64}$/.test(input.Name ?? '')) {
      throw new EventBridgeError('ValidationException', `Rule name ${input.Name} is not valid.`);
    }
    if (input.EventPattern === undefined) {
      // Scheduled rules only exist on the default bus; the local runtime has no scheduler.
      throw new EventBridgeError(
        'ValidationException',
        'Parameter(s) EventPattern or ScheduleExpression must be specified.',
      );
    }
    const compiled = this.compile(input.EventPattern);
    const existing = bus.rules.get(input.Name);
    const rule: Rule = {
      name: input.Name,
      arn: this.ruleArn(bus.name, input.Name),
      bus: bus.name,
      eventPattern: input.EventPattern,
      compiled,
      state: input.State ?? 'ENABLED',
      description: input.Description,
      targets: existing?.targets ?? new Map(),
    };
    bus.rules.set(input.Name, rule);
    return { RuleArn: rule.arn };
  }

  private compile(pattern: string): CompiledPattern {
    try {
      return compilePattern(pattern);
    } catch (error) {
      throw new EventBridgeError('InvalidEventPatternException', (error as Error).message);
    }
  }

  listRules(input: { EventBusName?: string; NamePrefix?: string } = {}): { Rules: RuleSummary[] } {
    this.count('ListRules');
    const bus = this.bus(input.EventBusName);
    const rules = [...bus.rules.values()]
      .filter((rule) => rule.name.startsWith(input.NamePrefix ?? ''))
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((rule) => ({
        Name: rule.name,
        Arn: rule.arn,
        EventBusName: bus.name,
        EventPattern: rule.eventPattern,
        State: rule.state,
        Description: rule.description,
      }));
    return { Rules: rules };
  }

  putTargets(input: { EventBusName?: string; Rule: string; Targets: Target[] }): {
    FailedEntryCount: number;
    FailedEntries: Array<{ TargetId: string; ErrorCode: string; ErrorMessage: string }>;
  } {
    this.count('PutTargets');
    const rule = this.rule(input.EventBusName, input.Rule);
    if (!Array.isArray(input.Targets) || input.Targets.length === 0 || input.Targets.length > 10) {
      throw new EventBridgeError('ValidationException', 'Targets must contain between 1 and 10 entries.');
    }
    const failed: Array<{ TargetId: string; ErrorCode: string; ErrorMessage: string }> = [];
    for (const target of input.Targets) {
      try {
        if (!target.Id || !target.Arn)
          throw new EventBridgeError('ValidationException', 'Target Id and Arn are required.');
        validateTargetInput(target);
        const retry = target.RetryPolicy;
        if (
          retry?.MaximumRetryAttempts !== undefined &&
          (retry.MaximumRetryAttempts < 0 || retry.MaximumRetryAttempts > 185)
        ) {
          throw new EventBridgeError(
            'ValidationException',
            'MaximumRetryAttempts must be between 0 and 185.',
          );
        }
        if (
          retry?.MaximumEventAgeInSeconds !== undefined &&
          (retry.MaximumEventAgeInSeconds < 60 || retry.MaximumEventAgeInSeconds > 86_400)
        ) {
          throw new EventBridgeError(
            'ValidationException',
            'MaximumEventAgeInSeconds must be between 60 and 86400.',
          );
        }
      } catch (error) {
        throw new EventBridgeError('ValidationException', (error as Error).message);
      }
      if (!rule.targets.has(target.Id) && rule.targets.size >= 5) {
        failed.push({
          TargetId: target.Id,
          ErrorCode: 'LimitExceededException',
          ErrorMessage: 'A rule can have at most 5 targets.',
        });
        continue;
      }
      rule.targets.set(target.Id, structuredClone(target));
    }
    return { FailedEntryCount: failed.length, FailedEntries: failed };
  }

  listTargetsByRule(input: { EventBusName?: string; Rule: string }): { Targets: Target[] } {
    this.count('ListTargetsByRule');
    return {
      Targets: [...this.rule(input.EventBusName, input.Rule).targets.values()].map((t) => structuredClone(t)),
    };
  }

  testEventPattern(
    pattern: string | Record<string, unknown>,
    event: string | Record<string, unknown>,
  ): boolean {
    this.count('TestEventPattern');
    const compiled = this.compile(typeof pattern === 'string' ? pattern : JSON.stringify(pattern));
    let parsed: unknown;
    try {
      parsed = typeof event === 'string' ? JSON.parse(event) : event;
    } catch {
      throw new EventBridgeError(
        'ValidationException',
        'Parameter Event is not valid. Reason: the event is not valid JSON.',
      );
    }
    for (const field of ['id', 'account', 'source', 'time', 'region', 'resources', 'detail-type']) {
      if (typeof parsed !== 'object' || parsed === null || !(field in parsed)) {
        throw new EventBridgeError(
          'ValidationException',
          `Parameter Event is not valid. Reason: Provided Event must have mandatory field ${field}`,
        );
      }
    }
    return compiled.matches(parsed);
  }

  // ---- PutEvents --------------------------------------------------------------------------------------

  putEvents(entries: PutEventsRequestEntry[]): PutEventsResponse {
    this.count('PutEvents');
    if (!Array.isArray(entries) || entries.length === 0 || entries.length > MAX_ENTRIES) {
      throw new EventBridgeError(
        'ValidationException',
        "1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length less than or equal to 10 and greater than or equal to 1",
      );
    }
    const total = entries.reduce((sum, entry) => sum + putEventsEntrySize(entry), 0);
    if (total > MAX_REQUEST_BYTES) {
      throw new EventBridgeError(
        'ValidationException',
        'Total size of the entries in the request is over the limit.',
      );
    }
    const results = entries.map((entry) => this.acceptEntry(entry));
    const failed = results.filter((r) => 'ErrorCode' in r).length;
    this.meter.failedEntries += failed;
    return { FailedEntryCount: failed, Entries: results };
  }

  private acceptEntry(entry: PutEventsRequestEntry): PutEventsResultEntry {
    for (const field of ['Source', 'DetailType', 'Detail'] as const) {
      if (entry[field] === undefined || entry[field] === '') {
        return {
          ErrorCode: 'InvalidArgument',
          ErrorMessage: `Parameter ${field} is not valid. Reason: ${field} is a required argument.`,
        };
      }
    }
    if ((entry.Source as string).startsWith('aws.')) {
      // Sources under aws. are reserved for AWS services.
      return { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source.' };
    }
    let detail: unknown;
    try {
      detail = JSON.parse(entry.Detail as string);
    } catch {
      detail = undefined;
    }
    if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    }
    let bus: Bus;
    let time: Date;
    try {
      bus = this.bus(entry.EventBusName);
      time = entry.Time === undefined ? this.now() : toDate(entry.Time, 'Time');
    } catch (error) {
      return { ErrorCode: 'InvalidArgument', ErrorMessage: (error as Error).message };
    }
    const event: EventBridgeEvent = {
      version: '0',
      id: this.newId(),
      'detail-type': entry.DetailType as string,
      source: entry.Source as string,
      account: this.account,
      time: formatTime(time),
      region: this.region,
      resources: entry.Resources ?? [],
      detail: detail as Record<string, unknown>,
    };
    this.meter.acceptedEntries++;
    this.meter.billablePutEvents += Math.max(1, Math.ceil(putEventsEntrySize(entry) / BILLING_CHUNK_BYTES));
    this.archive(bus, event);
    this.route(bus, event);
    return { EventId: event.id };
  }

  /**
   * Bus-to-bus delivery: AWS forwards the event unchanged (same id, time and source) to the target bus,
   * where it is archived and matched against that bus's rules. The runtime calls this when a target ARN
   * is an event bus.
   */
  forwardEvent(busNameOrArn: string, event: EventBridgeEvent): void {
    const bus = this.bus(busNameOrArn);
    const copy = structuredClone(event);
    this.archive(bus, copy);
    this.route(bus, copy);
  }

  private route(bus: Bus, event: EventBridgeEvent, onlyRules?: Set<string>): void {
    for (const rule of bus.rules.values()) {
      if (rule.state !== 'ENABLED' || !rule.compiled) continue;
      if (onlyRules && !onlyRules.has(rule.arn)) continue;
      if (!rule.compiled.matches(event)) continue;
      for (const target of rule.targets.values()) this.track(this.deliverWithRetry(bus, rule, target, event));
    }
  }

  private track(promise: Promise<void>): void {
    this.inFlight.add(promise);
    void promise.finally(() => this.inFlight.delete(promise));
  }

  /** Resolves once no deliveries (including retries and replays) are in flight. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private async deliverWithRetry(
    bus: Bus,
    rule: Rule,
    target: Target,
    event: EventBridgeEvent,
  ): Promise<void> {
    // Delivery starts after PutEvents has returned, as on AWS.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const received = this.now().getTime();
    const maxAttempts = target.RetryPolicy?.MaximumRetryAttempts ?? DEFAULT_RETRY_ATTEMPTS;
    const maxAgeMs = (target.RetryPolicy?.MaximumEventAgeInSeconds ?? DEFAULT_EVENT_AGE_SECONDS) * 1000;
    const meta = { bus: bus.name, rule: rule.name, ruleArn: rule.arn, event };
    let payload: string;
    try {
      payload = renderTargetInput(target, event as unknown as Record<string, unknown>, {
        ruleName: rule.name,
        ruleArn: rule.arn,
      });
    } catch (error) {
      await this.fail(bus, rule, target, event, JSON.stringify(event), error, 'NonRetryableError', 0);
      return;
    }
    for (let attempt = 0; ; attempt++) {
      try {
        await this.deliver(target, payload, { ...meta, attempt });
        this.meter.deliveries++;
        return;
      } catch (error) {
        this.meter.deliveryFailures++;
        if (!isRetryable(error))
          return this.fail(bus, rule, target, event, payload, error, 'NonRetryableError', attempt);
        if (attempt >= maxAttempts) {
          return this.fail(bus, rule, target, event, payload, error, 'MaximumRetryAttempts', attempt);
        }
        const delay = this.retryDelayMs(attempt + 1);
        if (this.now().getTime() + delay - received > maxAgeMs) {
          return this.fail(bus, rule, target, event, payload, error, 'MaximumEventAgeInSeconds', attempt);
        }
        await this.sleep(delay);
      }
    }
  }

  private async fail(
    bus: Bus,
    rule: Rule,
    target: Target,
    event: EventBridgeEvent,
    payload: string,
    error: unknown,
    condition: DeadLetterAttributes['EXHAUSTED_RETRY_CONDITION'],
    retries: number,
  ): Promise<void> {
    const reason: DeadLetterAttributes = {
      ERROR_CODE: errorCode(error),
      ERROR_MESSAGE: error instanceof Error ? error.message : String(error),
      EXHAUSTED_RETRY_CONDITION: condition,
      RETRY_ATTEMPTS: retries,
      RULE_ARN: rule.arn,
      TARGET_ARN: target.Arn,
    };
    const dlqArn = target.DeadLetterConfig?.Arn;
    if (dlqArn) {
      try {
        await this.deliver({ Id: `${target.Id}-dead-letter`, Arn: dlqArn }, payload, {
          bus: bus.name,
          rule: rule.name,
          ruleArn: rule.arn,
          event,
          attempt: 0,
          deadLetter: reason,
        });
        this.meter.sentToDeadLetter++;
        return;
      } catch {
        // InvocationsFailedToBeSentToDLQ: the event is dropped.
      }
    }
    this.meter.dropped++;
    this.onDropped({ bus: bus.name, rule: rule.name, target, event, reason });
  }

  // ---- Archives and replays ---------------------------------------------------------------------------

  createArchive(input: CreateArchiveInput): { ArchiveArn: string; State: 'ENABLED'; CreationTime: Date } {
    this.count('CreateArchive');
    if (!/^[.\-_A-Za-z0-9]{1,48}$/.test(input.ArchiveName ?? '')) {
      throw new EventBridgeError('ValidationException', `Archive name ${input.ArchiveName} is not valid.`);
    }
    if (this.archives.has(input.ArchiveName)) {
      throw new EventBridgeError(
        'ResourceAlreadyExistsException',
        `Archive ${input.ArchiveName} already exists.`,
      );
    }
    const bus = this.bus(input.EventSourceArn);
    const arn = `arn:aws:events:${this.region}:${this.account}:archive/${input.ArchiveName}`;
    this.archives.set(input.ArchiveName, {
      name: input.ArchiveName,
      arn,
      bus: bus.name,
      compiled: input.EventPattern ? this.compile(input.EventPattern) : undefined,
      retentionDays: input.RetentionDays ?? 0,
      events: [],
    });
    return { ArchiveArn: arn, State: 'ENABLED', CreationTime: this.now() };
  }

  private archive(bus: Bus, event: EventBridgeEvent): void {
    for (const archive of this.archives.values()) {
      if (archive.bus !== bus.name) continue;
      if (archive.compiled && !archive.compiled.matches(event)) continue;
      archive.events.push({ event: structuredClone(event), receivedAt: this.now() });
    }
  }

  startReplay(input: StartReplayInput): { ReplayArn: string; State: ReplayState; ReplayStartTime: Date } {
    this.count('StartReplay');
    if (this.replays.has(input.ReplayName)) {
      throw new EventBridgeError(
        'ResourceAlreadyExistsException',
        `Replay ${input.ReplayName} already exists.`,
      );
    }
    const archiveName = input.EventSourceArn?.replace(/^arn:aws:events:[^:]*:[^:]*:archive\//, '');
    const archive = this.archives.get(archiveName ?? '');
    if (!archive)
      throw new EventBridgeError('ResourceNotFoundException', `Archive ${archiveName} does not exist.`);
    const start = toDate(input.EventStartTime, 'EventStartTime');
    const end = toDate(input.EventEndTime, 'EventEndTime');
    if (end.getTime() <= start.getTime()) {
      throw new EventBridgeError('ValidationException', 'EventEndTime must be after EventStartTime.');
    }
    const bus = this.bus(input.Destination?.Arn);
    if (bus.name !== archive.bus) {
      throw new EventBridgeError(
        'ValidationException',
        'The destination event bus must be the archive source event bus.',
      );
    }
    for (const filterArn of input.Destination.FilterArns ?? []) {
      if (![...bus.rules.values()].some((rule) => rule.arn === filterArn)) {
        throw new EventBridgeError('ResourceNotFoundException', `Rule ${filterArn} does not exist.`);
      }
    }
    const replay: ReplayDescription = {
      ReplayName: input.ReplayName,
      ReplayArn: `arn:aws:events:${this.region}:${this.account}:replay/${input.ReplayName}`,
      State: 'STARTING',
      EventSourceArn: archive.arn,
      Destination: structuredClone(input.Destination),
      EventStartTime: start,
      EventEndTime: end,
      ReplayStartTime: this.now(),
    };
    this.replays.set(input.ReplayName, replay);
    const filter = input.Destination.FilterArns?.length ? new Set(input.Destination.FilterArns) : undefined;
    this.track(this.runReplay(replay, archive, bus, filter));
    return { ReplayArn: replay.ReplayArn, State: replay.State, ReplayStartTime: replay.ReplayStartTime };
  }

  private async runReplay(
    replay: ReplayDescription,
    archive: Archive,
    bus: Bus,
    filter?: Set<string>,
  ): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    replay.State = 'RUNNING';
    const from = replay.EventStartTime.getTime();
    const to = replay.EventEndTime.getTime();
    for (const { event, receivedAt } of this.retained(archive)) {
      const at = receivedAt.getTime();
      if (at < from || at >= to) continue;
      const replayed: EventBridgeEvent = { ...structuredClone(event), 'replay-name': replay.ReplayName };
      this.meter.replayedEvents++;
      this.route(bus, replayed, filter);
      replay.EventLastReplayedTime = receivedAt;
    }
    replay.State = 'COMPLETED';
    replay.ReplayEndTime = this.now();
  }

  private retained(archive: Archive): Archive['events'] {
    if (archive.retentionDays > 0) {
      const cutoff = this.now().getTime() - archive.retentionDays * 86_400_000;
      archive.events = archive.events.filter((e) => e.receivedAt.getTime() >= cutoff);
    }
    return archive.events;
  }

  describeReplay(input: { ReplayName: string }): ReplayDescription {
    this.count('DescribeReplay');
    const replay = this.replays.get(input.ReplayName);
    if (!replay)
      throw new EventBridgeError('ResourceNotFoundException', `Replay ${input.ReplayName} does not exist.`);
    return structuredClone(replay);
  }

  /** Events currently held by an archive (for tests and the runtime's inspection tools). */
  archivedEvents(archiveName: string): EventBridgeEvent[] {
    const archive = this.archives.get(archiveName);
    if (!archive)
      throw new EventBridgeError('ResourceNotFoundException', `Archive ${archiveName} does not exist.`);
    return this.retained(archive).map((e) => structuredClone(e.event));
  }

  metering(): Metering {
    return structuredClone(this.meter);
  }
}

function errorCode(error: unknown): string {
  if (error instanceof DeliveryError) return error.code;
  if (error instanceof Error) return error.name;
  return 'Error';
}

function isRetryable(error: unknown): boolean {
  if (typeof error === 'object' && error !== null && 'retryable' in error) {
    return (error as { retryable: unknown }).retryable !== false;
  }
  return !NON_RETRYABLE_CODES.has(errorCode(error));
}
