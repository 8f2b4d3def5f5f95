/**
 * Reading a ZIP someone else made (a .qdpx from another program, or from anyone who
 * sends one) without trusting it. The central directory is walked here rather than
 * by fflate's `unzipSync`, because that trusts the sizes the archive declares; here:
 *
 * - every entry's name is checked before anything is read: a name that leaves the
 *   archive (`../`, an absolute path, a drive letter) refuses the whole file, since
 *   an archive built to escape is not an honest export;
 * - links and devices (Unix modes in the external attributes) refuse the file too:
 *   an exchange file holds only regular files and folders;
 * - only the entries asked for are inflated, by fflate's streaming inflater, and the
 *   bytes are counted as they come out, so a small entry that inflates to gigabytes
 *   (a ZIP bomb) stops at the limit instead of filling memory.
 *
 * - two entries of the same name (ignoring case) refuse the file: which one is read
 *   would differ between programs.
 *
 * Encrypted entries and ZIP64 archives are refused: no exchange file needs them.
 */
import { Inflate } from 'fflate';
import { HvelvError } from '../../errors';

export interface ZipEntry {
  /** The name with `/` separators, as stored (a Windows tool may write `\`). */
  name: string;
  method: number;
  compressedSize: number;
  declaredSize: number;
  localOffset: number;
  isDirectory: boolean;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;

const notQda = (why: string) => new HvelvError('EXCHANGE_NOT_QDA', why);
const unsafe = (why: string) => new HvelvError('EXCHANGE_UNSAFE', why);

/** True when a name would land outside the folder the archive is read into. */
export function leavesArchive(name: string): boolean {
  const n = name.replace(/\\/g, '/');
  if (n.startsWith('/') || /^[a-zA-Z]:/.test(n) || n.includes('\0')) return true;
  return n.split('/').some((part) => part === '..');
}

export class ZipReader {
  readonly entries: ZipEntry[];
  private readonly view: DataView;

  constructor(
    private readonly bytes: Uint8Array,
    limits: { maxEntries: number },
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.entries = this.readDirectory(limits.maxEntries);
  }

  private u16(at: number): number {
    return this.view.getUint16(at, true);
  }
  private u32(at: number): number {
    return this.view.getUint32(at, true);
  }

  private findEnd(): number {
    const min = Math.max(0, this.bytes.length - 22 - 0xffff);
    for (let at = this.bytes.length - 22; at >= min; at--) {
      if (this.u32(at) === EOCD) return at;
    }
    throw notQda('the file is not a ZIP archive');
  }

  private readDirectory(maxEntries: number): ZipEntry[] {
    if (this.bytes.length < 22) throw notQda('the file is not a ZIP archive');
    const end = this.findEnd();
    const count = this.u16(end + 10);
    const offset = this.u32(end + 16);
    if (count === 0xffff || offset === 0xffffffff) throw notQda('ZIP64 archives are not read');
    if (count > maxEntries) throw new HvelvError('FILE_TOO_LARGE', `the archive has ${count} entries; at most ${maxEntries} are read`);
    const out: ZipEntry[] = [];
    // Names as a reader on a case-insensitive disk (Windows, macOS) would see them.
    const seen = new Set<string>();
    let at = offset;
    for (let i = 0; i < count; i++) {
      if (at + 46 > this.bytes.length || this.u32(at) !== CENTRAL) throw notQda('the ZIP archive is damaged (central directory)');
      const madeBy = this.u16(at + 4);
      const flags = this.u16(at + 8);
      const method = this.u16(at + 10);
      const compressedSize = this.u32(at + 20);
      const declaredSize = this.u32(at + 24);
      const nameLen = this.u16(at + 28);
      const extraLen = this.u16(at + 30);
      const commentLen = this.u16(at + 32);
      const external = this.u32(at + 38);
      const localOffset = this.u32(at + 42);
      const raw = this.bytes.subarray(at + 46, at + 46 + nameLen);
      // Bit 11: the name is UTF-8; otherwise CP437, whose ASCII part is all a path check needs.
      const name = (flags & 0x800 ? new TextDecoder('utf-8') : new TextDecoder('latin1')).decode(raw).replace(/\\/g, '/');
      if (leavesArchive(name)) throw unsafe(`the archive has an entry outside it: ${name}`);
      if (flags & 0x1) throw notQda(`the archive is encrypted (${name})`);
      if (compressedSize === 0xffffffff || declaredSize === 0xffffffff) throw notQda('ZIP64 archives are not read');
      const isDirectory = name.endsWith('/');
      // Two entries of one name: which of them a tool reads is the archive's maker's
      // choice (the last in the directory here, the first elsewhere), so one file could
      // show one project in Hvelv and another in NVivo. No honest export repeats a name.
      const key = name.normalize('NFC').toLowerCase();
      if (!isDirectory && seen.has(key)) throw unsafe(`the archive holds ${name} twice`);
      seen.add(key);
      if (madeBy >> 8 === 3) {
        const type = (external >>> 16) & S_IFMT;
        if (type !== 0 && type !== S_IFREG && type !== S_IFDIR) throw unsafe(`the archive entry ${name} is not a regular file (a link or device)`);
      }
      out.push({ name, method, compressedSize, declaredSize, localOffset, isDirectory });
      at += 46 + nameLen + extraLen + commentLen;
    }
    return out;
  }

  /**
   * An entry's bytes, inflated; `budget.left` is what may still be unpacked in all and
   * is lowered by what this entry held. Stops as soon as the budget is spent.
   */
  read(entry: ZipEntry, budget: { left: number }): Uint8Array {
    const at = entry.localOffset;
    if (at + 30 > this.bytes.length || this.u32(at) !== LOCAL) throw notQda(`the ZIP archive is damaged (${entry.name})`);
    const start = at + 30 + this.u16(at + 26) + this.u16(at + 28);
    const data = this.bytes.subarray(start, start + entry.compressedSize);
    if (data.length < entry.compressedSize) throw notQda(`the ZIP archive is truncated (${entry.name})`);
    const tooLarge = () => new HvelvError('FILE_TOO_LARGE', 'the archive unpacks to more than Hvelv reads from an exchange file');
    if (entry.method === 0) {
      if (data.length > budget.left) throw tooLarge();
      budget.left -= data.length;
      return data.slice();
    }
    if (entry.method !== 8) throw notQda(`the archive uses a compression Hvelv does not read (${entry.name})`);
    const chunks: Uint8Array[] = [];
    let size = 0;
    const inflater = new Inflate((chunk) => {
      size += chunk.length;
      if (size > budget.left) throw tooLarge();
      chunks.push(chunk);
    });
    try {
      // In slices, so the count is checked while inflating, not after.
      for (let off = 0; off < data.length; off += 16 * 1024) {
        const end = Math.min(off + 16 * 1024, data.length);
        inflater.push(data.subarray(off, end), end === data.length);
      }
    } catch (err) {
      if (err instanceof HvelvError) throw err;
      throw notQda(`the ZIP archive is damaged (${entry.name})`);
    }
    budget.left -= size;
    const out = new Uint8Array(size);
    let off = 0;
    for (const c of chunks) {
      out.set(c, off);
      off += c.length;
    }
    return out;
  }
}
