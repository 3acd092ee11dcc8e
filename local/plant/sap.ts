import { isoAt, type SimClock } from './clock';
import { json, type SimRequest, type SimResponse, type SimServer, startServer } from './http';
import { equipmentIdoc, type IdocNode, IdocSender, loiproIdoc, matmasIdoc } from './idoc';
import {
  generateOrders,
  type SimPlantConfig,
  type SimPlantMasterData,
  type SimProductionOrder,
} from './master-data';
import { Random } from './random';

/**
 * A simulated SAP S/4HANA for the plant: OData V2 (verbose JSON) for the services plantsync calls,
 * guarded by Basic or OAuth 2.0 client-credentials auth and CSRF tokens, with business rejections,
 * transient faults and outages on switches; and an XML-HTTP port that sends LOIPRO01, EQUIPMENT_CREATE01
 * and MATMAS05 IDocs. It keeps its own records of every posting for the zero-loss checks.
 * See docs/simulated-plant.md.
 */

type Entity = Record<string, unknown>;

export const SAP_SERVICES = [
  'API_PRODUCTION_ORDER_2_SRV',
  'API_PROD_ORDER_CONFIRMATION_2_SRV',
  'API_MATERIAL_DOCUMENT_SRV',
  'API_MAINTNOTIFICATION',
  'API_MAINTENANCEORDER',
  'API_EQUIPMENT',
] as const;
export type SapService = (typeof SAP_SERVICES)[number];

export const ODATA_ROOT = '/sap/opu/odata/sap';
export const TOKEN_PATH = '/sap/bc/sec/oauth2/token';
const SESSION_COOKIE = 'SAP_SESSIONID_S4H_100';

class ODataFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const odataError = (status: number, code: string, message: string, headers: Record<string, string> = {}) =>
  json(
    status,
    {
      error: {
        code,
        message: { lang: 'en', value: message },
        innererror: { errordetails: [{ code, message, severity: 'error' }] },
      },
    },
    { 'sap-message': JSON.stringify({ code, message, severity: 'error' }), ...headers },
  );

// ---- records -----------------------------------------------------------------------------------

export interface ConfirmationRecord {
  readonly confirmationGroup: string;
  readonly confirmationCount: string;
  readonly orderNumber: string;
  readonly operation: string;
  readonly plant: string;
  readonly yield: number;
  readonly scrap: number;
  readonly rework: number;
  readonly unit: string;
  readonly final: boolean;
  readonly externalReference?: string;
  readonly postedAt: number;
  reversed: boolean;
  /** Another confirmation with the same external reference existed when this one was posted. */
  readonly duplicate: boolean;
}

export interface MaterialDocumentItemRecord {
  readonly material: string;
  readonly plant: string;
  readonly storageLocation?: string;
  readonly movementType: string;
  readonly orderNumber?: string;
  readonly quantity: number;
  readonly unit: string;
}

export interface MaterialDocumentRecord {
  readonly materialDocument: string;
  readonly year: string;
  readonly via: 'confirmation' | 'material-document';
  readonly externalReference?: string;
  readonly items: readonly MaterialDocumentItemRecord[];
  readonly postedAt: number;
  readonly duplicate: boolean;
}

export interface NotificationRecord {
  readonly notification: string;
  readonly type: string;
  readonly plant: string;
  readonly equipment: string;
  readonly text: string;
  readonly priority: string;
  readonly externalReference?: string;
  readonly objectIsDown: boolean;
  readonly createdAt: number;
  phase: string;
  readonly duplicate: boolean;
}

export interface MaintenanceOrderRecord {
  readonly maintenanceOrder: string;
  readonly type: string;
  readonly plant: string;
  readonly equipment: string;
  readonly description: string;
  readonly notification?: string;
  readonly externalReference?: string;
  readonly start?: string;
  readonly end?: string;
  readonly createdAt: number;
  status: string;
  readonly duplicate: boolean;
}

/** A posting that reserves equipment capacity for maintenance (see docs/simulated-plant.md). */
export interface OperationalImpactRecord {
  readonly source: 'maintenance-order' | 'notification';
  readonly id: string;
  readonly equipment: string;
  readonly start: string;
  readonly end: string;
  readonly externalReference?: string;
  readonly postedAt: number;
  readonly duplicate: boolean;
}

export interface MaintenanceCompletionRecord {
  readonly maintenanceOrder: string;
  readonly equipment: string;
  readonly externalReference?: string;
  readonly completedAt: number;
}

export type RejectionKind =
  | 'locked-order'
  | 'closed-period'
  | 'unknown-order'
  | 'unknown-operation'
  | 'unknown-equipment'
  | 'invalid-input';

export interface RejectionRecord {
  readonly kind: RejectionKind;
  readonly service: string;
  readonly path: string;
  readonly orderNumber?: string;
  readonly message: string;
  readonly at: number;
}

export interface FaultRecord {
  readonly status: number;
  readonly reason: 'outage' | 'injected' | 'random';
  readonly method: string;
  readonly path: string;
  readonly at: number;
}

export interface DuplicateRecord {
  readonly kind:
    | 'confirmation'
    | 'material-document'
    | 'notification'
    | 'maintenance-order'
    | 'operational-impact';
  readonly externalReference: string;
  readonly ids: readonly string[];
}

export class SapRecords {
  readonly confirmations: ConfirmationRecord[] = [];
  readonly materialDocuments: MaterialDocumentRecord[] = [];
  readonly notifications: NotificationRecord[] = [];
  readonly maintenanceOrders: MaintenanceOrderRecord[] = [];
  readonly operationalImpacts: OperationalImpactRecord[] = [];
  readonly maintenanceCompletions: MaintenanceCompletionRecord[] = [];
  /** Changes to notifications (PATCH/MERGE): e.g. the completion summary the connector writes as long text. */
  readonly notificationUpdates: {
    readonly notification: string;
    readonly fields: readonly string[];
    readonly at: number;
  }[] = [];
  readonly rejections: RejectionRecord[] = [];
  readonly faults: FaultRecord[] = [];
  readonly duplicates: DuplicateRecord[] = [];
  /** Every request received (method and path), for metering in tests. */
  requests = 0;

  /** Confirmed yield/scrap/rework of an operation, reversals excluded. */
  confirmedTotals(
    orderNumber: string,
    operation: string,
  ): { yield: number; scrap: number; rework: number; final: boolean } {
    const rows = this.confirmations.filter(
      (c) =>
        c.orderNumber === stripZeros(orderNumber) &&
        c.operation === operation.padStart(4, '0') &&
        !c.reversed,
    );
    return {
      yield: rows.reduce((s, c) => s + c.yield, 0),
      scrap: rows.reduce((s, c) => s + c.scrap, 0),
      rework: rows.reduce((s, c) => s + c.rework, 0),
      final: rows.some((c) => c.final),
    };
  }

  private noteDuplicate(kind: DuplicateRecord['kind'], reference: string, ids: string[]): void {
    const existing = this.duplicates.find((d) => d.kind === kind && d.externalReference === reference);
    if (existing) (existing.ids as string[]).push(...ids.filter((id) => !existing.ids.includes(id)));
    else this.duplicates.push({ kind, externalReference: reference, ids });
  }

  /** @internal Whether `reference` was already posted for `kind`; records the duplicate if so. */
  checkDuplicate(
    kind: DuplicateRecord['kind'],
    reference: string | undefined,
    previousIds: string[],
    id: string,
  ): boolean {
    if (!reference || previousIds.length === 0) return false;
    this.noteDuplicate(kind, reference, [...previousIds, id]);
    return true;
  }
}

// ---- options -----------------------------------------------------------------------------------

export interface SapFaultSettings {
  /** Share of requests answered with a transient fault. @default 0 */
  readonly transientRate?: number;
  /** Share of those transient faults that are 429 (the rest 503). @default 0.5 */
  readonly throttleShare?: number;
  /** Retry-After seconds on 429/503. @default 2 */
  readonly retryAfterSeconds?: number;
}

export interface SapRejectionSettings {
  /** Share of postings refused because the order is locked by another user. @default 0 */
  readonly lockedOrderRate?: number;
  /** Share of postings refused because the posting period is closed. @default 0 */
  readonly closedPeriodRate?: number;
}

export interface SimulatedSapOptions {
  /** Fixed loopback port (the platform's configuration names it). @default 0, ephemeral */
  readonly port?: number;
  readonly seed: string | number;
  readonly clock: SimClock;
  readonly plants: readonly SimPlantConfig[];
  readonly masterData: ReadonlyMap<string, SimPlantMasterData>;
  /** Accepted Basic credentials. @default PLANTSYNC / sim-password */
  readonly basic?: { readonly username: string; readonly password: string };
  /** Accepted OAuth 2.0 client. @default plantsync / sim-client-secret, tokens valid 3600 s */
  readonly oauth?: {
    readonly clientId: string;
    readonly clientSecret: string;
    readonly tokenTtlSeconds?: number;
  };
  /** Simulated ms a CSRF token (and its session) lives. @default 30 min */
  readonly csrfTtlMs?: number;
  /** Server-driven page size. @default 100 */
  readonly pageSize?: number;
  readonly faults?: SapFaultSettings;
  readonly rejections?: SapRejectionSettings;
  /** Zone of the SAP application server (IDoc CREDAT/CRETIM). @default UTC */
  readonly systemTimeZone?: string;
  /** Logical system (EDI_DC40/SNDPRN). @default S4HCLNT100 */
  readonly logicalSystem?: string;
  /** Where the XML-HTTP port posts IDocs. */
  readonly idoc?: {
    readonly url: string;
    readonly packetSize?: number;
    readonly headers?: () => Record<string, string>;
    readonly maxAttempts?: number;
  };
  /** First production order number. @default 1000000 */
  readonly firstOrderNumber?: number;
}

interface Session {
  token: string;
  expiresAt: number;
}

interface SetDef {
  readonly service: SapService;
  readonly name: string;
  readonly type: string;
  readonly keys: readonly string[];
  readonly etag?: boolean;
  readonly nav?: Readonly<
    Record<string, { readonly set: string; readonly link: (parent: Entity, child: Entity) => boolean }>
  >;
  readonly create?: (body: Entity, path: string) => Entity;
  readonly patchable?: boolean;
}

const stripZeros = (value: string): string => (/^\d+$/.test(value) ? value.replace(/^0+(?=\d)/, '') : value);
const sameValue = (a: unknown, b: string): boolean => {
  const left = typeof a === 'string' ? a : a === undefined || a === null ? '' : String(a);
  return left === b || (/^\d+$/.test(left) && /^\d+$/.test(b) && stripZeros(left) === stripZeros(b));
};
const odataDate = (ms: number): string => `/Date(${ms})/`;
const odataTime = (ms: number, timeZone: string): string => {
  const t = isoAt(ms, timeZone).slice(11, 19).split(':');
  return `PT${t[0]}H${t[1]}M${t[2]}S`;
};
const num = (value: unknown, field: string): number => {
  if (value === undefined || value === null || value === '') return 0;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0)
    throw new ODataFailure(400, 'CO/055', `${field}: "${String(value)}" is not a valid quantity`);
  return n;
};
const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== ''
    ? value.trim()
    : typeof value === 'number'
      ? String(value)
      : undefined;
const NIL_GUID = '00000000-0000-0000-0000-000000000000';

/** Items of a deep insert: `{ results: [...] }` (V2 verbose) or a plain array. */
const deepItems = (value: unknown): Entity[] => {
  if (Array.isArray(value)) return value.filter((v): v is Entity => typeof v === 'object' && v !== null);
  if (value && typeof value === 'object' && Array.isArray((value as { results?: unknown }).results)) {
    return deepItems((value as { results: unknown[] }).results);
  }
  return [];
};

export class SimulatedSap {
  readonly records = new SapRecords();
  /** Every generated production order by number. */
  readonly orders = new Map<string, SimProductionOrder>();
  /** Orders sent as cancelled (LOIPRO01 with DLFL): no MES is expected to run them. */
  readonly cancelledOrders = new Set<string>();
  private server: SimServer | undefined;
  private idocSender: IdocSender | undefined;
  private readonly random: Random;
  private readonly sets = new Map<string, { def: SetDef; rows: Entity[] }>();
  private readonly versions = new WeakMap<Entity, number>();
  private readonly sessions = new Map<string, Session>();
  private readonly oauthTokens = new Map<string, number>();
  private readonly lockedOrders = new Map<string, string>();
  private readonly injected: { status: number; retryAfterSeconds?: number }[] = [];
  private available = true;
  private periodClosed = false;
  private faults: Required<SapFaultSettings>;
  private rejections: Required<SapRejectionSettings>;
  private nextOrder: number;
  private counters = {
    docnum: 1,
    confirmationGroup: 1,
    materialDocument: 4_900_000_000,
    notification: 10_000_000,
    maintenanceOrder: 4_000_000,
    version: 1,
  };

  constructor(private readonly options: SimulatedSapOptions) {
    this.random = new Random(options.seed).fork('sap');
    this.faults = { transientRate: 0, throttleShare: 0.5, retryAfterSeconds: 2, ...options.faults };
    this.rejections = { lockedOrderRate: 0, closedPeriodRate: 0, ...options.rejections };
    this.nextOrder = options.firstOrderNumber ?? 1_000_000;
    this.defineSets();
    for (const master of options.masterData.values()) this.loadEquipment(master);
  }

  // ---- lifecycle and URLs -----------------------------------------------------------------------

  async start(): Promise<this> {
    this.server = await startServer((request) => this.handle(request), this.options.port);
    if (this.options.idoc) {
      this.idocSender = new IdocSender({
        url: this.options.idoc.url,
        clock: this.options.clock,
        ...(this.options.idoc.packetSize ? { packetSize: this.options.idoc.packetSize } : {}),
        ...(this.options.idoc.headers ? { headers: this.options.idoc.headers } : {}),
        ...(this.options.idoc.maxAttempts ? { maxAttempts: this.options.idoc.maxAttempts } : {}),
      });
    }
    return this;
  }

  async stop(): Promise<void> {
    this.idocSender?.stop();
    await this.server?.close();
    this.server = undefined;
  }

  private get origin(): string {
    if (!this.server) throw new Error('the simulated SAP is not started');
    return this.server.url;
  }

  /** Root of the OData services, e.g. http://127.0.0.1:PORT/sap/opu/odata/sap. */
  get odataUrl(): string {
    return `${this.origin}${ODATA_ROOT}`;
  }

  /** OAuth 2.0 token endpoint (client credentials, client authenticated with Basic). */
  get tokenUrl(): string {
    return `${this.origin}${TOKEN_PATH}`;
  }

  /** Credentials as the connector's secret JSON (functions/sap/odata/auth.ts SapCredentials). */
  credentials(type: 'basic' | 'oauth2-client-credentials' = 'basic'): Record<string, string> {
    if (type === 'basic') {
      const basic = this.options.basic ?? { username: 'PLANTSYNC', password: 'sim-password' };
      return { type, username: basic.username, password: basic.password };
    }
    const oauth = this.options.oauth ?? { clientId: 'plantsync', clientSecret: 'sim-client-secret' };
    return { type, tokenUrl: this.tokenUrl, clientId: oauth.clientId, clientSecret: oauth.clientSecret };
  }

  // ---- switches -----------------------------------------------------------------------------------

  /** Outage: every OData call answers 503 (with `refuse`, connections are dropped instead). */
  down(mode: '503' | 'refuse' = '503'): void {
    this.available = false;
    if (mode === 'refuse' && this.server) this.server.refuse = true;
  }

  up(): void {
    this.available = true;
    if (this.server) this.server.refuse = false;
  }

  get isUp(): boolean {
    return this.available;
  }

  /** The next `count` OData calls answer `status` (429 or 5xx) with Retry-After. */
  failNext(count: number, status = 503, retryAfterSeconds = this.faults.retryAfterSeconds): void {
    for (let i = 0; i < count; i++) this.injected.push({ status, retryAfterSeconds });
  }

  setFaults(settings: SapFaultSettings): void {
    this.faults = { ...this.faults, ...settings };
  }

  setRejections(settings: SapRejectionSettings): void {
    this.rejections = { ...this.rejections, ...settings };
  }

  /** Postings against the order are refused as "locked by user" until unlocked. */
  lockOrder(orderNumber: string, user = 'PLANNER01'): void {
    this.lockedOrders.set(stripZeros(orderNumber), user);
  }

  unlockOrder(orderNumber: string): void {
    this.lockedOrders.delete(stripZeros(orderNumber));
  }

  closePostingPeriod(): void {
    this.periodClosed = true;
  }

  openPostingPeriod(): void {
    this.periodClosed = false;
  }

  /** Every CSRF token and session dies (as after an SAP session timeout). */
  expireCsrfTokens(): void {
    this.sessions.clear();
  }

  // ---- master data and IDocs ----------------------------------------------------------------------

  /** Creates `count` released production orders for a plant (also visible through OData). */
  createOrders(plant: string, count: number, startAt = this.options.clock.now()): SimProductionOrder[] {
    const master = this.options.masterData.get(plant);
    if (!master) throw new Error(`plant ${plant} is not part of the simulated plant`);
    const orders = generateOrders(this.options.seed, master, { count, firstNumber: this.nextOrder, startAt });
    this.nextOrder += count;
    for (const order of orders) this.addOrder(order);
    return orders;
  }

  /** Sends LOIPRO01 IDocs for the orders (released, or cancelled with DLFL) and resolves when delivered or given up. */
  async sendOrders(
    orders: readonly SimProductionOrder[],
    status: 'released' | 'cancelled' = 'released',
  ): Promise<void> {
    const nodes = orders.map((order) => {
      const docnum = this.nextDocnum();
      const plant = this.plantConfig(order.plant);
      if (status === 'cancelled') {
        this.cancelledOrders.add(order.orderNumber);
        const row = this.row(
          'API_PRODUCTION_ORDER_2_SRV',
          'A_ProductionOrder_2',
          (r) => r.ManufacturingOrder === order.orderNumber,
        );
        if (row) this.touch(row, { OrderIsMarkedForDeletion: 'X' });
        this.setOrderStatus(order.orderNumber, 'I0076', 'DLFL', 'Deletion flag');
      }
      return {
        node: loiproIdoc(order, { ...this.control(docnum), status, plantTimeZone: plant.timeZone }),
        docnum,
        plant: order.plant,
        key: order.orderNumber,
      };
    });
    await this.sender().send('LOIPRO01', nodes);
  }

  /** Sends EQUIPMENT_CREATE01 IDocs for every machine of the plant. */
  async sendEquipmentMaster(plant: string): Promise<void> {
    const master = this.masterOf(plant);
    const nodes = master.equipment.map((e) => {
      const docnum = this.nextDocnum();
      return {
        node: equipmentIdoc(e, { ...this.control(docnum), plant }),
        docnum,
        plant,
        key: e.equipmentId,
      };
    });
    await this.sender().send('EQUIPMENT_CREATE01', nodes);
  }

  /** Sends MATMAS05 IDocs for every material of the plant. */
  async sendMaterialMaster(plant: string): Promise<void> {
    const master = this.masterOf(plant);
    const nodes = master.materials.map((m) => {
      const docnum = this.nextDocnum();
      return { node: matmasIdoc(m, { ...this.control(docnum), plant }), docnum, plant, key: m.number };
    });
    await this.sender().send('MATMAS05', nodes);
  }

  /** IDocs the port handled: status 03 (passed to port) or 02 (error, gave up). */
  get idocs() {
    return this.idocSender?.records ?? [];
  }

  /** Resolves when every queued IDoc is delivered or given up. */
  idocsIdle(): Promise<void> {
    return this.idocSender?.idle() ?? Promise.resolve();
  }

  /** Renders an IDoc without sending it (tests, fixtures). */
  renderLoipro(order: SimProductionOrder): IdocNode {
    return loiproIdoc(order, {
      ...this.control(this.nextDocnum()),
      plantTimeZone: this.plantConfig(order.plant).timeZone,
    });
  }

  private sender(): IdocSender {
    if (!this.idocSender) throw new Error('the simulated SAP has no IDoc ingress URL (options.idoc.url)');
    return this.idocSender;
  }

  private control(docnum: string) {
    return {
      docnum,
      sender: this.options.logicalSystem ?? 'S4HCLNT100',
      createdAt: this.options.clock.now(),
      systemTimeZone: this.options.systemTimeZone ?? 'UTC',
    };
  }

  private nextDocnum(): string {
    return String(this.counters.docnum++).padStart(16, '0');
  }

  private plantConfig(plant: string): SimPlantConfig {
    const config = this.options.plants.find((p) => p.code === plant);
    if (!config) throw new Error(`plant ${plant} is not part of the simulated plant`);
    return config;
  }

  private masterOf(plant: string): SimPlantMasterData {
    const master = this.options.masterData.get(plant);
    if (!master) throw new Error(`plant ${plant} is not part of the simulated plant`);
    return master;
  }

  // ---- entity store -------------------------------------------------------------------------------

  private key(service: string, set: string): string {
    return `${service}/${set}`;
  }

  private rows(service: SapService, set: string): Entity[] {
    return this.sets.get(this.key(service, set))?.rows ?? [];
  }

  private row(service: SapService, set: string, match: (row: Entity) => boolean): Entity | undefined {
    return this.rows(service, set).find(match);
  }

  private insert(service: SapService, set: string, entity: Entity): Entity {
    const entry = this.sets.get(this.key(service, set));
    if (!entry) throw new Error(`unknown entity set ${service}/${set}`);
    entry.rows.push(entity);
    this.versions.set(entity, this.counters.version++);
    return entity;
  }

  private touch(entity: Entity, changes: Entity): void {
    Object.assign(entity, changes, { LastChangeDateTime: odataDate(this.options.clock.now()) });
    this.versions.set(entity, this.counters.version++);
  }

  private etagOf(entity: Entity): string {
    const iso = isoAt(this.options.clock.now()).slice(0, 19);
    return `W/"datetime'${encodeURIComponent(`${iso}.${String(this.versions.get(entity) ?? 0).padStart(7, '0')}`)}'"`;
  }

  private addOrder(order: SimProductionOrder): void {
    this.orders.set(order.orderNumber, order);
    const tz = this.plantConfig(order.plant).timeZone;
    const now = this.options.clock.now();
    const routing = String(1_000_000 + (Number(order.orderNumber) % 1_000_000)).padStart(10, '0');
    this.insert('API_PRODUCTION_ORDER_2_SRV', 'A_ProductionOrder_2', {
      ManufacturingOrder: order.orderNumber,
      ManufacturingOrderCategory: '10',
      ManufacturingOrderType: order.orderType,
      OrderIsCreated: 'X',
      OrderIsReleased: 'X',
      OrderIsConfirmed: '',
      OrderIsPartiallyConfirmed: '',
      OrderIsDelivered: '',
      OrderIsLocked: '',
      OrderIsTechnicallyCompleted: '',
      OrderIsClosed: '',
      OrderIsMarkedForDeletion: '',
      MfgOrderCreationDate: odataDate(now),
      MfgOrderCreationTime: odataTime(now, tz),
      LastChangeDateTime: odataDate(now),
      Material: order.material.number,
      StorageLocation: '0002',
      OrderInternalBillOfOperations: routing,
      ProductionPlant: order.plant,
      Plant: order.plant,
      MRPController: '101',
      ProductionVersion: '0001',
      MfgOrderPlannedStartDate: odataDate(order.plannedStart),
      MfgOrderPlannedStartTime: odataTime(order.plannedStart, tz),
      MfgOrderPlannedEndDate: odataDate(order.plannedEnd),
      MfgOrderPlannedEndTime: odataTime(order.plannedEnd, tz),
      MfgOrderScheduledStartDate: odataDate(order.plannedStart),
      MfgOrderScheduledStartTime: odataTime(order.plannedStart, tz),
      MfgOrderScheduledEndDate: odataDate(order.plannedEnd),
      MfgOrderScheduledEndTime: odataTime(order.plannedEnd, tz),
      ProductionUnit: order.unit,
      ProductionUnitISOCode: 'PCE',
      ProductionUnitSAPCode: order.unit,
      TotalQuantity: String(order.quantity),
      MfgOrderPlannedScrapQty: '0',
      MfgOrderConfirmedYieldQty: '0',
    });
    this.setOrderStatus(order.orderNumber, 'I0002', 'REL', 'Released');
    order.operations.forEach((op, i) => {
      this.insert('API_PRODUCTION_ORDER_2_SRV', 'A_ProductionOrderOperation_2', {
        OrderInternalBillOfOperations: routing,
        OrderIntBillOfOperationsItem: String(i + 1).padStart(8, '0'),
        ManufacturingOrder: order.orderNumber,
        ManufacturingOrderSequence: '0',
        ManufacturingOrderOperation: op.operationNumber,
        ManufacturingOrderCategory: '10',
        ManufacturingOrderType: order.orderType,
        MfgOrderOperationText: op.description,
        OperationIsReleased: 'X',
        OperationIsConfirmed: '',
        OperationIsPartiallyConfirmed: '',
        ProductionPlant: order.plant,
        WorkCenterTypeCode: 'A',
        WorkCenter: op.workCenter,
        OperationControlProfile: op.controlKey,
        OperationUnit: order.unit,
        OperationUnitISOCode: 'PCE',
        OpPlannedTotalQuantity: String(order.quantity),
        OpTotalConfirmedYieldQty: '0',
        OperationConfirmation: String(this.counters.confirmationGroup++).padStart(10, '0'),
        WorkCenterStandardWorkQtyUnit1: 'H',
        WorkCenterStandardWorkQty1: op.setupHours,
        WorkCenterStandardWorkQtyUnit2: 'H',
        WorkCenterStandardWorkQty2: op.machineHours,
        WorkCenterStandardWorkQtyUnit3: 'H',
        WorkCenterStandardWorkQty3: op.labourHours,
        LastChangeDateTime: odataDate(now),
      });
    });
    for (const c of order.components) {
      this.insert('API_PRODUCTION_ORDER_2_SRV', 'A_ProductionOrderComponent_2', {
        Reservation: order.reservation,
        ReservationItem: c.item,
        ReservationRecordType: '',
        ManufacturingOrder: order.orderNumber,
        ManufacturingOrderOperation: c.operationNumber,
        Material: c.material.number,
        Plant: order.plant,
        StorageLocation: c.storageLocation,
        GoodsMovementType: '261',
        RequiredQuantity: c.quantity,
        BaseUnit: c.material.unit,
        WithdrawnQuantity: '0',
        IsBulkMaterialComponent: false,
        MaterialComponentIsPhantomItem: false,
        MatlCompIsMarkedForBackflush: c.backflush,
        MatlCompIsMarkedForDeletion: false,
      });
    }
  }

  /** Adds a system status (TJ02) to an order, as A_ProductionOrderStatus_2 lists them. */
  private setOrderStatus(orderNumber: string, code: string, shortName: string, name: string): void {
    const exists = this.row(
      'API_PRODUCTION_ORDER_2_SRV',
      'A_ProductionOrderStatus_2',
      (r) => r.ManufacturingOrder === orderNumber && r.StatusCode === code,
    );
    if (exists) return;
    this.insert('API_PRODUCTION_ORDER_2_SRV', 'A_ProductionOrderStatus_2', {
      ManufacturingOrder: orderNumber,
      StatusCode: code,
      IsUserStatus: false,
      StatusShortName: shortName,
      StatusName: name,
    });
  }

  private loadEquipment(master: SimPlantMasterData): void {
    for (const e of master.equipment) {
      this.insert('API_EQUIPMENT', 'Equipment', {
        Equipment: e.equipmentId,
        ValidityEndDate: odataDate(Date.parse('9999-12-31T00:00:00Z')),
        ValidityStartDate: odataDate(Date.parse('2026-01-01T00:00:00Z')),
        EquipmentName: e.description,
        EquipmentCategory: 'M',
        TechnicalObjectType: 'MACH',
        AssetManufacturerName: e.manufacturer,
        ManufacturerPartTypeName: e.model,
        ManufacturerSerialNumber: e.serialNumber,
        MaintenancePlant: master.plant,
        MaintenancePlanningPlant: master.plant,
        PlantSection: e.line,
        WorkCenter: e.workCenter,
        WorkCenterPlant: master.plant,
        ABCIndicator: e.criticality,
        FunctionalLocation: e.functionalLocation,
        FunctionalLocationLabelName: e.functionalLocation,
        EquipmentIsInactive: false,
        EquipmentIsMarkedForDeletion: false,
        EquipmentIsAvailable: true,
        LastChangeDateTime: odataDate(Date.parse('2026-01-01T00:00:00Z')),
      });
    }
  }

  private defineSets(): void {
    const define = (def: SetDef) => this.sets.set(this.key(def.service, def.name), { def, rows: [] });
    const P = 'API_PRODUCTION_ORDER_2_SRV' as const;
    define({
      service: P,
      name: 'A_ProductionOrder_2',
      type: `${P}.A_ProductionOrder_2Type`,
      keys: ['ManufacturingOrder'],
      etag: true,
      nav: {
        to_ProductionOrderOperation: {
          set: 'A_ProductionOrderOperation_2',
          link: (p, c) => c.ManufacturingOrder === p.ManufacturingOrder,
        },
        to_ProductionOrderStatus: {
          set: 'A_ProductionOrderStatus_2',
          link: (p, c) => c.ManufacturingOrder === p.ManufacturingOrder,
        },
        to_ProductionOrderComponent: {
          set: 'A_ProductionOrderComponent_2',
          link: (p, c) => c.ManufacturingOrder === p.ManufacturingOrder,
        },
      },
    });
    define({
      service: P,
      name: 'A_ProductionOrderOperation_2',
      type: `${P}.A_ProductionOrderOperation_2Type`,
      keys: ['OrderInternalBillOfOperations', 'OrderIntBillOfOperationsItem'],
      etag: true,
    });
    define({
      service: P,
      name: 'A_ProductionOrderStatus_2',
      type: `${P}.A_ProductionOrderStatus_2Type`,
      keys: ['ManufacturingOrder', 'StatusCode'],
    });
    define({
      service: P,
      name: 'A_ProductionOrderComponent_2',
      type: `${P}.A_ProductionOrderComponent_2Type`,
      keys: ['Reservation', 'ReservationItem', 'ReservationRecordType'],
    });
    const C = 'API_PROD_ORDER_CONFIRMATION_2_SRV' as const;
    define({
      service: C,
      name: 'ProdnOrdConf2',
      type: `${C}.ProdnOrdConf2Type`,
      keys: ['ConfirmationGroup', 'ConfirmationCount'],
      nav: {
        to_ProdnOrdConfMatlDocItm: {
          set: 'ProdnOrdConfMatlDocItm',
          link: (p, c) =>
            c.ConfirmationGroup === p.ConfirmationGroup && c.ConfirmationCount === p.ConfirmationCount,
        },
      },
      create: (body, path) => this.createConfirmation(body, path),
    });
    define({
      service: C,
      name: 'ProdnOrdConfMatlDocItm',
      type: `${C}.ProdnOrdConfMatlDocItmType`,
      keys: [
        'ConfirmationGroup',
        'ConfirmationCount',
        'MaterialDocument',
        'MaterialDocumentItem',
        'MaterialDocumentYear',
      ],
    });
    const M = 'API_MATERIAL_DOCUMENT_SRV' as const;
    define({
      service: M,
      name: 'A_MaterialDocumentHeader',
      type: `${M}.A_MaterialDocumentHeaderType`,
      keys: ['MaterialDocumentYear', 'MaterialDocument'],
      nav: {
        to_MaterialDocumentItem: {
          set: 'A_MaterialDocumentItem',
          link: (p, c) =>
            c.MaterialDocument === p.MaterialDocument && c.MaterialDocumentYear === p.MaterialDocumentYear,
        },
      },
      create: (body, path) => this.createMaterialDocument(body, path),
    });
    define({
      service: M,
      name: 'A_MaterialDocumentItem',
      type: `${M}.A_MaterialDocumentItemType`,
      keys: ['MaterialDocumentYear', 'MaterialDocument', 'MaterialDocumentItem'],
    });
    define({
      service: 'API_MAINTNOTIFICATION',
      name: 'MaintenanceNotification',
      type: 'API_MAINTNOTIFICATION.MaintenanceNotificationType',
      keys: ['MaintenanceNotification'],
      patchable: true,
      create: (body, path) => this.createNotification(body, path),
    });
    define({
      service: 'API_MAINTENANCEORDER',
      name: 'MaintenanceOrder',
      type: 'API_MAINTENANCEORDER.MaintenanceOrderType',
      keys: ['MaintenanceOrder'],
      patchable: true,
      create: (body, path) => this.createMaintenanceOrder(body, path),
    });
    define({
      service: 'API_EQUIPMENT',
      name: 'Equipment',
      type: 'API_EQUIPMENT.EquipmentType',
      keys: ['Equipment', 'ValidityEndDate'],
    });
  }

  // ---- business rules -----------------------------------------------------------------------------

  private reject(
    kind: RejectionKind,
    service: string,
    path: string,
    code: string,
    message: string,
    orderNumber?: string,
  ): never {
    this.records.rejections.push({
      kind,
      service,
      path,
      message,
      at: this.options.clock.now(),
      ...(orderNumber ? { orderNumber } : {}),
    });
    throw new ODataFailure(400, code, message);
  }

  /** Lock and posting-period checks every posting goes through. */
  private checkPostable(service: string, path: string, orderNumber: string | undefined, plant: string): void {
    if (orderNumber) {
      const user = this.lockedOrders.get(orderNumber);
      if (user || this.random.chance(this.rejections.lockedOrderRate)) {
        this.reject(
          'locked-order',
          service,
          path,
          'CO/469',
          `Order ${orderNumber} is currently being processed by user ${user ?? 'PLANNER02'}`,
          orderNumber,
        );
      }
    }
    if (this.periodClosed || this.random.chance(this.rejections.closedPeriodRate)) {
      const d = isoAt(this.options.clock.now());
      const period = `${d.slice(0, 4)}/${d.slice(5, 7)}`;
      this.reject(
        'closed-period',
        service,
        path,
        'M7/053',
        `Posting only possible in periods ${period} and earlier in company code ${plant}; period ${period} is closed`,
        orderNumber,
      );
    }
  }

  private createConfirmation(body: Entity, path: string): Entity {
    const service = 'API_PROD_ORDER_CONFIRMATION_2_SRV';
    const orderNumber = stripZeros(str(body.OrderID) ?? '');
    if (!orderNumber) this.reject('invalid-input', service, path, 'RU/100', 'OrderID is required');
    const order = this.row(
      'API_PRODUCTION_ORDER_2_SRV',
      'A_ProductionOrder_2',
      (r) => r.ManufacturingOrder === orderNumber,
    );
    if (!order)
      this.reject(
        'unknown-order',
        service,
        path,
        'RU/101',
        `Order ${orderNumber} does not exist`,
        orderNumber,
      );
    const operationNo = (str(body.OrderOperation) ?? '').padStart(4, '0');
    const operation = this.row(
      'API_PRODUCTION_ORDER_2_SRV',
      'A_ProductionOrderOperation_2',
      (r) =>
        r.ManufacturingOrder === orderNumber &&
        (r.ManufacturingOrderOperation === operationNo ||
          (str(body.ConfirmationGroup) !== undefined &&
            sameValue(r.OperationConfirmation, str(body.ConfirmationGroup) ?? ''))),
    );
    if (!operation) {
      this.reject(
        'unknown-operation',
        service,
        path,
        'RU/102',
        `Operation ${operationNo} does not exist in order ${orderNumber}`,
        orderNumber,
      );
    }
    const plant = String(order.ProductionPlant);
    this.checkPostable(service, path, orderNumber, plant);
    const yieldQty = num(body.ConfirmationYieldQuantity, 'ConfirmationYieldQuantity');
    const scrap = num(body.ConfirmationScrapQuantity, 'ConfirmationScrapQuantity');
    const rework = num(body.ConfirmationReworkQuantity, 'ConfirmationReworkQuantity');
    const final =
      body.IsFinalConfirmation === true ||
      body.FinalConfirmationType === 'X' ||
      body.FinalConfirmationType === '1';
    const group = String(operation.OperationConfirmation);
    const count = String(this.records.confirmations.filter((c) => c.confirmationGroup === group).length + 1);
    const guid = str(body.ExternalSystemConfirmation);
    const reference = guid && guid !== NIL_GUID ? guid : str(body.ConfirmationText);
    const previous = reference
      ? this.records.confirmations.filter((c) => c.externalReference === reference && !c.reversed)
      : [];
    const duplicate = this.records.checkDuplicate(
      'confirmation',
      reference,
      previous.map((c) => `${c.confirmationGroup}/${c.confirmationCount}`),
      `${group}/${count}`,
    );
    const now = this.options.clock.now();
    const tz = this.plantConfig(plant).timeZone;
    const unit = str(body.ConfirmationUnit) ?? String(order.ProductionUnit);
    this.records.confirmations.push({
      confirmationGroup: group,
      confirmationCount: count,
      orderNumber,
      operation: String(operation.ManufacturingOrderOperation),
      plant,
      yield: yieldQty,
      scrap,
      rework,
      unit,
      final,
      postedAt: now,
      reversed: false,
      duplicate,
      ...(reference ? { externalReference: reference } : {}),
    });
    this.touch(operation, {
      OpTotalConfirmedYieldQty: String(num(operation.OpTotalConfirmedYieldQty, 'yield') + yieldQty),
      OperationIsConfirmed: final || operation.OperationIsConfirmed === 'X' ? 'X' : '',
      OperationIsPartiallyConfirmed: 'X',
    });
    const isLast =
      this.rows('API_PRODUCTION_ORDER_2_SRV', 'A_ProductionOrderOperation_2')
        .filter((r) => r.ManufacturingOrder === orderNumber)
        .at(-1) === operation;
    this.touch(order, {
      OrderIsPartiallyConfirmed: 'X',
      ...(isLast
        ? { MfgOrderConfirmedYieldQty: String(num(order.MfgOrderConfirmedYieldQty, 'yield') + yieldQty) }
        : {}),
      ...(isLast && final ? { OrderIsConfirmed: 'X' } : {}),
    });
    this.setOrderStatus(
      orderNumber,
      isLast && final ? 'I0009' : 'I0010',
      isLast && final ? 'CNF' : 'PCNF',
      isLast && final ? 'Confirmed' : 'Partially confirmed',
    );
    const entity: Entity = {
      ConfirmationGroup: group,
      ConfirmationCount: count,
      OrderID: orderNumber,
      Sequence: str(body.Sequence) ?? '0',
      OrderOperation: operation.ManufacturingOrderOperation,
      OrderSuboperation: '',
      OrderType: order.ManufacturingOrderType,
      ConfirmationText: str(body.ConfirmationText) ?? '',
      Material: order.Material,
      OrderPlannedTotalQty: order.TotalQuantity,
      ProductionUnit: order.ProductionUnit,
      FinalConfirmationType: final ? 'X' : '',
      IsFinalConfirmation: final,
      IsReversed: false,
      IsReversal: false,
      ConfirmationEntryDate: odataDate(now),
      ConfirmationEntryTime: odataTime(now, tz),
      EnteredByUser: 'PLANTSYNC',
      ExternalSystemConfirmation: guid ?? NIL_GUID,
      Plant: plant,
      WorkCenter: operation.WorkCenter,
      PostingDate: str(body.PostingDate) ?? odataDate(now),
      ConfirmationUnit: unit,
      ConfirmationYieldQuantity: String(yieldQty),
      ConfirmationScrapQuantity: String(scrap),
      ConfirmationReworkQuantity: String(rework),
      VarianceReasonCode: str(body.VarianceReasonCode) ?? '',
      OpWorkQuantityUnit1: str(body.OpWorkQuantityUnit1) ?? '',
      OpConfirmedWorkQuantity1: str(body.OpConfirmedWorkQuantity1) ?? '0',
      OpWorkQuantityUnit2: str(body.OpWorkQuantityUnit2) ?? '',
      OpConfirmedWorkQuantity2: str(body.OpConfirmedWorkQuantity2) ?? '0',
      OpWorkQuantityUnit3: str(body.OpWorkQuantityUnit3) ?? '',
      OpConfirmedWorkQuantity3: str(body.OpConfirmedWorkQuantity3) ?? '0',
    };
    this.insert(service, 'ProdnOrdConf2', entity);
    const items = deepItems(body.to_ProdnOrdConfMatlDocItm);
    if (items.length > 0) {
      const doc = this.postMaterialDocument(
        items,
        orderNumber,
        plant,
        'confirmation',
        reference ? `${reference}` : undefined,
        path,
      );
      items.forEach((item, i) => {
        this.insert(service, 'ProdnOrdConfMatlDocItm', {
          ConfirmationGroup: group,
          ConfirmationCount: count,
          MaterialDocument: doc.materialDocument,
          MaterialDocumentItem: String(i + 1).padStart(4, '0'),
          MaterialDocumentYear: doc.year,
          OrderID: orderNumber,
          Material: str(item.Material) ?? '',
          Plant: str(item.Plant) ?? plant,
          StorageLocation: str(item.StorageLocation) ?? '',
          GoodsMovementType: str(item.GoodsMovementType) ?? '',
          EntryUnit: str(item.EntryUnit) ?? '',
          QuantityInEntryUnit: str(item.QuantityInEntryUnit) ?? '0',
        });
      });
    }
    return entity;
  }

  private postMaterialDocument(
    items: Entity[],
    orderNumber: string | undefined,
    plant: string,
    via: MaterialDocumentRecord['via'],
    reference: string | undefined,
    _path: string,
  ): MaterialDocumentRecord {
    const now = this.options.clock.now();
    const materialDocument = String(this.counters.materialDocument++);
    const year = isoAt(now).slice(0, 4);
    const previous = reference
      ? this.records.materialDocuments.filter((d) => d.externalReference === reference && d.via === via)
      : [];
    const duplicate = this.records.checkDuplicate(
      'material-document',
      reference,
      previous.map((d) => d.materialDocument),
      materialDocument,
    );
    const record: MaterialDocumentRecord = {
      materialDocument,
      year,
      via,
      postedAt: now,
      duplicate,
      items: items.map((item) => {
        const order = stripZeros(str(item.ManufacturingOrder) ?? str(item.OrderID) ?? orderNumber ?? '');
        const storageLocation = str(item.StorageLocation);
        return {
          material: str(item.Material) ?? '',
          plant: str(item.Plant) ?? plant,
          movementType: str(item.GoodsMovementType) ?? '',
          quantity: num(item.QuantityInEntryUnit, 'QuantityInEntryUnit'),
          unit: str(item.EntryUnit) ?? '',
          ...(storageLocation ? { storageLocation } : {}),
          ...(order ? { orderNumber: order } : {}),
        };
      }),
      ...(reference ? { externalReference: reference } : {}),
    };
    this.records.materialDocuments.push(record);
    return record;
  }

  private createMaterialDocument(body: Entity, path: string): Entity {
    const service = 'API_MATERIAL_DOCUMENT_SRV';
    const items = deepItems(body.to_MaterialDocumentItem);
    if (items.length === 0)
      this.reject('invalid-input', service, path, 'M7/001', 'A material document needs at least one item');
    const orderNumber = stripZeros(str(items[0]?.ManufacturingOrder) ?? '') || undefined;
    const plant = str(items[0]?.Plant) ?? '';
    if (orderNumber && !this.orders.has(orderNumber)) {
      this.reject(
        'unknown-order',
        service,
        path,
        'M7/018',
        `Order ${orderNumber} does not exist`,
        orderNumber,
      );
    }
    this.checkPostable(service, path, orderNumber, plant);
    const reference = str(body.MaterialDocumentHeaderText) ?? str(body.ReferenceDocument);
    const doc = this.postMaterialDocument(items, orderNumber, plant, 'material-document', reference, path);
    const now = this.options.clock.now();
    const header: Entity = {
      MaterialDocumentYear: doc.year,
      MaterialDocument: doc.materialDocument,
      InventoryTransactionType: str(body.InventoryTransactionType) ?? 'WA',
      DocumentDate: str(body.DocumentDate) ?? odataDate(now),
      PostingDate: str(body.PostingDate) ?? odataDate(now),
      CreationDate: odataDate(now),
      CreatedByUser: 'PLANTSYNC',
      MaterialDocumentHeaderText: str(body.MaterialDocumentHeaderText) ?? '',
      ReferenceDocument: str(body.ReferenceDocument) ?? '',
      GoodsMovementCode: str(body.GoodsMovementCode) ?? '',
    };
    this.insert(service, 'A_MaterialDocumentHeader', header);
    items.forEach((item, i) => {
      this.insert(service, 'A_MaterialDocumentItem', {
        MaterialDocumentYear: doc.year,
        MaterialDocument: doc.materialDocument,
        MaterialDocumentItem: String(i + 1),
        Material: str(item.Material) ?? '',
        Plant: str(item.Plant) ?? plant,
        StorageLocation: str(item.StorageLocation) ?? '',
        GoodsMovementType: str(item.GoodsMovementType) ?? '',
        ManufacturingOrder: str(item.ManufacturingOrder) ?? '',
        EntryUnit: str(item.EntryUnit) ?? '',
        QuantityInEntryUnit: str(item.QuantityInEntryUnit) ?? '0',
      });
    });
    return header;
  }

  private equipmentExists(equipment: string): boolean {
    return this.rows('API_EQUIPMENT', 'Equipment').some((e) => sameValue(e.Equipment, equipment));
  }

  private createNotification(body: Entity, path: string): Entity {
    const service = 'API_MAINTNOTIFICATION';
    const equipment = stripZeros(str(body.TechnicalObject) ?? str(body.Equipment) ?? '');
    if (!equipment || !this.equipmentExists(equipment)) {
      this.reject(
        'unknown-equipment',
        service,
        path,
        'IM/111',
        `Equipment ${equipment || '(none)'} does not exist`,
      );
    }
    const plant = str(body.MaintenancePlanningPlant) ?? str(body.MaintenancePlant) ?? '';
    const now = this.options.clock.now();
    const id = String(this.counters.notification++)
      .padStart(12, '0')
      .replace(/^0+/, '');
    const reference = str(body.MaintNotifExtReferenceNumber);
    const previous = reference
      ? this.records.notifications.filter((n) => n.externalReference === reference)
      : [];
    const duplicate = this.records.checkDuplicate(
      'notification',
      reference,
      previous.map((n) => n.notification),
      id,
    );
    const isDown = body.MaintenanceObjectIsDown === true;
    const entity: Entity = {
      MaintenanceNotification: id,
      NotificationText: str(body.NotificationText) ?? '',
      NotificationType: str(body.NotificationType) ?? 'M2',
      MaintPriority: str(body.MaintPriority) ?? '3',
      NotifProcessingPhase: '1',
      NotifProcessingPhaseDesc: 'Outstanding',
      CreationDate: odataDate(now),
      ReportedByUser: 'PLANTSYNC',
      MaintNotifLongTextForEdit: str(body.MaintNotifLongTextForEdit) ?? '',
      TechnicalObject: equipment,
      TechObjIsEquipOrFuncnlLoc: 'EAMS_EQUI',
      MaintenancePlanningPlant: plant,
      MaintenanceObjectIsDown: isDown,
      MalfunctionStartDate: str(body.MalfunctionStartDate) ?? null,
      MalfunctionStartTime: str(body.MalfunctionStartTime) ?? 'PT00H00M00S',
      RequiredStartDate: str(body.RequiredStartDate) ?? null,
      RequiredStartTime: str(body.RequiredStartTime) ?? 'PT00H00M00S',
      RequiredEndDate: str(body.RequiredEndDate) ?? null,
      RequiredEndTime: str(body.RequiredEndTime) ?? 'PT00H00M00S',
      MaintNotifExtReferenceNumber: reference ?? '',
      LastChangeDateTime: odataDate(now),
    };
    this.insert(service, 'MaintenanceNotification', entity);
    this.records.notifications.push({
      notification: id,
      type: String(entity.NotificationType),
      plant,
      equipment,
      text: String(entity.NotificationText),
      priority: String(entity.MaintPriority),
      objectIsDown: isDown,
      createdAt: now,
      phase: '1',
      duplicate,
      ...(reference ? { externalReference: reference } : {}),
    });
    const start = str(body.RequiredStartDate);
    const end = str(body.RequiredEndDate);
    if (start && end) this.recordImpact('notification', id, equipment, start, end, reference);
    return entity;
  }

  private createMaintenanceOrder(body: Entity, path: string): Entity {
    const service = 'API_MAINTENANCEORDER';
    const equipment = stripZeros(str(body.Equipment) ?? str(body.TechnicalObject) ?? '');
    if (!equipment || !this.equipmentExists(equipment)) {
      this.reject(
        'unknown-equipment',
        service,
        path,
        'IW/011',
        `Equipment ${equipment || '(none)'} does not exist`,
      );
    }
    const plant = str(body.MaintenancePlanningPlant) ?? str(body.MaintenancePlant) ?? '';
    this.checkPostable(service, path, undefined, plant);
    const now = this.options.clock.now();
    const id = String(this.counters.maintenanceOrder++);
    const reference = str(body.MaintObjectFreeDefinedAttrib);
    const previous = reference
      ? this.records.maintenanceOrders.filter((o) => o.externalReference === reference)
      : [];
    const duplicate = this.records.checkDuplicate(
      'maintenance-order',
      reference,
      previous.map((o) => o.maintenanceOrder),
      id,
    );
    const start = str(body.MaintOrdBasicStartDateTime);
    const end = str(body.MaintOrdBasicEndDateTime);
    const notification = str(body.MaintenanceNotification);
    const entity: Entity = {
      MaintenanceOrder: id,
      MaintenanceOrderType: str(body.MaintenanceOrderType) ?? 'PM01',
      MaintenanceOrderDesc: str(body.MaintenanceOrderDesc) ?? '',
      MaintOrdBasicStartDateTime: start ?? null,
      MaintOrdBasicEndDateTime: end ?? null,
      MaintenanceNotification: notification ?? '',
      MaintenancePlanningPlant: plant,
      MaintenancePlant: plant,
      Equipment: equipment,
      MaintPriority: str(body.MaintPriority) ?? '3',
      MaintOrdProcessPhaseCode: '01',
      MaintObjectFreeDefinedAttrib: reference ?? '',
      SystemStatusText: 'CRTD',
      UserStatusText: '',
      LastChangeDateTime: odataDate(now),
    };
    this.insert(service, 'MaintenanceOrder', entity);
    this.records.maintenanceOrders.push({
      maintenanceOrder: id,
      type: String(entity.MaintenanceOrderType),
      plant,
      equipment,
      description: String(entity.MaintenanceOrderDesc),
      createdAt: now,
      status: 'CRTD',
      duplicate,
      ...(notification ? { notification } : {}),
      ...(reference ? { externalReference: reference } : {}),
      ...(start ? { start } : {}),
      ...(end ? { end } : {}),
    });
    if (start && end) this.recordImpact('maintenance-order', id, equipment, start, end, reference);
    return entity;
  }

  private recordImpact(
    source: OperationalImpactRecord['source'],
    id: string,
    equipment: string,
    start: string,
    end: string,
    reference: string | undefined,
  ): void {
    const previous = reference
      ? this.records.operationalImpacts.filter((i) => i.externalReference === reference)
      : [];
    const duplicate = this.records.checkDuplicate(
      'operational-impact',
      reference,
      previous.map((i) => i.id),
      id,
    );
    this.records.operationalImpacts.push({
      source,
      id,
      equipment,
      start,
      end,
      postedAt: this.options.clock.now(),
      duplicate,
      ...(reference ? { externalReference: reference } : {}),
    });
  }

  private functionImport(
    service: SapService,
    name: string,
    params: URLSearchParams,
    path: string,
  ): Entity | undefined {
    const param = (key: string) => {
      const raw = params.get(key);
      return raw === null ? undefined : raw.replace(/^'(.*)'$/, '$1').replaceAll("''", "'");
    };
    if (service === 'API_PROD_ORDER_CONFIRMATION_2_SRV' && name === 'CancelProdnOrdConf') {
      const group = param('ConfirmationGroup') ?? '';
      const count = param('ConfirmationCount') ?? '';
      const record = this.records.confirmations.find(
        (c) => sameValue(c.confirmationGroup, group) && sameValue(c.confirmationCount, count),
      );
      if (!record) throw new ODataFailure(404, 'RU/404', `Confirmation ${group}/${count} does not exist`);
      if (record.reversed)
        this.reject(
          'invalid-input',
          service,
          path,
          'RU/170',
          `Confirmation ${group}/${count} is already cancelled`,
        );
      this.checkPostable(service, path, record.orderNumber, record.plant);
      record.reversed = true;
      const row = this.row(
        service,
        'ProdnOrdConf2',
        (r) => sameValue(r.ConfirmationGroup, group) && sameValue(r.ConfirmationCount, count),
      );
      if (row) this.touch(row, { IsReversed: true });
      return row;
    }
    if (
      service === 'API_MAINTNOTIFICATION' &&
      (name === 'CompleteMaintNotification' || name === 'SetMaintNotifToInProcess')
    ) {
      const id = param('MaintenanceNotification') ?? '';
      const row = this.row(service, 'MaintenanceNotification', (r) =>
        sameValue(r.MaintenanceNotification, id),
      );
      if (!row) throw new ODataFailure(404, 'IM/404', `Notification ${id} does not exist`);
      const phase = name === 'CompleteMaintNotification' ? '4' : '2';
      this.touch(row, { NotifProcessingPhase: phase });
      const record = this.records.notifications.find((n) => n.notification === row.MaintenanceNotification);
      if (record) record.phase = phase;
      return row;
    }
    if (service === 'API_MAINTENANCEORDER') {
      const transitions: Readonly<Record<string, readonly [status: string, phase: string]>> = {
        ReleaseMaintenanceOrder: ['REL', '02'],
        SetMaintOrdToTechCompleted: ['TECO', '04'],
        SetMaintOrderStatusToClosed: ['CLSD', '05'],
        SetMaintOrdStsToMrkdForDeltn: ['DLFL', '06'],
        SetMaintOrderToDoNotExecute: ['DLFL', '06'],
        ResetMaintOrdStsTechCompleted: ['REL', '02'],
        SetMaintOrderStatusToLocked: ['LKD', '03'],
        SetMaintOrderStatusToUnlocked: ['REL', '02'],
      };
      const transition = transitions[name];
      if (transition) {
        const id = param('MaintenanceOrder') ?? '';
        const row = this.row(service, 'MaintenanceOrder', (r) => sameValue(r.MaintenanceOrder, id));
        if (!row) throw new ODataFailure(404, 'IW/404', `Maintenance order ${id} does not exist`);
        const [status, phase] = transition;
        this.touch(row, { SystemStatusText: status, MaintOrdProcessPhaseCode: phase });
        const record = this.records.maintenanceOrders.find(
          (o) => o.maintenanceOrder === row.MaintenanceOrder,
        );
        if (record) record.status = status;
        if (status === 'TECO') {
          this.records.maintenanceCompletions.push({
            maintenanceOrder: String(row.MaintenanceOrder),
            equipment: String(row.Equipment),
            completedAt: this.options.clock.now(),
            ...(record?.externalReference ? { externalReference: record.externalReference } : {}),
          });
        }
        return row;
      }
    }
    return undefined;
  }

  // ---- HTTP -------------------------------------------------------------------------------------

  private async handle(request: SimRequest): Promise<SimResponse> {
    this.records.requests++;
    const path = request.url.pathname;
    if (path === TOKEN_PATH) return this.token(request);
    if (!path.startsWith(`${ODATA_ROOT}/`))
      return odataError(404, '/IWFND/MED/170', `No service found for ${path}`);
    if (!this.available) {
      this.records.faults.push({
        status: 503,
        reason: 'outage',
        method: request.method,
        path,
        at: this.options.clock.now(),
      });
      return odataError(503, '/IWFND/CM_BEC/026', 'SAP system is not available (simulated outage)');
    }
    const auth = this.authenticate(request);
    if (auth) return auth;
    const fault = this.faultFor(request);
    if (fault) return fault;
    try {
      return this.route(request);
    } catch (error) {
      if (error instanceof ODataFailure)
        return odataError(error.status, error.code, error.message, error.headers);
      throw error;
    }
  }

  private token(request: SimRequest): SimResponse {
    const oauth = this.options.oauth ?? { clientId: 'plantsync', clientSecret: 'sim-client-secret' };
    if (request.method !== 'POST') return json(405, { error: 'invalid_request' });
    const form = new URLSearchParams(request.body);
    let clientId = form.get('client_id') ?? undefined;
    let clientSecret = form.get('client_secret') ?? undefined;
    const header = request.headers.authorization;
    if (header?.startsWith('Basic ')) {
      const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
      const at = decoded.indexOf(':');
      clientId = decodeURIComponent(decoded.slice(0, at));
      clientSecret = decodeURIComponent(decoded.slice(at + 1));
    }
    if (form.get('grant_type') !== 'client_credentials')
      return json(400, { error: 'unsupported_grant_type' });
    if (clientId !== oauth.clientId || clientSecret !== oauth.clientSecret)
      return json(401, { error: 'invalid_client' });
    const ttl = oauth.tokenTtlSeconds ?? 3600;
    const token = `sim-${this.random.hex(32)}`;
    this.oauthTokens.set(token, this.options.clock.now() + ttl * 1000);
    return json(200, {
      access_token: token,
      token_type: 'bearer',
      expires_in: ttl,
      scope: form.get('scope') ?? '',
    });
  }

  private authenticate(request: SimRequest): SimResponse | undefined {
    const header = request.headers.authorization ?? '';
    const basic = this.options.basic ?? { username: 'PLANTSYNC', password: 'sim-password' };
    if (header.startsWith('Basic ')) {
      const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
      if (decoded === `${basic.username}:${basic.password}`) return undefined;
    } else if (header.startsWith('Bearer ')) {
      const expires = this.oauthTokens.get(header.slice(7));
      if (expires !== undefined && expires > this.options.clock.now()) return undefined;
    }
    return {
      status: 401,
      headers: {
        'content-type': 'text/html',
        'www-authenticate': 'Basic realm="SAP NetWeaver Application Server [S4H/100]"',
      },
      body: '<html><body>Logon failed</body></html>',
    };
  }

  private faultFor(request: SimRequest): SimResponse | undefined {
    const injected = this.injected.shift();
    const random =
      !injected && this.faults.transientRate > 0 && this.random.chance(this.faults.transientRate);
    if (!injected && !random) return undefined;
    const status = injected?.status ?? (this.random.chance(this.faults.throttleShare) ? 429 : 503);
    const retryAfter = injected?.retryAfterSeconds ?? this.faults.retryAfterSeconds;
    this.records.faults.push({
      status,
      reason: injected ? 'injected' : 'random',
      method: request.method,
      path: request.url.pathname,
      at: this.options.clock.now(),
    });
    return odataError(
      status,
      status === 429 ? '/IWFND/CM_BEC/429' : '/IWFND/CM_BEC/026',
      status === 429 ? 'Too many requests' : 'Service temporarily unavailable',
      { 'retry-after': String(retryAfter) },
    );
  }

  private sessionOf(request: SimRequest): [string, Session] | undefined {
    const cookie = request.headers.cookie ?? '';
    const match = new RegExp(`${SESSION_COOKIE}=([^;]+)`).exec(cookie);
    const id = match?.[1];
    const session = id ? this.sessions.get(id) : undefined;
    if (!id || !session) return undefined;
    if (session.expiresAt <= this.options.clock.now()) {
      this.sessions.delete(id);
      return undefined;
    }
    return [id, session];
  }

  private route(request: SimRequest): SimResponse {
    const rest = request.url.pathname.slice(ODATA_ROOT.length + 1);
    const slash = rest.indexOf('/');
    const service = (slash < 0 ? rest : rest.slice(0, slash)) as SapService;
    const inner = slash < 0 ? '' : decodeURIComponent(rest.slice(slash + 1));
    if (!SAP_SERVICES.includes(service)) {
      throw new ODataFailure(
        404,
        '/IWFND/MED/170',
        `No service found for namespace '', name '${service}', version '0001'`,
      );
    }
    const headers: Record<string, string | string[]> = {};
    const fetchToken = request.headers['x-csrf-token']?.toString().toLowerCase() === 'fetch';
    if (fetchToken) {
      const now = this.options.clock.now();
      const ttl = this.options.csrfTtlMs ?? 30 * 60_000;
      const existing = this.sessionOf(request);
      if (existing) {
        headers['x-csrf-token'] = existing[1].token;
      } else {
        const id = this.random.hex(32);
        const token = `${this.random.hex(22)}==`;
        this.sessions.set(id, { token, expiresAt: now + ttl });
        headers['x-csrf-token'] = token;
        headers['set-cookie'] = [
          `${SESSION_COOKIE}=${id}; path=/; HttpOnly`,
          'sap-usercontext=sap-client=100; path=/',
        ];
      }
    }
    const modifying = !['GET', 'HEAD'].includes(request.method);
    if (modifying) {
      const session = this.sessionOf(request);
      const token = request.headers['x-csrf-token']?.toString();
      if (!session || !token || session[1].token !== token) {
        return {
          status: 403,
          headers: { 'content-type': 'text/plain', 'x-csrf-token': 'Required' },
          body: 'CSRF token validation failed',
        };
      }
    }
    const response = this.dispatch(request, service, inner);
    return { ...response, headers: { ...(response.headers ?? {}), ...headers } };
  }

  private dispatch(request: SimRequest, service: SapService, inner: string): SimResponse {
    const path = `${service}/${inner}`;
    const method =
      request.method === 'POST' && request.headers['x-http-method']?.toString().toUpperCase() === 'MERGE'
        ? 'MERGE'
        : request.method;
    if (inner === '' || inner === '/') {
      const sets = [...this.sets.values()].filter((s) => s.def.service === service).map((s) => s.def.name);
      return json(200, { d: { EntitySets: sets } });
    }
    if (inner === '$metadata') {
      return {
        status: 200,
        headers: { 'content-type': 'application/xml' },
        body: `<?xml version="1.0" encoding="utf-8"?><edmx:Edmx Version="1.0" xmlns:edmx="http://schemas.microsoft.com/ado/2007/06/edmx"><edmx:DataServices m:DataServiceVersion="2.0" xmlns:m="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata"><Schema Namespace="${service}" xmlns="http://schemas.microsoft.com/ado/2008/09/edm"/></edmx:DataServices></edmx:Edmx>`,
      };
    }
    if (inner === '$batch') {
      throw new ODataFailure(
        501,
        '/IWFND/CM_BEC/501',
        '$batch is not supported by the simulated SAP; send single requests',
      );
    }
    const match = /^([A-Za-z0-9_]+)(?:\((.*?)\))?(?:\/([A-Za-z0-9_]+))?$/.exec(inner);
    if (!match) throw new ODataFailure(400, '/IWFND/CM_MGW/004', `Resource path ${inner} is not valid`);
    const [, name = '', keyText, navName] = match;
    const entry = this.sets.get(this.key(service, name));
    if (!entry) {
      if (request.method === 'POST' || request.method === 'GET') {
        const result = this.functionImport(service, name, request.url.searchParams, path);
        if (result) return json(200, { d: this.shape(this.findDef(service, result), result) });
      }
      throw new ODataFailure(404, '/IWFND/MED/040', `Resource ${name} not found for segment ${service}`);
    }
    const def = entry.def;
    if (keyText === undefined) {
      if (method === 'GET') return this.list(request, def, entry.rows);
      if (method === 'POST') {
        if (!def.create) throw new ODataFailure(405, '/IWBEP/CM_MGW_RT/002', `${name} cannot be created`);
        const body = this.parseBody(request);
        const created = def.create(body, path);
        const shaped = this.shape(def, created);
        return json(
          201,
          { d: shaped },
          {
            location: String((shaped.__metadata as { uri: string }).uri),
            ...(def.etag ? { etag: this.etagOf(created) } : {}),
          },
        );
      }
      throw new ODataFailure(
        405,
        '/IWBEP/CM_MGW_RT/002',
        `${method} is not allowed on the entity set ${name}`,
      );
    }
    const keys = this.parseKeys(def, keyText);
    const entity = entry.rows.find((row) => Object.entries(keys).every(([k, v]) => sameValue(row[k], v)));
    if (!entity)
      throw new ODataFailure(404, '/IWBEP/CM_MGW_RT/020', `Resource not found for the segment '${name}'`);
    if (navName) {
      const nav = def.nav?.[navName];
      if (!nav || method !== 'GET')
        throw new ODataFailure(404, '/IWFND/MED/040', `Navigation ${navName} not found`);
      const target = this.sets.get(this.key(service, nav.set));
      if (!target) throw new ODataFailure(404, '/IWFND/MED/040', `Navigation ${navName} not found`);
      return this.list(
        request,
        target.def,
        target.rows.filter((c) => nav.link(entity, c)),
      );
    }
    if (method === 'GET') {
      return json(
        200,
        { d: this.shape(def, entity, request.url.searchParams) },
        def.etag ? { etag: this.etagOf(entity) } : {},
      );
    }
    if (method === 'PATCH' || method === 'MERGE' || method === 'PUT') {
      if (!def.patchable) throw new ODataFailure(405, '/IWBEP/CM_MGW_RT/002', `${name} cannot be changed`);
      const ifMatch = request.headers['if-match']?.toString();
      if (ifMatch && ifMatch !== '*' && ifMatch !== this.etagOf(entity)) {
        throw new ODataFailure(
          412,
          '/IWBEP/CM_MGW_RT/022',
          'Precondition failed: the entity was changed by someone else',
        );
      }
      const changes = this.parseBody(request);
      for (const k of def.keys) delete changes[k];
      delete changes.__metadata;
      this.touch(entity, changes);
      if (def.name === 'MaintenanceNotification') {
        this.records.notificationUpdates.push({
          notification: String(entity.MaintenanceNotification),
          fields: Object.keys(changes),
          at: this.options.clock.now(),
        });
      }
      return { status: 204, headers: def.etag ? { etag: this.etagOf(entity) } : {} };
    }
    throw new ODataFailure(405, '/IWBEP/CM_MGW_RT/002', `${method} is not allowed on ${name}`);
  }

  private findDef(service: SapService, entity: Entity): SetDef {
    for (const { def, rows } of this.sets.values())
      if (def.service === service && rows.includes(entity)) return def;
    throw new Error('entity without a set');
  }

  private parseBody(request: SimRequest): Entity {
    try {
      const value: unknown = JSON.parse(request.body || '{}');
      if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
      const d = (value as { d?: unknown }).d;
      return (d && typeof d === 'object' ? d : value) as Entity;
    } catch {
      throw new ODataFailure(400, '/IWBEP/CM_MGW_RT/004', 'The request body is not a valid JSON entity');
    }
  }

  private parseKeys(def: SetDef, text: string): Record<string, string> {
    const keys: Record<string, string> = {};
    const named = [
      ...text.matchAll(/([A-Za-z0-9_]+)=(?:'((?:[^']|'')*)'|datetime'([^']*)'|guid'([^']*)'|([^,]+))/g),
    ];
    if (named.length === 0) {
      const single = /^'((?:[^']|'')*)'$/.exec(text)?.[1] ?? text;
      const key = def.keys[0];
      if (!key || def.keys.length !== 1)
        throw new ODataFailure(400, '/IWBEP/CM_MGW_RT/021', `${def.name} needs ${def.keys.join(', ')}`);
      keys[key] = single.replaceAll("''", "'");
      return keys;
    }
    for (const m of named) {
      const name = m[1] ?? '';
      if (!def.keys.includes(name)) continue; // e.g. ValidityEndDate: matched loosely below
      keys[name] = (m[2] ?? m[3] ?? m[4] ?? m[5] ?? '').replaceAll("''", "'");
    }
    // Date keys (Equipment ValidityEndDate) are not compared: the simulator keeps one validity per equipment.
    for (const k of Object.keys(keys)) if (/Date$/.test(k)) delete keys[k];
    return keys;
  }

  private list(request: SimRequest, def: SetDef, rows: Entity[]): SimResponse {
    const params = request.url.searchParams;
    const filtered = this.filter(rows, params.get('$filter'));
    const skip = Number(params.get('$skiptoken') ?? params.get('$skip') ?? 0) || 0;
    const top = params.has('$top') ? Number(params.get('$top')) : undefined;
    const pageSize = this.options.pageSize ?? 100;
    const wanted = top === undefined ? filtered.length - skip : Math.min(top, filtered.length - skip);
    const take = Math.max(0, Math.min(wanted, pageSize));
    const page = filtered.slice(skip, skip + take);
    const d: Record<string, unknown> = { results: page.map((row) => this.shape(def, row, params)) };
    if (params.get('$inlinecount') === 'allpages') d.__count = String(filtered.length);
    if (wanted > take) {
      const next = new URLSearchParams();
      for (const [k, v] of params) if (!['$skiptoken', '$skip', '$top'].includes(k)) next.set(k, v);
      next.set('$skiptoken', String(skip + take));
      if (top !== undefined) next.set('$top', String(top - take));
      d.__next = `${this.odataUrl}/${def.service}/${def.name}?${next.toString()}`;
    }
    return json(200, { d });
  }

  /** `$filter`: comparisons joined by `and`: `Field eq 'x'`, `Field ne 'x'`, `Field eq 12`, `Field eq true`. */
  private filter(rows: Entity[], expression: string | null): Entity[] {
    if (!expression) return rows;
    const clauses = expression.split(/\s+and\s+/i).map((clause) => {
      const m =
        /^\(?\s*([A-Za-z0-9_]+)\s+(eq|ne|gt|ge|lt|le)\s+(?:'((?:[^']|'')*)'|datetime'([^']*)'|([^)\s]+))\s*\)?$/.exec(
          clause.trim(),
        );
      if (!m)
        throw new ODataFailure(
          400,
          '/IWBEP/CM_MGW_RT/015',
          `The simulator cannot evaluate the filter clause "${clause}"`,
        );
      return {
        field: m[1] ?? '',
        op: m[2] ?? 'eq',
        value: (m[3] ?? m[4] ?? m[5] ?? '').replaceAll("''", "'"),
      };
    });
    return rows.filter((row) =>
      clauses.every(({ field, op, value }) => {
        const actual = row[field];
        if (op === 'eq') return sameValue(actual, value);
        if (op === 'ne') return !sameValue(actual, value);
        const a = Number(actual);
        const b = Number(value);
        const [x, y] = Number.isFinite(a) && Number.isFinite(b) ? [a, b] : [String(actual), value];
        return op === 'gt' ? x > y : op === 'ge' ? x >= y : op === 'lt' ? x < y : x <= y;
      }),
    );
  }

  private shape(def: SetDef, row: Entity, params?: URLSearchParams): Entity {
    const keyText = def.keys
      .map((k) => {
        const v = String(row[k] ?? '');
        return def.keys.length === 1 ? `'${v}'` : `${k}='${v.replaceAll("'", "''")}'`;
      })
      .join(',');
    const uri = `${this.odataUrl}/${def.service}/${def.name}(${keyText})`;
    const select = params
      ?.get('$select')
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const fields =
      select && select.length > 0 ? Object.fromEntries(select.map((s) => [s, row[s]])) : { ...row };
    const shaped: Entity = {
      __metadata: { id: uri, uri, type: def.type, ...(def.etag ? { etag: this.etagOf(row) } : {}) },
      ...fields,
    };
    const expand =
      params
        ?.get('$expand')
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean) ?? [];
    for (const navName of expand) {
      const nav = def.nav?.[navName];
      const target = nav ? this.sets.get(this.key(def.service, nav.set)) : undefined;
      if (!nav || !target) continue;
      shaped[navName] = {
        results: target.rows.filter((c) => nav.link(row, c)).map((c) => this.shape(target.def, c)),
      };
    }
    for (const navName of Object.keys(def.nav ?? {})) {
      if (!(navName in shaped)) shaped[navName] = { __deferred: { uri: `${uri}/${navName}` } };
    }
    return shaped;
  }
}
