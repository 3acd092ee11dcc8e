import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { EnvironmentConfig } from './config/schema';
import { type FunctionRegistry, functionRegistry, resolveFunctions } from './functions';
import { routes as defaultRoutes, type Route } from './routing';
import { ObservabilityStack } from './stacks/observability-stack';
import { StatefulStack } from './stacks/stateful-stack';
import { StatelessStack } from './stacks/stateless-stack';
import { resolveWorkflows, type WorkflowRegistry, workflowRegistry } from './workflows';

/** The repository root (infra/..). */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface PlantsyncAppOptions {
  readonly config: EnvironmentConfig;
  /** @default the registry in infra/functions.ts */
  readonly functions?: FunctionRegistry;
  /** @default the registry in infra/workflows.ts */
  readonly workflows?: WorkflowRegistry;
  /** @default the table in infra/routing.ts */
  readonly routes?: readonly Route[];
  /** Where `functions/`, `state-machines/` and `events/schemas/` are. @default the repository root */
  readonly root?: string;
  /** Run cdk-nag AwsSolutions at synth. @default true */
  readonly nag?: boolean;
  /** Receives what is left out because its code is pending. @default - console.warn */
  readonly onPending?: (message: string) => void;
}

export interface PlantsyncStacks {
  readonly stateful: StatefulStack;
  readonly stateless: StatelessStack;
  readonly observability: ObservabilityStack;
  readonly pending: readonly string[];
}

/** Builds the three stacks of one environment into `app`. */
export const buildPlantsync = (app: App, options: PlantsyncAppOptions): PlantsyncStacks => {
  const { config } = options;
  const root = options.root ?? REPO_ROOT;
  const pending: string[] = [];
  const report = (message: string) => {
    pending.push(message);
    (options.onPending ?? ((m: string) => console.warn(`[plantsync infra] pending: ${m}`)))(message);
  };
  const fns = resolveFunctions(options.functions ?? functionRegistry, root);
  for (const name of fns.pending) report(`function ${name}: functions/${name}/handler.ts does not exist yet`);
  const wfs = resolveWorkflows(options.workflows ?? workflowRegistry, join(root));
  for (const name of wfs.pending)
    report(`workflow ${name}: state-machines/${name}.asl.json does not exist yet`);

  const env = config.account ? { account: config.account, region: config.region } : { region: config.region };
  const prefix = `Plantsync-${config.name}`;
  const stateful = new StatefulStack(app, `${prefix}-Stateful`, {
    env,
    config,
    schemasDir: join(root, 'events', 'schemas'),
    description: `plantsync ${config.name}: bus, archive, schemas, tables, queues, keys`,
    terminationProtection: config.removalPolicy === 'retain',
  });
  const stateless = new StatelessStack(app, `${prefix}-Stateless`, {
    env,
    config,
    stateful,
    functions: fns.ready,
    workflows: wfs.ready,
    routes: options.routes ?? defaultRoutes,
    onPending: report,
    description: `plantsync ${config.name}: functions, workflows, rules and API`,
  });
  const observability = new ObservabilityStack(app, `${prefix}-Observability`, {
    env,
    config,
    stateful,
    stateless,
    description: `plantsync ${config.name}: dashboard, alarms and alarm topic`,
  });
  for (const stack of [stateless, observability]) {
    Validations.of(stack).acknowledge({
      id: 'Annotation::@aws-cdk/core:crossStackReferencesDefaultStrong',
      reason:
        'strong references are intended: CloudFormation refuses to change a stateful export while the ' +
        'stateless and observability stacks still use it',
    });
  }
  Tags.of(app).add('project', 'plantsync');
  Tags.of(app).add('environment', config.name);
  if (options.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { stateful, stateless, observability, pending };
};
