import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A CloudFormation template as synthesized by CDK; values stay untyped until resolved. */
export interface CfnTemplate {
  Parameters?: Record<string, { Type?: string; Default?: unknown }>;
  Conditions?: Record<string, unknown>;
  Resources?: Record<string, CfnResource>;
  Outputs?: Record<string, { Value: unknown; Export?: { Name: unknown }; Condition?: string }>;
}

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Condition?: string;
  DependsOn?: string | string[];
  Metadata?: Record<string, unknown>;
}

export interface LoadedStack {
  /** The artifact id in manifest.json (also the CloudFormation stack name unless overridden). */
  readonly id: string;
  readonly stackName: string;
  /** The region the stack is pinned to (`aws://account/region` in the manifest), if concrete. */
  readonly region?: string;
  readonly template: CfnTemplate;
  /** Asset id (the hash CDK writes into Code.S3Key) → absolute folder or file path in cdk.out. */
  readonly assets: ReadonlyMap<string, string>;
}

interface ManifestArtifact {
  type: string;
  environment?: string;
  properties?: { templateFile?: string; stackName?: string; file?: string };
  dependencies?: string[];
}

interface AssetManifest {
  files?: Record<string, { source?: { path?: string; packaging?: string } }>;
}

/** Reads cdk.out/manifest.json and every stack it lists, in dependency order, with their file assets. */
export function readCloudAssembly(cdkOut: string): LoadedStack[] {
  const manifestPath = join(cdkOut, 'manifest.json');
  if (!existsSync(manifestPath)) throw new Error(`No cloud assembly at ${cdkOut}: manifest.json is missing`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    artifacts?: Record<string, ManifestArtifact>;
  };
  const artifacts = manifest.artifacts ?? {};
  const assetManifests = Object.entries(artifacts).filter(([, a]) => a.type === 'cdk:asset-manifest');
  const stackIds = Object.keys(artifacts).filter((id) => artifacts[id]?.type === 'aws:cloudformation:stack');
  const ordered = orderByDependencies(stackIds, (id) => artifacts[id]?.dependencies ?? []);
  return ordered.map((id) => {
    const artifact = artifacts[id] as ManifestArtifact;
    const templateFile = artifact.properties?.templateFile ?? `${id}.template.json`;
    const template = JSON.parse(readFileSync(join(cdkOut, templateFile), 'utf8')) as CfnTemplate;
    const assets = new Map<string, string>();
    const manifestsForStack = assetManifests.filter(([assetId]) =>
      (artifact.dependencies ?? []).includes(assetId),
    );
    for (const [, assetArtifact] of manifestsForStack.length > 0 ? manifestsForStack : assetManifests) {
      const file = assetArtifact.properties?.file;
      if (!file) continue;
      const assetManifest = JSON.parse(readFileSync(join(cdkOut, file), 'utf8')) as AssetManifest;
      for (const [assetId, entry] of Object.entries(assetManifest.files ?? {})) {
        const path = entry.source?.path;
        if (path) assets.set(assetId, join(cdkOut, path));
      }
    }
    const region = /^aws:\/\/[^/]+\/([a-z0-9-]+)$/.exec(artifact.environment ?? '')?.[1];
    return {
      id,
      stackName: artifact.properties?.stackName ?? id,
      ...(region && region !== 'unknown-region' ? { region } : {}),
      template,
      assets,
    };
  });
}

function orderByDependencies(ids: string[], depsOf: (id: string) => string[]): string[] {
  const result: string[] = [];
  const seen = new Set<string>();
  const visit = (id: string): void => {
    if (seen.has(id)) return;
    seen.add(id);
    for (const dep of depsOf(id)) if (ids.includes(dep)) visit(dep);
    result.push(id);
  };
  for (const id of ids) visit(id);
  return result;
}
