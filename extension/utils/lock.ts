/**
 * Runs `fn` while holding the named lock. `navigator.locks` spans every page and the
 * service worker of the extension, so the popup and the background cannot interleave;
 * where it is missing (tests on Node 20) a promise chain serialises callers of this module.
 */
const chains = new Map<string, Promise<unknown>>();

export async function withLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
  if (locks && typeof locks.request === "function") {
    return locks.request(name, () => fn()) as Promise<T>;
  }
  const previous = chains.get(name) ?? Promise.resolve();
  const run = previous.then(fn, fn);
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  chains.set(name, settled);
  void settled.then(() => {
    if (chains.get(name) === settled) chains.delete(name);
  });
  return run;
}
