/** Hostile WebM builder for the attack tests (no external tools). */
export const vint = (n: number): Buffer => {
  if (n < 0x7f) return Buffer.from([0x80 | n]);
  if (n < 0x3fff) return Buffer.from([0x40 | (n >> 8), n & 0xff]);
  if (n < 0x1fffff) return Buffer.from([0x20 | (n >> 16), (n >> 8) & 0xff, n & 0xff]);
  const b = Buffer.alloc(4);
  b.writeUInt32BE(0x10000000 | n);
  return b;
};
const idb = (id: number): Buffer => {
  const h = id.toString(16);
  return Buffer.from(h.length % 2 ? `0${h}` : h, 'hex');
};
export const el = (id: number, body: Buffer): Buffer => Buffer.concat([idb(id), vint(body.length), body]);
export const open = (id: number): Buffer => Buffer.concat([idb(id), Buffer.from([0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])]);

export function opusHead(channels: number, family = 0, streams = 1, coupled = 0): Buffer {
  const h = Buffer.alloc(family === 0 ? 19 : 21 + channels);
  h.write('OpusHead', 0, 'latin1');
  h[8] = 1;
  h[9] = channels;
  h.writeUInt16LE(312, 10);
  h.writeUInt32LE(48000, 12);
  h[18] = family;
  if (family !== 0) {
    h[19] = streams;
    h[20] = coupled;
    for (let i = 0; i < channels; i++) h[21 + i] = i % 255;
  }
  return h;
}

export function header(head: Buffer): Buffer {
  return Buffer.concat([
    el(0x1a45dfa3, el(0x4282, Buffer.from('webm'))),
    open(0x18538067),
    open(0x1654ae6b),
    open(0xae),
    el(0xd7, Buffer.from([1])),
    el(0x83, Buffer.from([2])),
    el(0x86, Buffer.from('A_OPUS')),
    el(0x63a2, head),
    open(0x1f43b675),
  ]);
}

/** A SimpleBlock of track 1 with `frames` fixed-size laced (all the same length). */
export function lacedBlock(frames: Buffer[]): Buffer {
  const body = Buffer.concat([Buffer.from([0x81, 0, 0, 0x80 | (2 << 1), frames.length - 1]), ...frames]);
  return el(0xa3, body);
}
export function block(frame: Buffer): Buffer {
  return el(0xa3, Buffer.concat([Buffer.from([0x81, 0, 0, 0x80]), frame]));
}

const f64 = (x: number): Buffer => {
  const b = Buffer.alloc(8);
  b.writeDoubleBE(x);
  return b;
};
/** A well-formed, fully sized WebM (music-metadata accepts it) around `blocks`. */
export function sized(head: Buffer, blocks: Buffer[], channels: number, seconds = 60): Buffer {
  const ebml = el(0x1a45dfa3, Buffer.concat([el(0x4286, Buffer.from([1])), el(0x4282, Buffer.from('webm')), el(0x4287, Buffer.from([4])), el(0x4285, Buffer.from([2]))]));
  const info = el(0x1549a966, Buffer.concat([el(0x2ad7b1, Buffer.from([0x0f, 0x42, 0x40])), el(0x4489, f64(seconds * 1000))]));
  const audio = el(0xe1, Buffer.concat([el(0xb5, f64(48000)), el(0x9f, Buffer.from([channels]))]));
  const tracks = el(0x1654ae6b, el(0xae, Buffer.concat([el(0xd7, Buffer.from([1])), el(0x73c5, Buffer.from([1])), el(0x83, Buffer.from([2])), el(0x86, Buffer.from('A_OPUS')), el(0x63a2, head), audio])));
  const cluster = el(0x1f43b675, Buffer.concat([el(0xe7, Buffer.from([0])), ...blocks]));
  return Buffer.concat([ebml, el(0x18538067, Buffer.concat([info, tracks, cluster]))]);
}
