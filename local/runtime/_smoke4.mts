import { describeRuntime } from './cli';
import { startLocalRuntime } from './runtime';

const logs: string[] = [];
const rt = await startLocalRuntime({ cdkOut: '/tmp/plantsync-cdk.out', log: (l) => logs.push(l) });
console.log(describeRuntime(rt).join('\n'));
console.log('--- logs');
console.log(logs.slice(0, 30).join('\n'));
await rt.stop();
