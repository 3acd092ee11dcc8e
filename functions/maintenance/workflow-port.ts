import { runWithCorrelation } from '../../shared/correlation';
import type { CallContext, EquipmentRecord, MaintenancePort } from '../workflows/ports';
import type { MaintenanceConnector } from './model';

/**
 * The workflows' MaintenancePort (functions/workflows/ports.ts) on top of the plant's maintenance
 * connector, for synchronous calls from Step Functions tasks. Creates are idempotent by
 * `externalReference`; errors are the shared typed errors, which the ASL retries (TransientError)
 * or routes (PermanentError / ValidationError). Outbound calls carry the task's correlation id.
 */
export const maintenancePort = (connectorFor: (plant: string) => MaintenanceConnector): MaintenancePort => {
  const run = <T>(ctx: CallContext, fn: (connector: MaintenanceConnector) => Promise<T>): Promise<T> =>
    runWithCorrelation({ correlationId: ctx.correlationId }, () => fn(connectorFor(ctx.plant)));
  return {
    createNotification: (ctx, request) =>
      run(ctx, async (connector) => {
        const result = await connector.createNotification({
          kind: 'createNotification',
          plant: ctx.plant,
          ...request,
        });
        return { notificationId: result.id, platform: connector.platform };
      }),
    updateNotification: (ctx, notificationId, update) =>
      run(ctx, (connector) => connector.updateNotification(notificationId, update)),
    createWorkOrder: (ctx, request) =>
      run(ctx, async (connector) => {
        const result = await connector.createWorkOrder({
          kind: 'createWorkOrder',
          plant: ctx.plant,
          ...request,
          // Predictive maintenance is the one workflow that creates work orders.
          origin: 'predictive',
        });
        return { workOrderId: result.id };
      }),
    cancelWorkOrder: (ctx, workOrderId, _reason) =>
      run(ctx, (connector) =>
        connector.updateWorkOrder({
          kind: 'updateWorkOrder',
          plant: ctx.plant,
          workOrderId,
          status: 'cancelled',
        }),
      ),
    listAssets: (ctx) =>
      run(
        ctx,
        async (connector): Promise<EquipmentRecord[]> =>
          (await connector.listAssets()).map((a) => ({ ...a })),
      ),
  };
};
