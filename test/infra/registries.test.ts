import { DetailType } from '../../events';
import { functionRegistry, resolveFunctions } from '../../infra/functions';
import { eventPatternOf, type Route, routes, validateRoutes } from '../../infra/routing';
import { resolveWorkflows, workflowRegistry } from '../../infra/workflows';
import { REPO_ROOT } from './helpers';

const route = (overrides: Partial<Route>): Route => ({
  id: 'Sample',
  description: 'sample',
  detailTypes: [DetailType.DowntimeStarted],
  target: { kind: 'sap-postings' },
  ...overrides,
});

describe('function and workflow registries', () => {
  it('registers a function whose handler exists and reports one that does not as pending', () => {
    const registry = {
      present: { description: 'x', entry: 'test/fixtures/infra/functions/api-echo/handler.ts', triggers: [] },
      absent: { description: 'y', triggers: [] },
    };

    const { ready, pending } = resolveFunctions(registry, REPO_ROOT);

    expect(ready.map((f) => f.name)).toEqual(['present']);
    expect(ready[0]?.entry).toMatch(/test\/fixtures\/infra\/functions\/api-echo\/handler\.ts$/);
    expect(pending).toEqual(['absent']);
  });

  it('looks for a workflow definition in state-machines/<name>.asl.json by default', () => {
    const { ready, pending } = resolveWorkflows(
      { 'no-such-workflow': { type: 'EXPRESS', reason: 'test', timeoutSeconds: 60 } },
      REPO_ROOT,
    );

    expect(ready).toEqual([]);
    expect(pending).toEqual(['no-such-workflow']);
  });

  it('gives every workflow a reason for its type and a timeout', () => {
    for (const [name, spec] of Object.entries(workflowRegistry)) {
      expect({ name, reason: spec.reason.length > 20, timeout: spec.timeoutSeconds > 0 }).toEqual({
        name,
        reason: true,
        timeout: true,
      });
    }
  });

  it('routes only to functions and workflows that are registered', () => {
    for (const r of routes) {
      if (r.target.kind === 'function') expect(Object.keys(functionRegistry)).toContain(r.target.function);
      if (r.target.kind === 'workflow') expect(Object.keys(workflowRegistry)).toContain(r.target.workflow);
    }
  });
});

describe('routing table', () => {
  it('is valid as committed', () => {
    expect(() => validateRoutes(routes)).not.toThrow();
  });

  it('matches the owning source of each detail type, and the plant when asked', () => {
    expect(eventPatternOf(route({ detailTypes: [DetailType.EquipmentMasterChanged] }), '1000')).toEqual({
      source: ['plantsync.sap'],
      detailType: ['EquipmentMasterChanged'],
      detail: { metadata: { plant: ['1000'] } },
    });
  });

  it('rejects a duplicate route id by name', () => {
    expect(() => validateRoutes([route({}), route({})])).toThrow(
      'route id "Sample" appears more than once in infra/routing.ts',
    );
  });

  it('rejects a detail type that is not in the catalogue', () => {
    expect(() => validateRoutes([route({ detailTypes: ['PizzaOrdered' as DetailType] })])).toThrow(
      'route Sample: "PizzaOrdered" is not in the event catalogue',
    );
  });

  it('rejects a retry count EventBridge does not allow', () => {
    expect(() => validateRoutes([route({ retryAttempts: 200 })])).toThrow(
      'route Sample: retryAttempts must be 0–185',
    );
  });
});
