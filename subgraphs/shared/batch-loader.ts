/**
 * Collects the keys asked for during one tick and loads them with one query, so a list
 * of 100 orders asking for their last callback costs one SELECT, not 100. One loader
 * lives per request (see SubgraphContext.loader), so nothing is cached across callers.
 */
export class BatchLoader<K, V> {
  private pending: K[] = [];
  private scheduled: Promise<Map<K, V>> | null = null;
  private readonly cache = new Map<K, Promise<V | undefined>>();

  constructor(private readonly loadMany: (keys: K[]) => Promise<Map<K, V>>) {}

  load(key: K): Promise<V | undefined> {
    const cached = this.cache.get(key);
    if (cached) return cached;
    this.pending.push(key);
    if (!this.scheduled) {
      this.scheduled = new Promise<void>((resolve) => queueMicrotask(resolve)).then(() => {
        const keys = this.pending;
        this.pending = [];
        this.scheduled = null;
        return this.loadMany(keys);
      });
    }
    const result = this.scheduled.then((found) => found.get(key));
    this.cache.set(key, result);
    return result;
  }
}
