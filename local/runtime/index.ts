export { AuditedEventBridge, RuntimeAudit } from './audit';
export {
  auditPath,
  describeRuntime,
  down,
  type EndpointsFile,
  endpointsPath,
  type LocalUp,
  meteringPath,
  readEndpoints,
  up,
} from './cli';
export { LOCAL_STATE_DIR, type LocalCommandOptions, registerLocal } from './local-command';
export type { AppModel } from './model';
export type { Finding, StartupReport } from './report';
export {
  type LocalEndpoints,
  type LocalRuntime,
  type LocalRuntimeOptions,
  startLocalRuntime,
} from './runtime';
