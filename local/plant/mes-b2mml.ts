import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import type { SimClock } from './clock';
import { type SimRequest, type SimResponse, type SimServer, startServer, xml } from './http';
import type { SimPlantMasterData } from './master-data';
import {
  MesCore,
  type MesFactInput,
  type MesOrder,
  type MesSettings,
  type RenderedMessage,
} from './mes-core';
import { type MesFaultSettings, MesFaultSwitch, mesResources, renderJsonFact } from './mes-rest';

/**
 * A simulated MES speaking B2MML (ISA-95): it takes Process/Change/Cancel OperationsSchedule (V0700)
 * or ProductionSchedule (V0600) documents, answers AcknowledgeOperationsSchedule, and reports
 * execution as SyncOperationsPerformance documents. Acknowledgements, downtime and machine states
 * have no counterpart in the connector's B2MML inbound, so this MES sends them as REST/JSON events
 * through the same ingress (as a plant edge relay would).
 */

export const B2MML_V0700 = 'http://www.mesa.org/xml/B2MML-V0700';

export interface SimulatedB2mmlMesOptions {
  /** Fixed loopback port (the platform's configuration names it). @default 0, ephemeral */
  readonly port?: number;
  readonly seed: string | number;
  readonly clock: SimClock;
  readonly master: SimPlantMasterData;
  readonly ingressUrl: string;
  readonly ingressHeaders?: () => Record<string, string>;
  readonly apiKey?: string;
  readonly settings?: MesSettings;
  readonly faults?: MesFaultSettings;
}

const ARRAYS = new Set([
  'SegmentRequirement',
  'MaterialRequirement',
  'MaterialProducedRequirement',
  'MaterialConsumedRequirement',
  'SegmentParameter',
  'ProductionParameter',
  'OperationsRequest',
  'ProductionRequest',
]);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => ARRAYS.has(name),
});

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  format: true,
  indentBy: '  ',
  suppressEmptyNode: true,
});

type Node = Record<string, unknown>;
const obj = (value: unknown): Node | undefined =>
  Array.isArray(value) ? obj(value[0]) : value && typeof value === 'object' ? (value as Node) : undefined;
const list = (value: unknown): Node[] =>
  (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter(
    (v): v is Node => !!v && typeof v === 'object',
  );
const text = (value: unknown): string | undefined => {
  if (typeof value === 'string') return value.trim() || undefined;
  if (Array.isArray(value)) return text(value[0]);
  if (value && typeof value === 'object') return text((value as Node)['#text']);
  return undefined;
};

/** ISO 8601 duration (PT9000S, PT2H30M) → ms. */
const durationMs = (value: string | undefined): number | undefined => {
  const m = value
    ? /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(
        value,
      )
    : null;
  if (!m) return undefined;
  const [, d = '0', h = '0', min = '0', s = '0'] = m;
  return ((Number(d) * 24 + Number(h)) * 60 + Number(min)) * 60_000 + Number(s) * 1000;
};

export interface ParsedSchedule {
  readonly verb: 'Process' | 'Change' | 'Cancel';
  readonly bodId?: string;
  readonly order?: MesOrder;
  readonly orderNumber: string;
  readonly site?: string;
}

/** Reads a Process/Change/Cancel Operations- or ProductionSchedule document. */
export const parseSchedule = (body: string): ParsedSchedule => {
  if (XMLValidator.validate(body) !== true) throw new Error('not well-formed XML');
  const parsed = parser.parse(body) as Node;
  const rootName = Object.keys(parsed).find((k) => !k.startsWith('?'));
  const m = rootName
    ? /^(Process|Change|Cancel)(OperationsSchedule|ProductionSchedule)$/.exec(rootName)
    : null;
  if (!rootName || !m)
    throw new Error(`root element ${rootName ?? '(none)'} is not a Process/Change/Cancel schedule`);
  const verb = m[1] as ParsedSchedule['verb'];
  const noun = m[2] as string;
  const root = obj(parsed[rootName]);
  const schedule = obj(obj(root?.DataArea)?.[noun]);
  if (!schedule) throw new Error(`DataArea/${noun} is missing`);
  const bodId = text(obj(root?.ApplicationArea)?.BODID);
  const site = text(obj(schedule.HierarchyScope)?.EquipmentID);
  const request = obj(schedule.OperationsRequest) ?? obj(schedule.ProductionRequest);
  const orderNumber = (text(request?.ID) ?? text(schedule.ID) ?? '').replace(/^0+(?=\d)/, '');
  if (!orderNumber) throw new Error('no schedule/request ID (the order number)');
  if (verb === 'Cancel' || !request)
    return { verb, orderNumber, ...(bodId ? { bodId } : {}), ...(site ? { site } : {}) };
  const revision = Number(/-r(\d+)$/.exec(bodId ?? '')?.[1] ?? 0);
  const operations: {
    operationNumber: string;
    workCenter: string;
    description?: string;
    plannedMs?: number;
  }[] = [];
  const components: MesOrder['components'][number][] = [];
  let produced: { material: string; quantity: number; unit: string } | undefined;
  for (const segment of list(request.SegmentRequirement)) {
    const operationNumber = text(segment.ID) ?? '';
    const params = [
      ...list(segment.SegmentParameter),
      ...list(segment.ProductionParameter).map((p) => obj(p.Parameter) ?? p),
    ];
    const workCenterParam = params.find((p) => text(p.ID) === 'WorkCenter');
    const workCenter = text(obj(workCenterParam?.Value)?.ValueString) ?? text(segment.ProcessSegmentID) ?? '';
    const plannedMs = durationMs(text(segment.Duration));
    operations.push({
      operationNumber,
      workCenter,
      ...(text(segment.Description) ? { description: text(segment.Description) } : {}),
      ...(plannedMs ? { plannedMs } : {}),
    });
    const materials = [
      ...list(segment.MaterialRequirement).map((r) => ({ r, use: text(r.MaterialUse) })),
      ...list(segment.MaterialConsumedRequirement).map((r) => ({ r, use: 'Consumed' })),
      ...list(segment.MaterialProducedRequirement).map((r) => ({ r, use: 'Produced' })),
    ];
    for (const { r, use } of materials) {
      const q = obj(r.Quantity);
      const material = text(r.MaterialDefinitionID) ?? '';
      const quantity = Number(text(q?.QuantityString) ?? '0');
      const unit = text(q?.UnitOfMeasure) ?? 'PCS';
      if (use === 'Produced') produced = { material, quantity, unit };
      else if (use === 'Consumed') {
        const storageLocation = text(r.StorageLocation);
        const batch = text(r.MaterialLotID);
        components.push({
          material,
          quantity,
          unit,
          operationNumber,
          ...(storageLocation ? { storageLocation } : {}),
          ...(batch ? { batch } : {}),
        });
      }
    }
  }
  const order: MesOrder = {
    orderNumber,
    revision,
    plant: site ?? '',
    material: produced?.material ?? '',
    quantity: produced?.quantity ?? 0,
    unit: produced?.unit ?? 'PCS',
    operations,
    components,
  };
  return { verb, orderNumber, order, ...(bodId ? { bodId } : {}), ...(site ? { site } : {}) };
};

const quantity = (value: number, unit: string) => ({
  QuantityString: String(value),
  DataType: 'decimal',
  UnitOfMeasure: unit,
});
const property = (id: string, value: string) => ({
  ID: id,
  Value: { ValueString: value, DataType: 'string' },
});

/** Renders execution facts as B2MML V0700 SyncOperationsPerformance, the rest as JSON events. */
export const renderB2mmlFact = (core: MesCore, fact: MesFactInput): RenderedMessage[] => {
  if (
    fact.kind === 'material.consumed' ||
    fact.kind === 'material.produced' ||
    fact.kind === 'operation.completed'
  ) {
    // Carried by the completed segment of the operation (consumed and produced material actuals).
    return [];
  }
  if (fact.kind !== 'operation.started' && fact.kind !== 'production.confirmed')
    return renderJsonFact(core, fact);
  const bodId = core.ids.next('OPP');
  const now = core.iso();
  const order = fact.order;
  const completed = fact.kind === 'production.confirmed' && fact.final;
  const equipment = fact.equipmentId
    ? {
        EquipmentID: fact.equipmentId,
        EquipmentUse: 'Production',
        ...(fact.kind === 'production.confirmed' ? { Quantity: quantity(fact.machineHours, 'h') } : {}),
      }
    : undefined;
  const materials =
    fact.kind === 'production.confirmed'
      ? [
          ...fact.consumed.map((c) => ({
            MaterialDefinitionID: c.material,
            ...(c.batch ? { MaterialLotID: c.batch } : {}),
            MaterialUse: 'Consumed',
            ...(c.storageLocation ? { StorageLocation: c.storageLocation } : {}),
            Quantity: quantity(c.quantity, c.unit),
          })),
          ...(
            [
              ['Good', fact.good],
              ['Scrap', fact.scrap],
              ['Rework', fact.rework],
            ] as const
          )
            .filter(([, n]) => n > 0)
            .map(([disposition, n]) => ({
              MaterialDefinitionID: order.material,
              MaterialUse: 'Produced',
              ...(disposition === 'Good' && fact.produced
                ? { StorageLocation: fact.produced.storageLocation }
                : {}),
              Quantity: quantity(n, order.unit),
              MaterialActualProperty: [
                property('Disposition', disposition),
                ...(disposition === 'Scrap' && fact.scrapReason
                  ? [property('ScrapReason', fact.scrapReason)]
                  : []),
              ],
            })),
        ]
      : [];
  const segment = {
    ID: fact.operationNumber,
    OperationsType: 'Production',
    ProcessSegmentID: fact.workCenter,
    ActualStartTime: core.iso(fact.kind === 'production.confirmed' ? fact.startedAt : undefined),
    ...(completed ? { ActualEndTime: now } : {}),
    SegmentState: completed ? 'Completed' : 'Running',
    ...(equipment ? { EquipmentActual: equipment } : {}),
    ...(materials.length > 0 ? { MaterialActual: materials } : {}),
  };
  const document = {
    SyncOperationsPerformance: {
      '@_xmlns': B2MML_V0700,
      '@_releaseID': 'V0700',
      ApplicationArea: {
        Sender: { LogicalID: `MES-${core.plant}`, ComponentID: 'PerformanceService' },
        CreationDateTime: now,
        BODID: bodId,
      },
      DataArea: {
        Sync: '',
        OperationsPerformance: {
          ID: bodId,
          HierarchyScope: { EquipmentID: core.plant, EquipmentElementLevel: 'Site' },
          OperationsType: 'Production',
          OperationsScheduleID: order.orderNumber,
          OperationsResponse: {
            ID: fact.jobId,
            OperationsType: 'Production',
            OperationsRequestID: order.orderNumber,
            ResponseState: 'Running',
            SegmentResponse: segment,
          },
        },
      },
    },
  };
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build(document) as string}`;
  return [
    {
      contentType: 'application/xml',
      body,
      record: {
        id: bodId,
        format: 'b2mml',
        kind: fact.kind,
        plant: core.plant,
        occurredAt: now,
        payload: body,
        orderNumber: order.orderNumber,
        operationNumber: fact.operationNumber,
        ...(fact.equipmentId ? { equipmentId: fact.equipmentId } : {}),
      },
    },
  ];
};

export class SimulatedB2mmlMes {
  readonly core: MesCore;
  readonly faults: MesFaultSwitch;
  /** BODIDs of schedule documents received, for resend detection. */
  readonly documents: {
    readonly bodId?: string;
    readonly verb: string;
    readonly orderNumber: string;
    readonly duplicate: boolean;
  }[] = [];
  private server: SimServer | undefined;

  constructor(private readonly options: SimulatedB2mmlMesOptions) {
    this.core = new MesCore({
      seed: options.seed,
      clock: options.clock,
      master: options.master,
      ingressUrl: options.ingressUrl,
      ...(options.ingressHeaders ? { ingressHeaders: options.ingressHeaders } : {}),
      settings: { senders: 4, ...options.settings },
    });
    this.core.renderer = (fact) => renderB2mmlFact(this.core, fact);
    this.faults = new MesFaultSwitch(options.seed, options.master.plant, options.faults);
  }

  get records() {
    return this.core.records;
  }

  get plant(): string {
    return this.options.master.plant;
  }

  /** Where plantsync POSTs schedule documents (any path under it is accepted). */
  get url(): string {
    if (!this.server) throw new Error('the simulated MES is not started');
    return `${this.server.url}/b2mml`;
  }

  /** What the plant's `mes.endpoint` must say (schedules POSTed to it, status under `${endpoint}/v1/...`). */
  get endpoint(): string {
    return this.url;
  }

  async start(): Promise<this> {
    this.server = await startServer((request) => this.handle(request), this.options.port);
    return this;
  }

  async stop(): Promise<void> {
    this.core.stop();
    await this.server?.close();
    this.server = undefined;
  }

  private acknowledge(
    bodId: string | undefined,
    orderNumber: string,
    code: 'Accepted' | 'Rejected',
    reason?: string,
  ): string {
    const document = {
      AcknowledgeOperationsSchedule: {
        '@_xmlns': B2MML_V0700,
        '@_releaseID': 'V0700',
        ApplicationArea: {
          Sender: { LogicalID: `MES-${this.plant}` },
          CreationDateTime: this.core.iso(),
          BODID: `ACK-${bodId ?? orderNumber}`,
        },
        DataArea: {
          Acknowledge: {
            OriginalApplicationArea: { BODID: bodId ?? '' },
            ResponseCriteria: { '@_actionCode': code },
          },
          OperationsSchedule: { ID: orderNumber, ...(reason ? { Description: reason } : {}) },
        },
      },
    };
    return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build(document) as string}`;
  }

  private handle(request: SimRequest): SimResponse {
    const refused = this.faults.check(this.core, request, this.options.apiKey);
    if (refused) return refused;
    const resource = mesResources(this.core, request);
    if (resource) return resource;
    if (request.method !== 'POST') return { status: 405, body: '' };
    let schedule: ParsedSchedule;
    try {
      schedule = parseSchedule(request.body);
    } catch (error) {
      return xml(
        400,
        this.acknowledge(undefined, '', 'Rejected', error instanceof Error ? error.message : String(error)),
      );
    }
    if (schedule.site && schedule.site !== this.plant) {
      return xml(
        400,
        this.acknowledge(
          schedule.bodId,
          schedule.orderNumber,
          'Rejected',
          `this MES runs site ${this.plant}`,
        ),
      );
    }
    const seen = schedule.bodId !== undefined && this.documents.some((d) => d.bodId === schedule.bodId);
    this.documents.push({
      verb: schedule.verb,
      orderNumber: schedule.orderNumber,
      duplicate: seen,
      ...(schedule.bodId ? { bodId: schedule.bodId } : {}),
    });
    if (schedule.verb === 'Cancel') {
      const record = this.core.cancel(schedule.orderNumber);
      return record
        ? xml(200, this.acknowledge(schedule.bodId, schedule.orderNumber, 'Accepted'))
        : xml(404, this.acknowledge(schedule.bodId, schedule.orderNumber, 'Rejected', 'unknown schedule'));
    }
    if (!schedule.order)
      return xml(
        400,
        this.acknowledge(schedule.bodId, schedule.orderNumber, 'Rejected', 'no OperationsRequest'),
      );
    const { stale } = this.core.receive({ ...schedule.order, plant: this.plant });
    if (stale) {
      return xml(
        409,
        this.acknowledge(schedule.bodId, schedule.orderNumber, 'Rejected', 'a newer revision is held'),
      );
    }
    return xml(200, this.acknowledge(schedule.bodId, schedule.orderNumber, 'Accepted'));
  }
}
