import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SapMappings } from '../../../functions/sap/mapping';
import { parseSapMappings } from '../../../functions/sap/mapping';

const dir = join(process.cwd(), 'test', 'fixtures', 'sap');

export const fixture = (name: string): string => readFileSync(join(dir, name), 'utf8');

export const testMappings: SapMappings = parseSapMappings({
  systemTimeZone: 'Europe/Berlin',
  senders: ['S4HCLNT100'],
  plants: [
    {
      plant: '1010',
      timeZone: 'Europe/Berlin',
      orderTypes: ['PP01'],
      workCenters: { MILL01: { line: 'L01', equipmentId: '10000042' }, MILL02: { line: 'L01' } },
      units: {},
      maintenance: { notificationType: 'M2', orderType: 'PM01', mainWorkCenter: 'MECH' },
    },
  ],
});
