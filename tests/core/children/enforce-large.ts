/**
 * A child process for tests/core/project-end-large.test.ts: enforces the end date as the
 * app does (enforceProjectEndAsync) and, at the first slice of zeros written over the
 * recording, says "mid" on stdout and waits there to be killed (SIGKILL), as a power cut
 * would stop it: after the keys and records are gone, before the ciphertext is removed.
 */
import { createCrypto } from '../../../electron/core/crypto/sodium';
import { enforceProjectEndAsync } from '../../../electron/core/services/project-end/project-end';

const [dir, now] = process.argv.slice(2) as [string, string];
const crypto = await createCrypto();
await enforceProjectEndAsync(dir, { crypto, now: new Date(now) }, ({ bytes, total }) => {
  if (bytes > 0 && bytes < total) {
    process.stdout.write('mid\n');
    // Held here until the parent's SIGKILL (a minute at most).
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
  }
});
process.stdout.write('finished\n');
