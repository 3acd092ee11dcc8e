#!/usr/bin/env node
// The plantsync CLI. The sources are TypeScript; tsx compiles them on the fly, so no build step.
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
