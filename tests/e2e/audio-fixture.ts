/** Test recordings made on the spot, so no fixture file has to be kept in the repository. */
import * as fs from 'node:fs';
import { wavHeader } from '../wav';

/**
 * A recording that looks like speech on a waveform: bursts of voiced sound (a few
 * harmonics with a syllable envelope) and pauses, at 16 kHz mono, deterministic.
 */
export function makeSpeechLikeWav(file: string, seconds: number, sampleRate = 16000): void {
  const n = Math.round(seconds * sampleRate);
  const data = Buffer.alloc(n * 2);
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  // Words of 0.2–0.6 s, gaps of 0.1–0.9 s, now and then a longer pause.
  const env = new Float32Array(n);
  let at = 0;
  while (at < n) {
    const word = Math.round((0.2 + rnd() * 0.4) * sampleRate);
    const loud = 0.25 + rnd() * 0.7;
    for (let i = 0; i < word && at + i < n; i++) env[at + i] = loud * Math.sin((Math.PI * i) / word);
    at += word + Math.round((rnd() < 0.12 ? 1.5 : 0.1 + rnd() * 0.8) * sampleRate);
  }
  for (let i = 0; i < n; i++) {
    const f0 = 140 + 30 * Math.sin(i / 9000);
    const s = Math.sin((2 * Math.PI * f0 * i) / sampleRate) + 0.5 * Math.sin((4 * Math.PI * f0 * i) / sampleRate) + 0.25 * Math.sin((6 * Math.PI * f0 * i) / sampleRate);
    data.writeInt16LE(Math.max(-32767, Math.min(32767, Math.round(env[i]! * 16000 * s))), i * 2);
  }
  const h = wavHeader(data.length, sampleRate);
  fs.writeFileSync(file, Buffer.concat([h, data]));
}

