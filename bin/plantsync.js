#!/usr/bin/env node
// The plantsync CLI. The sources are TypeScript; tsx compiles them on the fly, so no build step.
// The local runtime needs Node 22 (node:sqlite in the SQS emulator, as on Lambda's Node 22): on an
// older Node, re-run this file with the Node 22 that `npm ci` installs as a dev dependency.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const major = Number(process.versions.node.split('.')[0]);
const node22 = join(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', '.bin', 'node');
if (major < 22 && existsSync(node22)) {
  const result = spawnSync(node22, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  process.exit(result.status ?? 1);
}

const { register } = await import('tsx/esm/api');
register();
await import('../cli/main.ts');
