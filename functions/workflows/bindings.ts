/**
 * Where the workflow ports meet the real connectors. The SAP, MES and maintenance connectors
 * (functions/sap, functions/mes, functions/maintenance) are bound here by the lead; until then each
 * unbound method fails with a PermanentError naming itself, so a workflow dead-letters with a clear
 * reason instead of silently doing nothing.
 */
import { PermanentError } from './errors';
import type { MaintenancePort, MesPort, SapPort } from './ports';

const unbound = <T extends object>(port: string): T =>
  new Proxy({} as T, {
    get: (_target, method) => async () => {
      throw new PermanentError(
        `${port}.${String(method)} is not bound to a connector (functions/workflows/bindings.ts)`,
      );
    },
  });

export interface ConnectorPorts {
  readonly sap: SapPort;
  readonly mes: MesPort;
  readonly maintenance: MaintenancePort;
}

/** Replace each `unbound(...)` with an adapter over the connector's client. */
export const bindConnectorPorts = (): ConnectorPorts => ({
  sap: unbound<SapPort>('SapPort'),
  mes: unbound<MesPort>('MesPort'),
  maintenance: unbound<MaintenancePort>('MaintenancePort'),
});
