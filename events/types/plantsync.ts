import * as z from 'zod';
import { defineEvent } from '../define';
import { System } from '../envelope';
import { Decimal, Identifier, LongText, ShortText } from '../primitives';

export const BusinessKey = z.object({
  kind: z.enum([
    'order',
    'operation',
    'equipment',
    'work-order',
    'notification',
    'downtime',
    'alert',
    'adjustment',
  ]),
  value: Identifier,
});

export const SyncExceptionKind = z.enum([
  'order-not-acknowledged',
  'order-refused-by-mes',
  'sap-business-rejection',
  'mes-business-rejection',
  'maintenance-business-rejection',
  'no-maintenance-window',
  'unknown-order',
  'order-stuck',
  'compensation-failed',
  'mapping-missing',
  'approval-expired',
]);

export const SyncExceptionRaised = defineEvent({
  detailType: 'SyncExceptionRaised',
  owner: 'plantsync',
  version: 1,
  minor: 1,
  summary: 'A business exception that needs a person: what went wrong, on what, and who owns the fix.',
  data: z.object({
    exceptionId: Identifier,
    kind: SyncExceptionKind,
    owner: z.object({ system: System, role: ShortText.describe('e.g. production planner, MES admin') }),
    businessKey: BusinessKey,
    reason: LongText,
    severity: z.enum(['low', 'medium', 'high']),
    details: z.record(z.string(), z.string()).default({}),
  }),
  example: {
    exceptionId: 'SX-1010-1000123-ack',
    kind: 'order-not-acknowledged',
    owner: { system: 'mes', role: 'MES administrator' },
    businessKey: { kind: 'order', value: '1000123' },
    reason: 'MES did not acknowledge order 1000123 within 900 s after 3 attempts',
    severity: 'high',
    details: { attempts: '3', timeoutSeconds: '900' },
  },
});

export const SyncExceptionResolved = defineEvent({
  detailType: 'SyncExceptionResolved',
  owner: 'plantsync',
  version: 1,
  minor: 0,
  summary: 'A sync exception was resolved (automatically by a later success, or by its owner).',
  data: z.object({
    exceptionId: Identifier,
    businessKey: BusinessKey,
    resolution: ShortText,
    resolvedBy: z.enum(['automatic', 'owner']),
  }),
  example: {
    exceptionId: 'SX-1010-1000123-ack',
    businessKey: { kind: 'order', value: '1000123' },
    resolution: 'Acknowledged by MES after re-drive',
    resolvedBy: 'automatic',
  },
});

export const ReconciliationDriftDetected = defineEvent({
  detailType: 'ReconciliationDriftDetected',
  owner: 'plantsync',
  version: 1,
  minor: 0,
  summary: 'Scheduled reconciliation found a record that differs between systems.',
  data: z.object({
    runId: Identifier,
    domain: z.enum(['equipment-master', 'order-status']),
    businessKey: BusinessKey,
    differences: z
      .array(
        z.object({
          field: z.string().min(1),
          values: z.partialRecord(System, z.string().nullable()),
        }),
      )
      .min(1),
    variance: Decimal.optional().describe('share of compared records that drift in this run, 0..1'),
  }),
  example: {
    runId: 'RECON-1010-20261125T0200',
    domain: 'equipment-master',
    businessKey: { kind: 'equipment', value: '10000042' },
    differences: [{ field: 'description', values: { sap: 'CNC milling centre DMU 50', mes: 'DMU50 mill' } }],
    variance: '0.012',
  },
});
