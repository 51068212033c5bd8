/**
 * A map of at most `maxEntries` entries that drops the least recently used first. A Map iterates
 * in insertion order and a read re-inserts its key, so the first key is always the one to drop.
 * Counts its hits, misses and evictions, which `npm run bench` prints (SIGUSR2: lib/session/index.ts).
 */
export class LruMap<V> {
  private readonly map = new Map<string, V>();
  private counts = { hits: 0, misses: 0, evictions: 0 };

  constructor(
    readonly maxEntries: number,
    /** Told of each entry dropped to make room, to keep the owner's indexes in step. */
    private readonly onEvict: (key: string, value: V) => void = () => {},
  ) {}

  get size() {
    return this.map.size;
  }

  /** The value under `key`, now the most recently used; one that `usable` refuses counts as a miss. */
  get(key: string, usable: (value: V) => boolean = () => true): V | undefined {
    const value = this.map.get(key);
    if (value === undefined || !usable(value)) {
      this.counts.misses++;
      return undefined;
    }
    this.counts.hits++;
    this.map.delete(key);
    this.map.set(key, value);
    return value;
  }

  /** Without counting or reordering: for the owner's own bookkeeping. */
  peek(key: string): V | undefined {
    return this.map.get(key);
  }

  set(key: string, value: V) {
    this.map.delete(key);
    for (const [oldest, dropped] of this.map) {
      if (this.map.size < this.maxEntries) break;
      this.map.delete(oldest);
      this.counts.evictions++;
      this.onEvict(oldest, dropped);
    }
    this.map.set(key, value);
  }

  /** A newer value in the same place of the eviction order. */
  update(key: string, value: V) {
    if (this.map.has(key)) this.map.set(key, value);
  }

  delete(key: string): V | undefined {
    const value = this.map.get(key);
    this.map.delete(key);
    return value;
  }

  clear() {
    this.map.clear();
  }

  stats() {
    return { ...this.counts, entries: this.map.size, maxEntries: this.maxEntries };
  }
}

export type LruStats = ReturnType<LruMap<unknown>["stats"]>;

// Per process, not per bundle: proxy.ts and the app are separate bundles in one server process.
const registry = globalThis as typeof globalThis & { cloakroomCacheStats?: Map<string, () => LruStats> };

/** Installs the handler once per process; at start-up (instrumentation-node.ts), so it is there before any cache. */
export function printCacheStatsOnSignal() {
  if (registry.cloakroomCacheStats) return;
  const reporters = (registry.cloakroomCacheStats = new Map<string, () => LruStats>());
  process.on?.("SIGUSR2", () => {
    console.log(`session-cache-stats ${JSON.stringify(Object.fromEntries([...reporters].map(([name, read]) => [name, read()])))}`);
  });
}

/**
 * Makes `stats` part of what `kill -USR2 <pid>` prints: one line, `session-cache-stats {"session":
 * {...}, ...}`, counters since the process started. For `npm run bench` and for an operator asking
 * a live server how its caches do; counts only, never a key or a value.
 */
export function reportCacheStats(name: string, stats: () => LruStats) {
  printCacheStatsOnSignal();
  registry.cloakroomCacheStats?.set(name, stats);
}
