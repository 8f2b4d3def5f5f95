/**
 * Work that must reach the vault before it locks: the workspace registers its autosave
 * here. The app's "Lock" waits for it, and so does a lock main makes on its own (screen
 * lock, sleep, quit: main sends 'save-now' and waits up to three seconds for the answer).
 */
const flushers = new Set<() => Promise<boolean>>();

/** `fn` saves what it holds and says whether it is all in the vault. */
export function registerFlush(fn: () => Promise<boolean>): () => void {
  flushers.add(fn);
  return () => {
    flushers.delete(fn);
  };
}

/** Save everything; false when something could not be saved (it is still on screen). */
export async function flushAll(): Promise<boolean> {
  const done = await Promise.all([...flushers].map((f) => f().catch(() => false)));
  return done.every(Boolean);
}
