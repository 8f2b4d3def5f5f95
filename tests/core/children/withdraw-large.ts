/**
 * A child process for tests/core/shred-large.test.ts: opens the vault, withdraws the
 * participant, and at the first slice of zeros written over their recording says "mid"
 * on stdout and waits there, to be killed (SIGKILL) as a power cut would stop it: after
 * the keys are gone and some zeros are written, before the blob is removed.
 */
import { createCrypto } from '../../../electron/core/crypto/sodium';
import { openProject } from '../../../electron/core/services/project/open';
import { Participants } from '../../../electron/core/services/participants/participants';
import { TEST_KDF_POLICY } from '../helpers';

const [dir, pass, code] = process.argv.slice(2) as [string, string, string];
const NOW = () => new Date('2026-11-27T10:00:00Z');
const crypto = await createCrypto();
const session = await openProject(dir, pass, { crypto, kdfPolicy: TEST_KDF_POLICY, now: NOW });
await new Participants(session, NOW).withdraw(code, '2026-11-27', {
  onProgress: ({ bytes, total }) => {
    if (bytes > 0 && bytes < total) {
      process.stdout.write('mid\n');
      // Held here until the parent's SIGKILL (a minute at most).
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
    }
  },
});
process.stdout.write('finished\n');
