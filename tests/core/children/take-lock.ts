/**
 * A child process for tests/core/lock-race.test.ts: waits until the given moment (so that
 * all the children try at once), tries to take the vault's lock, and if it gets it holds it
 * for a while, writing "got" or "busy" to stdout.
 */
import { acquireLock } from '../../../electron/core/vault/lock';

const [dir, at, holdMs] = process.argv.slice(2) as [string, string, string];
while (Date.now() < Number(at)) {
  /* spin to the start line: a timer would let the children drift apart */
}
try {
  const lock = acquireLock(dir, 'enforce');
  process.stdout.write('got\n');
  setTimeout(() => lock.release(), Number(holdMs));
} catch (err) {
  process.stdout.write(`busy ${(err as { code?: string }).code ?? ''}\n`);
}
