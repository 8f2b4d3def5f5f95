/** ZIP files written by hand for the tests and benchmarks: what no tool would make (a bomb, a lie). */
import * as zlib from 'node:zlib';

/** A .zip written by hand (stored or deflated entries), so a test can make what no tool would: a bomb, a lie. */
export function zipOf(entries: { name: string; data?: Buffer; deflated?: Buffer; size?: number; crc?: number }[]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const body = e.deflated ?? e.data!;
    const name = Buffer.from(e.name);
    const crc = e.crc ?? zlib.crc32(e.data ?? Buffer.alloc(0));
    const size = e.size ?? e.data!.length;
    const method = e.deflated ? 8 : 0;
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(20, 4);
    lh.writeUInt16LE(method, 8);
    lh.writeUInt32LE(crc >>> 0, 14);
    lh.writeUInt32LE(body.length, 18);
    lh.writeUInt32LE(size, 22);
    lh.writeUInt16LE(name.length, 26);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE(20, 4);
    ch.writeUInt16LE(20, 6);
    ch.writeUInt16LE(method, 10);
    ch.writeUInt32LE(crc >>> 0, 16);
    ch.writeUInt32LE(body.length, 20);
    ch.writeUInt32LE(size, 24);
    ch.writeUInt16LE(name.length, 28);
    ch.writeUInt32LE(offset, 42);
    locals.push(lh, name, body);
    central.push(ch, name);
    offset += lh.length + name.length + body.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Math.min(entries.length, 0xffff), 8);
  end.writeUInt16LE(Math.min(entries.length, 0xffff), 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

export const DOC_HEAD = '<?xml version="1.0"?><w:document xmlns:w="x"><w:body><w:p><w:r><w:t>';
export const DOC_TAIL = '</w:t></w:r></w:p></w:body></w:document>';

/**
 * A .docx whose document.xml is `mib` MiB, mostly spaces: deflate blocks of one MiB,
 * flushed to a byte boundary and repeated (each refers only to itself), so the bomb
 * never exists whole in this process either.
 */
export function bombDocx(mib: number): Buffer {
  const slice = Buffer.alloc(1 << 20, 0x20);
  const sync = { finishFlush: zlib.constants.Z_SYNC_FLUSH };
  const head = Buffer.from(DOC_HEAD);
  const tail = Buffer.from(DOC_TAIL);
  const block = zlib.deflateRawSync(slice, { ...sync, level: 9 });
  let crc = zlib.crc32(head);
  for (let i = 0; i < mib; i++) crc = zlib.crc32(slice, crc);
  crc = zlib.crc32(tail, crc);
  const deflated = Buffer.concat([zlib.deflateRawSync(head, sync), ...Array<Buffer>(mib).fill(block), zlib.deflateRawSync(tail)]);
  return zipOf([{ name: 'word/document.xml', deflated, crc, size: (head.length + mib * slice.length + tail.length) >>> 0 }]);
}
