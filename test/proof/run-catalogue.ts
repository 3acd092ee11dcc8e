/**
 * Runs catalogue entries against fresh worlds and judges them: the expected answer and reason, and
 * nothing downstream (effects after the delivery equal those before it). No jest here: the report
 * script uses it too.
 */
import { CATALOGUE, type CatalogueEntry } from './bad-input-catalogue';
import {
  businessApiWorld,
  type HttpInput,
  type Ingress,
  maintenanceEgressWorld,
  maintenanceWebhookWorld,
  mesIngressWorld,
  mesPublisherWorld,
  type Observation,
  type QueueInput,
  sapIdocWorld,
  sapPosterWorld,
  type World,
} from './harness';

export interface Verdict {
  readonly entry: CatalogueEntry;
  readonly observation: Observation;
  /** Effects the delivery under test added (should be none). */
  readonly newEffects: readonly string[];
  /** Everything that differs from the expectation; empty when the entry passes. */
  readonly problems: readonly string[];
}

const httpWorlds: Record<string, () => World<HttpInput>> = {
  'sap-idoc-ingress': () => sapIdocWorld(),
  'mes-ingress': () => mesIngressWorld(),
  'maintenance-webhook': () => maintenanceWebhookWorld(),
  'business-api': () => businessApiWorld(),
};
const queueWorlds: Record<string, () => World<QueueInput>> = {
  'mes-publisher': () => mesPublisherWorld(),
  'sap-poster': () => sapPosterWorld(),
  'maintenance-egress': () => maintenanceEgressWorld(),
};

const deliver = async (entry: CatalogueEntry): Promise<{ observation: Observation; before: string[] }> => {
  if (entry.ingress in queueWorlds) {
    const world = queueWorlds[entry.ingress]?.();
    if (!world) throw new Error(`no world for ${entry.ingress}`);
    const before = [...world.effects()];
    return { observation: await world.deliver((entry.input as () => QueueInput)()), before };
  }
  const world = httpWorlds[entry.ingress]?.();
  if (!world) throw new Error(`no world for ${entry.ingress}`);
  if ('arrange' in entry && entry.arrange) await entry.arrange(world);
  const before = [...world.effects()];
  return { observation: await world.deliver((entry.input as () => HttpInput)()), before };
};

const polluted = (): boolean => {
  const probe = {} as Record<string, unknown>;
  return ['polluted', 'isAdmin'].some((k) => probe[k] !== undefined);
};

export const evaluate = async (entry: CatalogueEntry): Promise<Verdict> => {
  const problems: string[] = [];
  let observation: Observation;
  let before: string[];
  try {
    ({ observation, before } = await deliver(entry));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      entry,
      observation: { status: -1, outcome: 'rejected', reason: `handler threw: ${message}`, effects: [] },
      newEffects: [],
      problems: [`the handler threw instead of answering: ${message}`],
    };
  }
  const { expect } = entry;
  if (expect.status !== undefined && observation.status !== expect.status)
    problems.push(`status ${observation.status}, expected ${expect.status}`);
  if (observation.outcome !== expect.outcome)
    problems.push(`outcome ${observation.outcome}, expected ${expect.outcome}`);
  if (!observation.reason.toLowerCase().includes(expect.reason.toLowerCase()))
    problems.push(`reason "${observation.reason.slice(0, 300)}" does not contain "${expect.reason}"`);
  const newEffects = observation.effects.filter((e) => !before.includes(e));
  const unexpected = newEffects.filter((e) => !expect.allowedEffects?.test(e));
  if (unexpected.length > 0 || observation.effects.length < before.length)
    problems.push(`downstream effects: ${unexpected.join('; ') || '(state removed)'}`);
  if (expect.raw !== undefined) {
    const kept = observation.rawKept;
    if (expect.raw === 'none' && kept) problems.push(`raw payload kept as ${kept.status}, expected none`);
    if (expect.raw !== 'none') {
      if (kept?.status !== expect.raw)
        problems.push(`raw payload ${kept?.status ?? 'not kept'}, expected ${expect.raw}`);
      if (expect.raw === 'rejected' && kept?.reason !== observation.reason)
        problems.push('the kept raw payload does not carry the rejection reason');
    }
  }
  if (polluted()) problems.push('Object.prototype was polluted');
  return { entry, observation, newEffects, problems };
};

export const evaluateAll = async (entries: readonly CatalogueEntry[] = CATALOGUE): Promise<Verdict[]> => {
  const verdicts: Verdict[] = [];
  // One at a time: the shared logger and correlation context belong to one invocation.
  for (const entry of entries) verdicts.push(await evaluate(entry));
  return verdicts;
};

export type { Ingress };
