/**
 * The thematic map as SVG: a pure function, so the app draws exactly the picture the
 * student exports for the thesis (SVG, or PNG rendered from it). Each top-level theme
 * is a column: its box, its codes beneath with their counts, then its sub-themes with
 * theirs. Every element carries `data-theme` / `data-code` ids so tests and the
 * renderer can find them; all text is escaped.
 */
import type { ThematicMapData, ThemeStatus } from './analysis';

export interface MapLabels {
  /** "{n} segments" in the user's language. */
  segments: (n: number) => string;
  status: Record<ThemeStatus, string>;
  /** Shown when there are no themes yet. */
  empty: string;
}

const COL_W = 260;
const GAP = 30;
const THEME_H = 54;
const CODE_H = 30;
const PAD = 20;

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** Long names are cut for the picture (the full name is in the element's title). */
const cut = (s: string, n: number): string => ([...s].length > n ? `${[...s].slice(0, n - 1).join('')}…` : s);

const STATUS_FILL: Record<ThemeStatus, string> = { candidate: '#fff7e0', reviewed: '#e6f0ff', defined: '#e5f5e5' };

export function thematicMapSvg(data: ThematicMapData, labels: MapLabels): string {
  const codes = new Map(data.codes.map((c) => [c.id, c]));
  const top = data.themes.filter((t) => t.parentId === null || !data.themes.some((p) => p.id === t.parentId));
  const childrenOf = (id: string) => data.themes.filter((t) => t.parentId === id);
  const parts: string[] = [];
  let maxY = PAD + 40;

  const drawTheme = (t: ThematicMapData['themes'][number], x: number, y: number, depth: number): number => {
    const w = COL_W - depth * 24;
    const tx = x + depth * 24;
    parts.push(
      `<g data-theme="${esc(t.id)}" data-status="${t.status}"><title>${esc(t.name)}</title>` +
        `<rect x="${tx}" y="${y}" width="${w}" height="${THEME_H}" rx="10" fill="${STATUS_FILL[t.status]}" stroke="#333" stroke-width="${depth === 0 ? 2 : 1}"/>` +
        `<text x="${tx + 12}" y="${y + 22}" font-size="${depth === 0 ? 15 : 13}" font-weight="bold">${esc(cut(t.name, depth === 0 ? 28 : 26))}</text>` +
        `<text x="${tx + 12}" y="${y + 42}" font-size="11" fill="#444">${esc(labels.status[t.status])} · ${esc(labels.segments(t.segmentCount))}</text></g>`,
    );
    let cy = y + THEME_H + 10;
    for (const id of t.codeIds) {
      const c = codes.get(id);
      if (!c) continue;
      const cx = tx + 24;
      parts.push(
        `<line x1="${tx + 12}" y1="${y + THEME_H}" x2="${cx}" y2="${cy + CODE_H / 2}" stroke="#999"/>` +
          `<g data-code="${esc(c.id)}" data-in-theme="${esc(t.id)}"><title>${esc(c.name)}</title>` +
          `<rect x="${cx}" y="${cy}" width="${w - 24}" height="${CODE_H}" rx="6" fill="#fff" stroke="${esc(c.color)}" stroke-width="2"/>` +
          `<rect x="${cx}" y="${cy}" width="6" height="${CODE_H}" fill="${esc(c.color)}"/>` +
          `<text x="${cx + 14}" y="${cy + 19}" font-size="12">${esc(cut(c.name, 24))}</text>` +
          `<text x="${cx + w - 32}" y="${cy + 19}" font-size="12" text-anchor="end" fill="#444">${c.segmentCount}</text></g>`,
      );
      cy += CODE_H + 6;
    }
    for (const sub of childrenOf(t.id)) cy = drawTheme(sub, x, cy + 6, depth + 1) + 6;
    return cy;
  };

  top.forEach((t, i) => {
    const x = PAD + i * (COL_W + GAP);
    maxY = Math.max(maxY, drawTheme(t, x, PAD + 40, 0));
  });
  if (top.length === 0) parts.push(`<text x="${PAD}" y="${PAD + 60}" font-size="14" fill="#444">${esc(labels.empty)}</text>`);
  // Wide enough for the project's title too: with one or two themes a long title was cut
  // off at the picture's edge. 0.62 em a character is generous for bold sans-serif.
  const titleWidth = Math.ceil([...data.title].length * 18 * 0.62);
  const width = Math.max(Math.max(1, top.length) * (COL_W + GAP) - GAP, titleWidth) + 2 * PAD;
  const height = maxY + PAD;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" role="img" aria-label="${esc(data.title)}">` +
    `<rect width="100%" height="100%" fill="#fff"/>` +
    `<text x="${PAD}" y="${PAD + 16}" font-size="18" font-weight="bold">${esc(data.title)}</text>` +
    parts.join('') +
    `</svg>`
  );
}
