/** Small dependency-free HTML and inline-SVG building blocks for the run report. */

export const escapeHtml = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

export interface Bar {
  readonly label: string;
  readonly value: number;
}

/** A horizontal bar chart as inline SVG; values are labelled with `format`. */
export const barChart = (
  title: string,
  bars: readonly Bar[],
  format: (value: number) => string = (v) => String(v),
): string => {
  const rowHeight = 26;
  const labelWidth = 220;
  const chartWidth = 420;
  const max = Math.max(1e-9, ...bars.map((b) => b.value));
  const height = bars.length * rowHeight + 10;
  const rows = bars
    .map((bar, i) => {
      const y = i * rowHeight + 5;
      const width = Math.max(1, (bar.value / max) * chartWidth);
      return [
        `<text x="${labelWidth - 8}" y="${y + 16}" text-anchor="end">${escapeHtml(bar.label)}</text>`,
        `<rect x="${labelWidth}" y="${y + 3}" width="${width.toFixed(1)}" height="${rowHeight - 8}" rx="3"></rect>`,
        `<text x="${labelWidth + width + 6}" y="${y + 16}">${escapeHtml(format(bar.value))}</text>`,
      ].join('');
    })
    .join('');
  return `<figure><figcaption>${escapeHtml(title)}</figcaption><svg role="img" aria-label="${escapeHtml(title)}" width="${
    labelWidth + chartWidth + 120
  }" height="${height}" viewBox="0 0 ${labelWidth + chartWidth + 120} ${height}">${rows}</svg></figure>`;
};

export const table = (header: readonly string[], rows: readonly (readonly (string | number)[])[]): string =>
  `<table><thead><tr>${header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(String(c))}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;

export const page = (title: string, body: string): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1000px;color:#1d2733}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #d9e0e8}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #d9e0e8;padding:.25rem .6rem;text-align:left}
th{background:#f1f4f8}figure{margin:1rem 0}figcaption{font-weight:600;margin-bottom:.3rem}
svg rect{fill:#2f6fb2}svg text{font-size:12px;fill:#1d2733}.ok{color:#1c7c3c}.bad{color:#b3261e}
.kpis{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:.6rem}
.kpi{border:1px solid #d9e0e8;border-radius:6px;padding:.6rem}.kpi b{display:block;font-size:1.3rem}
</style></head><body>${body}</body></html>
`;
