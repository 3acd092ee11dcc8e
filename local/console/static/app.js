// plantsync operations console: plain DOM, no framework, no build step, works offline.
// Every value from the API goes in through textContent or an attribute, never as markup.

const SVG = 'http://www.w3.org/2000/svg';

/** Creates an element; attrs starting with "on" become listeners; children may be strings or nodes. */
const h = (tag, attrs = {}, ...children) => {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  el.append(...children.flat().filter((c) => c !== undefined && c !== null && c !== false));
  return el;
};

const s = (tag, attrs = {}, ...children) => {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.append(c);
  return el;
};

const api = async (path, init) => {
  const res = await fetch(path, init);
  const body = await res.json().catch(() => ({ error: `${res.status} ${res.statusText}` }));
  if (!res.ok) throw new Error(body.error ?? `${res.status} ${res.statusText}`);
  return body;
};

const fmtNumber = (v, digits = 1) =>
  v === null || v === undefined ? '–' : Number.isInteger(v) ? String(v) : v.toFixed(digits);

const fmtAge = (seconds) => {
  if (seconds === undefined || seconds === null) return '–';
  if (seconds < 120) return `${Math.round(seconds)} s`;
  const m = Math.round(seconds / 60);
  if (m < 120) return `${m} min`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
};

/** +1.2 s, +2:05, +1:02:05 */
const fmtElapsed = (ms) => {
  const seconds = ms / 1000;
  if (seconds < 60) return `+${seconds.toFixed(1)} s`;
  const whole = Math.round(seconds);
  const two = (n) => String(n).padStart(2, '0');
  const m = Math.floor(whole / 60);
  if (m < 60) return `+${m}:${two(whole % 60)}`;
  return `+${Math.floor(m / 60)}:${two(m % 60)}:${two(whole % 60)}`;
};

/** The next 1, 2 or 5 × 10^n at or above v, for chart scales. */
const niceCeil = (v) => {
  if (v <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(v));
  const step = [1, 2, 5, 10].find((f) => f * magnitude >= v) ?? 10;
  return step * magnitude;
};

const fmtTime = (iso) =>
  new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const fmtDateTime = (iso) => new Date(iso).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' });

const showError = (container, error) => {
  container.replaceChildren(h('div', { class: 'result bad' }, `Could not load: ${error.message}`));
};

// ---- Flows ---------------------------------------------------------------------------------

const STAGES = [
  {
    title: 'Order to confirmation',
    steps: [
      ['ordersReleased', 'Released by SAP'],
      ['ordersAcknowledged', 'Acknowledged by MES'],
      ['ordersConfirmed', 'Confirmed by MES'],
    ],
  },
  {
    title: 'Downtime to maintenance',
    steps: [
      ['downtimes', 'Downtimes'],
      ['notifications', 'Notifications created'],
    ],
  },
  {
    title: 'Maintenance work orders',
    steps: [
      ['workOrdersCreated', 'Created'],
      ['workOrdersCompleted', 'Completed and posted'],
    ],
  },
];

const funnel = (steps, flows) => {
  const row = 24;
  const label = 170;
  const width = 460;
  const barMax = width - label - 120; // room for the count and "n not yet"
  const max = Math.max(1, ...steps.map(([k]) => flows[k] ?? 0));
  const svg = s('svg', {
    class: 'funnel',
    viewBox: `0 0 ${width} ${steps.length * row + 4}`,
    width: '100%',
    role: 'img',
    'aria-label': steps.map(([k, l]) => `${l}: ${flows[k] ?? 0}`).join(', '),
  });
  const classes = ['bar', 'bar second', 'bar third'];
  steps.forEach(([key, text], i) => {
    const value = flows[key] ?? 0;
    const y = i * row + 2;
    svg.append(s('text', { x: label - 8, y: y + 15, 'text-anchor': 'end' }, text));
    svg.append(
      s('rect', {
        class: classes[i] ?? 'bar',
        x: label,
        y: y + 3,
        width: Math.max(2, (value / max) * barMax),
        height: row - 8,
        rx: 3,
      }),
    );
    const previous = i > 0 ? (flows[steps[i - 1][0]] ?? 0) : value;
    const gap = previous - value;
    const t = s('text', { x: label + Math.max(2, (value / max) * barMax) + 6, y: y + 15 }, String(value));
    svg.append(t);
    if (i > 0 && gap > 0) {
      svg.append(
        s(
          'text',
          {
            class: 'gap',
            x: label + Math.max(2, (value / max) * barMax) + 14 + String(value).length * 7,
            y: y + 15,
          },
          `${gap} not yet`,
        ),
      );
    }
  });
  return svg;
};

const renderFlows = async () => {
  const container = document.getElementById('flows');
  try {
    const overview = await api('/api/overview');
    setUpdated(overview.generatedAt);
    if (overview.plants.length === 0) {
      container.replaceChildren(h('div', { class: 'empty' }, 'No flows recorded yet.'));
      return;
    }
    container.replaceChildren(
      ...overview.plants.map((p) =>
        h(
          'article',
          { class: 'card', 'data-plant': p.plant },
          h(
            'h2',
            {},
            h('span', { class: 'code' }, `Plant ${p.plant}`),
            p.name ? h('span', { class: 'muted' }, ` · ${p.name}`) : null,
            ' ',
            p.flows.syncExceptions > 0
              ? h('span', { class: 'pill bad' }, `${p.flows.syncExceptions} sync exception(s)`)
              : h('span', { class: 'pill ok' }, 'no sync exceptions'),
          ),
          ...STAGES.map((stage) =>
            h(
              'div',
              { class: 'flow' },
              h('div', { class: 'flow-title' }, stage.title),
              funnel(stage.steps, p.flows),
            ),
          ),
        ),
      ),
    );
  } catch (error) {
    showError(container, error);
  }
};

// ---- KPIs ----------------------------------------------------------------------------------

const UNIT = { s: 's', '%': '%', count: '' };

const lineChart = (kpi) => {
  const width = 320;
  const height = 120;
  const pad = { left: 34, right: 8, top: 8, bottom: 20 };
  const points = kpi.series;
  const svg = s('svg', {
    class: 'chart',
    viewBox: `0 0 ${width} ${height}`,
    role: 'img',
    'aria-label': `${kpi.label}: ${points.length} points`,
  });
  if (points.length === 0) {
    svg.append(s('text', { x: width / 2, y: height / 2, 'text-anchor': 'middle' }, 'no data yet'));
    return svg;
  }
  const values = points.map((p) => p.value);
  const peak = Math.max(...values, kpi.threshold ?? 0) * 1.05;
  const top = kpi.unit === '%' ? Math.min(100, niceCeil(peak)) : niceCeil(peak);
  const times = points.map((p) => Date.parse(p.at));
  const t0 = Math.min(...times);
  const t1 = Math.max(...times);
  const x = (t) => pad.left + (t1 === t0 ? 0.5 : (t - t0) / (t1 - t0)) * (width - pad.left - pad.right);
  const y = (v) => pad.top + (1 - v / top) * (height - pad.top - pad.bottom);
  const base = y(0);
  svg.append(s('line', { class: 'axis', x1: pad.left, x2: width - pad.right, y1: base, y2: base }));
  svg.append(s('text', { x: pad.left - 4, y: pad.top + 8, 'text-anchor': 'end' }, fmtNumber(top, 0)));
  svg.append(s('text', { x: pad.left - 4, y: base, 'text-anchor': 'end' }, '0'));
  svg.append(s('text', { x: pad.left, y: height - 4 }, fmtTime(points[0].at)));
  svg.append(
    s('text', { x: width - pad.right, y: height - 4, 'text-anchor': 'end' }, fmtTime(points.at(-1).at)),
  );
  const coords = points.map((p) => [x(Date.parse(p.at)), y(p.value)]);
  const line = coords.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join(' ');
  const first = coords[0];
  const last = coords.at(-1);
  svg.append(s('polygon', { class: 'area', points: `${first[0]},${base} ${line} ${last[0]},${base}` }));
  svg.append(s('polyline', { class: 'line', points: line }));
  svg.append(s('circle', { class: 'dot', cx: last[0], cy: last[1], r: 3 }));
  if (kpi.threshold !== undefined && kpi.threshold > 0) {
    const ty = y(kpi.threshold);
    svg.append(s('line', { class: 'threshold', x1: pad.left, x2: width - pad.right, y1: ty, y2: ty }));
    svg.append(
      s('text', { x: width - pad.right, y: ty - 3, 'text-anchor': 'end' }, `threshold ${kpi.threshold}`),
    );
  }
  return svg;
};

const verdict = (kpi) => {
  if (kpi.value === null) return h('span', { class: 'pill none' }, 'no data');
  if (kpi.threshold === undefined) return h('span', { class: 'pill none' }, 'info');
  const bad = kpi.goodWhen === 'lower' ? kpi.value > kpi.threshold : kpi.value < kpi.threshold;
  return bad ? h('span', { class: 'pill bad' }, 'attention') : h('span', { class: 'pill ok' }, 'ok');
};

const renderKpis = async () => {
  const container = document.getElementById('kpis');
  try {
    const overview = await api('/api/overview');
    setUpdated(overview.generatedAt);
    container.replaceChildren(
      ...overview.kpis.map((kpi) =>
        h(
          'article',
          { class: 'card', 'data-kpi': kpi.id },
          h('div', { class: 'kpi-head' }, h('h2', {}, kpi.label), verdict(kpi)),
          h(
            'div',
            { class: 'kpi-value' },
            fmtNumber(kpi.value),
            kpi.value === null ? null : h('span', { class: 'unit' }, UNIT[kpi.unit]),
          ),
          h('div', { class: 'kpi-desc' }, kpi.description),
          lineChart(kpi),
        ),
      ),
    );
  } catch (error) {
    showError(container, error);
  }
};

// ---- Dead letters --------------------------------------------------------------------------

const showReplayResult = (report) => {
  const box = document.getElementById('replay-result');
  const kept = report.kept ?? [];
  const tone = report.dryRun ? 'info' : kept.length > 0 ? 'bad' : 'ok';
  const summary = report.dryRun
    ? `Dry run on ${report.queue}: ${report.matched} of ${report.total} message(s) would be replayed; nothing moved.`
    : `Replayed ${report.replayed} of ${report.total} message(s) from ${report.queue}; ${kept.length} kept.`;
  box.className = `result ${tone}`;
  box.replaceChildren(h('strong', {}, summary));
  if (kept.length > 0) {
    box.append(h('ul', {}, ...kept.map((k) => h('li', {}, h('code', {}, k.messageId), `: ${k.why}`))));
  }
  box.hidden = false;
};

const replay = async (name, dryRun, buttons) => {
  for (const b of buttons) b.disabled = true;
  try {
    const report = await api(`/api/dlqs/${encodeURIComponent(name)}/replay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ dryRun }),
    });
    // Table first, then the result: once the result shows, the depths it talks about are current.
    await renderDlqs();
    showReplayResult(report);
  } catch (error) {
    const box = document.getElementById('replay-result');
    box.className = 'result bad';
    box.replaceChildren(h('strong', {}, `Replay of ${name} failed: ${error.message}`));
    box.hidden = false;
    for (const b of buttons) b.disabled = false;
  }
};

const dlqActions = (q) => {
  const cell = h('div', { class: 'actions' });
  const initial = () => {
    const dry = h('button', { type: 'button', class: 'secondary', 'data-action': 'dry-run' }, 'Dry run');
    const go = h('button', { type: 'button', 'data-action': 'replay' }, 'Replay…');
    dry.addEventListener('click', () => replay(q.name, true, [dry, go]));
    go.addEventListener('click', () => confirmStep());
    if (q.depth === 0) {
      dry.disabled = true;
      go.disabled = true;
    }
    cell.replaceChildren(dry, go);
  };
  const confirmStep = () => {
    const yes = h(
      'button',
      { type: 'button', class: 'danger', 'data-action': 'confirm-replay' },
      `Replay ${q.depth} to ${q.sources.join(', ') || 'origin'}`,
    );
    const no = h('button', { type: 'button', class: 'secondary' }, 'Cancel');
    yes.addEventListener('click', () => replay(q.name, false, [yes, no]));
    no.addEventListener('click', initial);
    cell.replaceChildren(yes, no);
  };
  initial();
  return cell;
};

const renderDlqs = async () => {
  const container = document.getElementById('dlqs');
  try {
    const queues = await api('/api/dlqs');
    setUpdated(new Date().toISOString());
    if (queues.length === 0) {
      container.replaceChildren(h('div', { class: 'empty' }, 'No dead-letter queues found.'));
      return;
    }
    container.replaceChildren(
      h(
        'table',
        {},
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', {}, 'Queue'),
            h('th', {}, 'Depth'),
            h('th', {}, 'Oldest'),
            h('th', {}, 'Why'),
            h('th', {}, ''),
          ),
        ),
        h(
          'tbody',
          {},
          ...queues.map((q) =>
            h(
              'tr',
              { 'data-queue': q.name },
              h(
                'td',
                { class: 'name' },
                h('strong', {}, q.name),
                h(
                  'div',
                  { class: 'muted' },
                  q.sources.length ? `from ${q.sources.join(', ')}` : 'no source queue',
                ),
              ),
              h(
                'td',
                { class: 'num' },
                q.depth > 0
                  ? h('span', { class: 'pill bad' }, String(q.depth))
                  : h('span', { class: 'pill ok' }, '0'),
              ),
              h('td', { class: 'num' }, fmtAge(q.oldestAgeSeconds)),
              h(
                'td',
                {},
                q.reasons.length === 0
                  ? h('span', { class: 'muted' }, 'empty')
                  : h(
                      'ul',
                      { class: 'reasons' },
                      ...q.reasons.map((r) =>
                        h('li', {}, h('span', { class: 'count' }, `${r.count} ×`), r.reason),
                      ),
                    ),
              ),
              h('td', {}, dlqActions(q)),
            ),
          ),
        ),
      ),
    );
  } catch (error) {
    showError(container, error);
  }
};

// ---- Stuck orders --------------------------------------------------------------------------

const renderStuck = async () => {
  const container = document.getElementById('stuck');
  try {
    const orders = await api('/api/orders/stuck');
    setUpdated(new Date().toISOString());
    if (orders.length === 0) {
      container.replaceChildren(
        h('div', { class: 'empty' }, 'No order is stuck. Every open order is within its SLA.'),
      );
      return;
    }
    container.replaceChildren(
      h(
        'table',
        {},
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...['Plant', 'Order', 'Status', 'Since', 'Age / SLA', 'Owner', ''].map((t) => h('th', {}, t)),
          ),
        ),
        h(
          'tbody',
          {},
          ...orders.map((o) =>
            h(
              'tr',
              { 'data-order': o.orderNumber },
              h('td', {}, o.plant),
              h('td', {}, h('strong', {}, o.orderNumber)),
              h('td', {}, h('span', { class: 'pill warn' }, o.status)),
              h('td', {}, fmtDateTime(o.statusSince)),
              h(
                'td',
                {},
                h('span', { class: 'err' }, fmtAge(o.ageSeconds)),
                o.slaSeconds ? h('span', { class: 'muted' }, ` / ${fmtAge(o.slaSeconds)}`) : null,
              ),
              h(
                'td',
                {},
                o.owner ? `${o.owner.role} (${o.owner.system})` : h('span', { class: 'muted' }, 'unassigned'),
              ),
              h('td', {}, h('a', { href: `#trace/${encodeURIComponent(o.orderNumber)}` }, 'Trace')),
            ),
          ),
        ),
      ),
    );
  } catch (error) {
    showError(container, error);
  }
};

// ---- Trace ---------------------------------------------------------------------------------

const hopWhat = (hop) => [hop.detailType, hop.target ? `→ ${hop.target}` : null].filter(Boolean).join('  ');

const renderTrace = async (query) => {
  const container = document.getElementById('trace');
  const input = document.getElementById('trace-query');
  if (!query) {
    container.replaceChildren(
      h(
        'div',
        { class: 'empty' },
        'Enter a correlation id or a business key to see every hop of its flows in time order.',
      ),
    );
    return;
  }
  input.value = query;
  container.replaceChildren(h('p', { class: 'muted' }, `Tracing ${query}…`));
  let trace;
  try {
    trace = await api(`/api/trace/${encodeURIComponent(query)}`);
  } catch (error) {
    container.replaceChildren(h('div', { class: 'result bad' }, error.message));
    return;
  }
  const failing = trace.failure?.hop;
  const label = new Map(trace.correlations.map((c, i) => [c.correlationId, `c${i + 1}`]));
  const many = trace.correlations.length > 1;
  const t0 = Date.parse(trace.hops[0]?.at ?? new Date().toISOString());
  const banner = failing
    ? h(
        'div',
        { class: 'banner bad', id: 'trace-failure' },
        h('strong', {}, `Failed at ${failing.kind} in ${failing.component} (${fmtTime(failing.at)})`),
        failing.error ? `${failing.error.name}: ${failing.error.message}` : 'no reason recorded',
        h(
          'div',
          { class: 'muted' },
          trace.failure.recovered
            ? `A later ${failing.component} hop succeeded (retried or replayed).`
            : `Nothing after it succeeded in ${failing.component}; see Dead letters.`,
        ),
      )
    : h(
        'div',
        { class: 'banner ok' },
        h('strong', {}, 'No hop failed'),
        `${trace.hops.length} hop(s) all succeeded.`,
      );
  const isFailing = (hop) =>
    failing &&
    hop.at === failing.at &&
    hop.component === failing.component &&
    hop.correlationId === failing.correlationId &&
    hop.kind === failing.kind;
  container.replaceChildren(
    banner,
    h(
      'p',
      { class: 'muted' },
      `${trace.query} resolved by ${trace.matchedBy === 'correlation' ? 'correlation id' : 'business key'} to ${trace.correlations.length} correlation(s), ${trace.hops.length} hop(s). Times in your local time zone.`,
    ),
    h(
      'ul',
      { class: 'correlations' },
      ...trace.correlations.map((c) =>
        h(
          'li',
          {},
          h('span', { class: 'clabel' }, label.get(c.correlationId)),
          h('code', {}, c.correlationId),
          ` · plant ${c.plants.join(', ') || '–'} · ${c.hops} hop(s) `,
          c.failed ? h('span', { class: 'pill bad' }, 'failed') : h('span', { class: 'pill ok' }, 'ok'),
          h('div', {}, ...c.keys.map((k) => h('span', { class: 'tag' }, `${k.kind} ${k.value}`))),
        ),
      ),
    ),
    h(
      'div',
      { class: 'scroll' },
      h(
        'table',
        { class: 'timeline' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...['Time', 'Elapsed', many ? 'Flow' : null, 'Hop', 'Component', 'What', 'Duration', 'Outcome']
              .filter((t) => t !== null)
              .map((t) => h('th', {}, t)),
          ),
        ),
        h(
          'tbody',
          {},
          ...trace.hops.map((hop) =>
            h(
              'tr',
              { class: isFailing(hop) ? 'failing' : hop.outcome === 'error' ? 'error' : '' },
              h('td', { class: 'time' }, fmtTime(hop.at)),
              h('td', { class: 'elapsed' }, fmtElapsed(Date.parse(hop.at) - t0)),
              many ? h('td', {}, h('span', { class: 'clabel' }, label.get(hop.correlationId))) : null,
              h('td', {}, h('span', { class: `kind ${hop.kind}` }, hop.kind)),
              h('td', {}, h('code', {}, hop.component)),
              h(
                'td',
                {},
                hopWhat(hop),
                hop.error ? h('div', { class: 'err' }, `${hop.error.name}: ${hop.error.message}`) : null,
              ),
              h('td', { class: 'elapsed' }, hop.durationMs ? `${hop.durationMs} ms` : ''),
              h(
                'td',
                {},
                hop.outcome === 'ok'
                  ? h('span', { class: 'pill ok' }, 'ok')
                  : h('span', { class: 'pill bad' }, 'error'),
              ),
            ),
          ),
        ),
      ),
    ),
  );
};

// ---- Shell ---------------------------------------------------------------------------------

const setUpdated = (iso) => {
  document.getElementById('updated').textContent = `data as of ${fmtDateTime(iso)}`;
};

const RENDER = { flows: renderFlows, kpis: renderKpis, dlqs: renderDlqs, stuck: renderStuck };

const currentRoute = () => {
  const [view, ...rest] = location.hash.replace(/^#/, '').split('/');
  return {
    view: view in RENDER || view === 'trace' ? view : 'flows',
    arg: decodeURIComponent(rest.join('/')),
  };
};

const show = async () => {
  const { view, arg } = currentRoute();
  for (const section of document.querySelectorAll('section.view'))
    section.hidden = section.dataset.view !== view;
  for (const link of document.querySelectorAll('nav a')) {
    if (link.dataset.view === view) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  document.body.dataset.view = view;
  document.body.dataset.ready = 'false';
  if (view === 'trace') await renderTrace(arg);
  else await RENDER[view]();
  document.body.dataset.ready = 'true';
};

document.getElementById('trace-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const q = document.getElementById('trace-query').value.trim();
  if (!q) return;
  const target = `#trace/${encodeURIComponent(q)}`;
  if (location.hash === target) void show();
  else location.hash = target;
});
document.getElementById('refresh').addEventListener('click', () => void show());
// Auto-refresh (off by default) re-reads the current view, except a trace or a replay awaiting confirmation.
let timer;
document.getElementById('auto-refresh').addEventListener('change', (event) => {
  clearInterval(timer);
  if (!event.target.checked) return;
  timer = setInterval(() => {
    if (currentRoute().view === 'trace' || document.querySelector('[data-action="confirm-replay"]')) return;
    void show();
  }, 10_000);
});
window.addEventListener('hashchange', () => void show());
void show();
