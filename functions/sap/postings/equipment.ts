import type { ODataClient } from '../odata/client';
import { odataString } from '../odata/client';
import { SapNotFoundError } from '../odata/errors';
import { fromOdataDate } from '../odata/values';

export const EQUIPMENT_SERVICE = 'API_EQUIPMENT';

interface SapEquipment {
  readonly Equipment: string;
  readonly ValidityEndDate?: string;
  readonly EquipmentName?: string;
  readonly EquipmentCategory?: string;
  readonly FunctionalLocation?: string;
  readonly WorkCenter?: string;
  readonly MaintenancePlant?: string;
  readonly AssetManufacturerName?: string;
  readonly ManufacturerPartTypeName?: string;
  readonly ManufacturerSerialNumber?: string;
  readonly ABCIndicator?: string;
  readonly ValidityStartDate?: string;
  readonly EquipmentIsInactive?: boolean;
  readonly EquipmentIsMarkedForDeletion?: boolean;
}

/** The equipment master as plantsync compares it (same fields as EquipmentMasterChanged). */
export interface EquipmentRecord {
  readonly equipmentNumber: string;
  readonly plant?: string;
  readonly description: string;
  readonly category?: string;
  readonly functionalLocation?: string;
  readonly workCenter?: string;
  readonly manufacturer?: string;
  readonly model?: string;
  readonly serialNumber?: string;
  readonly criticality?: string;
  readonly validFrom?: string;
  readonly inactive: boolean;
}

const opt = <K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> =>
  value ? ({ [key]: value } as Record<K, string>) : {};

/** Reads one equipment (API_EQUIPMENT, the record valid today) for enrichment and reconciliation. */
export const readEquipment = async (
  client: ODataClient,
  equipmentNumber: string,
): Promise<EquipmentRecord> => {
  const rows = await client.list<SapEquipment>(EQUIPMENT_SERVICE, 'Equipment', {
    $filter: `Equipment eq ${odataString(equipmentNumber)}`,
  });
  // Time-dependent data: several validity periods; the open-ended one (latest end date) is current.
  const end = (row: SapEquipment) => Date.parse(fromOdataDate(row.ValidityEndDate) ?? '9999-12-31T00:00:00Z');
  const current = rows.sort((a, b) => end(b) - end(a))[0];
  if (!current) {
    throw new SapNotFoundError(`SAP equipment ${equipmentNumber} does not exist`);
  }
  return {
    equipmentNumber: current.Equipment,
    description: current.EquipmentName ?? '',
    inactive: Boolean(current.EquipmentIsInactive || current.EquipmentIsMarkedForDeletion),
    ...opt('plant', current.MaintenancePlant),
    ...opt('category', current.EquipmentCategory),
    ...opt('functionalLocation', current.FunctionalLocation),
    ...opt('workCenter', current.WorkCenter),
    ...opt('manufacturer', current.AssetManufacturerName),
    ...opt('model', current.ManufacturerPartTypeName),
    ...opt('serialNumber', current.ManufacturerSerialNumber),
    ...opt('criticality', current.ABCIndicator),
    ...opt('validFrom', fromOdataDate(current.ValidityStartDate)?.slice(0, 10)),
  };
};
