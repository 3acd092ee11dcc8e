/**
 * Bundle size and cold-start initialisation of every Lambda function infra registers, each built the way
 * infra's ConnectorFunction builds it (esbuild: ESM, node22, minified, createRequire banner, nothing
 * external), side by side with an empty function built the same way. Targets: at most 350 KB minified,
 * initialisation at most 100 ms over the empty function.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type BuildOptions, build, type Metafile, type Plugin } from 'esbuild';
import { DEFAULT_ENV_NAMES, functionRegistry, resolveFunctions } from '../infra/functions';

export const SIZE_TARGET_KB = 350;
export const INIT_TARGET_MS = 100;

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const NODE22 = join(ROOT, 'node_modules/.bin/node');

/**
 * Mirrors `bundling` in infra/constructs/connector-function.ts (format ESM, platform node, target node22,
 * mainFields module/main, minify, banner, `externalModules: []` — the AWS SDK is bundled, not taken from
 * the runtime). The source map goes to a separate file there, so it does not count towards the size.
 */
const BANNER = [
  "import { createRequire as __psCreateRequire } from 'node:module';",
  "import { existsSync as __psExists, readFileSync as __psRead } from 'node:fs';",
  'const require = __psCreateRequire(import.meta.url);',
  "{ const f = new URL('./plantsync-config.json', import.meta.url); if (__psExists(f)) {",
  "for (const [k, v] of Object.entries(JSON.parse(__psRead(f, 'utf8')))) process.env[k] ??= v; } }",
].join(' ');

export const infraOptions = (entry: string, outfile: string): BuildOptions => ({
  entryPoints: [entry],
  outfile,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  mainFields: ['module', 'main'],
  minify: true,
  banner: { js: BANNER },
  external: [],
  metafile: true,
  logLevel: 'error',
});

/**
 * What-if: `import { z } from 'zod'` keeps zod's whole `z` namespace object, including all ~40 locales
 * (about 260 KB minified), because esbuild cannot tree-shake a namespace re-export used as a value;
 * `import * as z from 'zod'` (the form zod 4's docs use) lets esbuild keep only what is called.
 */
const zodNamespaceImport: Plugin = {
  name: 'zod-namespace-import',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      return {
        contents: source.replace(/import \{ z \} from 'zod';/g, "import * as z from 'zod';"),
        loader: 'ts',
      };
    });
  },
};

export interface BundleResult {
  readonly name: string;
  readonly entry: string;
  readonly bytes: number;
  /** Largest contributors by package (or our top-level folder), bytes in the minified output. */
  readonly top: readonly { readonly name: string; readonly bytes: number }[];
  /** Size if every `import { z } from 'zod'` were `import * as z from 'zod'`. */
  readonly bytesZodNamespace: number;
  /** Median import time of that what-if bundle. */
  readonly initCpuMsZodNamespace: number;
  /** ...and additionally the AWS SDK v3 left to the Lambda runtime (`@aws-sdk/*`, `@smithy/*` external). */
  readonly bytesZodNamespaceSdkExternal: number;
  /** Median wall time of the import, and the same for the empty function. */
  readonly initMs: number;
  readonly emptyInitMs: number;
  /** Median CPU time (user + system, all threads) of the import, and the same for the empty function. */
  readonly initCpuMs: number;
  readonly emptyInitCpuMs: number;
  /**
   * CPU time over the empty function: the verdict. On this shared 2-core machine wall time also counts
   * waiting for a core while other work runs; during a Lambda init the CPU is the function's own.
   */
  readonly initOverMs: number;
  readonly sizeMet: boolean;
  readonly initMet: boolean;
}

/** Builds and returns the metafile (always requested by `infraOptions`). */
const bundle = async (options: BuildOptions): Promise<Metafile> => {
  const { metafile } = await build(options);
  if (!metafile) throw new Error('esbuild returned no metafile');
  return metafile;
};

const byPackage = (meta: Metafile): { name: string; bytes: number }[] => {
  const totals = new Map<string, number>();
  for (const output of Object.values(meta.outputs)) {
    for (const [path, input] of Object.entries(output.inputs)) {
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1];
      const key = pkg ?? path.split('/').slice(0, 2).join('/');
      totals.set(key, (totals.get(key) ?? 0) + input.bytesInOutput);
    }
  }
  return [...totals].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes);
};

const outputBytes = (meta: Metafile): number =>
  Object.entries(meta.outputs)
    .filter(([path]) => !path.endsWith('.map'))
    .reduce((sum, [, o]) => sum + o.bytes, 0);

/** Dummy values for everything infra binds, so nothing fails for a missing variable at import time. */
const dummyEnvironment = (): Record<string, string> => {
  const env: Record<string, string> = {
    AWS_REGION: 'eu-central-1',
    AWS_DEFAULT_REGION: 'eu-central-1',
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    AWS_ACCESS_KEY_ID: 'AKIDBENCHMARK',
    AWS_SECRET_ACCESS_KEY: 'benchmark',
    POWERTOOLS_METRICS_NAMESPACE: 'plantsync',
    POWERTOOLS_LOG_LEVEL: 'WARN',
  };
  for (const name of Object.values(DEFAULT_ENV_NAMES)) env[name] = `bench-${name.toLowerCase()}`;
  for (const spec of Object.values(functionRegistry)) {
    const names: Record<string, string> = 'envNames' in spec ? spec.envNames : {};
    for (const name of Object.values(names)) env[name] = `bench-${name.toLowerCase()}`;
  }
  return env;
};

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

interface ImportTime {
  readonly wall: number;
  readonly cpu: number;
}

/** Wall and CPU milliseconds for `await import(bundle)` in a fresh Node 22 process. */
const importMs = (loader: string, bundle: string, env: Record<string, string>): ImportTime => {
  const run = spawnSync(NODE22, [loader, pathToFileURL(bundle).href], {
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  const [wall, cpu] = run.stdout.trim().split(' ').map(Number);
  if (run.status !== 0 || wall === undefined || cpu === undefined || !Number.isFinite(wall + cpu)) {
    throw new Error(`importing ${bundle} failed: ${run.stderr.slice(0, 500)}`);
  }
  return { wall, cpu };
};

const LOADER = `const cpu = process.cpuUsage();
const start = performance.now();
const mod = await import(process.argv[2]);
const ms = performance.now() - start;
const used = process.cpuUsage(cpu);
if (typeof mod.handler !== 'function') throw new Error('no handler export');
process.stdout.write(ms + ' ' + (used.user + used.system) / 1000);
`;

export const runBundleBench = async (
  onResult: (r: BundleResult) => void,
  options: { runs?: number } = {},
): Promise<BundleResult[]> => {
  const runs = options.runs ?? 9;
  const dir = mkdtempSync(join(tmpdir(), 'plantsync-bundles-'));
  try {
    const loader = join(dir, 'loader.mjs');
    writeFileSync(loader, LOADER);
    const emptyEntry = join(dir, 'empty.ts');
    writeFileSync(emptyEntry, 'export const handler = async (): Promise<void> => {};\n');
    const empty = join(dir, 'empty.mjs');
    await build(infraOptions(emptyEntry, empty));
    const env = dummyEnvironment();
    const { ready } = resolveFunctions(functionRegistry, ROOT);
    const results: BundleResult[] = [];
    for (const fn of ready) {
      const outfile = join(dir, `${fn.name}.mjs`);
      const actual = await bundle(infraOptions(fn.entry, outfile));
      const whatIf = await bundle({
        ...infraOptions(fn.entry, join(dir, `${fn.name}.zod.mjs`)),
        plugins: [zodNamespaceImport],
      });
      const whatIfSdk = await bundle({
        ...infraOptions(fn.entry, join(dir, `${fn.name}.zod-sdk.mjs`)),
        plugins: [zodNamespaceImport],
        external: ['@aws-sdk/*', '@smithy/*'],
      });
      // Side by side, alternating which goes first, so drift on this shared machine hits both alike.
      const own: ImportTime[] = [];
      const base: ImportTime[] = [];
      const zodOutfile = join(dir, `${fn.name}.zod.mjs`);
      const zodOwn: ImportTime[] = [];
      importMs(loader, outfile, env); // warm the file cache
      for (let r = 0; r < runs; r++) {
        if (r % 2 === 0) {
          base.push(importMs(loader, empty, env));
          own.push(importMs(loader, outfile, env));
          zodOwn.push(importMs(loader, zodOutfile, env));
        } else {
          zodOwn.push(importMs(loader, zodOutfile, env));
          own.push(importMs(loader, outfile, env));
          base.push(importMs(loader, empty, env));
        }
      }
      const bytes = outputBytes(actual);
      const initCpuMs = median(own.map((t) => t.cpu));
      const emptyInitCpuMs = median(base.map((t) => t.cpu));
      const result: BundleResult = {
        name: fn.name,
        entry: fn.entry.slice(ROOT.length),
        bytes,
        top: byPackage(actual).slice(0, 4),
        bytesZodNamespace: outputBytes(whatIf),
        initCpuMsZodNamespace: median(zodOwn.map((t) => t.cpu)),
        bytesZodNamespaceSdkExternal: outputBytes(whatIfSdk),
        initMs: median(own.map((t) => t.wall)),
        emptyInitMs: median(base.map((t) => t.wall)),
        initCpuMs,
        emptyInitCpuMs,
        initOverMs: initCpuMs - emptyInitCpuMs,
        sizeMet: bytes <= SIZE_TARGET_KB * 1024,
        initMet: initCpuMs - emptyInitCpuMs <= INIT_TARGET_MS,
      };
      onResult(result);
      results.push(result);
    }
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
