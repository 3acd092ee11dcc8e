import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, type Stage } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'infra');

/** An app that skips asset bundling (for tests about template shape, not bundles). */
export const appWithoutBundling = (): App => new App({ context: { 'aws:cdk:bundling-stacks': [] } });

/** cdk-nag AwsSolutions findings not acknowledged anywhere in the tree, as readable lines. */
export const unacknowledgedNagFindings = (scope: Stage): string[] =>
  new AwsSolutionsChecks()
    .validateScope(scope)
    .violations.flatMap((v) =>
      v.violatingResources.map((r) => `${v.severity} ${v.ruleName} at ${r.constructPath}: ${v.description}`),
    );

/** Every resource of a type in a synthesized template, as [logicalId, properties]. */
export const resourcesOf = (
  template: { toJSON(): Record<string, unknown> },
  type: string,
): [string, Record<string, unknown>][] => {
  const resources = (template.toJSON().Resources ?? {}) as Record<
    string,
    { Type: string; Properties?: Record<string, unknown> }
  >;
  return Object.entries(resources)
    .filter(([, r]) => r.Type === type)
    .map(([id, r]) => [id, r.Properties ?? {}]);
};
