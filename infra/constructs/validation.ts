import { Token } from 'aws-cdk-lib';

/** Thrown when a construct is given props it cannot build safely; names the construct and the prop. */
export class ConstructPropsError extends Error {
  override readonly name = 'ConstructPropsError';
  constructor(construct: string, id: string, problem: string) {
    super(`${construct} "${id}": ${problem}`);
  }
}

export const assertRange = (
  construct: string,
  id: string,
  prop: string,
  value: number | undefined,
  min: number,
  max: number,
): void => {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConstructPropsError(
      construct,
      id,
      `${prop} must be an integer from ${min} to ${max}, got ${value}`,
    );
  }
};
