/**
 * `npm start`: the main job. Until the local runtime and the simulated plant land (issues 7 and 8),
 * it runs what exists and says plainly what it does not do yet.
 */
import { catalogue } from '../events/catalogue';

const say = (line = '') => process.stdout.write(`${line}\n`);

say('plantsync — local run');
say();
let valid = 0;
for (const definition of catalogue) {
  const parsed = definition.data.safeParse(definition.example);
  if (parsed.success) valid++;
  else say(`  ✗ ${definition.detailType}: example does not validate`);
}
say(`✓ canonical event catalogue: ${catalogue.length} event types, ${valid} example events validate`);
say();
say('Not yet available in this build: the local runtime (DynamoDB Local, SQS, EventBridge, Step');
say('Functions and Lambda stand-ins) and the simulated plant. `npm start` will boot them and run a');
say('plant day once they land; see the open issues.');
process.exitCode = valid === catalogue.length ? 0 : 1;
