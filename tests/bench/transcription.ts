/**
 * `npm run bench:transcription`: the transcription workspace at interview size, in
 * Chromium through the test harness: a 75-minute recording and a transcript of 60 000
 * characters with 400 timestamps. Measures a keystroke (key down → the text laid out
 * on screen), autosave (seal, sign, write; wall and CPU time), the waveform's peaks
 * computed in core (time, CPU, memory), opening with the stored waveform, and the first
 * opening of a recording whose waveform is not stored yet. Writes its section of docs/benchmarks.md.
 * Needs `npx electron-vite build` first.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openStudy } from '../e2e/harness';
import { makeSpeechLikeWav } from '../e2e/audio-fixture';
import { f4Stamp } from '@shared/transcript';
import { writeSections } from './doc';
import { describeKeys, startKeyTrace, stopKeyTrace, withinFrame, type KeyLatency } from './key-latency';

const MINUTES = 75;
const lines: string[] = [];
const log = (s: string): void => {
  console.log(s);
  lines.push(s);
};
const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const ms = (x: number): string => `${x.toFixed(1)} ms`;

const { home, harness, browser, page } = await openStudy('hvelv-bench-tx-', {}, 900);
try {
  await harness.invoke('participants.add', { identity: { name: 'Bench Deltaker' } });
  await harness.invoke('consent.record', { code: 'JS01', date: '2026-11-20', formVersion: 1, locale: 'nb', method: 'paper', statements: ['participate', 'audio-recording', 'processing-until-end'], evidence: null });
  const wav = path.join(home, 'intervju-75.wav');
  makeSpeechLikeWav(wav, MINUTES * 60);
  const wavBytes = fs.statSync(wav).size;
  harness.fileAnswers.push(wav);
  const token = (await harness.invoke('recordings.chooseFile', {})) as { token: string };
  const importT0 = performance.now();
  const rec = (await harness.invoke('recordings.import', { jobId: 'bench-tx-1', code: 'JS01', file: token.token })) as { id: string };
  const importMs = performance.now() - importT0;
  fs.rmSync(wav);

  // 400 turns over 75 minutes, 60 000 characters in all, as the seed study writes them.
  const turns: string[] = [];
  const per = Math.floor(60_000 / 400);
  for (let i = 0; i < 400; i++) {
    const head = `${f4Stamp(Math.round((i * MINUTES * 60_000) / 400))} ${i % 2 ? 'B' : 'I'}: `;
    turns.push(`${head}${'Det handler om relasjonen og om å tro på at folk kan jobbe. '.repeat(4).slice(0, per - head.length - 1)}\n`);
  }
  const text = turns.join('');
  const tr = (await harness.invoke('transcripts.create', { code: 'JS01', recordingId: rec.id })) as { id: string };
  await harness.invoke('transcripts.update', { id: tr.id, text });

  // Autosave of that transcript: the same call the page makes, timed at the handler, with
  // the CPU time of this process (the handler's; the page is not open yet). Each save has
  // a text of its own, as typing makes it (a letter more in the middle each time): a text
  // seen before would find the identifying-details check in its cache.
  const typed = (i: number): string => `${text.slice(0, 30_000)}${'og så '.repeat(i + 1)}${text.slice(30_000)}`;
  const timed = async (method: string, input: (i: number) => unknown, n: number) => {
    const wall: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < n; i++) {
      const c = process.cpuUsage();
      const t = performance.now();
      await harness.invoke(method, input(i));
      wall.push(performance.now() - t);
      const d = process.cpuUsage(c);
      cpu.push((d.user + d.system) / 1000);
    }
    return { wall, cpu };
  };
  const saves = await timed('transcripts.autosave', (i) => ({ id: tr.id, text: typed(i) }), 60);
  // The full update (read back, checked, sent back whole), which autosave was before.
  const updates = await timed('transcripts.update', (i) => ({ id: tr.id, text: typed(100 + i), autosave: true }), 30);
  await harness.invoke('transcripts.update', { id: tr.id, text });

  // The waveform in core: computed at import above; here again, as for a recording
  // imported before, timed, with its CPU time and the process's memory above where it was.
  const session = harness.sessions.require();
  session.stores.recordings.delete('recording_peaks', rec.id);
  const rss0 = process.memoryUsage().rss;
  let rssMax = rss0;
  const sampler = setInterval(() => (rssMax = Math.max(rssMax, process.memoryUsage().rss)), 5);
  const peaksCpu0 = process.cpuUsage();
  const peaksT0 = performance.now();
  await harness.invoke('recordings.computePeaks', { id: rec.id });
  const peaksMs = performance.now() - peaksT0;
  const peaksCpu = process.cpuUsage(peaksCpu0);
  clearInterval(sampler);
  // The longest the event loop waited while the peaks were computed (other requests wait that long).
  session.stores.recordings.delete('recording_peaks', rec.id);
  let lagMax = 0;
  let tick = performance.now();
  const lag = setInterval(() => {
    const t = performance.now();
    lagMax = Math.max(lagMax, t - tick - 1);
    tick = t;
  }, 1);
  await harness.invoke('recordings.computePeaks', { id: rec.id });
  clearInterval(lag);

  // A 75-minute recording on a shared two-core machine: give each step time.
  page.setDefaultTimeout(180_000);
  await page.goto(harness.url);
  const toView = async () => {
    await page.getByRole('button', { name: 'Opptak', exact: true }).click();
    await page.getByRole('button', { name: /Åpne opptaket til JS01/ }).click();
    await page.getByRole('button', { name: 'Transkriber' }).waitFor();
  };
  const open = async (): Promise<number> => {
    const t = performance.now();
    await page.getByRole('button', { name: 'Transkriber' }).click();
    await page.locator('.tx-wave:not([data-peaks="0"])').waitFor({ timeout: 300_000 });
    // The editor (CodeMirror, in its shadow root) is made with the whole text at once: its first line drawn is the text in.
    await page.waitForFunction(`document.querySelector('.tx-editor')?.shadowRoot?.querySelector('#tx-editor .cm-line')?.textContent === ${JSON.stringify(text.slice(0, text.indexOf('\n')))}`);
    return performance.now() - t;
  };

  // First opening of a recording imported before core computed waveforms: core computes
  // them while the workspace opens (the page fetches nothing for it).
  harness.sessions.require().stores.recordings.delete('recording_peaks', rec.id);
  await toView();
  const firstMs = await open();
  const peaks = Buffer.from((await harness.invoke('recordings.peaks', { id: rec.id })) as string, 'base64').length;

  // Later openings: the stored waveform, the transcript, the player.
  const opens: number[] = [];
  for (let i = 0; i < 7; i++) {
    await page.getByRole('button', { name: '← Tilbake til opptaket' }).click();
    await page.reload();
    await toView();
    opens.push(await open());
  }

  // Keystrokes in the middle of the text. Chromium's own EventLatency trace first, with
  // nothing of the bench's in the page: key made → the frame that shows it presented.
  // In the page (strings, as the page's own code would be written; no DOM types here).
  const root = `document.querySelector('.tx-editor').shadowRoot`;
  await page.locator('#tx-editor').focus();
  await page.evaluate(`(() => { const s = ${root}.querySelector('.cm-scroller'); s.scrollTop = (s.scrollHeight - s.clientHeight) / 2; })()`);
  await new Promise((r) => setTimeout(r, 500));
  // A click in the middle of the editor (in a turn's words, not on its timestamp), then the end of that line.
  const box = (await page.locator('.tx-editor').boundingBox())!;
  const toEditor = async () => {
    await page.evaluate(`document.getElementById('bench-peer')?.style.setProperty('display', 'none')`);
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await page.keyboard.press('End');
    await new Promise((r) => setTimeout(r, 300));
  };
  await toEditor();
  const caretLine = (await page.evaluate(`(() => { let n = ${root}.getSelection().focusNode; while (n && !(n.classList && n.classList.contains('cm-line'))) n = n.parentNode; return n ? n.textContent : ''; })()`)) as string;
  const caretAt = text.indexOf(caretLine.slice(0, 13));
  console.log(`caret in the line starting at character ${caretAt} of ${text.length}`);
  // The peer, in the same page and run: the browser's own text box (a <textarea>) holding
  // the same 60 000 characters, with no handlers of Hvelv's, caret in the middle.
  await page.evaluate(`(() => {
    const t = document.createElement('textarea');
    t.id = 'bench-peer';
    t.value = ${JSON.stringify(text)};
    t.style.cssText = 'position:fixed;top:0;left:0;width:700px;height:500px;z-index:9999;font:1rem/1.7 Georgia,serif;display:none';
    document.body.append(t);
  })()`);
  const toPeer = async () => {
    await page.evaluate(`(() => { const t = document.getElementById('bench-peer'); t.style.display = ''; t.focus(); t.setSelectionRange(${caretAt + 60}, ${caretAt + 60}); })()`);
    await new Promise((r) => setTimeout(r, 300));
  };
  const sentence = 'og så sa hun at det var viktig å bli sett ';
  // Typing at a person's pace: a key every 70 ms (about 170 words a minute, faster than
  // anyone transcribes), and, apart, keys sent back to back as fast as the browser takes
  // them (several in one frame, which no one types). Rounds of editor and peer take turns,
  // so that a change in the machine's load meets both.
  const ROUNDS = 3;
  const keysTyped = async (to: () => Promise<void>, delay: number): Promise<KeyLatency[]> => {
    await to();
    await startKeyTrace(browser, page);
    for (let i = 0; i < 2; i++) await page.keyboard.type(sentence, { delay });
    return stopKeyTrace(browser);
  };
  const paced = { editor: [] as KeyLatency[][], peer: [] as KeyLatency[][], editorPlaying: [] as KeyLatency[][], peerPlaying: [] as KeyLatency[][] };
  const flood = { editor: [] as KeyLatency[][], peer: [] as KeyLatency[][] };
  for (let r = 0; r < ROUNDS; r++) {
    paced.editor.push(await keysTyped(toEditor, 70));
    paced.peer.push(await keysTyped(toPeer, 70));
  }
  // While the recording plays (F4 works anywhere in the workspace): the turn highlight following, the clock and the waveform moving.
  await page.keyboard.press('F4');
  for (let r = 0; r < ROUNDS; r++) {
    paced.editorPlaying.push(await keysTyped(toEditor, 70));
    paced.peerPlaying.push(await keysTyped(toPeer, 70));
  }
  await page.keyboard.press('F4');
  for (let r = 0; r < ROUNDS; r++) {
    flood.editor.push(await keysTyped(toEditor, 0));
    flood.peer.push(await keysTyped(toPeer, 0));
  }
  const rounds = (xs: KeyLatency[][]): string => `; by round: ${xs.map((k) => `${withinFrame(k)} of ${k.length}`).join(', ')}`;

  // Then the page's own side, with the bench's listeners in the page: key down → input
  // handled, the editor's state and lines updated and laid out; and the browser's Event
  // Timing for keystrokes slower than one frame (16 ms), its finest threshold.
  await toEditor();
  await page.evaluate(`(() => {
    window.__lat = [];
    window.__slow = [];
    // Playwright types a character outside the US layout (å) as text, with no key down:
    // only an input that follows its own key down is timed (else it would be timed from the key before).
    window.__t0 = null;
    window.addEventListener('keydown', () => (window.__t0 = performance.now()), { capture: true });
    // CodeMirror reads the typed character from the DOM in its mutation observer, a
    // microtask queued before this one: when this runs, its update and lines are done.
    ${root}.getElementById('tx-editor').addEventListener('input', () => {
      queueMicrotask(() => {
        ${root}.querySelector('.cm-content').getBoundingClientRect();
        void ${root}.querySelector('.cm-scroller').scrollHeight;
        if (window.__t0 !== null) window.__lat.push(performance.now() - window.__t0);
        window.__t0 = null;
      });
    });
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (e.name === 'keydown') window.__slow.push(e.duration);
    }).observe({ type: 'event', durationThreshold: 16 });
  })()`);
  for (let i = 0; i < 5; i++) await page.keyboard.type(sentence, { delay: 70 });
  const handled = (await page.evaluate('window.__lat.splice(0)')) as number[];
  await new Promise((r) => setTimeout(r, 300));
  const slow = (await page.evaluate('window.__slow.splice(0)')) as number[];
  const keys = handled.length;
  const over = (limit: number) => slow.filter((d) => d > limit).length;

  const cpu = os.cpus()[0]?.model ?? 'unknown cpu';
  const date = new Date().toISOString().slice(0, 10);
  log(`## Transcription workspace (${date})`);
  log('');
  log(`Machine: ${cpu}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 1024 ** 3)} GiB, ${os.platform()} ${os.release()}, Node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')} at the end (other work on the machine); Debian's Chromium, headless, software rendering, through tests/e2e/harness.ts. Made by \`npm run bench:transcription\` (tests/bench/transcription.ts).`);
  log('');
  log(`A ${MINUTES}-minute recording (16 kHz mono WAV, ${(wavBytes / 1e6).toFixed(0)} MB, made by tests/e2e/audio-fixture.ts) and a transcript of ${text.length} characters with 400 timestamps.`);
  log('');
  log('| what | figure | goal |');
  log('| --- | --- | --- |');
  log(`| **keystroke → the frame that shows it presented**, Chromium's own EventLatency trace (tests/bench/key-latency.ts), typed at a person's pace (a key every 70 ms), caret mid-text (character ${caretAt}), paused, ${ROUNDS} rounds | ${describeKeys(paced.editor.flat())}${rounds(paced.editor)} | within one frame |`);
  log(`| the same for the browser's own text box (a bare \`<textarea>\`) holding the same ${text.length} characters, in the same page, rounds taking turns with the editor's (peer) | ${describeKeys(paced.peer.flat())}${rounds(paced.peer)} | (peer) |`);
  log(`| the editor while the recording plays (the turn highlight following, the clock and waveform moving) | ${describeKeys(paced.editorPlaying.flat())}${rounds(paced.editorPlaying)} | within one frame |`);
  log(`| the bare textarea while the recording plays (peer) | ${describeKeys(paced.peerPlaying.flat())}${rounds(paced.peerPlaying)} | (peer) |`);
  log(`| the editor, keys sent back to back (several in one frame; no one types so), paused | ${describeKeys(flood.editor.flat())}${rounds(flood.editor)} | |`);
  log(`| the bare textarea of the same text, keys back to back (peer) | ${describeKeys(flood.peer.flat())}${rounds(flood.peer)} | (peer) |`);
  log(`| keystroke, key down → the editor's text and lines updated and laid out (CodeMirror), at a person's pace, paused (${keys} keys) | p50 ${ms(pct(handled, 50))}, p95 ${ms(pct(handled, 95))}, max ${ms(Math.max(...handled))} | |`);
  log(`| the same keys, key down → next paint, Chromium's Event Timing (its finest threshold is 16 ms; one frame at 60 Hz is 16.7 ms) | ${keys - slow.length} of ${keys} keys under 16 ms; ${over(24)} over 24 ms, ${over(33)} over 33 ms (two frames); longest ${slow.length ? Math.max(...slow) : 0} ms | |`);
  log(`| autosave of the transcript (\`transcripts.autosave\`: parse, seal, sign, write + fsync), 60 saves, each text new | p50 ${ms(pct(saves.wall, 50))}, p95 ${ms(pct(saves.wall, 95))}, max ${ms(Math.max(...saves.wall))}; CPU p50 ${ms(pct(saves.cpu, 50))}, p95 ${ms(pct(saves.cpu, 95))} | p95 under 50 ms |`);
  log(`| the same through \`transcripts.update\` (read back, identifying-details check, text sent back), as autosave was before, 30 saves | p50 ${ms(pct(updates.wall, 50))}, p95 ${ms(pct(updates.wall, 95))}; CPU p50 ${ms(pct(updates.cpu, 50))}, p95 ${ms(pct(updates.cpu, 95))} | |`);
  log(`| waveform peaks computed in core for ${MINUTES} minutes (decrypt chunk by chunk, decode, fold; done at import, whose whole took ${(importMs / 1000).toFixed(1)} s) | ${(peaksMs / 1000).toFixed(1)} s, CPU ${((peaksCpu.user + peaksCpu.system) / 1e6).toFixed(1)} s; memory ${((rssMax - rss0) / 1024 ** 2).toFixed(0)} MiB above the process; longest wait of the event loop meanwhile ${ms(lagMax)} | once per recording |`);
  log(`| open the workspace with the stored waveform (${peaks} peaks), click → waveform drawn and text in the editor, 7 times | median ${ms(pct(opens, 50))}, max ${ms(Math.max(...opens))} | under 500 ms |`);
  log(`| first opening of a recording imported before (no waveform stored): core computes it while the workspace opens; the page fetches nothing for it | ${(firstMs / 1000).toFixed(1)} s | once per recording |`);
  log('');
  writeSections(lines);
} finally {
  await browser.close();
  await harness.close();
  fs.rmSync(home, { recursive: true, force: true });
}
