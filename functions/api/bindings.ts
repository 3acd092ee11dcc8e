/**
 * Connector bindings of the business API. Until the lead binds a connector here, its methods fail
 * with a PermanentError (HTTP 502) naming the unbound port.
 */
import { PermanentError } from '../../shared/errors';
import type { MaintenancePort } from '../workflows/ports';
import type { EquipmentDirectory, OrderSource, OrderStatusSources } from './ports';

const unbound = <T extends object>(port: string): T =>
  new Proxy({} as T, {
    get: (_target, method) => async () => {
      throw new PermanentError(
        `${port}.${String(method)} is not bound to a connector (functions/api/bindings.ts)`,
      );
    },
  });

export const bindApiConnectors = () => ({
  orders: unbound<OrderSource>('OrderSource'),
  equipment: unbound<EquipmentDirectory>('EquipmentDirectory'),
  orderStatus: unbound<OrderStatusSources>('OrderStatusSources'),
  maintenance: unbound<MaintenancePort>('MaintenancePort'),
});
