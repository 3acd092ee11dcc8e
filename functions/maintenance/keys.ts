/**
 * Idempotency keys of the facts the maintenance connectors publish. The egress (after a create) and the
 * webhook (NEW_WORK_ORDER) use the same key for the same work order, so consumers see one fact.
 */
export const workOrderCreatedKey = (platform: string, plant: string, workOrderId: string): string =>
  `maintenance:${platform}:${plant}:wo:${workOrderId}:created`;

export const notificationCreatedKey = (platform: string, plant: string, notificationId: string): string =>
  `maintenance:${platform}:${plant}:notification:${notificationId}:created`;
