/**
 * The /v1 business capabilities as plain functions: typed input in, status and body out. They
 * expose business capabilities (release an order, look at equipment, create a work order, approve
 * an adjustment, see an order's state), never SAP's internal structures.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ConflictError, NotFoundError, ValidationError } from '../../shared/errors';
import { reconcileEquipment } from '../workflows/domain/reconciliation';
import type { CorrelationRepository } from '../workflows/domain/repository';
import type { CallContext, MaintenancePort, TaskCallbackPort } from '../workflows/ports';
import { decideAdjustment } from '../workflows/tasks/inventory';
import type { EquipmentDirectory, OrderSource, OrderStatusSources, WorkflowStarter } from './ports';

export interface BusinessApiDeps {
  readonly repo: CorrelationRepository;
  readonly orders: OrderSource;
  readonly workflows: WorkflowStarter;
  readonly equipment: EquipmentDirectory;
  readonly orderStatus: OrderStatusSources;
  readonly maintenance: MaintenancePort;
  readonly callbacks: TaskCallbackPort;
  readonly now: () => Date;
}

export interface Result {
  readonly statusCode: number;
  readonly body: Record<string, unknown>;
}

export const PlantCode = z.string().regex(/^[A-Z0-9]{4}$/, 'a 4-character plant code');
export const OrderReleaseRequest = z.object({
  plant: PlantCode,
  requestedBy: z.string().min(1).max(128),
  plannedStart: z.iso.datetime({ offset: true }).optional(),
  note: z.string().max(500).optional(),
});
export const WorkOrderRequest = z.object({
  plant: PlantCode,
  equipmentId: z.string().min(1).max(18),
  title: z.string().min(1).max(200),
  description: z.string().max(4000).optional(),
  priority: z.enum(['low', 'medium', 'high', 'urgent']),
  dueBy: z.iso.datetime({ offset: true }).optional(),
});
export const ApprovalRequest = z.object({
  decision: z.enum(['approve', 'reject']),
  approver: z.string().min(1).max(128),
  reason: z.string().max(500).optional(),
});

/** A status lookup that is down answers "unavailable" instead of failing the whole view. */
const orUnavailable = async <T>(lookup: () => Promise<T>): Promise<T | 'unavailable'> => {
  try {
    return await lookup();
  } catch (error) {
    if ((error as Error).name === 'TransientError') return 'unavailable';
    throw error;
  }
};

const sameRequest = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export const createBusinessApi = (deps: BusinessApiDeps) => ({
  /**
   * POST /v1/orders/{orderNumber}/release: starts order-release for an order SAP released, or
   * re-drives it after the MES did not acknowledge or refused it. Idempotent: the execution name
   * is derived from the order's state revision, so repeats start nothing new.
   */
  async releaseOrder(
    ctx: CallContext,
    orderNumber: string,
    request: z.infer<typeof OrderReleaseRequest>,
  ): Promise<Result> {
    const state = await deps.repo.getOrder(request.plant, orderNumber);
    if (state && (state.status === 'RELEASED' || state.status === 'AWAITING_ACK'))
      return {
        statusCode: 202,
        body: { orderNumber, plant: request.plant, status: state.status, started: false },
      };
    if (state && state.status !== 'NOT_ACKNOWLEDGED' && state.status !== 'REFUSED')
      throw new ConflictError(`order ${orderNumber} is ${state.status}; there is nothing to release`);
    const order = await deps.orders.readReleasedOrder({ ...ctx, plant: request.plant }, orderNumber);
    if (!order) throw new NotFoundError(`SAP has no released order ${orderNumber} in plant ${request.plant}`);
    const now = deps.now().toISOString();
    const executionName = `release-${request.plant}-${orderNumber}-${state?.rev ?? 0}`;
    const detail = {
      metadata: {
        eventId: randomUUID(),
        eventType: 'ProductionOrderReleased',
        schemaVersion: '1.0',
        correlationId: ctx.correlationId,
        idempotencyKey: `api:${executionName}`,
        plant: request.plant,
        occurredAt: now,
        emittedAt: now,
        producer: 'plantsync.business-api',
      },
      data: order,
    };
    const started = await deps.workflows.startOrderRelease(executionName, detail);
    return {
      statusCode: 202,
      body: {
        orderNumber,
        plant: request.plant,
        status: 'RELEASE_REQUESTED',
        started: started === 'started',
        executionName,
      },
    };
  },

  /** GET /v1/orders/{orderNumber}/status?plant=: the order across plantsync, SAP and the MES. */
  async orderStatus(ctx: CallContext, orderNumber: string): Promise<Result> {
    const [state, sap, mes] = await Promise.all([
      deps.repo.getOrder(ctx.plant, orderNumber),
      orUnavailable(() => deps.orderStatus.sap(ctx, orderNumber)),
      orUnavailable(() => deps.orderStatus.mes(ctx, orderNumber)),
    ]);
    if (!state && sap === undefined && mes === undefined)
      throw new NotFoundError(`order ${orderNumber} is unknown in plant ${ctx.plant}`);
    return {
      statusCode: 200,
      body: {
        orderNumber,
        plant: ctx.plant,
        plantsync: state
          ? {
              status: state.status,
              statusSince: state.statusSince,
              releasedAt: state.releasedAt,
              correlationId: state.correlationId,
              ...(state.mesJobId ? { mesJobId: state.mesJobId } : {}),
            }
          : null,
        sap: sap ?? null,
        mes: mes ?? null,
        inSync: sap !== 'unavailable' && mes !== 'unavailable' && sap === mes,
      },
    };
  },

  /** GET /v1/equipment/{equipmentId}?plant=: one asset as SAP, the MES and maintenance see it. */
  async equipment(ctx: CallContext, equipmentId: string): Promise<Result> {
    const [sap, mes, maintenance] = await Promise.all([
      orUnavailable(() => deps.equipment.sap(ctx, equipmentId)),
      orUnavailable(() => deps.equipment.mes(ctx, equipmentId)),
      orUnavailable(() => deps.equipment.maintenance(ctx, equipmentId)),
    ]);
    if (sap === undefined && mes === undefined && maintenance === undefined)
      throw new NotFoundError(`equipment ${equipmentId} is unknown in plant ${ctx.plant}`);
    const known = Object.fromEntries(
      Object.entries({ sap, mes, maintenance }).filter(([, v]) => v !== 'unavailable' && v !== undefined),
    );
    const differences = reconcileEquipment(
      Object.fromEntries(
        Object.entries({ sap, mes, maintenance })
          .filter(([, v]) => v !== 'unavailable')
          .map(([k, v]) => [k, v ? [v] : []]),
      ),
    ).drifts[0]?.differences;
    return {
      statusCode: 200,
      body: {
        equipmentId,
        plant: ctx.plant,
        sap: sap ?? null,
        mes: mes ?? null,
        maintenance: maintenance ?? null,
        systems: Object.keys(known),
        differences: differences ?? [],
      },
    };
  },

  /**
   * POST /v1/work-orders (Idempotency-Key header): creates the work order through the plant's
   * maintenance connector once per key; a replay answers the same work order.
   */
  async createWorkOrder(
    ctx: CallContext,
    idempotencyKey: string | undefined,
    request: z.infer<typeof WorkOrderRequest>,
  ): Promise<Result> {
    if (!idempotencyKey || !/^[A-Za-z0-9._:-]{8,128}$/.test(idempotencyKey))
      throw new ValidationError('Idempotency-Key header of 8 to 128 characters [A-Za-z0-9._:-] is required');
    const scope = `API-WORK-ORDER#${request.plant}`;
    const externalReference = `ps-${request.plant}-api-${idempotencyKey}`;
    if (!(await deps.repo.claimOnce(scope, idempotencyKey, { status: 'CREATING', request }))) {
      const claim = await deps.repo.getClaim(scope, idempotencyKey);
      if (!sameRequest(claim?.request, request))
        throw new ConflictError('this Idempotency-Key was used for a different work order request');
      if (typeof claim?.workOrderId !== 'string')
        throw new ConflictError(
          'a work order for this Idempotency-Key is still being created; retry shortly',
        );
      return { statusCode: 201, body: { workOrderId: claim.workOrderId, externalReference, replayed: true } };
    }
    try {
      const now = deps.now();
      const plannedEnd = request.dueBy ?? new Date(now.getTime() + 24 * 3600_000).toISOString();
      const { workOrderId } = await deps.maintenance.createWorkOrder(
        { ...ctx, plant: request.plant },
        {
          externalReference,
          equipmentId: request.equipmentId,
          title: request.title,
          priority: request.priority,
          plannedStart: now.toISOString(),
          plannedEnd,
        },
      );
      await deps.repo.updateClaim(scope, idempotencyKey, { status: 'CREATED', workOrderId });
      return { statusCode: 201, body: { workOrderId, externalReference, replayed: false } };
    } catch (error) {
      // The platform dedupes by externalReference, so a retry with the same key is safe.
      await deps.repo.releaseClaim(scope, idempotencyKey);
      throw error;
    }
  },

  /** POST /v1/inventory-adjustments/{id}/approval?plant=: answers the waiting inventory-adjustment workflow. */
  async approveAdjustment(
    ctx: CallContext,
    adjustmentId: string,
    request: z.infer<typeof ApprovalRequest>,
  ): Promise<Result> {
    const answer = await decideAdjustment(deps, ctx.plant, adjustmentId, request);
    if (answer.outcome === 'not-found')
      throw new NotFoundError(`no inventory adjustment ${adjustmentId} is waiting in plant ${ctx.plant}`);
    if (answer.outcome === 'conflict')
      throw new ConflictError(
        `inventory adjustment ${adjustmentId} is ${answer.status}; the decision cannot change`,
      );
    return {
      statusCode: 200,
      body: { adjustmentId, plant: ctx.plant, status: answer.status, decision: request.decision },
    };
  },
});
