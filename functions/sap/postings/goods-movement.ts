import type { EventData } from '../../../events';
import { ValidationError } from '../../../shared/errors';
import type { PlantMapping } from '../mapping';
import { type ODataClient, odataString } from '../odata/client';
import { odataPlantDateTime, shortReference } from '../odata/values';
import { asBusinessRule, type PostingOutcome, sapUnit } from './common';

export const MATERIAL_DOCUMENT_SERVICE = 'API_MATERIAL_DOCUMENT_SRV';

export interface SapMaterialDocument {
  readonly MaterialDocumentYear: string;
  readonly MaterialDocument: string;
  readonly MaterialDocumentHeaderText?: string;
}

export interface GoodsMovementPosting {
  readonly movement: EventData<'MaterialMovementRecorded'>;
  readonly idempotencyKey: string;
  readonly occurredAt: string;
  readonly plant: PlantMapping;
}

/**
 * goods-issue → movement type 261 (goods issue to order, GoodsMovementCode 03); goods-receipt → 101
 * (goods receipt for order, GoodsMovementCode 02, reference document type F). Reversals use 262 / 102.
 */
export const movementTypeOf = (
  movement: EventData<'MaterialMovementRecorded'>,
): { code: string; type: string } => {
  if (movement.movement === 'goods-issue') return { code: '03', type: movement.reversal ? '262' : '261' };
  return { code: '02', type: movement.reversal ? '102' : '101' };
};

/**
 * MaterialMovementRecorded → A_MaterialDocumentHeader with to_MaterialDocumentItem, exactly once.
 *
 * Idempotency: MaterialDocumentHeaderText (25 characters) carries `PS` + a 23-character hash of
 * the idempotency key; before posting, material documents with that header text are read and an
 * existing one is returned. Same race window as confirmations, closed by per-order serialisation.
 */
export const postGoodsMovement = async (
  client: ODataClient,
  posting: GoodsMovementPosting,
): Promise<PostingOutcome<SapMaterialDocument>> => {
  const { movement: m, plant } = posting;
  const headerText = shortReference(posting.idempotencyKey, 25);
  const existing = await client.list<SapMaterialDocument>(
    MATERIAL_DOCUMENT_SERVICE,
    'A_MaterialDocumentHeader',
    {
      $filter: `MaterialDocumentHeaderText eq ${odataString(headerText)}`,
      $select: 'MaterialDocumentYear,MaterialDocument,MaterialDocumentHeaderText',
    },
  );
  const [found] = existing;
  if (found) return { status: 'already-posted', document: found };

  const storageLocation = m.storageLocation ?? plant.defaultStorageLocation;
  if (!storageLocation) {
    throw new ValidationError(
      `movement ${m.movementId} names no storage location and plant ${plant.plant} has no default`,
    );
  }
  if (!m.orderNumber)
    throw new ValidationError(
      `movement ${m.movementId} has no production order; only order movements are posted`,
    );
  const { code, type } = movementTypeOf(m);
  const posted = odataPlantDateTime(posting.occurredAt, plant.timeZone);
  const body = {
    GoodsMovementCode: code,
    PostingDate: posted.date,
    DocumentDate: posted.date,
    MaterialDocumentHeaderText: headerText,
    ReferenceDocument: m.movementId.slice(0, 16),
    to_MaterialDocumentItem: {
      results: [
        {
          Material: m.material,
          Plant: plant.plant,
          StorageLocation: storageLocation,
          ...(m.batch ? { Batch: m.batch } : {}),
          GoodsMovementType: type,
          ManufacturingOrder: m.orderNumber,
          ...(m.movement === 'goods-receipt'
            ? { ManufacturingOrderItem: '1', GoodsMovementRefDocType: 'F' }
            : {}),
          EntryUnit: sapUnit(m.quantity.unit, plant),
          QuantityInEntryUnit: m.quantity.value,
          MaterialDocumentItemText: m.movementId.slice(0, 50),
        },
      ],
    },
  };
  const created = await asBusinessRule(
    () => client.create<SapMaterialDocument>(MATERIAL_DOCUMENT_SERVICE, 'A_MaterialDocumentHeader', body),
    {
      owner: { system: 'sap', role: 'inventory controller' },
      businessKey: { kind: 'order', value: m.orderNumber },
    },
  );
  return { status: 'posted', document: created.data };
};
