/**
 * A cache that lives as long as one unlocked session: made on first use, emptied and
 * forgotten when the session locks (decrypted records never outlive the unlock).
 */
import type { VaultSession } from './vault';

export function perSession<T extends { clear(): void }>(make: (session: VaultSession) => T): (session: VaultSession) => T {
  const caches = new WeakMap<VaultSession, T>();
  return (session) => {
    let c = caches.get(session);
    if (!c) {
      const made = make(session);
      caches.set(session, made);
      session.onLock(() => {
        made.clear();
        caches.delete(session);
      });
      c = made;
    }
    return c;
  };
}
