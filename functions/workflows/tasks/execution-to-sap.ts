import { z } from 'zod';
import { MaterialMovementRecorded, ProductionConfirmed } from '../../../events';
import { recordKpi } from '../../../shared/kpi-metrics';
import type { PostingKind } from '../domain/repository';
import { BusinessRuleError } from '../errors';
import { ctxOf, parsePayload, TaskBase, type TaskFn, type WorkflowDeps } from './deps';

const Fact = z.discriminatedUnion('eventType', [
  z.object({ eventType: z.literal('ProductionConfirmed'), fact: ProductionConfirmed.data }),
  z.object({ eventType: z.literal('MaterialMovementRecorded'), fact: MaterialMovementRecorded.data }),
]);
const CheckOrder = z.intersection(TaskBase.extend({ detail: z.unknown() }), Fact);
const FactTask = z.intersection(TaskBase, Fact);
const PostFact = z.intersection(
  TaskBase.extend({
    /** Output of find-sap-operation: `found: false` for movements, which post against the order directly. */
    target: z.object({
      found: z.boolean(),
      orderNumber: z.string().optional(),
      operationNumber: z.string().optional(),
      confirmationGroup: z.string().optional(),
    }),
  }),
  Fact,
);
const OrderRef = TaskBase.extend({ orderNumber: z.string().min(1) });

type FactInput = z.infer<typeof Fact>;

/** The exactly-once key of a fact: the MES confirmation id or movement id. */
const postingOf = (f: FactInput): { kind: PostingKind; id: string; orderNumber: string | undefined } =>
  f.eventType === 'ProductionConfirmed'
    ? { kind: 'CONF', id: f.fact.confirmationId, orderNumber: f.fact.orderNumber }
    : { kind: 'MOVE', id: f.fact.movementId, orderNumber: f.fact.orderNumber };

/** Movements without an order (e.g. a cost-centre issue) are kept under a pseudo order. */
const NO_ORDER = 'NONE';

export const executionToSapTasks = (deps: WorkflowDeps): Record<string, TaskFn> => ({
  /** ready | parked (order not yet known, kept until it arrives) | duplicate (posted or parked before). */
  'execution/check-order': async (payload) => {
    const p = parsePayload(CheckOrder, payload);
    const posting = postingOf(p);
    const orderNumber = posting.orderNumber ?? NO_ORDER;
    const status = await deps.repo.postingStatus(p.plant, orderNumber, posting.kind, posting.id);
    if (status === 'posted') return { status: 'duplicate', orderNumber, reason: 'already posted to SAP' };
    if (posting.orderNumber && !(await deps.repo.isOrderKnown(p.plant, posting.orderNumber))) {
      const parked = await deps.repo.parkUntilOrderKnown(
        p.plant,
        posting.orderNumber,
        `${posting.kind}#${posting.id}`,
        p.detail,
      );
      if (parked === 'parked') {
        recordKpi(deps.metrics, 'ConfirmationParked', 1, p.plant);
        return { status: 'parked', orderNumber };
      }
      if (parked === 'already-parked') return { status: 'duplicate', orderNumber, reason: 'already parked' };
    }
    return { status: 'ready', orderNumber };
  },

  /** Finds the SAP order and operation a confirmation posts against; movements need none. */
  'execution/find-sap-operation': async (payload) => {
    const p = parsePayload(FactTask, payload);
    if (p.eventType !== 'ProductionConfirmed') return { found: false };
    const target = await deps.sap.findOrderOperation(ctxOf(p), p.fact.orderNumber, p.fact.operationNumber);
    if (!target) {
      recordKpi(deps.metrics, 'ConfirmationRejected', 1, p.plant);
      throw new BusinessRuleError(
        `SAP has no operation ${p.fact.operationNumber} on order ${p.fact.orderNumber}`,
        {
          kind: 'unknown-order',
          owner: { system: 'sap', role: 'production planner' },
          businessKey: { kind: 'order', value: p.fact.orderNumber },
        },
      );
    }
    return { found: true, ...target };
  },

  /** Posts to SAP exactly once: a conditional claim first, the port call keyed by the MES id. */
  'execution/post': async (payload) => {
    const p = parsePayload(PostFact, payload);
    const posting = postingOf(p);
    const orderNumber = posting.orderNumber ?? NO_ORDER;
    const claim = await deps.repo.claimPosting(p.plant, orderNumber, posting.kind, posting.id);
    if (claim.outcome === 'posted') return { outcome: 'duplicate', document: claim.document };
    let document: string;
    try {
      if (p.eventType === 'ProductionConfirmed') {
        const target = {
          orderNumber: p.target.orderNumber ?? p.fact.orderNumber,
          operationNumber: p.target.operationNumber ?? p.fact.operationNumber,
          ...(p.target.confirmationGroup ? { confirmationGroup: p.target.confirmationGroup } : {}),
        };
        document = (await deps.sap.postConfirmation(ctxOf(p), target, p.fact)).sapDocument;
      } else {
        document = (await deps.sap.postGoodsMovement(ctxOf(p), p.fact)).materialDocument;
      }
    } catch (error) {
      // SAP refused the posting for good (retries would not help): confirmation accuracy KPI.
      if (error instanceof Error && (error.name === 'BusinessRuleError' || error.name === 'PermanentError'))
        recordKpi(deps.metrics, 'ConfirmationRejected', 1, p.plant);
      throw error;
    }
    await deps.repo.markPosted(p.plant, orderNumber, posting.kind, posting.id, document);
    recordKpi(
      deps.metrics,
      posting.kind === 'CONF' ? 'ConfirmationPosted' : 'GoodsMovementPosted',
      1,
      p.plant,
    );
    return { outcome: 'posted', document };
  },

  /** The final confirmation closes the order's correlation state (it leaves the stuck-order index). */
  'execution/close-order': async (payload) => {
    const p = parsePayload(OrderRef, payload);
    const current = await deps.repo.getOrder(p.plant, p.orderNumber);
    if (!current || current.status === 'CLOSED') return { closed: false };
    const { rev: _rev, taskToken: _token, ...rest } = current;
    const saved = await deps.repo.saveOrder(
      { ...rest, status: 'CLOSED', statusSince: deps.now().toISOString() },
      current,
    );
    return { closed: saved };
  },

  /** The order is now known: marks it so and hands back everything parked for it, oldest first. */
  'execution/take-parked': async (payload) => {
    const p = parsePayload(OrderRef, payload);
    await deps.repo.markOrderKnown(p.plant, p.orderNumber);
    const parked = await deps.repo.takeParked(p.plant, p.orderNumber);
    return { count: parked.length, items: parked.map((x) => x.detail) };
  },
});
