import { XMLParser } from 'fast-xml-parser';
import { definitionOf } from '../../../events/catalogue';
import { parseB2mml } from '../../../functions/mes/b2mml/document';
import { buildCancelSchedule, buildSchedule } from '../../../functions/mes/b2mml/outbound';
import { cancelToWire, orderToWire } from '../../../functions/mes/json/outbound';
import { ProductionOrderRequest } from '../../../functions/mes/json/wire';
import { fixture } from './fixtures';

const released = definitionOf('ProductionOrderReleased').data.parse(
  definitionOf('ProductionOrderReleased').example,
);
const cancelled = definitionOf('ProductionOrderCancelled').data.parse(
  definitionOf('ProductionOrderCancelled').example,
);
const xml = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
});
const options = { plant: '1010', revision: 1764050400000, createdAt: '2026-11-25T06:00:00+01:00' };

describe('canonical order → REST/JSON MES', () => {
  it('carries order number, revision, routing and components in MES units', () => {
    const body = orderToWire(released, '1010', 1764050400000);

    expect(ProductionOrderRequest.safeParse(body).success).toBe(true);
    expect(body).toMatchObject({
      orderNumber: '1000123',
      revision: 1764050400000,
      plant: '1010',
      quantity: { value: '120.000', unit: 'PCS' },
      scheduledStart: '2026-11-25T06:00:00+01:00',
      sapStatus: ['REL'],
    });
    expect(body.operations.map((o) => o.operationNumber)).toEqual(['0010', '0020']);
    expect(body.operations[0]?.machineTime).toEqual({ value: '2.500', unit: 'h' });
    expect(body.components[0]).toMatchObject({ item: '0001', operationNumber: '0010', backflush: false });
  });

  it('sends a cancellation with the revision and reason', () => {
    expect(cancelToWire(cancelled, 7)).toEqual({
      orderNumber: '1000123',
      revision: 7,
      reason: 'Customer order withdrawn',
      sapStatus: ['TECO'],
    });
  });
});

describe('canonical order → B2MML schedule', () => {
  it('writes a V0700 ProcessOperationsSchedule with a segment per operation and material uses', () => {
    const text = buildSchedule(released, { ...options, version: 'V0700' }, 'Process');
    const root = xml.parse(text).ProcessOperationsSchedule;
    const request = root.DataArea.OperationsSchedule.OperationsRequest;

    expect(parseB2mml(text).version).toBe('V0700');
    expect(root.ApplicationArea.BODID).toBe('plantsync-1000123-r1764050400000');
    expect(root.DataArea.OperationsSchedule.HierarchyScope).toEqual({
      EquipmentID: '1010',
      EquipmentElementLevel: 'Site',
    });
    expect(request.ID).toBe('1000123');
    expect(request.SegmentRequirement.map((s: { ID: string }) => s.ID)).toEqual(['0010', '0020']);
    expect(request.SegmentRequirement[0].Duration).toBe('PT9000S');
    expect(request.SegmentRequirement[0].MaterialRequirement).toMatchObject({
      MaterialDefinitionID: 'RM-CAST-22',
      MaterialUse: 'Consumed',
      Quantity: { QuantityString: '120.000', UnitOfMeasure: 'PCS' },
    });
    expect(request.SegmentRequirement[1].MaterialRequirement).toMatchObject({
      MaterialDefinitionID: 'FG-4711',
      MaterialUse: 'Produced',
    });
  });

  it('writes a V0600 ProductionSchedule with produced and consumed requirements', () => {
    const text = buildSchedule(released, { ...options, version: 'V0600' }, 'Change');
    const segments =
      xml.parse(text).ChangeProductionSchedule.DataArea.ProductionSchedule.ProductionRequest
        .SegmentRequirement;

    expect(parseB2mml(text).version).toBe('V0600');
    expect(segments[0].MaterialConsumedRequirement.MaterialDefinitionID).toBe('RM-CAST-22');
    expect(segments[1].MaterialProducedRequirement.MaterialDefinitionID).toBe('FG-4711');
    expect(segments[0].ProductionParameter[0].Parameter).toMatchObject({
      ID: 'WorkCenter',
      Value: { ValueString: 'MILL01' },
    });
  });

  it('is a pure function of the order and options, so a resend is byte-identical', () => {
    expect(buildSchedule(released, { ...options, version: 'V0700' }, 'Process')).toBe(
      buildSchedule(released, { ...options, version: 'V0700' }, 'Process'),
    );
  });

  it('writes a cancellation naming the schedule', () => {
    const root = xml.parse(
      buildCancelSchedule(cancelled, { ...options, version: 'V0700' }),
    ).CancelOperationsSchedule;

    expect(root.DataArea.OperationsSchedule.ID).toBe('1000123');
    expect(root.ApplicationArea.BODID).toBe('plantsync-1000123-r1764050400000');
  });
});

describe('REST/JSON order contract', () => {
  it('matches the documented request body for the catalogue example order', () => {
    const documented = JSON.parse(fixture('json/production-order-request.json'));

    expect(JSON.parse(JSON.stringify(orderToWire(released, '1010', 1764050400000)))).toEqual(documented);
  });
});
