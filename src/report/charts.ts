// SVG charts drawn in TypeScript, so reports need no browser or script to show them.
// Every text that reaches the SVG goes through escapeXml: labels can come from report data.

export function escapeXml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Coordinates with one decimal keep the SVG small and stable for golden comparisons. */
function n(value: number): string {
  return (Math.round(value * 10) / 10).toString();
}

/** Colour-blind-safe palette (Okabe & Ito), with yellow swapped for olive so lines stay visible on white. */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#999933', '#000000'];

export interface RadarAxis {
  label: string;
  /** 0..max, or null when not assessed (drawn as such, never as 0). */
  value: number | null;
  /** The previous run's value, when known. */
  previous?: number | null;
}

export interface RadarOptions {
  max?: number;
  title: string;
  /** Shown under the label of an axis whose value is null. */
  notAssessedLabel: string;
  currentLabel: string;
  previousLabel?: string;
  size?: number;
}

/** A radar (spider) chart of levels per area, with the previous run as a dashed outline when given. */
export function radarChart(axes: RadarAxis[], opts: RadarOptions): string {
  const max = opts.max ?? 5;
  const size = opts.size ?? 380;
  const cx = size / 2;
  const cy = size / 2 - 6;
  const radius = size * 0.33;
  const count = Math.max(axes.length, 3);
  const angle = (i: number) => -Math.PI / 2 + (2 * Math.PI * i) / count;
  const at = (i: number, value: number): [number, number] => {
    const r = (Math.max(0, Math.min(max, value)) / max) * radius;
    return [cx + r * Math.cos(angle(i)), cy + r * Math.sin(angle(i))];
  };
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart radar" viewBox="-96 0 ${size + 192} ${size + 34}" ` +
      `role="img" aria-label="${escapeXml(opts.title)}">`,
    `<title>${escapeXml(opts.title)}</title>`,
  );
  // Rings, one per level, and the level numbers along the first axis.
  for (let level = 1; level <= max; level++) {
    const ring = axes.map((_, i) => at(i, level).map(n).join(',')).join(' ');
    parts.push(
      `<polygon class="ring" points="${ring}" fill="none" stroke="#cfd6de" ` +
        `stroke-width="${level === max ? 1.2 : 0.7}"/>`,
    );
    const [lx, ly] = at(0, level);
    parts.push(`<text class="tick" x="${n(lx + 4)}" y="${n(ly + 3)}" font-size="10" fill="#7a8794">${level}</text>`);
  }
  axes.forEach((_, i) => {
    const [x, y] = at(i, max);
    parts.push(`<line x1="${n(cx)}" y1="${n(cy)}" x2="${n(x)}" y2="${n(y)}" stroke="#cfd6de" stroke-width="0.7"/>`);
  });
  const polygon = (values: (number | null | undefined)[], cls: string, style: string) => {
    const pts = values.flatMap((v, i) => (v === null || v === undefined ? [] : [at(i, v).map(n).join(',')]));
    if (pts.length >= 3) parts.push(`<polygon class="${cls}" points="${pts.join(' ')}" ${style}/>`);
    else if (pts.length === 2) parts.push(`<polyline class="${cls}" points="${pts.join(' ')}" ${style} fill="none"/>`);
  };
  if (axes.some((a) => a.previous !== undefined && a.previous !== null)) {
    polygon(
      axes.map((a) => a.previous),
      'previous',
      'fill="none" stroke="#7a8794" stroke-width="1.5" stroke-dasharray="4 3"',
    );
  }
  polygon(
    axes.map((a) => a.value),
    'current',
    'fill="#0072B2" fill-opacity="0.22" stroke="#0072B2" stroke-width="2"',
  );
  axes.forEach((axis, i) => {
    // An axis nothing measured gets no point (a point at the centre would read as level 0).
    if (axis.value === null) return;
    const [x, y] = at(i, axis.value);
    parts.push(
      `<circle class="point" cx="${n(x)}" cy="${n(y)}" r="3.2" ` +
        `fill="#0072B2"><title>${escapeXml(`${axis.label}: ${axis.value}`)}</title></circle>`,
    );
  });
  // Axis labels outside the outer ring, anchored away from the centre.
  axes.forEach((axis, i) => {
    const a = angle(i);
    const lr = radius + 14;
    const x = cx + lr * Math.cos(a);
    const y = cy + lr * Math.sin(a) + (Math.sin(a) > 0.3 ? 10 : Math.sin(a) < -0.3 ? -16 : -4);
    const cos = Math.cos(a);
    const anchor = cos > 0.25 ? 'start' : cos < -0.25 ? 'end' : 'middle';
    const cls = axis.value === null ? 'label not-assessed' : 'label';
    const fill = axis.value === null ? '#8a96a3' : '#1d2b3a';
    // Name on the first line, the level (or "not assessed") under it, so long names fit beside the chart.
    parts.push(
      `<text class="${cls}" x="${n(x)}" y="${n(y)}" text-anchor="${anchor}" font-size="16" ` +
        `fill="${fill}">${escapeXml(axis.label)}`,
    );
    if (axis.value === null) {
      parts.push(
        `<tspan x="${n(x)}" dy="16" font-size="13" font-style="italic">${escapeXml(opts.notAssessedLabel)}</tspan>`,
      );
    } else {
      parts.push(
        `<tspan x="${n(x)}" dy="17" font-size="15" font-weight="700" fill="#0072B2">${escapeXml(axis.value)}</tspan>`,
      );
    }
    parts.push('</text>');
  });
  // Legend.
  const ly = size + 26;
  parts.push(
    `<rect x="${n(cx - 120)}" y="${ly - 10}" width="16" height="10" fill="#0072B2" fill-opacity="0.4" ` +
      'stroke="#0072B2"/>',
  );
  parts.push(`<text x="${n(cx - 102)}" y="${ly}" font-size="14" fill="#1d2b3a">${escapeXml(opts.currentLabel)}</text>`);
  if (opts.previousLabel && axes.some((a) => a.previous !== undefined && a.previous !== null)) {
    parts.push(
      `<line x1="${n(cx + 10)}" y1="${ly - 4}" x2="${n(cx + 26)}" y2="${ly - 4}" stroke="#7a8794" ` +
        'stroke-width="1.5" stroke-dasharray="4 3"/>',
    );
    parts.push(
      `<text x="${n(cx + 30)}" y="${ly}" font-size="14" fill="#1d2b3a">${escapeXml(opts.previousLabel)}</text>`,
    );
  }
  parts.push('</svg>');
  return parts.join('');
}

export interface LineSeries {
  label: string;
  /** One value per x label; null leaves a gap (e.g. an area not assessed in that run). */
  values: (number | null)[];
}

export interface LineChartOptions {
  title: string;
  xLabels: string[];
  yMax?: number;
  /** Names for the integer y ticks (e.g. level names), index = value. */
  yTickLabels?: string[];
  width?: number;
  height?: number;
}

/** A line chart of values over runs (levels per area across reports). */
export function lineChart(series: LineSeries[], opts: LineChartOptions): string {
  const width = opts.width ?? 680;
  const legendRows = Math.ceil(series.length / 3);
  const plotHeight = opts.height ?? 240;
  const height = plotHeight + 40 + legendRows * 16;
  const yMax = opts.yMax ?? Math.max(1, ...series.flatMap((s) => s.values.filter((v): v is number => v !== null)));
  const left = opts.yTickLabels ? 96 : 36;
  const right = 16;
  const top = 14;
  const bottom = plotHeight - 4;
  const xs = opts.xLabels.length;
  const x = (i: number) => (xs <= 1 ? (left + width - right) / 2 : left + ((width - right - left) * i) / (xs - 1));
  const y = (v: number) => bottom - ((bottom - top) * Math.max(0, Math.min(yMax, v))) / yMax;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart line" viewBox="0 0 ${width} ${height}" role="img" ` +
      `aria-label="${escapeXml(opts.title)}">`,
    `<title>${escapeXml(opts.title)}</title>`,
  );
  const step = yMax <= 10 ? 1 : Math.ceil(yMax / 5);
  for (let v = 0; v <= yMax; v += step) {
    parts.push(
      `<line x1="${left}" y1="${n(y(v))}" x2="${width - right}" y2="${n(y(v))}" stroke="#e3e8ee" stroke-width="0.8"/>`,
    );
    const label = opts.yTickLabels?.[v] !== undefined ? `${v} ${opts.yTickLabels[v]}` : String(v);
    parts.push(
      `<text x="${left - 6}" y="${n(y(v) + 3)}" text-anchor="end" font-size="10" ` +
        `fill="#5b6b7b">${escapeXml(label)}</text>`,
    );
  }
  opts.xLabels.forEach((label, i) => {
    parts.push(
      `<text x="${n(x(i))}" y="${bottom + 16}" text-anchor="middle" font-size="10" ` +
        `fill="#5b6b7b">${escapeXml(label)}</text>`,
    );
  });
  series.forEach((s, si) => {
    const colour = PALETTE[si % PALETTE.length];
    // Nulls split the line into segments so a missing value is a gap, never a drop to zero.
    let segment: string[] = [];
    const flush = () => {
      if (segment.length > 1) {
        parts.push(`<polyline points="${segment.join(' ')}" fill="none" stroke="${colour}" stroke-width="2"/>`);
      }
      segment = [];
    };
    s.values.forEach((v, i) => {
      if (v === null || i >= xs) {
        flush();
        return;
      }
      segment.push(`${n(x(i))},${n(y(v))}`);
      parts.push(
        `<circle cx="${n(x(i))}" cy="${n(y(v))}" r="3" ` +
          `fill="${colour}"><title>${escapeXml(`${s.label} · ${opts.xLabels[i] ?? ''}: ${v}`)}</title></circle>`,
      );
    });
    flush();
    const col = si % 3;
    const row = Math.floor(si / 3);
    const lx = left + col * ((width - left) / 3);
    const ly = plotHeight + 30 + row * 16;
    parts.push(
      `<line x1="${n(lx)}" y1="${ly - 4}" x2="${n(lx + 16)}" y2="${ly - 4}" stroke="${colour}" stroke-width="2.5"/>`,
    );
    parts.push(`<text x="${n(lx + 21)}" y="${ly}" font-size="10" fill="#1d2b3a">${escapeXml(s.label)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}

/** A small horizontal bar of a level out of max, for tables. */
export function levelBar(level: number | null, max = 5, width = 90): string {
  const h = 8;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="level-bar" width="${width}" height="${h}" viewBox="0 0 ` +
      `${width} ${h}" aria-hidden="true">`,
  ];
  parts.push(`<rect x="0" y="0" width="${width}" height="${h}" rx="2" fill="#e8edf2"/>`);
  if (level !== null) {
    const w = (width * Math.max(0, Math.min(max, level))) / max;
    const colour = level >= 4 ? '#1a7f4b' : level >= 3 ? '#3b8f3b' : level >= 2 ? '#c98a06' : '#c0392b';
    parts.push(`<rect x="0" y="0" width="${n(w)}" height="${h}" rx="2" fill="${colour}"/>`);
  }
  parts.push('</svg>');
  return parts.join('');
}
