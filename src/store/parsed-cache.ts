/**
 * The repositories keep what they parsed from JSON columns read on every request (an alliance's
 * settings, an agreement version's content). Values are frozen, deep, so no reader can change what
 * the next one gets; a cache is emptied when it reaches its limit, which bounds it without
 * bookkeeping.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/** Keeps `value`, deep-frozen, in `cache` under `key` (emptying the cache first when full); returns it. */
export function keepParsed<K, V>(cache: Map<K, V>, key: K, value: V, limit: number): V {
  const frozen = deepFreeze(value);
  if (cache.size >= limit) cache.clear();
  cache.set(key, frozen);
  return frozen;
}
