/**
 * bzip2 decoded as it is fed, for the model archive's unpacking thread (unpack-worker.ts):
 * unbzip2-stream's own decoder and bit reader (MIT, already the dependency), driven here
 * so that the decoded bytes go on in pieces of at most 1 MiB *while* a block is decoded.
 *
 * unbzip2-stream's stream collects each block's bytes in an array of numbers before it
 * hands them on. A bzip2 block holds up to 900 kB before its run-length step, so one block
 * of long runs decodes to about 45 MB: an array of 45 million numbers, over 1.4 GB at its
 * peak, from an 81-byte file, and the archive's cap was only looked at after it. Here each
 * piece is handed on as it fills (at most 1 MiB held), and `onData` can stop the decoder
 * mid-block by throwing (the cap, Cancel): the throw leaves write() or end().
 *
 * The block's CRC is checked at its end, after its bytes have gone on: the archive's
 * SHA-256 was checked before unpacking, and what is unpacked stays in the staging folder
 * until all of it went well.
 */
import bzip2 from 'unbzip2-stream/lib/bzip2.js';
import bitIterator from 'unbzip2-stream/lib/bit_iterator.js';

const PIECE = 1 << 20;

export class Bunzip2 {
  private readonly queue: Uint8Array[] = [];
  private has = 0;
  private bits: ReturnType<typeof bitIterator> | null = null;
  /** 0 before a stream's header (another stream may follow the end of one). */
  private blockSize = 0;
  /** null: at a stream's end (or before any); a number: inside a stream. */
  private streamCRC: number | null = null;
  private readonly out = Buffer.allocUnsafe(PIECE);
  private n = 0;

  constructor(private readonly onData: (chunk: Buffer) => void) {}

  /** Feed bytes; decodes every block whose bytes are surely all here. Throws on damage, or what onData throws. */
  write(data: Uint8Array): void {
    this.queue.push(data);
    this.has += data.length;
    this.bits ??= bitIterator(() => this.queue.shift());
    // As unbzip2-stream: a block is decoded once more than its largest size is buffered.
    while (this.has - this.bits.bytesRead + 1 >= 25_000 + 100_000 * this.blockSize) this.block();
  }

  /** No more bytes: decodes the rest. Throws when the stream ended before its end marker. */
  end(): void {
    while (this.bits && this.has > this.bits.bytesRead) this.block();
    this.flush();
    if (this.streamCRC !== null) throw new Error('input stream ended prematurely');
  }

  private block(): void {
    const bits = this.bits!;
    if (!this.blockSize) {
      this.blockSize = bzip2.header(bits);
      this.streamCRC = 0;
      return;
    }
    const size = 100_000 * this.blockSize;
    const crc = bzip2.decompress(
      bits,
      (b) => {
        this.out[this.n++] = b;
        if (this.n === PIECE) this.flush();
      },
      new Int32Array(size),
      size,
      this.streamCRC,
    );
    this.streamCRC = crc;
    if (crc === null) this.blockSize = 0;
    this.flush();
  }

  private flush(): void {
    if (this.n === 0) return;
    // A copy: the piece is written into again, and the tar parser may hold on to what it is given.
    const chunk = Buffer.from(this.out.subarray(0, this.n));
    this.n = 0;
    this.onData(chunk);
  }
}
