/**
 * Key → screen, as Chromium measures it itself: the `EventLatency` trace events of its
 * compositor (the ones behind its own input-latency metrics), one per key press, from the
 * moment the key event was made to the moment the frame that shows it was presented, in
 * stages. Recorded with Playwright's tracing, kept in memory (never written to disk).
 *
 * The stage `RendererMainFinishedToBeginImplFrame` is the wait, after the page has handled
 * the key, for the next frame to begin: with frames every 16.7 ms it is anything from 0 to
 * 16.7 ms whatever the page does, so a key typed just after a frame began shows in the
 * next one, 17–25 ms after it was typed, even in a bare textarea. What is left without it
 * is what the key costs: the page's handling and the frame's making and drawing.
 */
import type { Browser, Page } from 'playwright-core';

export interface KeyLatency {
  /** Key made → frame presented, ms. */
  total: number;
  /** Of that, the wait for the next frame to begin after the page was done (0 when the frame was already due). */
  frameWait: number;
  /** The page's main thread handling the key (its handlers, the editor's update). */
  main: number;
}

const CATEGORIES = ['benchmark', 'input', 'latencyInfo', 'cc'];

export async function startKeyTrace(browser: Browser, page: Page): Promise<void> {
  await browser.startTracing(page, { categories: CATEGORIES });
}

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  pid: number;
  id2?: { local?: string };
  args?: { event_latency?: { event_type?: string } };
}

/** Stop tracing and return one entry per key pressed in the page since `startKeyTrace`. */
export async function stopKeyTrace(browser: Browser): Promise<KeyLatency[]> {
  const buf = await browser.stopTracing();
  const parsed = JSON.parse(buf.toString('utf8')) as { traceEvents?: TraceEvent[] } | TraceEvent[];
  const events = (Array.isArray(parsed) ? parsed : (parsed.traceEvents ?? []))
    .filter((e) => e.id2?.local !== undefined && (e.ph === 'b' || e.ph === 'e'))
    .sort((a, b) => a.ts - b.ts);
  // An EventLatency's stages are async events with its id, nested in its begin and end.
  const open = new Map<string, { type: string; begin: number; starts: Map<string, number>; stages: Map<string, number> }>();
  const out: KeyLatency[] = [];
  for (const e of events) {
    const id = `${e.pid}:${e.id2!.local}`;
    if (e.name === 'EventLatency') {
      if (e.ph === 'b') open.set(id, { type: e.args?.event_latency?.event_type ?? '', begin: e.ts, starts: new Map(), stages: new Map() });
      else {
        const r = open.get(id);
        open.delete(id);
        if (r?.type === 'KEY_PRESSED') out.push({ total: (e.ts - r.begin) / 1000, frameWait: (r.stages.get('RendererMainFinishedToBeginImplFrame') ?? 0) / 1000, main: (r.stages.get('RendererMainProcessing') ?? 0) / 1000 });
      }
      continue;
    }
    const r = open.get(id);
    if (!r) continue;
    if (e.ph === 'b') r.starts.set(e.name, e.ts);
    else if (r.starts.has(e.name)) r.stages.set(e.name, e.ts - r.starts.get(e.name)!);
  }
  return out;
}

const FRAME = 1000 / 60;

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};

/** How many keys were shown within one frame once the wait for the frame to begin is taken out. */
export const withinFrame = (keys: KeyLatency[]): number => keys.filter((k) => k.total - k.frameWait < FRAME).length;

/** One line of figures for a table cell. */
export function describeKeys(keys: KeyLatency[]): string {
  const within = withinFrame(keys);
  const total = keys.map((k) => k.total);
  const cost = keys.map((k) => k.total - k.frameWait);
  const main = keys.map((k) => k.main);
  const f = (x: number) => x.toFixed(1);
  return (
    `${within} of ${keys.length} keys within one frame (16.7 ms) once the wait for the frame to begin is taken out; ` +
    `key → presented p50 ${f(pct(total, 50))}, p95 ${f(pct(total, 95))}, max ${f(Math.max(...total))} ms (${total.filter((x) => x < FRAME).length} under 16.7 ms with the wait); ` +
    `without the wait p50 ${f(pct(cost, 50))}, p95 ${f(pct(cost, 95))}, max ${f(Math.max(...cost))} ms; ` +
    `the page's handling p50 ${f(pct(main, 50))}, p95 ${f(pct(main, 95))} ms`
  );
}
