import type * as z from 'zod';
import { canonicalDetail, Source, type System } from './envelope';

export interface EventDefinitionInput<N extends string, D extends z.ZodObject> {
  /** EventBridge `detail-type`; past tense, PascalCase. */
  readonly detailType: N;
  /** The system whose domain this fact belongs to; only its producers may publish it. */
  readonly owner: System;
  /** Major version: a breaking change makes a new major, never an edit of this one. */
  readonly version: number;
  /** Minor version: backward-compatible additions (new optional fields). */
  readonly minor: number;
  readonly summary: string;
  readonly data: D;
  /** A realistic instance of `data`; it must validate (tests check it). */
  readonly example: z.input<D>;
}

export interface EventDefinition<N extends string = string, D extends z.ZodObject = z.ZodObject>
  extends EventDefinitionInput<N, D> {
  readonly source: string;
  readonly schemaVersion: string;
  /** Schema of the full `detail` (metadata + data). */
  readonly detail: ReturnType<typeof canonicalDetail<D>>;
}

export const defineEvent = <N extends string, D extends z.ZodObject>(
  input: EventDefinitionInput<N, D>,
): EventDefinition<N, D> => ({
  ...input,
  source: Source[input.owner],
  schemaVersion: `${input.version}.${input.minor}`,
  detail: canonicalDetail(input.data),
});
