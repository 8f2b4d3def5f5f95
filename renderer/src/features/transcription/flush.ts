/**
 * Work that must reach the vault before it locks: the workspace registers its autosave
 * here, and the app's "Lock" waits for it. (Idle and system locks come from main; by
 * then autosave has written everything older than two seconds.)
 */
const flushers = new Set<() => Promise<void>>();

export function registerFlush(fn: () => Promise<void>): () => void {
  flushers.add(fn);
  return () => {
    flushers.delete(fn);
  };
}

export async function flushAll(): Promise<void> {
  await Promise.all([...flushers].map((f) => f().catch(() => undefined)));
}
