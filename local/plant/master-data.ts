import { Random } from './random';

/**
 * The part of a plant configuration entry (infra/config/schema.ts `PlantConfig`) the simulators
 * need. A full config entry fits.
 */
export interface SimPlantConfig {
  readonly code: string;
  readonly name?: string;
  readonly timeZone: string;
  readonly mes: { readonly profile: 'rest-json' | 'b2mml' };
  readonly maintenance: { readonly platform: 'maintainx' | 'sap-pm' | 'generic-rest' };
}

export interface SimEquipment {
  /** SAP equipment number (EQUNR), 8 digits. */
  readonly equipmentId: string;
  readonly description: string;
  readonly workCenter: string;
  readonly line: string;
  readonly functionalLocation: string;
  readonly manufacturer: string;
  readonly model: string;
  readonly serialNumber: string;
  readonly criticality: 'A' | 'B' | 'C';
  /** The asset id the plant's MaintainX organisation knows the machine by. */
  readonly maintainxAssetId: number;
}

export interface SimMaterial {
  readonly number: string;
  readonly description: string;
  /** FERT finished product, ROH raw material. */
  readonly type: 'FERT' | 'ROH';
  readonly unit: 'ST' | 'KG';
}

export interface SimPlantMasterData {
  readonly plant: string;
  readonly timeZone: string;
  readonly lines: readonly string[];
  readonly equipment: readonly SimEquipment[];
  readonly materials: readonly SimMaterial[];
  /** Work center (ARBPL) → MES line and machine: what the plant's SAP mapping must say. */
  readonly workCenters: Readonly<Record<string, { readonly line: string; readonly equipmentId: string }>>;
}

export interface SimOperation {
  readonly sequence: string;
  /** VORNR, 4 digits, e.g. "0010". */
  readonly operationNumber: string;
  readonly description: string;
  readonly workCenter: string;
  readonly equipmentId: string;
  readonly controlKey: string;
  /** Standard values in hours, as decimal strings with 3 decimals (VGW01..03, unit H). */
  readonly setupHours: string;
  readonly machineHours: string;
  readonly labourHours: string;
}

export interface SimComponent {
  /** RSPOS, 4 digits. */
  readonly item: string;
  readonly material: SimMaterial;
  readonly quantity: string;
  readonly operationNumber: string;
  readonly storageLocation: string;
  readonly backflush: boolean;
}

export interface SimProductionOrder {
  readonly orderNumber: string;
  readonly plant: string;
  readonly orderType: string;
  readonly material: SimMaterial;
  /** Planned quantity in the material's unit (integer pieces). */
  readonly quantity: number;
  readonly unit: 'ST';
  readonly line: string;
  /** Simulated ms since the epoch. */
  readonly plannedStart: number;
  readonly plannedEnd: number;
  readonly operations: readonly SimOperation[];
  readonly components: readonly SimComponent[];
  readonly reservation: string;
}

const MACHINES: readonly { readonly wc: string; readonly text: string; readonly op: string }[] = [
  { wc: 'MILL', text: 'CNC milling centre', op: 'Mill contour' },
  { wc: 'TURN', text: 'CNC lathe', op: 'Turn shaft seat' },
  { wc: 'DRIL', text: 'Drilling unit', op: 'Drill and tap' },
  { wc: 'PRES', text: 'Hydraulic press', op: 'Press in bushes' },
  { wc: 'WELD', text: 'Welding robot cell', op: 'Weld bracket' },
  { wc: 'WASH', text: 'Parts washer', op: 'Wash and deburr' },
  { wc: 'ASSY', text: 'Assembly station', op: 'Assemble' },
  { wc: 'QC', text: 'CMM inspection', op: 'Final inspection' },
];
const MAKERS = [
  ['DMG MORI', 'DMU 50'],
  ['Trumpf', 'TruLaser 3030'],
  ['Haas', 'VF-2'],
  ['Mazak', 'QTN-200'],
  ['Kuka', 'KR 16'],
  ['Zeiss', 'Contura'],
] as const;
const PRODUCTS = [
  'Gearbox housing',
  'Pump impeller',
  'Drive shaft',
  'Valve body',
  'Motor flange',
  'Bearing cap',
];
const RAW = [
  'Aluminium casting',
  'Steel bar 42CrMo4',
  'Bearing bush',
  'Hex screw M8',
  'O-ring 40x3',
  'Sealant',
];

/** Equipment number of machine `i` (0-based) of a plant: plant code + 4 digits, e.g. "10000003". */
const equipmentNumber = (plant: string, i: number): string => `${plant}${String(i + 1).padStart(4, '0')}`;

const plantNumber = (plant: string): number => {
  const digits = Number.parseInt(plant.replace(/\D/g, '') || '0', 10);
  return Number.isFinite(digits) ? digits : 0;
};

/** Lines, machines and materials of a plant, deterministic from the seed and the plant code. */
export const generateMasterData = (seed: string | number, plant: SimPlantConfig): SimPlantMasterData => {
  const random = new Random(seed).fork(`master:${plant.code}`);
  const lineCount = random.int(2, 3);
  const lines = Array.from({ length: lineCount }, (_, i) => `L${String(i + 1).padStart(2, '0')}`);
  const equipment: SimEquipment[] = [];
  const workCenters: Record<string, { line: string; equipmentId: string }> = {};
  for (const line of lines) {
    const count = random.int(3, 4);
    const kinds = [...MACHINES];
    for (let m = 0; m < count; m++) {
      const kind = kinds.splice(random.int(0, kinds.length - 1), 1)[0] ?? MACHINES[0];
      if (!kind) continue;
      const i = equipment.length;
      const workCenter = `${kind.wc}${line.slice(1)}${m + 1}`.slice(0, 8);
      const [manufacturer, model] = random.pick(MAKERS);
      const equipmentId = equipmentNumber(plant.code, i);
      equipment.push({
        equipmentId,
        description: `${kind.text} ${line}/${m + 1}`,
        workCenter,
        line,
        functionalLocation: `${plant.code}-${line}-${String(m + 1).padStart(2, '0')}`,
        manufacturer,
        model,
        serialNumber: `SN${random.hex(8).toUpperCase()}`,
        criticality: random.pick(['A', 'B', 'B', 'C'] as const),
        maintainxAssetId: plantNumber(plant.code) * 100 + i + 1,
      });
      workCenters[workCenter] = { line, equipmentId };
    }
  }
  const materials: SimMaterial[] = [
    ...PRODUCTS.map((text, i) => ({
      number: `FG-${plant.code}-${String(i + 1).padStart(3, '0')}`,
      description: text,
      type: 'FERT' as const,
      unit: 'ST' as const,
    })),
    ...RAW.map((text, i) => ({
      number: `RM-${plant.code}-${String(i + 1).padStart(3, '0')}`,
      description: text,
      type: 'ROH' as const,
      unit: i === 5 ? ('KG' as const) : ('ST' as const),
    })),
  ];
  return { plant: plant.code, timeZone: plant.timeZone, lines, equipment, materials, workCenters };
};

const hours = (value: number): string => value.toFixed(3);

export interface OrderGenerationOptions {
  readonly count: number;
  /** First order number (AUFNR, without leading zeros). */
  readonly firstNumber: number;
  /** Planned start of the first order, simulated ms. */
  readonly startAt: number;
  /** Planned starts are spread this far apart per line. @default 45 min */
  readonly spacingMs?: number;
}

/**
 * Released production orders of one plant: a routing of 2 to 5 operations on one line (work
 * centers in line order), 1 to 3 components, 20 to 400 pieces. Deterministic per order number.
 */
export const generateOrders = (
  seed: string | number,
  master: SimPlantMasterData,
  options: OrderGenerationOptions,
): SimProductionOrder[] => {
  const orders: SimProductionOrder[] = [];
  const spacing = options.spacingMs ?? 45 * 60_000;
  const products = master.materials.filter((m) => m.type === 'FERT');
  const raws = master.materials.filter((m) => m.type === 'ROH');
  for (let i = 0; i < options.count; i++) {
    const orderNumber = String(options.firstNumber + i);
    const random = new Random(seed).fork(`order:${master.plant}:${orderNumber}`);
    const line = master.lines[i % master.lines.length] ?? 'L01';
    const machines = master.equipment.filter((e) => e.line === line);
    const opCount = Math.min(machines.length, random.int(2, 5));
    const chosen = machines.slice(0, opCount);
    const quantity = random.int(2, 40) * 10;
    const material = random.pick(products);
    const operations: SimOperation[] = chosen.map((machine, n) => {
      const perPiece = random.between(0.2, 1.5); // minutes
      const machineHours = (quantity * perPiece) / 60;
      const kind = MACHINES.find((k) => machine.workCenter.startsWith(k.wc));
      return {
        sequence: '0',
        operationNumber: String((n + 1) * 10).padStart(4, '0'),
        description: kind?.op ?? 'Process',
        workCenter: machine.workCenter,
        equipmentId: machine.equipmentId,
        controlKey: machine.workCenter.startsWith('QC') ? 'PP03' : 'PP01',
        setupHours: hours(random.int(0, 4) * 0.25),
        machineHours: hours(machineHours),
        labourHours: hours(machineHours * random.between(0.5, 1)),
      };
    });
    const componentCount = random.int(1, 3);
    const pool = [...raws];
    const components: SimComponent[] = [];
    for (let c = 0; c < componentCount; c++) {
      const raw = pool.splice(random.int(0, pool.length - 1), 1)[0];
      if (!raw) break;
      const perUnit = raw.unit === 'KG' ? random.between(0.01, 0.2) : random.int(1, 4);
      const op = random.pick(operations);
      components.push({
        item: String(c + 1).padStart(4, '0'),
        material: raw,
        quantity: raw.unit === 'KG' ? (quantity * perUnit).toFixed(3) : String(quantity * perUnit),
        operationNumber: op.operationNumber,
        storageLocation: '0001',
        backflush: random.chance(0.2),
      });
    }
    const totalHours = operations.reduce(
      (sum, op) => sum + Number(op.setupHours) + Number(op.machineHours),
      0,
    );
    const plannedStart = options.startAt + Math.floor(i / master.lines.length) * spacing;
    orders.push({
      orderNumber,
      plant: master.plant,
      orderType: 'PP01',
      material,
      quantity,
      unit: 'ST',
      line,
      plannedStart,
      plannedEnd: plannedStart + Math.ceil(totalHours * 3_600_000) + 30 * 60_000,
      operations,
      components,
      reservation: String(4_000_000 + options.firstNumber + i),
    });
  }
  return orders;
};
