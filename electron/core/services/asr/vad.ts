/**
 * Our own energy-based voice-activity detection, cutting the 16 kHz stream into
 * windows of speech for the engine. whisper.cpp's VAD needs a model file that cannot
 * be had here; energy against a running noise floor is enough to skip silence and to
 * find pauses to cut at.
 *
 * Windows hold speech across short pauses and are cut at a pause once they are long,
 * because the engine always encodes 30 seconds: one 28-second window costs what one
 * 2-second window does. Only the current window is held (at most 30 s, 1.9 MB), so
 * memory does not grow with the length of the interview.
 */
import { SAMPLE_RATE } from './audio';

export const FRAME = 480; // 30 ms
const FRAME_MS = (FRAME * 1000) / SAMPLE_RATE;
const PRE_ROLL = 5; // frames kept before the first speech frame (150 ms)
const HANGOVER = 10; // frames a speech run lasts past its last loud frame (300 ms)
const DROP_SILENCE = Math.round(2000 / FRAME_MS); // a pause this long ends the window
const CUT_AFTER = Math.round(24_000 / FRAME_MS); // from here on, any pause ends it
const NATURAL_PAUSE = Math.round(300 / FRAME_MS);
const MAX_FRAMES = Math.round(29_000 / FRAME_MS); // the engine sees 30 s at most
const SEARCH_CUT = Math.round(4000 / FRAME_MS);

export interface SpeechWindow {
  /** Where the window starts in the recording. */
  startMs: number;
  samples: Float32Array;
  /** Cut in the middle of speech (no pause found): words at that edge may be broken. */
  cutAtStart: boolean;
  cutAtEnd: boolean;
}

interface Frame {
  samples: Float32Array;
  db: number;
}

export class Windower {
  private carry = new Float32Array(0);
  private frameIndex = 0;
  /** Starts low: a recording that opens with talk must not take the talk for its noise. */
  private floor = -70;
  private sinceLoud = Infinity;
  private window: Frame[] = [];
  private windowStart = 0;
  private windowCutAtStart = false;
  private preRoll: Frame[] = [];
  private silenceRun = 0;

  constructor(private readonly emit: (w: SpeechWindow) => void) {}

  push(pcm: Float32Array): void {
    let data = pcm;
    if (this.carry.length) {
      data = new Float32Array(this.carry.length + pcm.length);
      data.set(this.carry);
      data.set(pcm, this.carry.length);
    }
    let off = 0;
    for (; off + FRAME <= data.length; off += FRAME) this.frame(data.slice(off, off + FRAME));
    this.carry = data.slice(off);
  }

  end(): void {
    if (this.carry.length) {
      const last = new Float32Array(FRAME);
      last.set(this.carry);
      this.carry = new Float32Array(0);
      this.frame(last);
    }
    if (this.window.length) this.close(this.window.length - this.silenceRun + PRE_ROLL, false);
  }

  private frame(samples: Float32Array): void {
    let energy = 0;
    for (const s of samples) energy += s * s;
    const db = 10 * Math.log10(energy / samples.length + 1e-10);
    // The floor follows quiet frames down at once and creeps up slowly (about 0.7 dB/s),
    // so a change of room or microphone is followed without speech raising it.
    this.floor = db < this.floor ? db : this.floor + 0.02;
    const loud = db > Math.max(this.floor + 9, -55);
    this.sinceLoud = loud ? 0 : this.sinceLoud + 1;
    const speech = this.sinceLoud <= HANGOVER;
    const f: Frame = { samples, db };
    const index = this.frameIndex++;

    if (!this.window.length) {
      if (loud) {
        this.window = [...this.preRoll, f];
        this.windowStart = index - this.preRoll.length;
        this.windowCutAtStart = false;
        this.preRoll = [];
        this.silenceRun = 0;
      } else {
        this.preRoll.push(f);
        if (this.preRoll.length > PRE_ROLL) this.preRoll.shift();
      }
      return;
    }
    this.window.push(f);
    this.silenceRun = speech ? 0 : this.silenceRun + 1;
    const n = this.window.length;
    if (this.silenceRun >= DROP_SILENCE || (n >= CUT_AFTER && this.silenceRun >= NATURAL_PAUSE)) {
      // End just after the speech, keeping a little of the pause.
      this.close(n - this.silenceRun + PRE_ROLL, false);
    } else if (n >= MAX_FRAMES) {
      // No pause: cut at the quietest frame of the last few seconds.
      let cut = n - 1;
      for (let i = n - SEARCH_CUT; i < n; i++) if (this.window[i]!.db < this.window[cut]!.db) cut = i;
      this.close(cut, true);
    }
  }

  /** Emit frames [0, upTo) as a window; frames after it start the next window (a forced cut) or are dropped. */
  private close(upTo: number, forced: boolean): void {
    const frames = this.window.slice(0, Math.min(upTo, this.window.length));
    const rest = this.window.slice(frames.length);
    const samples = new Float32Array(frames.length * FRAME);
    frames.forEach((f, i) => samples.set(f.samples, i * FRAME));
    this.emit({ startMs: this.windowStart * FRAME_MS, samples, cutAtStart: this.windowCutAtStart, cutAtEnd: forced });
    const nextStart = this.windowStart + frames.length;
    this.window = forced ? rest : [];
    this.windowStart = nextStart;
    this.windowCutAtStart = forced;
    this.preRoll = forced ? [] : rest.slice(-PRE_ROLL);
    this.silenceRun = 0;
  }
}
