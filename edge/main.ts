#!/usr/bin/env node
/**
 * Entry point of the plant edge relay: `node edge/dist/main.js --plant 1010 --data-dir /var/lib/plantsync-edge
 * --cloud-url https://api.example.com/prod/ingress/mes/{plant}/events` (or `npx tsx edge/main.ts ...` from a checkout).
 */
import { parseRelayConfig, RelayConfigError, usage } from './src/config';
import { jsonLog, startRelay } from './src/relay';

const main = async (): Promise<void> => {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(`${usage()}\n`);
    return;
  }
  const config = parseRelayConfig(process.argv.slice(2));
  const relay = await startRelay(config);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    jsonLog('info', 'stopping; undelivered messages stay on disk', { signal, queued: relay.health().queued });
    relay.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
};

main().catch((error: unknown) => {
  if (error instanceof RelayConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  jsonLog('error', 'edge relay failed to start', { error: (error as Error).message });
  process.exit(1);
});
