import { App } from 'aws-cdk-lib';
import { buildPlantsync } from './app-builder';
import { loadEnvironment } from './config/environments';

/** `npx cdk synth -c env=<name>` / `npx cdk deploy --all -c env=<name>` (default env: dev, from cdk.json). */
const app = new App();
const envName = String(app.node.tryGetContext('env') ?? 'dev');
buildPlantsync(app, { config: loadEnvironment(envName) });
app.synth();
