import { type BusinessRuleDetails, BusinessRuleError, ValidationError } from '../../../shared/errors';
import type { PlantMapping } from '../mapping';
import { SapBusinessError } from '../odata/errors';
import { isoUnitToSap } from '../units';

/** Outcome of an idempotent write: posted now, or found from an earlier attempt. */
export type PostingOutcome<T> =
  | { readonly status: 'posted'; readonly document: T }
  | { readonly status: 'already-posted'; readonly document: T };

/**
 * Runs an SAP write and turns SAP's business refusal into a BusinessRuleError with an owner, so it
 * becomes a SyncExceptionRaised for a person instead of a retry loop.
 */
export const asBusinessRule = async <T>(
  write: () => Promise<T>,
  rule: Omit<BusinessRuleDetails, 'kind'>,
): Promise<T> => {
  try {
    return await write();
  } catch (error) {
    if (error instanceof SapBusinessError) {
      throw new BusinessRuleError(
        `SAP refused: ${error.odata?.message ?? error.message}`,
        { kind: 'sap-business-rejection', ...rule },
        { cause: error },
      );
    }
    throw error;
  }
};

/** ISO (Rec 20) unit → SAP unit for this plant, or a ValidationError naming the missing mapping. */
export const sapUnit = (iso: string, mapping: PlantMapping): string => {
  const unit = isoUnitToSap(iso, mapping.units);
  if (!unit)
    throw new ValidationError(
      `unit ${iso} has no SAP unit in plant ${mapping.plant}; add it to the plant's units`,
    );
  return unit;
};
