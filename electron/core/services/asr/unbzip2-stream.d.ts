/** unbzip2-stream 1.4.3 ships no types: a `through` stream, bzip2 in, the decompressed bytes out. */
declare module 'unbzip2-stream' {
  import type { Duplex } from 'node:stream';
  function unbzip2Stream(): Duplex;
  export default unbzip2Stream;
}

/**
 * Its decoder and bit reader (used by bunzip2.ts, which hands the bytes on as they are
 * decoded rather than a whole block at a time in an array of numbers).
 */
declare module 'unbzip2-stream/lib/bzip2.js' {
  type Bits = ((n: number | null) => number) & { bytesRead: number };
  const bzip2: {
    /** Reads the stream header ("BZh1".."BZh9"); returns the block size in hundreds of kB. Throws on anything else. */
    header(bits: Bits): number;
    /** Decodes one block, each byte to `out`; returns the stream's CRC so far, or null at the stream's end marker. Throws on damage. */
    decompress(bits: Bits, out: (byte: number) => void, buf: Int32Array, bufsize: number, streamCRC: number | null): number | null;
  };
  export default bzip2;
}

declare module 'unbzip2-stream/lib/bit_iterator.js' {
  function bitIterator(next: () => Uint8Array | undefined): ((n: number | null) => number) & { bytesRead: number };
  export default bitIterator;
}
