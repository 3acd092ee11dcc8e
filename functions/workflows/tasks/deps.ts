import { z } from 'zod';
import type { CorrelationRepository } from '../domain/repository';
import { ValidationError } from '../errors';
import type {
  CallContext,
  EventSink,
  MaintenancePort,
  MesPort,
  MetricsPort,
  ReferenceDataPort,
  SapPort,
  TaskCallbackPort,
} from '../ports';

/** Everything a workflow task may touch; the Lambda binds real adapters, tests bind fakes. */
export interface WorkflowDeps {
  readonly repo: CorrelationRepository;
  readonly sap: SapPort;
  readonly mes: MesPort;
  readonly maintenance: MaintenancePort;
  readonly reference: ReferenceDataPort;
  readonly events: EventSink;
  readonly callbacks: TaskCallbackPort;
  readonly metrics: MetricsPort;
  readonly now: () => Date;
}

export type TaskFn = (payload: unknown) => Promise<unknown>;

/** Fields every task payload carries: the ASL passes them from `$.metadata` in every state. */
export const TaskBase = z.object({
  task: z.string().min(1),
  correlationId: z.string().min(1),
  plant: z.string().regex(/^[A-Z0-9]{4}$/),
});

export const parsePayload = <S extends z.ZodType>(schema: S, payload: unknown): z.infer<S> => {
  const result = schema.safeParse(payload);
  if (!result.success)
    throw new ValidationError(
      `invalid task payload: ${result.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`,
    );
  return result.data;
};

export const ctxOf = (p: { correlationId: string; plant: string }): CallContext => ({
  correlationId: p.correlationId,
  plant: p.plant,
});

/** Seconds between two instants, never negative, rounded to milliseconds. */
export const secondsBetween = (from: string, to: Date): number =>
  Math.max(0, Math.round(to.getTime() - Date.parse(from)) / 1000);

/** A duration quantity (UN/ECE SEC, MIN, HUR, DAY) in whole seconds, as a decimal string. */
export const durationSeconds = (q: { value: string; unit: string }): string => {
  const factor: Record<string, number> = { SEC: 1, MIN: 60, HUR: 3600, DAY: 86_400 };
  return String(Math.round(Number(q.value) * (factor[q.unit] ?? 1)));
};
