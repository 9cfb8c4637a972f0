/**
 * Values worked out once for the object they describe and kept as long as it lives: the
 * image of a service, the position of a service in its file, whether a file's text mentions a
 * pattern at all. Every such cache of the analysis is a key here, so that no module of it
 * holds state of its own and what is kept is owned in one place: nothing outlives the models of
 * a run, nothing is shared between two of them.
 */
const store = new WeakMap<object, Map<unknown, unknown>>();

/** `compute()` for `owner` and `key`, once: later calls with the same two give the same value. */
export function memo<T>(owner: object, key: unknown, compute: () => T): T {
  let table = store.get(owner);
  if (!table) store.set(owner, (table = new Map()));
  if (table.has(key)) return table.get(key) as T;
  const value = compute();
  table.set(key, value);
  return value;
}
