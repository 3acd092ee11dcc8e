/**
 * In-memory fakes of the workflow ports. Each records what it was asked to do, and a FailurePlan
 * makes a method throw a given error a given number of times (retry, catch and compensation paths).
 */
import type { EventData } from '../../../../events';
import { CorrelationRepository } from '../../../../functions/workflows/domain/repository';
import { InMemoryStore } from '../../../../functions/workflows/domain/store';
import type {
  CallContext,
  EquipmentRecord,
  EventSink,
  EventToPublish,
  MaintenancePort,
  MesPort,
  MetricsPort,
  OrderStatusRecord,
  PlantCalendar,
  PlantSla,
  ProductionStatus,
  ReferenceDataPort,
  SapOrderOperation,
  SapPort,
  TaskCallbackPort,
} from '../../../../functions/workflows/ports';
import type { WorkflowDeps } from '../../../../functions/workflows/tasks';

/** An error with a given name, e.g. 'Lambda.TooManyRequestsException' or 'BusinessRuleError'. */
export const namedError = (name: string, message = `${name} (simulated)`): Error => {
  const error = new Error(message);
  error.name = name;
  return error;
};

export class FailurePlan {
  private readonly plans = new Map<string, { error: () => Error; remaining: number }>();
  readonly calls = new Map<string, number>();

  /** `method` throws `errorName` on its next `times` calls (default: always). */
  fail(method: string, errorName: string, times = Number.POSITIVE_INFINITY, message?: string): void {
    this.plans.set(method, { error: () => namedError(errorName, message), remaining: times });
  }

  check(method: string): void {
    this.calls.set(method, (this.calls.get(method) ?? 0) + 1);
    const plan = this.plans.get(method);
    if (!plan || plan.remaining <= 0) return;
    plan.remaining -= 1;
    throw plan.error();
  }

  count(method: string): number {
    return this.calls.get(method) ?? 0;
  }
}

export class FakeSap implements SapPort {
  readonly failures = new FailurePlan();
  readonly confirmations: { confirmationId: string; target: SapOrderOperation; correlationId: string }[] = [];
  readonly movements: string[] = [];
  readonly impacts: { workOrderId: string; affectedOrder?: string }[] = [];
  readonly completions: string[] = [];
  readonly adjustments: { adjustmentId: string; approvedBy: string }[] = [];
  /** Orders SAP knows, with their operations. */
  readonly orders = new Map<string, string[]>([['1000123', ['0010', '0020']]]);
  equipment: EquipmentRecord[] = [];
  orderStatuses: OrderStatusRecord[] = [];

  async findOrderOperation(_ctx: CallContext, orderNumber: string, operationNumber: string) {
    this.failures.check('findOrderOperation');
    return this.orders.get(orderNumber)?.includes(operationNumber)
      ? { orderNumber, operationNumber, confirmationGroup: `RUECK-${orderNumber}-${operationNumber}` }
      : undefined;
  }
  async postConfirmation(ctx: CallContext, target: SapOrderOperation, c: EventData<'ProductionConfirmed'>) {
    this.failures.check('postConfirmation');
    this.confirmations.push({ confirmationId: c.confirmationId, target, correlationId: ctx.correlationId });
    return { sapDocument: `CONF-DOC-${this.confirmations.length}` };
  }
  async postGoodsMovement(_ctx: CallContext, m: EventData<'MaterialMovementRecorded'>) {
    this.failures.check('postGoodsMovement');
    this.movements.push(m.movementId);
    return { materialDocument: `49000000${this.movements.length}` };
  }
  async postOperationalImpact(_ctx: CallContext, impact: { workOrderId: string; affectedOrder?: string }) {
    this.failures.check('postOperationalImpact');
    this.impacts.push({ workOrderId: impact.workOrderId, affectedOrder: impact.affectedOrder });
    return { sapDocument: `IMPACT-${this.impacts.length}` };
  }
  async postMaintenanceCompletion(_ctx: CallContext, c: EventData<'WorkOrderCompleted'>) {
    this.failures.check('postMaintenanceCompletion');
    this.completions.push(`${c.workOrderId}@${c.completedAt}`);
    return { sapDocument: `PM-CONF-${this.completions.length}` };
  }
  async postInventoryAdjustment(_ctx: CallContext, adjustment: { adjustmentId: string; approvedBy: string }) {
    this.failures.check('postInventoryAdjustment');
    this.adjustments.push({ adjustmentId: adjustment.adjustmentId, approvedBy: adjustment.approvedBy });
    return { materialDocument: `4900000${this.adjustments.length}` };
  }
  async listEquipment() {
    this.failures.check('listEquipment');
    return this.equipment;
  }
  async listOrderStatuses() {
    this.failures.check('listOrderStatuses');
    return this.orderStatuses;
  }
}

export class FakeMes implements MesPort {
  readonly failures = new FailurePlan();
  readonly released: { orderNumber: string; correlationId: string }[] = [];
  readonly changed: string[] = [];
  readonly cancelled: string[] = [];
  readonly availability: { equipmentId: string; available: boolean }[] = [];
  status: ProductionStatus = { equipmentId: '10000042', state: 'running', currentOrder: '1000123' };
  equipment: EquipmentRecord[] = [];
  orderStatuses: OrderStatusRecord[] = [];
  /** Called after each release; tests use it to send the acknowledgement (or not). */
  onRelease: (ctx: CallContext, order: EventData<'ProductionOrderReleased'>) => void = () => {};

  async releaseOrder(ctx: CallContext, order: EventData<'ProductionOrderReleased'>) {
    this.failures.check('releaseOrder');
    this.released.push({ orderNumber: order.orderNumber, correlationId: ctx.correlationId });
    this.onRelease(ctx, order);
  }
  async changeOrder(_ctx: CallContext, order: EventData<'ProductionOrderChanged'>) {
    this.failures.check('changeOrder');
    this.changed.push(order.orderNumber);
  }
  async cancelOrder(_ctx: CallContext, orderNumber: string) {
    this.failures.check('cancelOrder');
    this.cancelled.push(orderNumber);
  }
  async readProductionStatus(_ctx: CallContext, equipmentId: string) {
    this.failures.check('readProductionStatus');
    return { ...this.status, equipmentId };
  }
  async reportEquipmentAvailability(_ctx: CallContext, equipmentId: string, available: boolean) {
    this.failures.check('reportEquipmentAvailability');
    this.availability.push({ equipmentId, available });
  }
  async listEquipment() {
    this.failures.check('listEquipment');
    return this.equipment;
  }
  async listOrderStatuses() {
    this.failures.check('listOrderStatuses');
    return this.orderStatuses;
  }
}

export class FakeMaintenance implements MaintenancePort {
  readonly failures = new FailurePlan();
  readonly notifications: { notificationId: string; externalReference: string; context: unknown }[] = [];
  readonly notificationUpdates: { notificationId: string; downtimeEndedAt: string }[] = [];
  readonly workOrders: { workOrderId: string; plannedStart: string; plannedEnd: string; status: string }[] =
    [];
  assets: EquipmentRecord[] = [];

  async createNotification(
    _ctx: CallContext,
    request: { externalReference: string; context?: unknown },
  ): Promise<{ notificationId: string; platform: 'maintainx' }> {
    this.failures.check('createNotification');
    const notificationId = `N-${this.notifications.length + 1}`;
    this.notifications.push({
      notificationId,
      externalReference: request.externalReference,
      context: request.context,
    });
    return { notificationId, platform: 'maintainx' };
  }
  async updateNotification(_ctx: CallContext, notificationId: string, update: { downtimeEndedAt: string }) {
    this.failures.check('updateNotification');
    this.notificationUpdates.push({ notificationId, downtimeEndedAt: update.downtimeEndedAt });
  }
  async createWorkOrder(_ctx: CallContext, request: { plannedStart: string; plannedEnd: string }) {
    this.failures.check('createWorkOrder');
    const workOrderId = `WO-${this.workOrders.length + 1}`;
    this.workOrders.push({
      workOrderId,
      plannedStart: request.plannedStart,
      plannedEnd: request.plannedEnd,
      status: 'open',
    });
    return { workOrderId };
  }
  async cancelWorkOrder(_ctx: CallContext, workOrderId: string) {
    this.failures.check('cancelWorkOrder');
    const order = this.workOrders.find((w) => w.workOrderId === workOrderId);
    if (order) order.status = 'cancelled';
  }
  async listAssets() {
    this.failures.check('listAssets');
    return this.assets;
  }
}

/** Plant 1010: Saturday 22:00 to Sunday 06:00 and Wednesday 22:00 to 02:00, plant time +01:00. */
export const CALENDAR_1010: PlantCalendar = {
  utcOffset: '+01:00',
  weeklyWindows: [
    { weekday: 3, start: '22:00', end: '02:00' },
    { weekday: 6, start: '22:00', end: '06:00' },
  ],
  blackoutDates: ['2026-12-24'],
};

export class FakeReference implements ReferenceDataPort {
  readonly failures = new FailurePlan();
  calendar: PlantCalendar = CALENDAR_1010;
  async equipmentXref(_ctx: CallContext, equipmentId: string) {
    this.failures.check('equipmentXref');
    return {
      sapEquipment: equipmentId,
      mesResource: `RES-${equipmentId}`,
      maintenanceAsset: `A-${equipmentId}`,
      line: 'L01',
    };
  }
  async shiftAt() {
    return 'early';
  }
  sla: PlantSla = {};
  async plantCalendar() {
    return this.calendar;
  }
  async plantSla() {
    return this.sla;
  }
}

export class FakeEvents implements EventSink {
  readonly failures = new FailurePlan();
  readonly published: EventToPublish[] = [];
  async publish(events: readonly EventToPublish[]) {
    this.failures.check('publish');
    this.published.push(...events);
  }
  ofType(detailType: string): EventToPublish[] {
    return this.published.filter((e) => e.detailType === detailType);
  }
}

export class FakeMetrics implements MetricsPort {
  readonly recorded: { name: string; value: number; unit: string }[] = [];
  record(name: string, value: number, unit: string) {
    this.recorded.push({ name, value, unit });
  }
  named(name: string) {
    return this.recorded.filter((m) => m.name === name);
  }
}

/**
 * Step Functions callbacks: a task waiting with `.waitForTaskToken` registers its token here;
 * SendTaskSuccess settles it. An unknown or finished token fails as on AWS (TaskTimedOut).
 */
export class FakeCallbacks implements TaskCallbackPort {
  private readonly waiting = new Map<string, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  readonly sent: { token: string; output: unknown }[] = [];

  wait(token: string): Promise<unknown> {
    return new Promise((resolve, reject) => this.waiting.set(token, { resolve, reject }));
  }
  isWaiting(token: string): boolean {
    return this.waiting.has(token);
  }
  async sendTaskSuccess(token: string, output: unknown) {
    const waiter = this.waiting.get(token);
    if (!waiter) throw namedError('TaskTimedOut', `no task is waiting for token ${token}`);
    this.waiting.delete(token);
    this.sent.push({ token, output });
    waiter.resolve(output);
  }
  async sendTaskFailure(token: string, error: string, cause: string) {
    const waiter = this.waiting.get(token);
    if (!waiter) throw namedError('TaskTimedOut', `no task is waiting for token ${token}`);
    this.waiting.delete(token);
    waiter.reject(namedError(error, cause));
  }
}

export class Clock {
  constructor(private current: Date) {}
  now = (): Date => new Date(this.current);
  set(iso: string) {
    this.current = new Date(iso);
  }
  advanceSeconds(seconds: number) {
    this.current = new Date(this.current.getTime() + seconds * 1000);
  }
}

export interface World extends WorkflowDeps {
  readonly store: InMemoryStore;
  readonly clock: Clock;
  readonly sap: FakeSap;
  readonly mes: FakeMes;
  readonly maintenance: FakeMaintenance;
  readonly reference: FakeReference;
  readonly events: FakeEvents;
  readonly metrics: FakeMetrics;
  readonly callbacks: FakeCallbacks;
}

export const createWorld = (now = '2026-11-25T08:00:00Z'): World => {
  const store = new InMemoryStore();
  const clock = new Clock(new Date(now));
  return {
    store,
    clock,
    now: clock.now,
    repo: new CorrelationRepository(store, clock.now),
    sap: new FakeSap(),
    mes: new FakeMes(),
    maintenance: new FakeMaintenance(),
    reference: new FakeReference(),
    events: new FakeEvents(),
    metrics: new FakeMetrics(),
    callbacks: new FakeCallbacks(),
  };
};
