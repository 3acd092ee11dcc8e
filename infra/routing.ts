import { catalogue, DetailType, definitionOf } from '../events';
import type { FunctionName } from './functions';
import type { WorkflowName } from './workflows';

export type RouteTarget =
  /** The environment's buffer to SAP (drained by sap-poster). */
  | { readonly kind: 'sap-postings' }
  /** The buffer of the event's plant (`detail.metadata.plant`): one rule per plant. */
  | { readonly kind: 'plant-buffer'; readonly buffer: 'mes-outbound' | 'maintenance-outbound' }
  | { readonly kind: 'workflow'; readonly workflow: WorkflowName }
  | { readonly kind: 'function'; readonly function: FunctionName };

export interface Route {
  /** PascalCase; names the rule. */
  readonly id: string;
  readonly description: string;
  readonly detailTypes: readonly DetailType[];
  readonly target: RouteTarget;
  /** @default 185 (EventBridge maximum; transient target faults are retried with backoff) */
  readonly retryAttempts?: number;
  /** @default 86400 (24 hours) */
  readonly maxEventAgeSeconds?: number;
}

/**
 * The routing table: every bus rule is generated from these rows. Every target gets a retry
 * policy and the delivery dead-letter queue. Detail types come from the catalogue constants, and
 * each rule matches the owning source as well, so a type is only routed from its owner.
 */
export const routes: readonly Route[] = [
  {
    id: 'OrderLifecycleToOrderRelease',
    description: 'SAP order release, change and cancellation drive the order-release workflow',
    detailTypes: [
      DetailType.ProductionOrderReleased,
      DetailType.ProductionOrderChanged,
      DetailType.ProductionOrderCancelled,
    ],
    target: { kind: 'workflow', workflow: 'order-release' },
  },
  {
    id: 'OrderAcknowledgedToOrderRelease',
    description:
      'MES acknowledgements complete the waiting order-release step (task token); operation progress ' +
      'on an order counts as an implied acknowledgement',
    detailTypes: [DetailType.OrderAcknowledged, DetailType.OperationStarted, DetailType.OperationCompleted],
    target: { kind: 'function', function: 'order-acknowledgement' },
  },
  {
    id: 'ExecutionToSap',
    description:
      'MES confirmations and goods movements are posted to SAP exactly once; a released order completes ' +
      'the confirmations parked while it was unknown',
    detailTypes: [
      DetailType.ProductionConfirmed,
      DetailType.MaterialMovementRecorded,
      DetailType.ProductionOrderReleased,
    ],
    target: { kind: 'workflow', workflow: 'execution-to-sap' },
  },
  {
    id: 'MasterDataToMes',
    description: "SAP equipment and material master changes go to the plant's MES",
    detailTypes: [DetailType.EquipmentMasterChanged, DetailType.MaterialMasterChanged],
    target: { kind: 'plant-buffer', buffer: 'mes-outbound' },
  },
  {
    id: 'EquipmentToMaintenance',
    description: "SAP equipment master changes go to the plant's maintenance platform",
    detailTypes: [DetailType.EquipmentMasterChanged],
    target: { kind: 'plant-buffer', buffer: 'maintenance-outbound' },
  },
  {
    id: 'DowntimeToMaintenance',
    description: 'Machine downtime becomes one maintenance notification per fault',
    detailTypes: [DetailType.DowntimeStarted, DetailType.DowntimeEnded],
    target: { kind: 'workflow', workflow: 'downtime-to-maintenance' },
  },
  {
    id: 'ConditionAlertToPredictiveMaintenance',
    description: 'Analytics threshold alerts on critical assets start predictive maintenance',
    detailTypes: [DetailType.AssetConditionAlertRaised],
    target: { kind: 'workflow', workflow: 'predictive-maintenance' },
  },
  {
    id: 'InventoryAdjustmentToApproval',
    description: 'MES inventory adjustment requests wait for approval before SAP is touched',
    detailTypes: [DetailType.InventoryAdjustmentRequested],
    target: { kind: 'workflow', workflow: 'inventory-adjustment' },
  },
  {
    id: 'WorkOrderCompletion',
    description: 'Completed work orders post labour, parts and cost to SAP and restore availability in MES',
    detailTypes: [DetailType.WorkOrderCompleted],
    target: { kind: 'workflow', workflow: 'maintenance-completion' },
  },
  {
    id: 'MaintenanceRecordsToSap',
    description: 'Maintenance notifications and work orders created in the platform are referenced in SAP',
    detailTypes: [DetailType.MaintenanceNotificationCreated, DetailType.WorkOrderCreated],
    target: { kind: 'sap-postings' },
  },
];

/** The EventBridge pattern of a route: owning source(s) and detail types, plus a plant filter. */
export const eventPatternOf = (
  route: Route,
  plant?: string,
): { source: string[]; detailType: string[]; detail?: { metadata: { plant: string[] } } } => {
  const sources = [...new Set(route.detailTypes.map((type) => definitionOf(type).source))];
  return {
    source: sources,
    detailType: [...route.detailTypes],
    ...(plant ? { detail: { metadata: { plant: [plant] } } } : {}),
  };
};

/** Checks the table's own invariants (unique ids, known types); throws a message naming the row. */
export const validateRoutes = (table: readonly Route[]): void => {
  const known = new Set<string>(catalogue.map((d) => d.detailType));
  const ids = new Set<string>();
  for (const route of table) {
    if (!/^[A-Z][A-Za-z0-9]+$/.test(route.id)) throw new Error(`route id "${route.id}" must be PascalCase`);
    if (ids.has(route.id))
      throw new Error(`route id "${route.id}" appears more than once in infra/routing.ts`);
    ids.add(route.id);
    if (route.detailTypes.length === 0) throw new Error(`route ${route.id} matches no detail type`);
    for (const type of route.detailTypes) {
      if (!known.has(type)) throw new Error(`route ${route.id}: "${type}" is not in the event catalogue`);
    }
    if (route.retryAttempts !== undefined && (route.retryAttempts < 0 || route.retryAttempts > 185)) {
      throw new Error(`route ${route.id}: retryAttempts must be 0–185`);
    }
    const age = route.maxEventAgeSeconds;
    if (age !== undefined && (age < 60 || age > 86_400)) {
      throw new Error(`route ${route.id}: maxEventAgeSeconds must be 60–86400`);
    }
  }
};

const targetLabel = (target: RouteTarget): string => {
  switch (target.kind) {
    case 'sap-postings':
      return 'sap-poster (SAP postings buffer)';
    case 'plant-buffer':
      return target.buffer === 'mes-outbound'
        ? 'mes-publisher (per-plant buffer)'
        : 'maintenance-egress (per-plant buffer)';
    case 'workflow':
      return `${target.workflow} workflow`;
    case 'function':
      return `${target.function} function`;
  }
};

/** Who consumes each event type, from the routing table (for docs/events.md). */
export const consumersByDetailType = (): Record<string, string[]> => {
  const consumers: Record<string, string[]> = {};
  for (const route of routes) {
    for (const detailType of route.detailTypes) {
      const list = consumers[detailType] ?? [];
      const label = targetLabel(route.target);
      if (!list.includes(label)) list.push(label);
      consumers[detailType] = list;
    }
  }
  return consumers;
};
