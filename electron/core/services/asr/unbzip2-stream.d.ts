/** unbzip2-stream 1.4.3 ships no types: a `through` stream, bzip2 in, the decompressed bytes out. */
declare module 'unbzip2-stream' {
  import type { Duplex } from 'node:stream';
  function unbzip2Stream(): Duplex;
  export default unbzip2Stream;
}
