import type { z } from 'zod';
import type { PlantConfig } from './schema';

type PlantInput = z.input<typeof PlantConfig>;

const weekdays = ['MON', 'TUE', 'WED', 'THU', 'FRI'] as const;
const threeShifts = [
  { name: 'early', days: [...weekdays], start: '06:00', end: '14:00' },
  { name: 'late', days: [...weekdays], start: '14:00', end: '22:00' },
  { name: 'night', days: [...weekdays], start: '22:00', end: '06:00' },
];

/**
 * Plants per environment. Adding a plant is one entry here: its queues, consumers, schedules,
 * alarms and dashboard rows follow from it (see docs/deploy.md "Add a plant").
 */
export const plantsFor = (env: string): PlantInput[] => [
  {
    code: '1000',
    name: 'Hamburg assembly',
    timeZone: 'Europe/Berlin',
    mes: {
      profile: 'rest-json',
      endpoint: `https://mes-1000.${env}.plants.example.com/api`,
      secretName: `plantsync/${env}/1000/mes`,
    },
    maintenance: {
      platform: 'maintainx',
      endpoint: 'https://api.getmaintainx.com/v1',
      secretName: `plantsync/${env}/1000/maintainx`,
      webhookSecretName: `plantsync/${env}/1000/maintainx-webhook`,
      connector: {
        tenant: `maintainx-${env}-hamburg`,
        currency: 'EUR',
        referenceField: 'plantsync reference',
      },
    },
    sap: {
      orderTypes: ['PP01'],
      workCenters: { ASSY01: { line: 'L1' }, PRESS01: { line: 'L2', equipmentId: '10000021' } },
      defaultStorageLocation: '0001',
      // Operational impacts of planned maintenance are posted to SAP PM whatever the plant's
      // maintenance platform is.
      maintenance: { notificationType: 'M2', orderType: 'PM01' },
    },
    shiftCalendar: threeShifts,
    maintenanceWindows: [{ name: 'weekend', days: ['SAT'], start: '06:00', durationMinutes: 720 }],
    sla: {
      orderAckTimeoutSeconds: 900,
      stuckOrderAfterMinutes: 60,
      downtimeToNotificationSeconds: 300,
      confirmationPostingSeconds: 600,
    },
    rateLimits: { maintenance: { rps: 5, burst: 10 }, mes: { rps: 20, burst: 40 } },
    flapping: { windowSeconds: 120 },
    reconciliationCron: '0 2 * * ? *',
  },
  {
    code: '2000',
    name: 'Porto machining',
    timeZone: 'Europe/Lisbon',
    mes: {
      profile: 'b2mml',
      endpoint: `https://mes-2000.${env}.plants.example.com/b2mml`,
      secretName: `plantsync/${env}/2000/mes`,
    },
    maintenance: {
      platform: 'sap-pm',
      endpoint: `https://sap-pm.${env}.example.com/sap/opu/odata/sap/API_MAINTNOTIFICATION`,
      secretName: `plantsync/${env}/2000/sap-pm`,
      webhookSecretName: `plantsync/${env}/2000/sap-pm-webhook`,
      connector: { notificationType: 'M2', orderType: 'PM01', planningPlant: '2000' },
    },
    sap: {
      orderTypes: ['PP01', 'YBM4'],
      workCenters: { CNC01: { line: 'M1', equipmentId: '10000031' } },
      defaultStorageLocation: '0002',
      language: 'PT',
      maintenance: { notificationType: 'M2', orderType: 'PM01' },
    },
    shiftCalendar: [
      { name: 'day', days: [...weekdays, 'SAT'], start: '07:00', end: '19:00' },
      { name: 'night', days: [...weekdays], start: '19:00', end: '07:00' },
    ],
    maintenanceWindows: [
      { name: 'sunday', days: ['SUN'], start: '00:00', durationMinutes: 1440 },
      { name: 'weeknight', days: ['WED'], start: '02:00', durationMinutes: 180 },
    ],
    sla: {
      orderAckTimeoutSeconds: 1800,
      stuckOrderAfterMinutes: 120,
      downtimeToNotificationSeconds: 600,
      confirmationPostingSeconds: 900,
    },
    rateLimits: { maintenance: { rps: 2, burst: 4 }, mes: { rps: 10, burst: 20 } },
    flapping: { windowSeconds: 300 },
    reconciliationCron: '30 1 * * ? *',
  },
];

/**
 * Where the simulated plant systems (local/plant) listen in the `local` environment: fixed loopback
 * ports, so the configuration says where they are before they start (local/scenarios/session.ts
 * binds each system to the port of its endpoint).
 */
export const LOCAL_PORTS = { sap: 18100, mes1000: 18110, mes2000: 18120, maintainx: 18130 } as const;
export const LOCAL_SAP_ODATA = `http://127.0.0.1:${LOCAL_PORTS.sap}/sap/opu/odata/sap`;

/** The dev plants, pointed at the simulated systems on loopback. */
export const localPlants = (): PlantInput[] =>
  plantsFor('local').map((plant) => {
    if (plant.code === '1000') {
      return {
        ...plant,
        mes: { ...plant.mes, endpoint: `http://127.0.0.1:${LOCAL_PORTS.mes1000}/api` },
        maintenance: {
          ...plant.maintenance,
          endpoint: `http://127.0.0.1:${LOCAL_PORTS.maintainx}/v1`,
          // The asset cross-reference of the simulated MaintainX organisation: machine n of the
          // plant (equipment 1000000n) is asset 100000 + n there.
          connector: {
            ...(plant.maintenance.connector as Record<string, unknown>),
            assets: Object.fromEntries(
              Array.from({ length: 16 }, (_, i) => [
                `1000${String(i + 1).padStart(4, '0')}`,
                100_000 + i + 1,
              ]),
            ),
          },
        },
      };
    }
    return {
      ...plant,
      mes: { ...plant.mes, endpoint: `http://127.0.0.1:${LOCAL_PORTS.mes2000}/b2mml` },
      // SAP PM is the simulated SAP's OData (the maintenance connector calls it through functions/sap).
      maintenance: { ...plant.maintenance, endpoint: LOCAL_SAP_ODATA },
    };
  });
