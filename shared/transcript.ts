/**
 * f4-style timestamps (`#hh:mm:ss-d#`), as the seed study's transcripts use them:
 * pure rules shared by core (sync points stored with a transcript) and renderer
 * (clickable stamps, "insert timestamp").
 */
export interface SyncPoint {
  offset: number;
  ms: number;
}

export const F4_STAMP = /#(\d{1,2}):(\d{2}):(\d{2})-(\d)#/g;

/** Every stamp in the text, in order: its character offset and time. */
export function syncPoints(text: string): SyncPoint[] {
  const out: SyncPoint[] = [];
  for (const m of text.matchAll(F4_STAMP)) {
    const [h, mi, s, d] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])];
    if (mi > 59 || s > 59) continue;
    out.push({ offset: m.index, ms: ((h * 60 + mi) * 60 + s) * 1000 + d * 100 });
  }
  return out;
}

/** The stamp for a time, rounded down so that seeking to it lands just before the words. */
export function f4Stamp(ms: number): string {
  const t = Math.max(0, Math.floor(ms / 100));
  const p = (n: number) => String(n).padStart(2, '0');
  return `#${p(Math.floor(t / 36000))}:${p(Math.floor(t / 600) % 60)}:${p(Math.floor(t / 10) % 60)}-${t % 10}#`;
}
