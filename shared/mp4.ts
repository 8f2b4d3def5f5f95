/**
 * A small MP4/M4A demuxer of our own: finds the first AAC audio track of an MP4 file and
 * the place and size of each of its samples (AAC frames), reading only box headers and
 * the `moov` box through `ByteSource` (the page reads them with Range requests from the
 * media protocol), never the sound itself. Pure: no DOM, no Node.
 *
 * The top-level boxes are walked by their headers, so `moov` is found wherever it is
 * (phones often write it at the end, after `mdat`). 64-bit sizes and size 0 ("to the end
 * of the file") are read; a box that claims more than the file, a table that claims more
 * entries than its box holds or than MAX_SAMPLES, a sample outside the file or larger
 * than MAX_SAMPLE_BYTES, or a track whose samples last longer than the duration it
 * declares (with the margin core's decoders allow, asr/audio.ts decodeCeilingMs) is
 * refused as AUDIO_DAMAGED; anything but AAC (or an encrypted track) as AUDIO_UNSUPPORTED.
 */

/** Reads bytes [start, end) of a file of `size` bytes. */
export interface ByteSource {
  readonly size: number;
  read(start: number, end: number): Promise<Uint8Array>;
}

export class Mp4Error extends Error {
  constructor(
    readonly code: 'AUDIO_DAMAGED' | 'AUDIO_UNSUPPORTED',
    message: string,
  ) {
    super(message);
    this.name = 'Mp4Error';
  }
}

/** The most a `moov` may be: a two-hour phone recording's is 2–3 MB. */
export const MAX_MOOV_BYTES = 32 * 1024 * 1024;
/** The most samples (AAC frames) a track may have: about 49 hours at 48 kHz. */
export const MAX_SAMPLES = 1 << 23;
/** The largest AAC frame taken: 6144 bits per channel make 6 KiB for eight channels. */
export const MAX_SAMPLE_BYTES = 64 * 1024;
/** The most top-level boxes walked before `moov` (each at least 8 bytes, each a read). */
export const MAX_TOP_BOXES = 4096;

export interface AacTrack {
  /** AudioSpecificConfig (the esds DecoderSpecificInfo): the decoder's `description`. */
  readonly config: Uint8Array;
  /** The WebCodecs codec string, 'mp4a.40.<audio object type>'. */
  readonly codec: string;
  readonly audioObjectType: number;
  /** From the AudioSpecificConfig (the core rate; SBR may double what the decoder gives). */
  readonly sampleRate: number;
  readonly channels: number;
  /** The media's timescale (mdhd) and its declared duration in those ticks. */
  readonly timescale: number;
  readonly durationTicks: number;
  /** Per sample: its offset in the file, its size, its duration in timescale ticks. */
  readonly offsets: Float64Array;
  readonly sizes: Uint32Array;
  readonly durations: Uint32Array;
}

export interface DemuxOptions {
  /** The most sound, in ms, the samples may last (the recording's ceiling); none if absent. */
  maxDurationMs?: number;
}

const damaged = (msg: string): Mp4Error => new Mp4Error('AUDIO_DAMAGED', msg);
const unsupported = (msg: string): Mp4Error => new Mp4Error('AUDIO_UNSUPPORTED', msg);

const fourcc = (b: Uint8Array, at: number): string => String.fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!);

interface BoxHeader {
  type: string;
  /** Where the box starts and where its payload starts and ends (absolute). */
  start: number;
  body: number;
  end: number;
}

/** The header of the box at `at` in `b` (a box inside `moov`), bounded by `limit`. */
function childHeader(b: Uint8Array, view: DataView, at: number, limit: number): BoxHeader {
  if (at + 8 > limit) throw damaged('a box header runs past its parent');
  let size = view.getUint32(at);
  const type = fourcc(b, at + 4);
  let body = at + 8;
  if (size === 1) {
    if (at + 16 > limit) throw damaged('a box header runs past its parent');
    size = Number(view.getBigUint64(at + 8));
    body = at + 16;
  } else if (size === 0) size = limit - at;
  const end = at + size;
  if (size < body - at || end > limit) throw damaged(`the box '${printable(type)}' claims more than its parent holds`);
  return { type, start: at, body, end };
}

const printable = (s: string): string => s.replace(/[^\x20-\x7e]/g, '?');

function children(b: Uint8Array, view: DataView, from: number, to: number): BoxHeader[] {
  const out: BoxHeader[] = [];
  for (let at = from; at + 8 <= to; ) {
    const h = childHeader(b, view, at, to);
    out.push(h);
    at = h.end;
  }
  return out;
}

const child = (b: Uint8Array, view: DataView, parent: BoxHeader, type: string, offset = 0): BoxHeader | undefined =>
  children(b, view, parent.body + offset, parent.end).find((c) => c.type === type);

/** Finds `moov` among the top-level boxes and reads it whole. */
async function readMoov(src: ByteSource): Promise<{ bytes: Uint8Array; start: number }> {
  let at = 0;
  let moov: { bytes: Uint8Array; start: number } | undefined;
  for (let n = 0; n < MAX_TOP_BOXES; n++) {
    if (at >= src.size) break;
    if (at + 8 > src.size) throw damaged('the file ends inside a box header');
    const head = await src.read(at, Math.min(src.size, at + 16));
    if (head.length < 8) throw damaged('the file ends inside a box header');
    const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
    let size = view.getUint32(0);
    const type = fourcc(head, 4);
    if (n === 0 && !['ftyp', 'moov', 'free', 'skip', 'wide', 'mdat'].includes(type)) throw unsupported('not an MP4 file');
    let headerLength = 8;
    if (size === 1) {
      if (head.length < 16) throw damaged('the file ends inside a box header');
      const big = view.getBigUint64(8);
      if (big > BigInt(Number.MAX_SAFE_INTEGER)) throw damaged(`the box '${printable(type)}' claims more than the file`);
      size = Number(big);
      headerLength = 16;
    } else if (size === 0) size = src.size - at;
    if (size < headerLength) throw damaged(`the box '${printable(type)}' has an impossible size`);
    if (at + size > src.size) throw damaged(`the box '${printable(type)}' claims more than the file (it is cut short)`);
    if (type === 'moov') {
      if (moov) throw damaged('the file has two moov boxes');
      if (size > MAX_MOOV_BYTES) throw damaged(`the moov box is ${size} bytes, more than ${MAX_MOOV_BYTES}`);
      moov = { bytes: await src.read(at, at + size), start: at };
    }
    at += size;
  }
  // Every top-level box is walked, after moov too: one claiming more than the file is refused wherever it is.
  if (at < src.size) throw damaged(`the file has more than ${MAX_TOP_BOXES} top-level boxes`);
  if (!moov) throw damaged('the file has no moov box (a recording cut short before it was finished)');
  return moov;
}

/** Reads the first AAC audio track of the MP4 file in `src`. */
export async function demuxAac(src: ByteSource, opts: DemuxOptions = {}): Promise<AacTrack> {
  const { bytes } = await readMoov(src);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const moov = childHeader(bytes, view, 0, bytes.length);
  let sawAudio = false;
  for (const trak of children(bytes, view, moov.body, moov.end)) {
    if (trak.type !== 'trak') continue;
    const mdia = child(bytes, view, trak, 'mdia');
    if (!mdia) continue;
    const hdlr = child(bytes, view, mdia, 'hdlr');
    if (!hdlr || hdlr.body + 12 > hdlr.end || fourcc(bytes, hdlr.body + 8) !== 'soun') continue;
    sawAudio = true;
    const mdhd = child(bytes, view, mdia, 'mdhd');
    const stbl = (() => {
      const minf = child(bytes, view, mdia, 'minf');
      return minf && child(bytes, view, minf, 'stbl');
    })();
    if (!mdhd || !stbl) throw damaged('the audio track has no mdhd or sample table');
    const entry = sampleEntry(bytes, view, stbl);
    if (!entry) continue;
    const { timescale, durationTicks } = mediaHeader(view, mdhd);
    return { ...entry, timescale, durationTicks, ...(await sampleTable(bytes, view, stbl, src.size, timescale, durationTicks, opts)) };
  }
  throw unsupported(sawAudio ? 'the audio track is not AAC' : 'the file has no audio track');
}

function mediaHeader(view: DataView, mdhd: BoxHeader): { timescale: number; durationTicks: number } {
  const version = view.getUint8(mdhd.body);
  const need = version === 1 ? 32 : 20;
  if (mdhd.body + need > mdhd.end) throw damaged('the mdhd box is too short');
  const timescale = version === 1 ? view.getUint32(mdhd.body + 20) : view.getUint32(mdhd.body + 12);
  const durationTicks = version === 1 ? Number(view.getBigUint64(mdhd.body + 24)) : view.getUint32(mdhd.body + 16);
  if (timescale === 0) throw damaged('the audio track has a timescale of 0');
  return { timescale, durationTicks };
}

type Entry = Pick<AacTrack, 'config' | 'codec' | 'audioObjectType' | 'sampleRate' | 'channels'>;

/** The track's first sample entry if it is AAC (mp4a with an esds of object type 0x40); undefined if it is other audio. */
function sampleEntry(b: Uint8Array, view: DataView, stbl: BoxHeader): Entry | undefined {
  const stsd = child(b, view, stbl, 'stsd');
  if (!stsd || stsd.body + 8 > stsd.end) throw damaged('the audio track has no sample description');
  // stsd: version and flags, entry count, then the entries as boxes.
  const first = childHeader(b, view, stsd.body + 8, stsd.end);
  if (first.type === 'enca') throw unsupported('the audio track is encrypted');
  if (first.type !== 'mp4a') return undefined;
  // AudioSampleEntry: 6 reserved, data reference index (2), then (version 0) 8 reserved,
  // channel count (2), sample size (2), 4 reserved, sample rate (16.16): 28 bytes.
  if (first.body + 28 > first.end) throw damaged('the mp4a entry is too short');
  const soundVersion = view.getUint16(first.body + 8);
  const entryChannels = view.getUint16(first.body + 16);
  const entryRate = view.getUint32(first.body + 24) >>> 16;
  // QuickTime sound versions 1 and 2 carry 16 or 36 more bytes before the child boxes.
  const extra = soundVersion === 1 ? 16 : soundVersion === 2 ? 36 : 0;
  const esds = children(b, view, first.body + 28 + extra, first.end).find((c) => c.type === 'esds') ?? findEsdsInWave(b, view, first, 28 + extra);
  if (!esds) throw damaged('the mp4a entry has no esds');
  const dsi = decoderSpecificInfo(b, esds);
  if (!dsi) return undefined;
  const asc = parseAsc(dsi);
  const channels = asc.channels || entryChannels;
  const sampleRate = asc.sampleRate || entryRate;
  if (!channels || !sampleRate) throw damaged('the AAC track names no channels or sample rate');
  return { config: dsi.slice(), codec: `mp4a.40.${asc.audioObjectType}`, audioObjectType: asc.audioObjectType, sampleRate, channels };
}

/** QuickTime's mp4a keeps its esds inside a `wave` box. */
function findEsdsInWave(b: Uint8Array, view: DataView, entry: BoxHeader, offset: number): BoxHeader | undefined {
  const wave = children(b, view, entry.body + offset, entry.end).find((c) => c.type === 'wave');
  return wave && children(b, view, wave.body, wave.end).find((c) => c.type === 'esds');
}

/** The DecoderSpecificInfo of an esds if its object type is MPEG-4 audio (0x40); undefined for other audio (MP3 in MP4). */
function decoderSpecificInfo(b: Uint8Array, esds: BoxHeader): Uint8Array | undefined {
  let at = esds.body + 4;
  const end = esds.end;
  const descriptor = (): { tag: number; body: number; end: number } => {
    if (at + 2 > end) throw damaged('the esds is cut short');
    const tag = b[at++]!;
    let len = 0;
    for (let i = 0; i < 4; i++) {
      if (at >= end) throw damaged('the esds is cut short');
      const c = b[at++]!;
      len = (len << 7) | (c & 0x7f);
      if (!(c & 0x80)) break;
    }
    if (at + len > end) throw damaged('a descriptor of the esds claims more than the box');
    return { tag, body: at, end: at + len };
  };
  const es = descriptor();
  if (es.tag !== 0x03) throw damaged('the esds holds no ES descriptor');
  at = es.body + 2;
  if (at >= es.end) throw damaged('the ES descriptor is cut short');
  const flags = b[at++]!;
  if (flags & 0x80) at += 2;
  if (flags & 0x40) at += 1 + (b[at] ?? 0);
  if (flags & 0x20) at += 2;
  const dc = descriptor();
  if (dc.tag !== 0x04 || dc.body + 13 > dc.end) throw damaged('the esds holds no decoder configuration');
  if (b[dc.body] !== 0x40) return undefined;
  at = dc.body + 13;
  const dsi = descriptor();
  if (dsi.tag !== 0x05 || dsi.end - dsi.body < 2) throw damaged('the AAC track has no AudioSpecificConfig');
  return b.subarray(dsi.body, dsi.end);
}

/** Channels per channelConfiguration 0–15 (0: given elsewhere, by a program config element). */
const CHANNELS = [0, 1, 2, 3, 4, 5, 6, 8, 0, 0, 0, 7, 8, 0, 8, 0];

const RATES = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

/** The audio object type, core sampling rate and channel configuration of an AudioSpecificConfig (ISO/IEC 14496-3 1.6.2.1). */
export function parseAsc(asc: Uint8Array): { audioObjectType: number; sampleRate: number; channels: number } {
  let bit = 0;
  const bits = (n: number): number => {
    let v = 0;
    for (let i = 0; i < n; i++, bit++) {
      const byte = asc[bit >> 3];
      if (byte === undefined) throw damaged('the AudioSpecificConfig is cut short');
      v = v * 2 + ((byte >> (7 - (bit & 7))) & 1);
    }
    return v;
  };
  let audioObjectType = bits(5);
  if (audioObjectType === 31) audioObjectType = 32 + bits(6);
  const index = bits(4);
  const sampleRate = index === 15 ? bits(24) : (RATES[index] ?? 0);
  // channelConfiguration is an index (ISO/IEC 14496-3 table 1.19, amended): 7 is 7.1 (eight
  // channels), 11 is 6.1, 12 and 14 are 7.1 layouts; the reserved ones name none (0: the
  // sample entry's count is taken).
  const channels = CHANNELS[bits(4)] ?? 0;
  if (audioObjectType === 0) throw damaged('the AudioSpecificConfig names no audio object type');
  return { audioObjectType, sampleRate, channels };
}

const fullBox = (view: DataView, box: BoxHeader, entrySize: number, headerAfterFlags: number): { count: number; at: number } => {
  const at = box.body + 4 + headerAfterFlags;
  if (at + 4 > box.end) throw damaged(`the ${box.type} box is too short`);
  const count = view.getUint32(at);
  if (entrySize > 0 && count > (box.end - at - 4) / entrySize) throw damaged(`the ${box.type} table claims more entries than its box holds`);
  return { count, at: at + 4 };
};

/**
 * Table entries walked between two chances for the event loop (or the page) to run
 * something else: a table of MAX_SAMPLES entries took about 0.4 s in one go here, in the
 * app's main process for a draft.
 */
const SLICE_ENTRIES = 1 << 17;
const giveWay = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

async function sampleTable(b: Uint8Array, view: DataView, stbl: BoxHeader, fileSize: number, timescale: number, durationTicks: number, opts: DemuxOptions): Promise<Pick<AacTrack, 'offsets' | 'sizes' | 'durations'>> {
  const need = (type: string): BoxHeader => {
    const box = child(b, view, stbl, type);
    if (!box) throw damaged(`the audio track has no ${type} table`);
    return box;
  };
  // Sizes.
  const stsz = need('stsz');
  const fixed = stsz.body + 8 <= stsz.end ? view.getUint32(stsz.body + 4) : 0;
  const { count, at: sizesAt } = fullBox(view, stsz, fixed ? 0 : 4, 4);
  if (count > MAX_SAMPLES) throw damaged(`the track claims ${count} samples, more than ${MAX_SAMPLES}`);
  // The frames' bytes together cannot be more than the file: chunks pointing again and
  // again at the same bytes would have a small file decode (and the page allocate tables
  // for) hours of sound. Checked before the tables are allocated when the size is fixed.
  const tooMany = (): Mp4Error => damaged("the track's frames add up to more bytes than the file holds");
  if (fixed * count > fileSize) throw tooMany();
  const sizes = new Uint32Array(count);
  let totalBytes = 0;
  for (let i = 0; i < count; i++) {
    if (i % SLICE_ENTRIES === SLICE_ENTRIES - 1) await giveWay();
    const s = fixed || view.getUint32(sizesAt + i * 4);
    if (s > MAX_SAMPLE_BYTES) throw damaged(`an AAC frame of ${s} bytes`);
    if (s === 0) throw damaged('an empty AAC frame');
    totalBytes += s;
    sizes[i] = s;
  }
  if (totalBytes > fileSize) throw tooMany();
  // Durations (stts runs).
  const stts = need('stts');
  const runs = fullBox(view, stts, 8, 0);
  const durations = new Uint32Array(count);
  let filled = 0;
  let totalTicks = 0;
  for (let r = 0; r < runs.count; r++) {
    if (r % SLICE_ENTRIES === SLICE_ENTRIES - 1) await giveWay();
    const n = view.getUint32(runs.at + r * 8);
    const delta = view.getUint32(runs.at + r * 8 + 4);
    if (n > count - filled) throw damaged('the stts table times more samples than the track has');
    durations.fill(delta, filled, filled + n);
    filled += n;
    totalTicks += n * delta;
  }
  if (filled !== count) throw damaged('the stts table times fewer samples than the track has');
  const ceilingMs = Math.min(opts.maxDurationMs ?? Infinity, (durationTicks / timescale) * 1000 * 1.1 + 10_000);
  if ((totalTicks / timescale) * 1000 > ceilingMs) throw damaged(`the samples last ${Math.round(totalTicks / timescale)} s, more than the track declares`);
  // Chunk offsets.
  const co = child(b, view, stbl, 'stco') ?? child(b, view, stbl, 'co64');
  if (!co) throw damaged('the audio track has no chunk offsets');
  const wide = co.type === 'co64';
  const chunks = fullBox(view, co, wide ? 8 : 4, 0);
  const chunkOffset = (i: number): number => (wide ? Number(view.getBigUint64(chunks.at + i * 8)) : view.getUint32(chunks.at + i * 4));
  // Samples to chunks (stsc runs): each run from its first chunk (1-based) to the next run's.
  const stsc = need('stsc');
  const sc = fullBox(view, stsc, 12, 0);
  const offsets = new Float64Array(count);
  let sample = 0;
  for (let r = 0; r < sc.count && sample < count; r++) {
    const firstChunk = view.getUint32(sc.at + r * 12);
    const perChunk = view.getUint32(sc.at + r * 12 + 4);
    const nextFirst = r + 1 < sc.count ? view.getUint32(sc.at + (r + 1) * 12) : chunks.count + 1;
    if (firstChunk < 1 || nextFirst <= firstChunk || nextFirst > chunks.count + 1) throw damaged('the stsc table is out of order');
    if (perChunk === 0) throw damaged('the stsc table has a chunk of no samples');
    for (let c = firstChunk - 1; c < nextFirst - 1 && sample < count; c++) {
      let at = chunkOffset(c);
      for (let k = 0; k < perChunk && sample < count; k++, sample++) {
        if (sample % SLICE_ENTRIES === SLICE_ENTRIES - 1) await giveWay();
        const end = at + sizes[sample]!;
        if (end > fileSize) throw damaged('an AAC frame lies past the end of the file (it is cut short)');
        offsets[sample] = at;
        at = end;
      }
    }
  }
  if (sample !== count) throw damaged('the chunks hold fewer samples than the track has');
  return { offsets, sizes, durations };
}
