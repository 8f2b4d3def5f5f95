/**
 * `npx tsx tests/bench/analysis-ui.ts` (after `npx electron-vite build`): how long the
 * coding view takes to open a 60 000-character transcript with 500 coded segments until
 * the text is shown with all its margin bars, in Debian's Chromium through the browser
 * harness (the same handlers as the app). The goal in issue 9 is 150 ms. Prints the
 * figures; they are copied into docs/benchmarks.md by hand with the date and machine.
 */
import * as os from 'node:os';
import { openStudy } from '../e2e/harness';

const CHARS = 60_000;
const SEGMENTS = 500;
const CODES = 40;
const RUNS = 7;

const { harness, browser, page } = await openStudy('hvelv-bench-ui-', {}, 900);
await harness.invoke('participants.add', { identity: { name: 'Bente Benk' } });
await harness.invoke('consent.record', { code: 'JS01', date: '2026-11-20', formVersion: 1, locale: 'nb', method: 'paper', statements: ['participate', 'processing-until-end'], evidence: null });

// Utterances with f4 stamps, æøå and now and then an emoji, as a long interview reads.
const parts: string[] = [];
let len = 0;
for (let i = 0; len < CHARS; i++) {
  const s = Math.floor(i * 7.3);
  const stamp = `#${String(Math.floor(s / 3600)).padStart(2, '0')}:${String(Math.floor(s / 60) % 60).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}-0#`;
  const line = `${stamp} ${i % 2 ? 'B' : 'I'}: Det handler om tillit og åpenhet, om å være trygg på hverandre${i % 25 === 0 ? ' 🙂' : ''}, og om å holde relasjonen varm også når det går tregt.\n\n`;
  parts.push(line);
  len += line.length;
}
const text = parts.join('').slice(0, CHARS);
const { id } = (await harness.invoke('transcripts.create', { code: 'JS01', recordingId: null })) as { id: string };
await harness.invoke('transcripts.update', { id, text });
const codeIds: string[] = [];
for (let i = 0; i < CODES; i++) codeIds.push(((await harness.invoke('codes.add', { name: `Kode ${i + 1}`, parentId: null, definition: '' })) as { id: string }).id);
const cps = [...text].length;
for (let i = 0; i < SEGMENTS; i++) {
  const start = Math.floor((i * (cps - 200)) / SEGMENTS);
  await harness.invoke('coding.apply', { transcriptId: id, start, end: start + 40 + (i % 7) * 20, codeId: codeIds[i % CODES] });
}

await page.goto(harness.url);
await page.getByRole('button', { name: 'Analyse', exact: true }).click();
await page.getByRole('button', { name: 'Kod intervjuet med JS01' }).waitFor();

// The renderer's main thread: its CPU time (ThreadTime) and time in layout and style per
// run, from the DevTools metrics; on shared cores they say more than wall time.
const cdp = await page.context().newCDPSession(page);
await cdp.send('Performance.enable');
const metrics = async (): Promise<Record<string, number>> => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
const cpu: number[] = [];
const layout: number[] = [];
const style: number[] = [];
const times: number[] = [];
const drawing: number[] = [];
for (let run = 0; run < RUNS; run++) {
  const m0 = await metrics();
  // Timed in the page: from the click to the frame in which every bar is placed.
  const ms = await page.evaluate(async (want) => {
    const doc = (globalThis as unknown as { document: { querySelector(s: string): { click(): void } | null; querySelectorAll(s: string): { length: number } } }).document;
    const raf = (globalThis as unknown as { requestAnimationFrame(cb: () => void): void }).requestAnimationFrame;
    // Note when the view's two requests are answered, to tell fetching from drawing.
    const w = globalThis as unknown as { hvelv: { invoke(m: string, i: unknown): Promise<unknown> } };
    const invoke = w.hvelv.invoke.bind(w.hvelv);
    let answered = 0;
    w.hvelv.invoke = (m, i) => invoke(m, i).then((r) => ((m === 'transcripts.get' || m === 'coding.segments') && (answered = Math.max(answered, performance.now())), r));
    const t0 = performance.now();
    doc.querySelector('button[aria-label="Kod intervjuet med JS01"]')!.click();
    try {
      for (;;) {
        await new Promise<void>((r) => raf(() => r()));
        if (doc.querySelectorAll('.coding-margin .bar').length >= want) {
          const t = performance.now();
          return { total: t - t0, drawing: t - answered };
        }
        if (performance.now() - t0 > 30_000) throw new Error('bars never appeared');
      }
    } finally {
      w.hvelv.invoke = invoke;
    }
  }, SEGMENTS);
  const m1 = await metrics();
  cpu.push((m1.ThreadTime! - m0.ThreadTime!) * 1000);
  layout.push((m1.LayoutDuration! - m0.LayoutDuration!) * 1000);
  style.push((m1.RecalcStyleDuration! - m0.RecalcStyleDuration!) * 1000);
  times.push(ms.total);
  drawing.push(ms.drawing);
  await page.getByRole('button', { name: 'Til listen over intervjuer' }).click();
  await page.getByRole('button', { name: 'Kod intervjuet med JS01' }).waitFor();
}
// Where the time goes: the two requests the view makes, timed alone from the page.
const ipc = await page.evaluate(async (tid) => {
  const h = (globalThis as unknown as { hvelv: { invoke(m: string, i: unknown): Promise<unknown> } }).hvelv;
  const out: Record<string, number> = {};
  for (const [m, input] of [['transcripts.get', { id: tid }], ['coding.segments', { transcriptId: tid }]] as const) {
    const t = performance.now();
    for (let i = 0; i < 5; i++) await h.invoke(m, input);
    out[m] = (performance.now() - t) / 5;
  }
  return out;
}, id);
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)]!;
console.log(`${new Date().toISOString().slice(0, 10)}, ${os.cpus()[0]?.model ?? 'unknown CPU'} (${os.cpus().length} cores), Chromium headless`);
console.log(`coding view: ${CHARS} characters, ${SEGMENTS} segments, ${CODES} codes: open until all margin bars are drawn, median ${median.toFixed(0)} ms, best ${times[0]!.toFixed(0)} ms, worst ${times.at(-1)!.toFixed(0)} ms (${RUNS} runs; goal 150 ms)`);
drawing.sort((a, b) => a - b);
console.log(`  of which drawing (from the last answer to the frame with every bar): median ${drawing[Math.floor(drawing.length / 2)]!.toFixed(0)} ms, best ${drawing[0]!.toFixed(0)} ms`);
const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!.toFixed(0);
console.log(`  renderer main thread per open (median): CPU ${med(cpu)} ms, of which layout ${med(layout)} ms and style ${med(style)} ms; load average ${os.loadavg()[0]!.toFixed(1)}`);
console.log(`  requests alone (mean of 5, over the harness's loopback HTTP): transcripts.get ${ipc['transcripts.get']!.toFixed(0)} ms, coding.segments ${ipc['coding.segments']!.toFixed(0)} ms`);
await browser.close();
await harness.close();
