/**
 * The waveform's inner loop over 16-bit PCM in WebAssembly SIMD: the loudest and the
 * quietest sample of a run, eight samples (or four stereo frames, each summed to the mono
 * mix first) per instruction. A gigabyte of WAV is half a billion samples; compared one
 * by one in JavaScript that cost about as much as sealing the gigabyte, on the import's
 * own thread, and made the one-pass import slower than age. The module is a few hundred
 * bytes written out below (no tool builds it), with the text form beside each function.
 * Where WebAssembly SIMD is missing, `simdPeaks()` is null and the JavaScript loop runs.
 */

/** Byte offset of the samples in the module's memory (the first 32 bytes hold the two result vectors). */
export const SIMD_DATA = 64;
/** Samples' bytes the memory holds at once (16 pages; the memory has one more for the results). */
export const SIMD_CAPACITY = 16 * 65536;

const PAGES = 17;

/** i16x8 or i32x4 constant, all lanes `v`. */
function splat(v: number, bytes: 2 | 4): number[] {
  const b = Buffer.alloc(16);
  for (let i = 0; i < 16; i += bytes) {
    if (bytes === 2) b.writeInt16LE(v, i);
    else b.writeInt32LE(v, i);
  }
  return [0xfd, 0x0c, ...b];
}

/**
 * (func (param $p i32) (param $end i32) (local $max v128) (local $min v128) (local $v v128)
 *   $max = all lanes minimal, $min = all lanes maximal
 *   (loop
 *     $v = (v128.load $p)                        ;; stereo: (i32x4.extadd_pairwise_i16x8_s (v128.load $p))
 *     $max = (i16x8.max_s $max $v)  $min = (i16x8.min_s $min $v)     ;; stereo: i32x4
 *     (br_if 0 (i32.lt_u (local.tee $p (i32.add $p 16)) $end)))
 *   (v128.store 0 $max) (v128.store 16 $min))
 */
function body(stereo: boolean): number[] {
  const lanes = stereo ? 4 : 2;
  const load = stereo ? [0x20, 0x00, 0xfd, 0x00, 0x00, 0x00, 0xfd, 0x7e] : [0x20, 0x00, 0xfd, 0x00, 0x00, 0x00];
  const max = stereo ? [0xfd, 0xb8, 0x01] : [0xfd, 0x98, 0x01];
  const min = stereo ? [0xfd, 0xb6, 0x01] : [0xfd, 0x96, 0x01];
  const lo = stereo ? -2147483648 : -32768;
  const hi = stereo ? 2147483647 : 32767;
  const code = [
    0x01, 0x03, 0x7b, // three v128 locals: 2 max, 3 min, 4 v
    ...splat(lo, lanes), 0x21, 0x02,
    ...splat(hi, lanes), 0x21, 0x03,
    0x03, 0x40, // loop
    ...load, 0x21, 0x04,
    0x20, 0x02, 0x20, 0x04, ...max, 0x21, 0x02,
    0x20, 0x03, 0x20, 0x04, ...min, 0x21, 0x03,
    0x20, 0x00, 0x41, 0x10, 0x6a, 0x22, 0x00, // $p += 16
    0x20, 0x01, 0x49, 0x0d, 0x00, // br_if 0 ($p < $end)
    0x0b, // end loop
    0x41, 0x00, 0x20, 0x02, 0xfd, 0x0b, 0x00, 0x00,
    0x41, 0x10, 0x20, 0x03, 0xfd, 0x0b, 0x00, 0x00,
    0x0b,
  ];
  return [...leb(code.length), ...code];
}

/** Unsigned LEB128, as WebAssembly writes sizes. */
function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

function section(id: number, content: number[]): number[] {
  return [id, ...leb(content.length), ...content];
}

function moduleBytes(): Uint8Array {
  const name = (s: string): number[] => [s.length, ...Buffer.from(s, 'latin1')];
  const mono = body(false);
  const stereo = body(true);
  const code = [0x02, ...mono, ...stereo];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [0x01, 0x60, 0x02, 0x7f, 0x7f, 0x00]),
    ...section(3, [0x02, 0x00, 0x00]),
    ...section(5, [0x01, 0x01, PAGES, PAGES]),
    ...section(7, [0x03, ...name('m'), 0x02, 0x00, ...name('p1'), 0x00, 0x00, ...name('p2'), 0x00, 0x01]),
    ...section(10, code),
  ]);
}

export interface SimdPeaks {
  /** The memory: samples go at SIMD_DATA. */
  bytes: Uint8Array;
  /** Largest and smallest sample of mono 16-bit samples in [from, to) (byte offsets, a multiple of 16 apart, at least 16). */
  mono(from: number, to: number): { max: number; min: number };
  /** Largest and smallest L+R of stereo 16-bit frames in [from, to) (the same rules). */
  stereo(from: number, to: number): { max: number; min: number };
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => unknown;
  Instance: new (m: unknown, imports: object) => { exports: { m: { buffer: ArrayBuffer }; p1: (a: number, b: number) => void; p2: (a: number, b: number) => void } };
}

let made: SimdPeaks | null | undefined;

/** A fresh instance each call (each has its own memory: two imports at once do not share it); null without SIMD. */
export function simdPeaks(): SimdPeaks | null {
  if (made === null) return null;
  const W = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  let ex;
  try {
    ex = new W.Instance(new W.Module(moduleBytes()), {}).exports;
  } catch {
    made = null;
    return null;
  }
  const bytes = new Uint8Array(ex.m.buffer);
  const i16 = new Int16Array(ex.m.buffer, 0, 16);
  const i32 = new Int32Array(ex.m.buffer, 0, 8);
  const p1 = ex.p1;
  const p2 = ex.p2;
  made = {
    bytes,
    mono(from, to) {
      p1(from, to);
      let max = i16[0]!;
      let min = i16[8]!;
      for (let i = 1; i < 8; i++) {
        if (i16[i]! > max) max = i16[i]!;
        if (i16[8 + i]! < min) min = i16[8 + i]!;
      }
      return { max, min };
    },
    stereo(from, to) {
      p2(from, to);
      let max = i32[0]!;
      let min = i32[4]!;
      for (let i = 1; i < 4; i++) {
        if (i32[i]! > max) max = i32[i]!;
        if (i32[4 + i]! < min) min = i32[4 + i]!;
      }
      return { max, min };
    },
  };
  return made;
}
