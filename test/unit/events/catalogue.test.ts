import { randomUUID } from 'node:crypto';
import {
  assertOwnership,
  catalogue,
  DetailType,
  definitionOf,
  OwnershipViolationError,
  ownership,
  SYSTEMS,
  UnknownEventTypeError,
} from '../../../events';

const metadataFor = (detailType: string, schemaVersion: string) => ({
  eventId: randomUUID(),
  eventType: detailType,
  schemaVersion,
  correlationId: 'corr-1',
  causationId: 'cause-1',
  idempotencyKey: `test:${detailType}`,
  plant: '1010',
  occurredAt: '2026-11-25T06:00:00+01:00',
  emittedAt: '2026-11-25T05:00:01Z',
  producer: 'test.catalogue',
});

describe('the canonical event catalogue', () => {
  it('holds at least 20 event types with unique detail types and past-tense names', () => {
    expect(catalogue.length).toBeGreaterThanOrEqual(20);
    expect(new Set(catalogue.map((d) => d.detailType)).size).toBe(catalogue.length);
    for (const d of catalogue) expect(d.detailType).toMatch(/(ed|Raised|Detected)$/);
  });

  it('gives every type an owner, a source of that owner, a major version and a summary', () => {
    for (const d of catalogue) {
      expect(SYSTEMS).toContain(d.owner);
      expect(d.source).toBe(`plantsync.${d.owner === 'plantsync' ? 'platform' : d.owner}`);
      expect(d.version).toBeGreaterThanOrEqual(1);
      expect(d.summary.length).toBeGreaterThan(10);
      expect(DetailType[d.detailType]).toBe(d.detailType);
      expect(ownership[d.detailType]).toBe(d.owner);
    }
  });

  describe.each(catalogue.map((d) => [d.detailType, d] as const))('%s', (_name, definition) => {
    const valid = () => ({
      metadata: metadataFor(definition.detailType, definition.schemaVersion),
      data: structuredClone(definition.example) as Record<string, unknown>,
    });

    it('accepts its example event', () => {
      const result = definition.detail.safeParse(valid());
      expect(result.error?.issues).toBeUndefined();
    });

    it('refuses the event when any required data field is missing', () => {
      const shape = definition.data.shape as Record<string, { safeParse(v: unknown): { success: boolean } }>;
      const required = Object.keys(shape).filter((key) => !shape[key]?.safeParse(undefined).success);
      expect(required.length).toBeGreaterThan(0);
      for (const key of required) {
        const event = valid();
        delete event.data[key];
        expect(definition.detail.safeParse(event).success).toBe(false);
      }
    });

    it('refuses a timestamp without an offset and an envelope without a correlation id', () => {
      const noOffset = valid();
      noOffset.metadata.occurredAt = '2026-11-25T06:00:00';
      expect(definition.detail.safeParse(noOffset).success).toBe(false);

      const { correlationId: _dropped, ...withoutCorrelation } = valid().metadata;
      expect(definition.detail.safeParse({ metadata: withoutCorrelation, data: valid().data }).success).toBe(
        false,
      );
    });
  });

  it('refuses quantities given as numbers or with unknown unit codes', () => {
    const definition = definitionOf(DetailType.ProductionConfirmed);
    const base = { metadata: metadataFor('ProductionConfirmed', '1.0'), data: { ...definition.example } };
    expect(
      definition.detail.safeParse({ ...base, data: { ...base.data, yield: { value: 118, unit: 'H87' } } })
        .success,
    ).toBe(false);
    expect(
      definition.detail.safeParse({ ...base, data: { ...base.data, yield: { value: '118', unit: 'PCS' } } })
        .success,
    ).toBe(false);
    expect(
      definition.detail.safeParse({
        ...base,
        data: { ...base.data, yield: { value: '1.1234567', unit: 'H87' } },
      }).success,
    ).toBe(false);
  });
});

describe('data ownership', () => {
  it('lets the owning system publish its own event types', () => {
    expect(assertOwnership('sap', DetailType.ProductionOrderReleased).owner).toBe('sap');
  });

  it('refuses a system publishing a type another system owns, naming the owner', () => {
    expect(() => assertOwnership('mes', DetailType.ProductionOrderReleased)).toThrow(OwnershipViolationError);
    expect(() => assertOwnership('analytics', DetailType.WorkOrderCreated)).toThrow(
      /analytics may not publish WorkOrderCreated: that fact belongs to maintenance/,
    );
  });

  it('refuses an unknown event type', () => {
    expect(() => assertOwnership('sap', 'OrderTeleported')).toThrow(UnknownEventTypeError);
  });
});
