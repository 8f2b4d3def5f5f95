/**
 * A tiny MP4 muxer for tests: wraps AAC frames (real ones, or any bytes for the
 * demuxer's own tests) in an M4A with one audio track, `moov` before or after `mdat`,
 * 32- or 64-bit chunk offsets, and a few frames per chunk. Written for the tests, from
 * ISO/IEC 14496-12 and -14; nothing is copied from a real muxer.
 */

export interface MuxOptions {
  /** AudioSpecificConfig of the frames. */
  asc: Uint8Array;
  sampleRate: number;
  channels: number;
  /** Where moov goes. */
  moov: 'start' | 'end';
  /** co64 instead of stco. */
  co64?: boolean;
  /** Frames per chunk (the last chunk takes the rest). */
  perChunk?: number;
  /** mdat written with a 64-bit size. */
  largeMdat?: boolean;
  /** mdat written with size 0 ("to the end of the file"): only with moov at the start. */
  mdatToEnd?: boolean;
  /** Samples per frame (stts delta), 1024 for AAC-LC. */
  frameSamples?: number;
  /** Declared duration in mdhd ticks; the frames' own by default. */
  declaredTicks?: number;
}

const u32 = (n: number): Uint8Array => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n);
  return b;
};
const u64 = (n: number): Uint8Array => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(n));
  return b;
};
/** Many big-endian numbers as one array (a spread of 100 000 arguments would overflow the stack). */
const table = (values: number[], width: 4 | 8): Uint8Array => {
  const b = new Uint8Array(values.length * width);
  const v = new DataView(b.buffer);
  values.forEach((n, i) => (width === 4 ? v.setUint32(i * 4, n) : v.setBigUint64(i * 8, BigInt(n))));
  return b;
};
const u16 = (n: number): Uint8Array => new Uint8Array([(n >> 8) & 255, n & 255]);
const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);
const cat = (...parts: Uint8Array[]): Uint8Array => concat(parts);
const concat = (parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};
export const box = (type: string, ...body: Uint8Array[]): Uint8Array => {
  const payload = cat(...body);
  return cat(u32(8 + payload.length), ascii(type), payload);
};
const full = (type: string, version: number, ...body: Uint8Array[]): Uint8Array => box(type, new Uint8Array([version, 0, 0, 0]), ...body);
const zeros = (n: number): Uint8Array => new Uint8Array(n);
/** An MPEG-4 descriptor with a one-to-four-byte length. */
const descriptor = (tag: number, body: Uint8Array): Uint8Array => {
  const len: number[] = [];
  let n = body.length;
  len.unshift(n & 0x7f);
  while ((n >>= 7)) len.unshift((n & 0x7f) | 0x80);
  return cat(new Uint8Array([tag, ...len]), body);
};

export function esds(asc: Uint8Array, objectType = 0x40): Uint8Array {
  const dsi = descriptor(0x05, asc);
  const dcd = descriptor(0x04, cat(new Uint8Array([objectType, 0x15]), zeros(3), u32(64000), u32(64000), dsi));
  const sl = descriptor(0x06, new Uint8Array([2]));
  return full('esds', 0, descriptor(0x03, cat(u16(1), new Uint8Array([0]), dcd, sl)));
}

function moovBox(frames: Uint8Array[], mdatPayloadStart: number, o: MuxOptions, entry?: Uint8Array): Uint8Array {
  const perChunk = o.perChunk ?? 4;
  const delta = o.frameSamples ?? 1024;
  const chunkOffsets: number[] = [];
  let at = mdatPayloadStart;
  for (let i = 0; i < frames.length; i++) {
    if (i % perChunk === 0) chunkOffsets.push(at);
    at += frames[i]!.length;
  }
  const chunks = chunkOffsets.length;
  const lastPer = frames.length - (chunks - 1) * perChunk;
  const stscEntries = [[1, perChunk]];
  if (lastPer !== perChunk && chunks > 1) stscEntries.push([chunks, lastPer]);
  if (chunks === 1) stscEntries[0] = [1, lastPer];
  const mp4a =
    entry ??
    box('mp4a', zeros(6), u16(1), zeros(8), u16(o.channels), u16(16), zeros(4), u32(((o.sampleRate & 0xffff) << 16) >>> 0), esds(o.asc));
  const stbl = box(
    'stbl',
    full('stsd', 0, u32(1), mp4a),
    full('stts', 0, u32(1), u32(frames.length), u32(delta)),
    full('stsc', 0, u32(stscEntries.length), ...stscEntries.flatMap(([f, n]) => [u32(f!), u32(n!), u32(1)])),
    full('stsz', 0, u32(0), u32(frames.length), table(frames.map((f) => f.length), 4)),
    o.co64 ? full('co64', 0, u32(chunks), table(chunkOffsets, 8)) : full('stco', 0, u32(chunks), table(chunkOffsets, 4)),
  );
  const ticks = o.declaredTicks ?? frames.length * delta;
  const mdhd = full('mdhd', 0, zeros(8), u32(o.sampleRate), u32(ticks), u16(0x55c4), zeros(2));
  const hdlr = full('hdlr', 0, zeros(4), ascii('soun'), zeros(12), ascii('SoundHandler\0'));
  const minf = box('minf', full('smhd', 0, zeros(4)), box('dinf', full('dref', 0, u32(1), full('url ', 0))), stbl);
  const trak = box('trak', full('tkhd', 0, zeros(8), u32(1), zeros(4), u32(ticks), zeros(60)), box('mdia', mdhd, hdlr, minf));
  return box('moov', full('mvhd', 0, zeros(8), u32(o.sampleRate), u32(ticks), zeros(80)), trak);
}

/** An M4A holding `frames` as one AAC track. */
export function muxM4a(frames: Uint8Array[], o: MuxOptions, entry?: Uint8Array): Uint8Array {
  const ftyp = box('ftyp', ascii('M4A '), u32(0), ascii('M4A mp42isom'));
  const data = concat(frames);
  const mdatHeader = o.largeMdat ? cat(u32(1), ascii('mdat'), u64(16 + data.length)) : o.mdatToEnd ? cat(u32(0), ascii('mdat')) : cat(u32(8 + data.length), ascii('mdat'));
  if (o.moov === 'start') {
    // moov's size does not depend on the offsets' values: measure it once, then write it.
    const size = moovBox(frames, 0, o, entry).length;
    return cat(ftyp, moovBox(frames, ftyp.length + size + mdatHeader.length, o, entry), mdatHeader, data);
  }
  if (o.mdatToEnd) throw new Error('mdat to the end of the file leaves no room for moov after it');
  return cat(ftyp, mdatHeader, data, moovBox(frames, ftyp.length + mdatHeader.length, o, entry));
}

/** An AudioSpecificConfig: AAC-LC (2) by default. */
export function makeAsc(sampleRate: number, channels: number, aot = 2): Uint8Array {
  const rates = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];
  const idx = rates.indexOf(sampleRate);
  if (idx < 0) throw new Error(`no index for ${sampleRate}`);
  const v = (aot << 11) | (idx << 7) | (channels << 3);
  return new Uint8Array([v >> 8, v & 255]);
}
