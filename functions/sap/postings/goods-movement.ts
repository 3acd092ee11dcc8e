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
  /** @default goodsMovementKey(plant, movementId) */
  readonly idempotencyKey?: string;
  readonly occurredAt: string;
  readonly plant: PlantMapping;
}

/** The business key of a goods movement posting: one MES movement id per plant. */
export const goodsMovementKey = (plant: string, movementId: string): string =>
  `sap-goods-movement:${plant}:${movementId}`;

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
  const headerText = shortReference(
    posting.idempotencyKey ?? goodsMovementKey(plant.plant, m.movementId),
    25,
  );
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

export interface InventoryAdjustmentPostingRequest {
  readonly adjustment: EventData<'InventoryAdjustmentRequested'>;
  readonly approvedBy: string;
  readonly occurredAt: string;
  readonly plant: PlantMapping;
}

/** The business key of an inventory adjustment posting. */
export const inventoryAdjustmentKey = (plant: string, adjustmentId: string): string =>
  `sap-inventory-adjustment:${plant}:${adjustmentId}`;

/**
 * An approved MES inventory adjustment → A_MaterialDocumentHeader, exactly once (same header-text
 * reference as goods movements). Positive quantities use the plant's `inventoryAdjustment.increase`
 * movement type (GoodsMovementCode 05, other receipts), negative ones `decrease` (code 03, issue).
 */
export const postInventoryAdjustment = async (
  client: ODataClient,
  request: InventoryAdjustmentPostingRequest,
): Promise<PostingOutcome<SapMaterialDocument>> => {
  const { adjustment: a, plant } = request;
  const headerText = shortReference(inventoryAdjustmentKey(plant.plant, a.adjustmentId), 25);
  const [found] = await client.list<SapMaterialDocument>(
    MATERIAL_DOCUMENT_SERVICE,
    'A_MaterialDocumentHeader',
    {
      $filter: `MaterialDocumentHeaderText eq ${odataString(headerText)}`,
      $select: 'MaterialDocumentYear,MaterialDocument,MaterialDocumentHeaderText',
    },
  );
  if (found) return { status: 'already-posted', document: found };
  const negative = a.quantity.value.startsWith('-');
  const settings = plant.inventoryAdjustment;
  const posted = odataPlantDateTime(request.occurredAt, plant.timeZone);
  const body = {
    GoodsMovementCode: negative ? '03' : '05',
    PostingDate: posted.date,
    DocumentDate: posted.date,
    MaterialDocumentHeaderText: headerText,
    ReferenceDocument: a.adjustmentId.slice(0, 16),
    to_MaterialDocumentItem: {
      results: [
        {
          Material: a.material,
          Plant: plant.plant,
          StorageLocation: a.storageLocation,
          GoodsMovementType: negative ? settings.decrease : settings.increase,
          ...(settings.costCenter ? { CostCenter: settings.costCenter } : {}),
          EntryUnit: sapUnit(a.quantity.unit, plant),
          QuantityInEntryUnit: a.quantity.value.replace(/^-/, ''),
          MaterialDocumentItemText: `${a.reason} (approved by ${request.approvedBy})`.slice(0, 50),
        },
      ],
    },
  };
  const created = await asBusinessRule(
    () => client.create<SapMaterialDocument>(MATERIAL_DOCUMENT_SERVICE, 'A_MaterialDocumentHeader', body),
    {
      owner: { system: 'sap', role: 'inventory controller' },
      businessKey: { kind: 'adjustment', value: a.adjustmentId },
    },
  );
  return { status: 'posted', document: created.data };
};
