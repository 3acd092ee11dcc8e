import * as z from 'zod';
import { defineEvent } from '../define';
import { Decimal, EquipmentId, Identifier, ShortText, Timestamp, Unit } from '../primitives';

export const AssetConditionAlertRaised = defineEvent({
  detailType: 'AssetConditionAlertRaised',
  owner: 'analytics',
  version: 1,
  minor: 0,
  summary: 'A predictive-maintenance model saw a condition signal cross its threshold on an asset.',
  data: z.object({
    alertId: Identifier,
    equipmentId: EquipmentId,
    signal: z.string().min(1).max(60).describe('e.g. vibration-rms, bearing-temperature'),
    value: z.object({ value: Decimal, unit: Unit }),
    threshold: z.object({ value: Decimal, unit: Unit }),
    severity: z.enum(['warning', 'critical']),
    predictedFailureAt: Timestamp.optional(),
    model: ShortText.optional(),
  }),
  example: {
    alertId: 'ALERT-7781',
    equipmentId: '10000042',
    signal: 'vibration-rms',
    value: { value: '7.9', unit: 'MMS' },
    threshold: { value: '7.1', unit: 'MMS' },
    severity: 'critical',
    predictedFailureAt: '2026-12-02T00:00:00Z',
    model: 'bearing-wear-v3',
  },
});
