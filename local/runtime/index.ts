export {
  describeRuntime,
  down,
  type EndpointsFile,
  endpointsPath,
  meteringPath,
  readEndpoints,
  up,
} from './cli';
export type { AppModel } from './model';
export type { Finding, StartupReport } from './report';
export {
  type LocalEndpoints,
  type LocalRuntime,
  type LocalRuntimeOptions,
  startLocalRuntime,
} from './runtime';
