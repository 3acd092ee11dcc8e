import { UNIT_CODES, type UnitCode } from '../../events';

/**
 * SAP internal units of measure (T006-MSEHI, as printed in the logon language English) → UN/ECE
 * Recommendation 20 common codes (T006-ISOCODE). Only unambiguous pairs; a plant's mapping can add or
 * override entries (`units` in functions/sap/mapping.ts).
 */
export const SAP_TO_ISO_UNITS: Readonly<Record<string, UnitCode>> = {
  ST: 'H87',
  PC: 'H87',
  EA: 'EA',
  SET: 'SET',
  PAA: 'PR',
  PR: 'PR',
  KG: 'KGM',
  G: 'GRM',
  TO: 'TNE',
  M: 'MTR',
  MM: 'MMT',
  CM: 'CMT',
  M2: 'MTK',
  M3: 'MTQ',
  L: 'LTR',
  ML: 'MLT',
  S: 'SEC',
  MIN: 'MIN',
  H: 'HUR',
  STD: 'HUR',
  TAG: 'DAY',
  D: 'DAY',
  KWH: 'KWH',
  GC: 'CEL',
  BAR: 'BAR',
  HZ: 'HTZ',
  '%': 'P1',
};

/** ISO → SAP for outbound postings: the first SAP unit listed above for each ISO code. */
export const ISO_TO_SAP_UNITS: Readonly<Record<string, string>> = Object.entries(SAP_TO_ISO_UNITS).reduce<
  Record<string, string>
>((acc, [sap, iso]) => {
  acc[iso] ??= sap;
  return acc;
}, {});

const isUnitCode = (code: string): code is UnitCode => Object.hasOwn(UNIT_CODES, code);

/**
 * Translates an SAP unit to a Rec 20 code. SAP sends either its internal unit (MEINS "ST") or, on
 * systems configured so, the ISO code itself ("KGM", "EA"); both are accepted. Returns undefined
 * when nothing matches so the caller can name the segment and field in its error.
 */
export const sapUnitToIso = (
  sapUnit: string,
  overrides: Readonly<Record<string, string>> = {},
): UnitCode | undefined => {
  const code = sapUnit.trim().toUpperCase();
  const override = overrides[code];
  if (override !== undefined) return isUnitCode(override) ? override : undefined;
  return SAP_TO_ISO_UNITS[code] ?? (isUnitCode(code) ? code : undefined);
};

/** Translates a Rec 20 code to the SAP internal unit; plant overrides (SAP → ISO) are inverted first. */
export const isoUnitToSap = (
  iso: string,
  overrides: Readonly<Record<string, string>> = {},
): string | undefined => {
  for (const [sap, mapped] of Object.entries(overrides)) if (mapped === iso) return sap;
  return ISO_TO_SAP_UNITS[iso];
};
