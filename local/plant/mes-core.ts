import { isoAt, type SimClock, type SimTimer } from './clock';
import { deliver } from './http';
import type { SimEquipment, SimPlantMasterData } from './master-data';
import { Random } from './random';

/**
 * The execution engine both simulated MES profiles share: it takes orders, acknowledges them, runs
 * them operation by operation on simulated time, raises machine faults, and hands every fact to the
 * profile, which renders it in its wire format and queues it in the outbox.
 */

/** An order as the MES understood it, whatever the profile it came in. */
export interface MesOrder {
  readonly orderNumber: string;
  readonly revision: number;
  readonly plant: string;
  readonly material: string;
  readonly quantity: number;
  /** The unit as the MES spells it, e.g. "PCS". */
  readonly unit: string;
  readonly operations: readonly {
    readonly operationNumber: string;
    readonly workCenter: string;
    readonly description?: string;
    /** Planned setup + machine time in simulated ms, when the order says. */
    readonly plannedMs?: number;
  }[];
  readonly components: readonly {
    readonly material: string;
    readonly quantity: number;
    readonly unit: string;
    readonly operationNumber?: string;
    readonly storageLocation?: string;
    readonly batch?: string;
    readonly backflush?: boolean;
  }[];
}

export type MesOrderStatus = 'received' | 'acknowledged' | 'rejected' | 'running' | 'completed' | 'cancelled';

export interface MesOrderRecord {
  readonly orderNumber: string;
  readonly plant: string;
  readonly jobId: string;
  readonly receivedAt: number;
  /** Deliveries of the order, first one included (creates, changes and resends). */
  deliveries: number;
  /** Deliveries that carried a revision already held (resends): the MES keeps one order. */
  duplicates: number;
  revisions: number[];
  status: MesOrderStatus;
  acknowledgedAt?: number;
  completedAt?: number;
  order: MesOrder;
}

export interface MesOperationRecord {
  readonly orderNumber: string;
  readonly operationNumber: string;
  readonly equipmentId?: string;
  readonly startedAt: number;
  completedAt?: number;
  readonly input: number;
  good: number;
  scrap: number;
  rework: number;
}

export interface DowntimeIncident {
  /** One machine fault: the notification plantsync must raise exactly once. */
  readonly incidentId: string;
  readonly plant: string;
  readonly equipmentId: string;
  readonly line: string;
  readonly reasonCode: string;
  readonly faultCode: string;
  readonly startedAt: number;
  endedAt?: number;
  /** Every downtime id signalled for this fault: flapping signals add more than one. */
  readonly downtimeIds: string[];
  readonly flapping: boolean;
}

/** One message the MES sent (or tried to send) to plantsync. */
export interface MesMessageRecord {
  /** eventId (JSON) or BODID (B2MML). */
  readonly id: string;
  readonly format: 'json' | 'b2mml';
  /** The fact, e.g. "operation.completed", "downtime.started". */
  readonly kind: string;
  readonly plant: string;
  readonly orderNumber?: string;
  readonly operationNumber?: string;
  readonly equipmentId?: string;
  readonly downtimeId?: string;
  readonly occurredAt: string;
  readonly payload: unknown;
  delivered: boolean;
  attempts: number;
  lastError?: string;
}

/** A fact of execution, before a profile renders it. */
export type MesFactInput =
  | {
      readonly kind: 'order.acknowledged';
      readonly order: MesOrder;
      readonly jobId: string;
      readonly accepted: boolean;
      readonly line?: string;
      readonly reason?: string;
    }
  | {
      readonly kind: 'operation.started';
      readonly order: MesOrder;
      readonly jobId: string;
      readonly operationNumber: string;
      readonly workCenter: string;
      readonly equipmentId?: string;
    }
  | {
      readonly kind: 'production.confirmed';
      readonly order: MesOrder;
      readonly jobId: string;
      readonly operationNumber: string;
      readonly workCenter: string;
      readonly equipmentId?: string;
      readonly confirmationId: string;
      readonly good: number;
      readonly scrap: number;
      readonly rework: number;
      readonly scrapReason?: string;
      readonly final: boolean;
      readonly machineHours: number;
      readonly consumed: readonly {
        readonly material: string;
        readonly quantity: number;
        readonly unit: string;
        readonly storageLocation?: string;
        readonly batch?: string;
      }[];
      /** Goods receipt of the finished product (last operation, final). */
      readonly produced?: {
        readonly material: string;
        readonly quantity: number;
        readonly unit: string;
        readonly storageLocation: string;
      };
      /** Totals of the operation so far (for B2MML: a completed segment carries them). */
      readonly operationTotals: { readonly good: number; readonly scrap: number };
      readonly startedAt: number;
    }
  | {
      readonly kind: 'operation.completed';
      readonly order: MesOrder;
      readonly jobId: string;
      readonly operationNumber: string;
      readonly workCenter: string;
      readonly equipmentId?: string;
      readonly good: number;
      readonly scrap: number;
      readonly startedAt: number;
    }
  | {
      readonly kind: 'material.consumed';
      readonly order: MesOrder;
      readonly jobId: string;
      readonly movementId: string;
      readonly material: string;
      readonly quantity: number;
      readonly unit: string;
      readonly storageLocation?: string;
      readonly batch?: string;
      readonly operationNumber: string;
    }
  | {
      readonly kind: 'material.produced';
      readonly order: MesOrder;
      readonly jobId: string;
      readonly movementId: string;
      readonly material: string;
      readonly quantity: number;
      readonly unit: string;
      readonly storageLocation: string;
    }
  | {
      readonly kind: 'downtime.started';
      readonly equipment: SimEquipment;
      readonly downtimeId: string;
      readonly reasonCode: string;
      readonly reasonText: string;
      readonly faultCode: string;
    }
  | {
      readonly kind: 'downtime.ended';
      readonly equipment: SimEquipment;
      readonly downtimeId: string;
      readonly reasonCode: string;
      readonly startedAt: number;
    }
  | {
      readonly kind: 'machine.state-changed';
      readonly equipment: SimEquipment;
      readonly state: MachineState;
      readonly previousState: MachineState;
    };

export type MachineState = 'IDLE' | 'PRODUCING' | 'FAULTED' | 'MAINTENANCE';

export interface MachineStatus {
  readonly equipment: SimEquipment;
  state: MachineState;
  since: number;
  currentOrder?: { orderNumber: string; jobId: string; operationNumber: string };
  faultedUntil?: number;
  /** Callbacks waiting for the fault to clear (operations that cannot finish while the machine is down). */
  waiting: (() => void)[];
  available: boolean;
}

export class MesRecords {
  readonly orders = new Map<string, MesOrderRecord>();
  readonly operations: MesOperationRecord[] = [];
  readonly incidents: DowntimeIncident[] = [];
  readonly messages: MesMessageRecord[] = [];
  /** Requests from plantsync answered with an injected 5xx. */
  readonly faultsAnswered: { readonly path: string; readonly status: number; readonly at: number }[] = [];

  /** Orders delivered more than once with the same revision. */
  get duplicateOrders(): number {
    return [...this.orders.values()].reduce((sum, o) => sum + o.duplicates, 0);
  }

  /** What the MES reported as produced per order and operation (good, scrap, rework). */
  operationTotals(orderNumber: string, operationNumber: string): MesOperationRecord | undefined {
    return this.operations.find(
      (o) => o.orderNumber === orderNumber && o.operationNumber === operationNumber,
    );
  }
}

export interface MesSettings {
  /** Mean simulated time between faults per machine. 0 disables random faults. @default 8 h */
  readonly meanTimeBetweenFaultsMs?: number;
  /** Mean repair time. @default 20 min */
  readonly meanRepairMs?: number;
  /** Share of faults that flap (several short downtime signals before the real one). @default 0.3 */
  readonly flappingShare?: number;
  /** Scrap rate mean per operation. @default 0.02 */
  readonly scrapRate?: number;
  /** Share of operations with some rework. @default 0.1 */
  readonly reworkShare?: number;
  /** Share of orders the MES refuses in its acknowledgement. @default 0 */
  readonly rejectShare?: number;
  /** Send machine.state-changed on every operation start/end, not only on faults. @default false */
  readonly stateOnOperations?: boolean;
  /** Events per POST (JSON events; the wire allows 100). @default 100 */
  readonly batchSize?: number;
  /**
   * Concurrent POSTs to the ingress. With 1 the MES delivers strictly in order; more (the B2MML MES
   * defaults to 4, one document per POST) trades order for throughput: plantsync must tolerate
   * out-of-order arrival. @default 1
   */
  readonly senders?: number;
  /** Attempts per POST before a message is recorded as undelivered (backoff doubles, ≥50 ms real). @default 12 */
  readonly deliveryAttempts?: number;
}

export interface MesCoreOptions {
  readonly seed: string | number;
  readonly clock: SimClock;
  readonly master: SimPlantMasterData;
  /** plantsync's MES ingress for this plant, e.g. http://127.0.0.1:PORT/v1/mes/1000/events. */
  readonly ingressUrl: string;
  readonly ingressHeaders?: () => Record<string, string>;
  readonly settings?: MesSettings;
}

const REASONS = [
  { code: 'MECH', text: 'Spindle overload', fault: 'E-SPINDLE-OVERLOAD' },
  { code: 'ELEC', text: 'Drive fault', fault: 'E-DRIVE-FAULT' },
  { code: 'HYDR', text: 'Hydraulic pressure low', fault: 'E-HYD-PRESSURE' },
  { code: 'SENS', text: 'Sensor failure', fault: 'E-SENSOR-LOST' },
  { code: 'TOOL', text: 'Tool breakage', fault: 'E-TOOL-BREAK' },
] as const;

interface OutboxItem {
  readonly contentType: 'application/json' | 'application/xml';
  readonly body: unknown;
  readonly record: MesMessageRecord;
}

/** A rendered fact: what the profile queues. JSON items are batched into `{ events: [...] }`. */
export interface RenderedMessage {
  readonly contentType: 'application/json' | 'application/xml';
  /** JSON: one event object; XML: the document text. */
  readonly body: unknown;
  readonly record: Omit<MesMessageRecord, 'delivered' | 'attempts'>;
}

export type Renderer = (fact: MesFactInput, ids: { next(prefix: string): string }) => RenderedMessage[];

export class MesCore {
  readonly records = new MesRecords();
  readonly machines = new Map<string, MachineStatus>();
  private readonly outbox: OutboxItem[] = [];
  private readonly workers = new Set<Promise<void>>();
  private stopped = false;
  private faultsStopped = false;
  private readonly timers = new Set<SimTimer>();
  private readonly counters = new Map<string, number>();
  private readonly settings: Required<MesSettings>;
  renderer: Renderer = () => [];

  constructor(private readonly options: MesCoreOptions) {
    this.settings = {
      meanTimeBetweenFaultsMs: 8 * 3_600_000,
      meanRepairMs: 20 * 60_000,
      flappingShare: 0.3,
      scrapRate: 0.02,
      reworkShare: 0.1,
      rejectShare: 0,
      stateOnOperations: false,
      batchSize: 100,
      senders: 1,
      deliveryAttempts: 12,
      ...options.settings,
    };
    for (const equipment of options.master.equipment) {
      this.machines.set(equipment.equipmentId, {
        equipment,
        state: 'IDLE',
        since: options.clock.now(),
        waiting: [],
        available: true,
      });
    }
  }

  get plant(): string {
    return this.options.master.plant;
  }

  get clock(): SimClock {
    return this.options.clock;
  }

  iso(ms: number = this.options.clock.now()): string {
    return isoAt(ms, this.options.master.timeZone);
  }

  /** Sequential ids per prefix, e.g. EVT-1000-000001. Deterministic in emission order. */
  readonly ids = {
    next: (prefix: string): string => {
      const n = (this.counters.get(prefix) ?? 0) + 1;
      this.counters.set(prefix, n);
      return `${prefix}-${this.plant}-${String(n).padStart(6, '0')}`;
    },
  };

  private later(simMs: number, fn: () => void): void {
    if (this.stopped) return;
    const timer = this.options.clock.setTimeout(() => {
      this.timers.delete(timer);
      if (!this.stopped) fn();
    }, simMs);
    this.timers.add(timer);
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) this.options.clock.clearTimeout(timer);
    this.timers.clear();
  }

  /** Resolves when the outbox is empty (everything delivered or given up). */
  async idle(): Promise<void> {
    while (this.workers.size > 0) await Promise.all([...this.workers]);
  }

  // ---- orders -------------------------------------------------------------------------------------

  /**
   * An order arrived. A new order is acknowledged after a short delay and then run; a higher
   * revision replaces a not yet started order; the same revision again is counted as a duplicate.
   */
  receive(order: MesOrder): { record: MesOrderRecord; duplicate: boolean; stale?: boolean } {
    const existing = this.records.orders.get(order.orderNumber);
    if (existing) {
      existing.deliveries++;
      if (existing.revisions.includes(order.revision)) {
        existing.duplicates++;
        return { record: existing, duplicate: true };
      }
      // The MES keeps the highest revision: an older one arriving late is refused (409).
      if (order.revision < Math.max(...existing.revisions))
        return { record: existing, duplicate: false, stale: true };
      existing.revisions.push(order.revision);
      if (
        order.revision > Math.max(...existing.revisions.filter((r) => r !== order.revision)) &&
        existing.status !== 'running'
      ) {
        existing.order = order;
      }
      return { record: existing, duplicate: false };
    }
    const record: MesOrderRecord = {
      orderNumber: order.orderNumber,
      plant: order.plant,
      jobId: `JOB-${order.plant}-${order.orderNumber}`,
      receivedAt: this.options.clock.now(),
      deliveries: 1,
      duplicates: 0,
      revisions: [order.revision],
      status: 'received',
      order,
    };
    this.records.orders.set(order.orderNumber, record);
    const random = new Random(this.options.seed).fork(`mes:${this.plant}:order:${order.orderNumber}`);
    const ackDelay = random.int(10, 120) * 1000;
    const accepted = !random.chance(this.settings.rejectShare);
    this.later(ackDelay, () => this.acknowledge(record, accepted, random));
    return { record, duplicate: false };
  }

  cancel(orderNumber: string): MesOrderRecord | undefined {
    const record = this.records.orders.get(orderNumber);
    if (record) record.status = 'cancelled';
    return record;
  }

  private acknowledge(record: MesOrderRecord, accepted: boolean, random: Random): void {
    if (record.status === 'cancelled') return;
    const line = this.lineOf(record.order);
    record.acknowledgedAt = this.options.clock.now();
    record.status = accepted ? 'acknowledged' : 'rejected';
    this.emit({
      kind: 'order.acknowledged',
      order: record.order,
      jobId: record.jobId,
      accepted,
      ...(line ? { line } : {}),
      ...(accepted ? {} : { reason: 'Routing not released for this line in the MES' }),
    });
    if (!accepted) return;
    this.later(random.int(1, 15) * 60_000, () => this.runOperation(record, 0, record.order.quantity, random));
  }

  private lineOf(order: MesOrder): string | undefined {
    const first = order.operations[0];
    return first ? this.options.master.workCenters[first.workCenter]?.line : undefined;
  }

  private equipmentFor(workCenter: string): SimEquipment | undefined {
    const id = this.options.master.workCenters[workCenter]?.equipmentId;
    return id ? this.machines.get(id)?.equipment : undefined;
  }

  private runOperation(record: MesOrderRecord, index: number, input: number, random: Random): void {
    const order = record.order;
    const op = order.operations[index];
    if (!op || record.status === 'cancelled') return;
    record.status = 'running';
    const equipment = this.equipmentFor(op.workCenter);
    const machine = equipment ? this.machines.get(equipment.equipmentId) : undefined;
    const startedAt = this.options.clock.now();
    const opRecord: MesOperationRecord = {
      orderNumber: order.orderNumber,
      operationNumber: op.operationNumber,
      startedAt,
      input,
      good: 0,
      scrap: 0,
      rework: 0,
      ...(equipment ? { equipmentId: equipment.equipmentId } : {}),
    };
    this.records.operations.push(opRecord);
    const base = {
      order,
      jobId: record.jobId,
      operationNumber: op.operationNumber,
      workCenter: op.workCenter,
    };
    const eq = equipment ? { equipmentId: equipment.equipmentId } : {};
    this.emit({ kind: 'operation.started', ...base, ...eq });
    if (machine) {
      machine.currentOrder = {
        orderNumber: order.orderNumber,
        jobId: record.jobId,
        operationNumber: op.operationNumber,
      };
      if (machine.state !== 'FAULTED') this.setState(machine, 'PRODUCING', this.settings.stateOnOperations);
    }
    // Non-backflushed components of this operation (unassigned ones go with the first operation).
    const consumed = order.components.filter(
      (c) =>
        !c.backflush && (c.operationNumber ?? order.operations[0]?.operationNumber) === op.operationNumber,
    );
    for (const c of consumed) {
      this.emit({
        kind: 'material.consumed',
        order,
        jobId: record.jobId,
        movementId: this.ids.next('MM'),
        material: c.material,
        quantity: c.quantity,
        unit: c.unit,
        operationNumber: op.operationNumber,
        ...(c.storageLocation ? { storageLocation: c.storageLocation } : {}),
        ...(c.batch ? { batch: c.batch } : {}),
      });
    }
    // Outcome of the operation, drawn now so partial and final confirmations add up.
    const scrapRate = random.normal(this.settings.scrapRate, this.settings.scrapRate / 2, 0, 0.2);
    const scrap = Math.min(input, Math.round(input * scrapRate));
    const rework = random.chance(this.settings.reworkShare)
      ? Math.min(input - scrap, Math.max(1, Math.round(input * 0.01)))
      : 0;
    const good = Math.max(0, input - scrap - rework);
    const planned = op.plannedMs ?? input * 45_000;
    const duration = Math.max(60_000, Math.round(planned * random.normal(1, 0.1, 0.7, 1.5)));
    const machineHours = Math.round((duration / 3_600_000) * 1000) / 1000;
    const isLast = index === order.operations.length - 1;
    const partial = duration > 2 * 3_600_000 && random.chance(0.5);
    const confirm = (g: number, s: number, r: number, final: boolean) => {
      opRecord.good += g;
      opRecord.scrap += s;
      opRecord.rework += r;
      const produced =
        final && isLast
          ? { material: order.material, quantity: good, unit: order.unit, storageLocation: '0002' }
          : undefined;
      this.emit({
        kind: 'production.confirmed',
        ...base,
        ...eq,
        confirmationId: this.ids.next('CONF'),
        good: g,
        scrap: s,
        rework: r,
        ...(s > 0 ? { scrapReason: random.pick(['S01', 'S02', 'S03']) } : {}),
        final,
        machineHours: final ? machineHours : Math.round(machineHours * 500) / 1000,
        consumed: final
          ? consumed.map((c) => ({
              material: c.material,
              quantity: c.quantity,
              unit: c.unit,
              ...(c.storageLocation ? { storageLocation: c.storageLocation } : {}),
            }))
          : [],
        ...(produced ? { produced } : {}),
        operationTotals: { good: opRecord.good, scrap: opRecord.scrap },
        startedAt,
      });
    };
    const halfGood = Math.floor(good / 2);
    const halfScrap = Math.floor(scrap / 2);
    if (partial)
      this.later(
        Math.floor(duration / 2),
        () => record.status !== 'cancelled' && confirm(halfGood, halfScrap, 0, false),
      );
    const finish = () => {
      if (record.status === 'cancelled') return;
      if (machine?.state === 'FAULTED') {
        machine.waiting.push(finish);
        return;
      }
      confirm(good - (partial ? halfGood : 0), scrap - (partial ? halfScrap : 0), rework, true);
      opRecord.completedAt = this.options.clock.now();
      this.emit({ kind: 'operation.completed', ...base, ...eq, good, scrap, startedAt });
      if (machine) {
        machine.currentOrder = undefined;
        this.setState(machine, 'IDLE', this.settings.stateOnOperations);
      }
      if (isLast) {
        this.emit({
          kind: 'material.produced',
          order,
          jobId: record.jobId,
          movementId: this.ids.next('MM'),
          material: order.material,
          quantity: good,
          unit: order.unit,
          storageLocation: '0002',
        });
        record.status = 'completed';
        record.completedAt = this.options.clock.now();
      } else {
        this.later(random.int(2, 20) * 60_000, () => this.runOperation(record, index + 1, good, random));
      }
    };
    this.later(duration, finish);
  }

  // ---- machines -----------------------------------------------------------------------------------

  private setState(machine: MachineStatus, state: MachineState, announce: boolean): void {
    const previous = machine.state;
    if (previous === state) return;
    machine.state = state;
    machine.since = this.options.clock.now();
    if (announce)
      this.emit({
        kind: 'machine.state-changed',
        equipment: machine.equipment,
        state,
        previousState: previous,
      });
  }

  /** Ends the random fault process: no new faults; faults in progress still end and are reported. */
  stopFaults(): void {
    this.faultsStopped = true;
  }

  /** Starts the random fault process of every machine. */
  startFaults(): void {
    this.faultsStopped = false;
    if (this.settings.meanTimeBetweenFaultsMs <= 0) return;
    for (const machine of this.machines.values()) {
      const random = new Random(this.options.seed).fork(
        `mes:${this.plant}:faults:${machine.equipment.equipmentId}`,
      );
      const schedule = () => {
        // At least 30 min after the last fault ended, so two faults never look like one flapping signal.
        const gap = Math.max(
          30 * 60_000,
          Math.round(random.exponential(this.settings.meanTimeBetweenFaultsMs)),
        );
        this.later(gap, () => {
          if (this.faultsStopped) return;
          if (machine.state === 'FAULTED') {
            schedule();
            return;
          }
          const incident = this.fault(machine.equipment.equipmentId, { random });
          const waitForEnd = () =>
            incident.endedAt === undefined ? this.later(60_000, waitForEnd) : schedule();
          waitForEnd();
        });
      };
      schedule();
    }
  }

  /**
   * Raises a machine fault now: downtime.started (after flapping signals, if any), machine state
   * FAULTED, and after the repair time downtime.ended and the machine back.
   */
  fault(
    equipmentId: string,
    options: { flapping?: boolean; repairMs?: number; random?: Random } = {},
  ): DowntimeIncident {
    const machine = this.machines.get(equipmentId);
    if (!machine) throw new Error(`no machine ${equipmentId} in plant ${this.plant}`);
    const random =
      options.random ??
      new Random(this.options.seed).fork(
        `mes:${this.plant}:fault:${equipmentId}:${this.records.incidents.length}`,
      );
    const reason = random.pick(REASONS);
    const flapping = options.flapping ?? random.chance(this.settings.flappingShare);
    const repairMs =
      options.repairMs ??
      Math.round(
        random.normal(
          this.settings.meanRepairMs,
          this.settings.meanRepairMs / 2,
          120_000,
          6 * this.settings.meanRepairMs,
        ),
      );
    const incident: DowntimeIncident = {
      incidentId: this.ids.next('INC'),
      plant: this.plant,
      equipmentId,
      line: machine.equipment.line,
      reasonCode: reason.code,
      faultCode: reason.fault,
      startedAt: this.options.clock.now(),
      downtimeIds: [],
      flapping,
    };
    this.records.incidents.push(incident);
    const signal = (lastMs: number, then: () => void) => {
      const downtimeId = this.ids.next('DT');
      incident.downtimeIds.push(downtimeId);
      const startedAt = this.options.clock.now();
      machine.faultedUntil = startedAt + lastMs;
      this.emit({
        kind: 'downtime.started',
        equipment: machine.equipment,
        downtimeId,
        reasonCode: reason.code,
        reasonText: reason.text,
        faultCode: reason.fault,
      });
      this.setState(machine, 'FAULTED', true);
      this.later(lastMs, () => {
        this.emit({
          kind: 'downtime.ended',
          equipment: machine.equipment,
          downtimeId,
          reasonCode: reason.code,
          startedAt,
        });
        machine.faultedUntil = undefined;
        this.setState(machine, machine.currentOrder ? 'PRODUCING' : 'IDLE', true);
        const waiting = machine.waiting.splice(0);
        then();
        for (const resume of waiting) resume();
      });
    };
    const flaps = flapping ? random.int(1, 3) : 0;
    const run = (left: number) => {
      if (left === 0) {
        signal(repairMs, () => {
          incident.endedAt = this.options.clock.now();
        });
        return;
      }
      // Flapping: short signals seconds apart, well inside any plant's flapping window.
      signal(random.int(3, 10) * 1000, () => this.later(random.int(3, 10) * 1000, () => run(left - 1)));
    };
    run(flaps);
    return incident;
  }

  /** Equipment availability reported by plantsync (maintenance completion). */
  setAvailability(equipmentId: string, available: boolean): boolean {
    const machine = this.machines.get(equipmentId);
    if (!machine) return false;
    machine.available = available;
    if (!available && machine.state !== 'FAULTED') this.setState(machine, 'MAINTENANCE', true);
    if (available && machine.state === 'MAINTENANCE')
      this.setState(machine, machine.currentOrder ? 'PRODUCING' : 'IDLE', true);
    return true;
  }

  status(equipmentId: string) {
    const machine = this.machines.get(equipmentId);
    if (!machine) return undefined;
    return {
      equipmentId,
      line: machine.equipment.line,
      state: machine.state,
      since: this.iso(machine.since),
      currentOrder: machine.currentOrder ?? null,
      updatedAt: this.iso(),
    };
  }

  /** The MES's equipment master, by equipment id (what `GET /api/v1/equipment` pages through). */
  equipmentList() {
    return [...this.machines.values()]
      .map((m) => ({
        equipmentId: m.equipment.equipmentId,
        description: m.equipment.description,
        line: m.equipment.line,
        workCenter: m.equipment.workCenter,
        functionalLocation: m.equipment.functionalLocation,
        active: true,
        available: m.available,
      }))
      .sort((a, b) => a.equipmentId.localeCompare(b.equipmentId));
  }

  /** The orders the MES holds, by order number; `open` leaves out completed and cancelled ones. */
  orderList(filter: 'open' | 'all') {
    return [...this.records.orders.values()]
      .filter((o) => filter === 'all' || (o.status !== 'completed' && o.status !== 'cancelled'))
      .map((o) => ({
        orderNumber: o.orderNumber,
        revision: Math.max(...o.revisions),
        jobId: o.jobId,
        status: o.status.toUpperCase(),
      }))
      .sort((a, b) => a.orderNumber.padStart(12, '0').localeCompare(b.orderNumber.padStart(12, '0')));
  }

  lineStatus(line: string) {
    const machines = [...this.machines.values()].filter((m) => m.equipment.line === line);
    if (machines.length === 0) return undefined;
    const faulted = machines.find((m) => m.state === 'FAULTED' || m.state === 'MAINTENANCE');
    const producing = machines.find((m) => m.state === 'PRODUCING');
    const state = faulted ? faulted.state : producing ? 'PRODUCING' : 'IDLE';
    return {
      line,
      state,
      since: this.iso(Math.max(...machines.map((m) => m.since))),
      currentOrder: producing?.currentOrder ?? faulted?.currentOrder ?? null,
      equipment: machines.map((m) => ({ equipmentId: m.equipment.equipmentId, state: m.state })),
      updatedAt: this.iso(),
    };
  }

  // ---- outbox -------------------------------------------------------------------------------------

  emit(fact: MesFactInput): void {
    for (const message of this.renderer(fact, this.ids)) {
      const record: MesMessageRecord = { ...message.record, delivered: false, attempts: 0 };
      this.records.messages.push(record);
      this.outbox.push({ contentType: message.contentType, body: message.body, record });
    }
    this.pump();
  }

  private pump(): void {
    while (!this.stopped && this.outbox.length > 0 && this.workers.size < this.settings.senders) {
      const worker: Promise<void> = this.work().finally(() => {
        this.workers.delete(worker);
        if (this.outbox.length > 0 && !this.stopped) this.pump();
      });
      this.workers.add(worker);
    }
  }

  /** One sender: takes the next batch (JSON events up to batchSize, or one document) until the outbox is empty. */
  private async work(): Promise<void> {
    while (this.outbox.length > 0 && !this.stopped) {
      const head = this.outbox[0];
      if (!head) break;
      let batch: OutboxItem[];
      let body: string;
      if (head.contentType === 'application/json') {
        const end = this.outbox.findIndex(
          (item, i) => item.contentType !== 'application/json' || i >= this.settings.batchSize,
        );
        batch = this.outbox.splice(0, end < 0 ? this.outbox.length : end);
        body = JSON.stringify({ events: batch.map((item) => item.body) });
      } else {
        batch = this.outbox.splice(0, 1);
        body = String(head.body);
      }
      const result = await deliver(
        this.options.ingressUrl,
        { headers: () => ({ 'content-type': head.contentType, ...this.options.ingressHeaders?.() }), body },
        { clock: this.options.clock, maxAttempts: this.settings.deliveryAttempts },
        () => this.stopped,
      );
      for (const item of batch) {
        item.record.delivered = result.delivered;
        item.record.attempts = result.attempts;
        if (!result.delivered && result.lastError) item.record.lastError = result.lastError;
      }
    }
  }
}
