// Charts drawn as SVG here (no library, no inline style: presentation attributes only, CSP-safe). Each chart
// has a title for screen readers and sits beside a table holding the same numbers.
const SVG = 'http://www.w3.org/2000/svg';
const COLORS = ['#6b1d45', '#1f5fbf', '#155c2e'];
const INK = '#1b1f24';

function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, String(value));
  el.append(...children);
  return el;
}

const short = (text, most = 26) => (text.length > most ? `${text.slice(0, most - 1)}…` : text);
let charts = 0;

function frame(title, width, height, ...parts) {
  const id = `chart-${++charts}`;
  return s('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-labelledby': id, class: 'chart', width: '100%' },
    s('title', { id }, title), ...parts);
}

/** Horizontal bars, one per {label, value, text}, longest first as given. */
export function barChart(title, bars) {
  const width = 640; const row = 26; const left = 190; const room = width - left - 120;
  const most = Math.max(0, ...bars.map((bar) => bar.value)) || 1;
  return frame(title, width, bars.length * row + 6, ...bars.map((bar, i) => {
    const length = Math.max(1, (room * bar.value) / most);
    return s('g', {},
      s('text', { x: left - 8, y: i * row + 18, 'text-anchor': 'end', 'font-size': 13, fill: INK }, short(bar.label)),
      s('rect', { x: left, y: i * row + 5, width: length, height: row - 9, fill: COLORS[0] }),
      s('text', { x: left + length + 6, y: i * row + 18, 'font-size': 13, fill: INK }, bar.text));
  }));
}

/** Columns grouped by category (e.g. months), one colour per series, with a legend. */
export function groupedColumns(title, categories, series) {
  const width = 640; const height = 240; const bottom = 200; const top = 34;
  const most = Math.max(0, ...series.flatMap((one) => one.values)) || 1;
  const slot = (width - 40) / Math.max(1, categories.length);
  const bar = Math.min(28, (slot - 10) / series.length);
  const legend = series.map((one, i) => s('g', {},
    s('rect', { x: 20 + i * 170, y: 6, width: 12, height: 12, fill: COLORS[i % COLORS.length] }),
    s('text', { x: 38 + i * 170, y: 17, 'font-size': 13, fill: INK }, one.name)));
  const columns = categories.flatMap((category, c) => [
    ...series.map((one, i) => {
      const tall = ((bottom - top) * one.values[c]) / most;
      return s('rect', { x: 30 + c * slot + i * bar, y: bottom - tall, width: bar - 2, height: Math.max(tall, 0.5),
        fill: COLORS[i % COLORS.length] });
    }),
    s('text', { x: 30 + c * slot + (bar * series.length) / 2, y: bottom + 18, 'text-anchor': 'middle', 'font-size': 12,
      fill: INK }, category),
  ]);
  return frame(title, width, height, ...legend, s('line', { x1: 24, x2: width - 10, y1: bottom, y2: bottom, stroke: INK }),
    ...columns);
}

/** RFC 4180 CSV (CRLF, every field quoted) whose text cells a spreadsheet shows as text, never runs. */
export function csv(header, rows) {
  const cell = (value) => {
    let text = value === null || value === undefined ? '' : String(value);
    if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text)) text = `'${text}`;
    return `"${text.replace(/"/g, '""')}"`;
  };
  return [header, ...rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}

/** Saves `text` as a file named `name` (a Blob link: nothing leaves the page). */
export function save(name, text) {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}
