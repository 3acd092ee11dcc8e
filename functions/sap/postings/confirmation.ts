import type { EventData } from '../../../events';
import type { PlantMapping } from '../mapping';
import type { ODataClient } from '../odata/client';
import { odataString } from '../odata/client';
import { externalGuid, odataPlantDateTime } from '../odata/values';
import { asBusinessRule, type PostingOutcome, sapUnit } from './common';

export const CONFIRMATION_SERVICE = 'API_PROD_ORDER_CONFIRMATION_2_SRV';

/** The fields of ProdnOrdConf2 plantsync reads back. */
export interface SapConfirmation {
  readonly ConfirmationGroup: string;
  readonly ConfirmationCount: string;
  readonly OrderID: string;
  readonly OrderOperation?: string;
  readonly ConfirmationText?: string;
  readonly ExternalSystemConfirmation?: string;
  readonly IsReversed?: boolean;
}

export interface ConfirmationPosting {
  readonly confirmation: EventData<'ProductionConfirmed'>;
  /**
   * The exactly-once key of the SAP posting. @default confirmationKey(plant, confirmationId), so
   * every path that posts the same MES confirmation (poster, workflow) lands on the same key.
   */
  readonly idempotencyKey?: string;
  /** When the MES confirmed (the canonical occurredAt); becomes the posting date in plant time. */
  readonly occurredAt: string;
  readonly plant: PlantMapping;
}

/** The business key of a confirmation posting: one MES confirmation id per plant. */
export const confirmationKey = (plant: string, confirmationId: string): string =>
  `sap-confirmation:${plant}:${confirmationId}`;

/**
 * ProductionConfirmed → ProdnOrdConf2 (API_PROD_ORDER_CONFIRMATION_2_SRV), exactly once.
 *
 * Idempotency: the confirmation carries ExternalSystemConfirmation = a UUID derived from the
 * idempotency key ("External Key for Confirmation, e.g. from a PDC system") and the same key in
 * readable form in ConfirmationText. Before writing, the order's confirmations for the operation are
 * read; if one carries the external key, that one is returned and nothing is posted. A timed-out
 * write is therefore safe to retry. Race window: two workers posting the same key at the same
 * moment could both read "absent"; the poster serialises per order (SQS FIFO group = order number),
 * which closes it.
 */
export const postProductionConfirmation = async (
  client: ODataClient,
  posting: ConfirmationPosting,
): Promise<PostingOutcome<SapConfirmation>> => {
  const { confirmation: c, plant } = posting;
  const externalKey = externalGuid(posting.idempotencyKey ?? confirmationKey(plant.plant, c.confirmationId));
  const existing = await client.list<SapConfirmation>(CONFIRMATION_SERVICE, 'ProdnOrdConf2', {
    $filter: `OrderID eq ${odataString(c.orderNumber)} and OrderOperation eq ${odataString(c.operationNumber)}`,
    $select:
      'ConfirmationGroup,ConfirmationCount,OrderID,OrderOperation,ConfirmationText,ExternalSystemConfirmation,IsReversed',
  });
  const found = existing.find((e) => e.ExternalSystemConfirmation?.toLowerCase() === externalKey);
  if (found) return { status: 'already-posted', document: found };

  const unit = sapUnit(c.yield.unit, plant);
  const posted = odataPlantDateTime(posting.occurredAt, plant.timeZone);
  const work = [c.setupTime, c.machineTime, c.labourTime];
  const workFields = Object.assign(
    {},
    ...work.map((q, i) =>
      q
        ? {
            [`OpConfirmedWorkQuantity${i + 1}`]: q.value,
            [`OpWorkQuantityUnit${i + 1}`]: sapUnit(q.unit, plant),
          }
        : {},
    ),
  ) as Record<string, string>;
  const body = {
    OrderID: c.orderNumber,
    OrderOperation: c.operationNumber,
    ConfirmationText: `plantsync ${c.confirmationId}`.slice(0, 40),
    ExternalSystemConfirmation: externalKey,
    EnteredByExternalUser: 'PLANTSYNC',
    ...(c.workCenter ? { WorkCenter: c.workCenter } : {}),
    Plant: plant.plant,
    PostingDate: posted.date,
    ConfirmedExecutionEndDate: posted.date,
    ConfirmedExecutionEndTime: posted.time,
    ConfirmationUnit: unit,
    ConfirmationYieldQuantity: c.yield.value,
    ConfirmationScrapQuantity: c.scrap.value,
    ConfirmationReworkQuantity: c.rework.value,
    ...(c.scrapReason ? { VarianceReasonCode: c.scrapReason } : {}),
    IsFinalConfirmation: c.finalConfirmation,
    FinalConfirmationType: c.finalConfirmation ? '1' : '',
    ...workFields,
  };
  const created = await asBusinessRule(
    () => client.create<SapConfirmation>(CONFIRMATION_SERVICE, 'ProdnOrdConf2', body),
    {
      owner: { system: 'sap', role: 'production controller' },
      businessKey: { kind: 'order', value: c.orderNumber },
    },
  );
  return { status: 'posted', document: created.data };
};
