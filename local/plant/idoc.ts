import { isoAt, type SimClock } from './clock';
import { deliver } from './http';
import type { SimEquipment, SimMaterial, SimProductionOrder } from './master-data';

/**
 * IDoc XML as an SAP XML-HTTP port sends it (one root named after the IDoc type, one `IDOC` element
 * per IDoc, each with its EDI_DC40 control record), and a sender that POSTs it to plantsync.
 */

const escapeXml = (value: string): string =>
  value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

type Node = readonly [name: string, content: string | readonly Node[]];

const render = (node: Node, depth: number): string => {
  const pad = '  '.repeat(depth);
  const [name, content] = node;
  if (typeof content === 'string') return `${pad}<${name}>${escapeXml(content)}</${name}>`;
  const segment = /^E1|^E2|^EDI_DC40$/.test(name) ? ' SEGMENT="1"' : name === 'IDOC' ? ' BEGIN="1"' : '';
  return `${pad}<${name}${segment}>\n${content.map((c) => render(c, depth + 1)).join('\n')}\n${pad}</${name}>`;
};

/** SAP date and time (YYYYMMDD, HHMMSS) of an instant in a time zone. */
export const sapDateTime = (ms: number, timeZone: string): { date: string; time: string } => {
  const iso = isoAt(ms, timeZone);
  return { date: iso.slice(0, 10).replaceAll('-', ''), time: iso.slice(11, 19).replaceAll(':', '') };
};

export interface ControlOptions {
  readonly docnum: string;
  readonly idocType: string;
  readonly messageType: string;
  /** Logical system of the sender (SNDPRN). */
  readonly sender: string;
  readonly createdAt: number;
  /** Zone of the SAP application server, in which CREDAT/CRETIM are written. */
  readonly systemTimeZone: string;
  readonly messageFunction?: string;
}

const control = (o: ControlOptions): Node => {
  const { date, time } = sapDateTime(o.createdAt, o.systemTimeZone);
  return [
    'EDI_DC40',
    [
      ['TABNAM', 'EDI_DC40'],
      ['MANDT', '100'],
      ['DOCNUM', o.docnum.padStart(16, '0')],
      ['DOCREL', '757'],
      ['STATUS', '30'],
      ['DIRECT', '1'],
      ['OUTMOD', '2'],
      ['IDOCTYP', o.idocType],
      ['MESTYP', o.messageType],
      ...(o.messageFunction ? ([['MESFCT', o.messageFunction]] as Node[]) : []),
      ['SNDPOR', 'SAPS4H'],
      ['SNDPRT', 'LS'],
      ['SNDPRN', o.sender],
      ['RCVPOR', 'PLANTSYNC'],
      ['RCVPRT', 'LS'],
      ['RCVPRN', 'PLANTSYNC'],
      ['CREDAT', date],
      ['CRETIM', time],
      ['SERIAL', `${date}${time}`],
    ],
  ];
};

/** SAP system status numbers for the order header (E1JSTKL). */
const ORDER_STATUS = { released: ['I0002'], cancelled: ['I0002', 'I0076'], technicallyComplete: ['I0045'] };

export interface LoiproOptions extends Omit<ControlOptions, 'idocType' | 'messageType'> {
  readonly status?: keyof typeof ORDER_STATUS;
  /** Zone the plant's scheduling dates are written in (the connector reads them in the plant's zone). */
  readonly plantTimeZone?: string;
}

/** One LOIPRO01 IDOC element: E1AFKOL header, E1JSTKL statuses, E1AFPOL item, E1AFFLL/E1AFVOL routing, E1RESBL components. */
export const loiproIdoc = (order: SimProductionOrder, o: LoiproOptions): Node => {
  const start = sapDateTime(order.plannedStart, timeZoneOf(o, order));
  const end = sapDateTime(order.plannedEnd, timeZoneOf(o, order));
  const qty = `${order.quantity}.000`;
  const operations: Node[] = order.operations.map((op) => [
    'E1AFVOL',
    [
      ['VORNR', op.operationNumber],
      ['STEUS', op.controlKey],
      ['ARBPL', op.workCenter],
      ['WERKS', order.plant],
      ['LTXA1', op.description],
      ['MGVRG', qty],
      ['MEINH', order.unit],
      ['VGW01', op.setupHours],
      ['VGE01', 'H'],
      ['VGW02', op.machineHours],
      ['VGE02', 'H'],
      ['VGW03', op.labourHours],
      ['VGE03', 'H'],
      ['E1JSTVL', [['STAT', 'I0002']]],
      ...order.components
        .filter((c) => c.operationNumber === op.operationNumber)
        .map(
          (c): Node => [
            'E1RESBL',
            [
              ['RSNUM', order.reservation.padStart(10, '0')],
              ['RSPOS', c.item],
              ['MATNR', c.material.number],
              ['MATXT', c.material.description],
              ['WERKS', order.plant],
              ['LGORT', c.storageLocation],
              ['BDMNG', c.quantity.includes('.') ? c.quantity : `${c.quantity}.000`],
              ['MEINS', c.material.unit],
              ['VORNR', c.operationNumber],
              ...(c.backflush ? ([['RGEKZ', 'X']] as Node[]) : []),
            ],
          ],
        ),
    ],
  ]);
  return [
    'IDOC',
    [
      control({ ...o, idocType: 'LOIPRO01', messageType: 'LOIPRO' }),
      [
        'E1AFKOL',
        [
          ['AUFNR', order.orderNumber.padStart(12, '0')],
          ['AUTYP', '10'],
          ['AUART', order.orderType],
          ['WERKS', order.plant],
          ['MATNR', order.material.number],
          ['MATXT', order.material.description],
          ['BMENGE', qty],
          ['BMEINS', order.unit],
          ['GSTRP', start.date],
          ['GSUZP', start.time],
          ['GLTRP', end.date],
          ['GLUZP', end.time],
          ['GSTRS', start.date],
          ['GSUZS', start.time],
          ['GLTRS', end.date],
          ['GLUZS', end.time],
          ['DISPO', '101'],
          ['VERID', '0001'],
          ...ORDER_STATUS[o.status ?? 'released'].map((s): Node => ['E1JSTKL', [['STAT', s]]]),
          [
            'E1AFPOL',
            [
              ['POSNR', '0001'],
              ['MATNR', order.material.number],
              ['PSMNG', qty],
              ['AMEIN', order.unit],
              ['LGORT', '0002'],
            ],
          ],
          [
            'E1AFFLL',
            [
              ['APLZL', '00000001'],
              ['PLNFL', '000000'],
              ['FLGAT', '0'],
              ['BEZFL', 'Standard sequence'],
              ...operations,
            ],
          ],
        ],
      ],
    ],
  ];
};

const timeZoneOf = (o: { readonly plantTimeZone?: string }, _order: SimProductionOrder): string =>
  o.plantTimeZone ?? 'UTC';

export interface EquipmentIdocOptions extends Omit<ControlOptions, 'idocType' | 'messageType'> {
  readonly plant: string;
}

/** One EQUIPMENT_CREATE01 IDOC (ALE for BAPI_EQUI_CREATE). */
export const equipmentIdoc = (equipment: SimEquipment, o: EquipmentIdocOptions): Node => [
  'IDOC',
  [
    control({ ...o, idocType: 'EQUIPMENT_CREATE01', messageType: 'EQUIPMENT_CREATE' }),
    [
      'E1EQUIPMENT_CREATE',
      [
        ['EXTERNAL_NUMBER', equipment.equipmentId.padStart(18, '0')],
        ['VALID_DATE', '20260101'],
        [
          'E1BP_ITOB',
          [
            ['MANFACTURE', equipment.manufacturer],
            ['MANMODEL', equipment.model],
            ['START_FROM', '20260101'],
            ['MAINTPLANT', o.plant],
            ['PLSECTN', equipment.line],
            ['ABCINDIC', equipment.criticality],
            ['PLANPLANT', o.plant],
            ['WORK_CTR', equipment.workCenter],
            ['DESCRIPT', equipment.description],
            ['MANSERNO', equipment.serialNumber],
          ],
        ],
        [
          'E1BP_ITOB_EQ_ONLY',
          [
            ['EQUICATGRY', 'M'],
            ['READ_FLOC', equipment.functionalLocation],
          ],
        ],
      ],
    ],
  ],
];

export interface MatmasIdocOptions extends Omit<ControlOptions, 'idocType' | 'messageType'> {
  readonly plant: string;
}

/** One MATMAS05 IDOC: E1MARAM with an English E1MAKTM and the plant's E1MARCM. */
export const matmasIdoc = (material: SimMaterial, o: MatmasIdocOptions): Node => [
  'IDOC',
  [
    control({ ...o, idocType: 'MATMAS05', messageType: 'MATMAS' }),
    [
      'E1MARAM',
      [
        ['MSGFN', '005'],
        ['MATNR', material.number],
        ['MTART', material.type],
        ['MBRSH', 'M'],
        ['MATKL', material.type === 'FERT' ? 'FG01' : 'RM01'],
        ['MEINS', material.unit],
        [
          'E1MAKTM',
          [
            ['MSGFN', '005'],
            ['SPRAS', 'E'],
            ['MAKTX', material.description],
            ['SPRAS_ISO', 'EN'],
          ],
        ],
        [
          'E1MARCM',
          [
            ['MSGFN', '005'],
            ['WERKS', o.plant],
          ],
        ],
      ],
    ],
  ],
];

/** Renders IDOC elements under one root named after their IDoc type (one type per request). */
export const idocDocument = (root: string, idocs: readonly Node[]): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n${render([root, idocs], 0)}\n`;

export type IdocNode = Node;

/** What the sender did with one IDoc (SAP's IDoc status: 03 passed to port, 02 error passing to port). */
export interface IdocSendRecord {
  readonly docnum: string;
  readonly idocType: string;
  readonly plant: string;
  /** Order number, equipment or material the IDoc carries. */
  readonly key: string;
  status: '30' | '03' | '02';
  attempts: number;
  readonly sentAt: number;
  lastError?: string;
}

export interface IdocSenderOptions {
  readonly url: string;
  readonly clock: SimClock;
  /** Extra headers, e.g. the ingress credential. */
  readonly headers?: () => Record<string, string>;
  /** IDocs per HTTP request (SAP packet size). @default 1 */
  readonly packetSize?: number;
  readonly maxAttempts?: number;
}

/**
 * SAP's XML-HTTP port: POST text/xml, one request per packet of IDocs; on a non-2xx answer or a
 * network failure the packet is resent with backoff (simulated time) as the port's RSEOUT00 rerun
 * would, then left in status 02.
 */
export class IdocSender {
  readonly records: IdocSendRecord[] = [];
  private stopped = false;
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly options: IdocSenderOptions) {}

  /** Queues the IDocs (all of one root type) and resolves when every packet is delivered or given up. */
  send(
    root: string,
    idocs: readonly { node: Node; docnum: string; plant: string; key: string }[],
  ): Promise<void> {
    const size = Math.max(1, this.options.packetSize ?? 1);
    const packets: (typeof idocs)[] = [];
    for (let i = 0; i < idocs.length; i += size) packets.push(idocs.slice(i, i + size));
    const records = idocs.map((i) => {
      const record: IdocSendRecord = {
        docnum: i.docnum,
        idocType: root,
        plant: i.plant,
        key: i.key,
        status: '30',
        attempts: 0,
        sentAt: this.options.clock.now(),
      };
      this.records.push(record);
      return record;
    });
    const run = async () => {
      for (const packet of packets) {
        const body = idocDocument(
          root,
          packet.map((p) => p.node),
        );
        const result = await deliver(
          this.options.url,
          {
            headers: () => ({ 'content-type': 'text/xml; charset=utf-8', ...this.options.headers?.() }),
            body,
          },
          {
            clock: this.options.clock,
            ...(this.options.maxAttempts ? { maxAttempts: this.options.maxAttempts } : {}),
          },
          () => this.stopped,
        );
        for (const p of packet) {
          const record = records.find((r) => r.docnum === p.docnum);
          if (!record) continue;
          record.attempts = result.attempts;
          record.status = result.delivered ? '03' : '02';
          if (result.lastError && !result.delivered) record.lastError = result.lastError;
        }
      }
    };
    // Packets leave in order, as from one port.
    this.queue = this.queue.then(run, run);
    return this.queue;
  }

  stop(): void {
    this.stopped = true;
  }

  /** Resolves when everything queued so far is delivered or given up. */
  idle(): Promise<void> {
    return this.queue;
  }
}
