/**
 * Small in-memory caches (per process) for public pages: a crowd reading one page costs a few
 * database queries a second, not a few per reader.
 */

/** Values kept for `ttlMs` after they were stored; a stale value reads as missing. */
export class TtlMap<T> {
  private entries = new Map<string, { value: T; at: number }>();

  constructor(private readonly ttlMs: number) {}

  get(key: string, now = Date.now()): T | undefined {
    const hit = this.entries.get(key);
    return hit && now - hit.at < this.ttlMs ? hit.value : undefined;
  }

  set(key: string, value: T, now = Date.now()): void {
    this.entries.set(key, { value, at: now });
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  /** Forgets every key the test picks (e.g. all variants of one page). */
  deleteWhere(test: (key: string) => boolean): void {
    for (const key of this.entries.keys()) if (test(key)) this.entries.delete(key);
  }
}

/**
 * Values loaded per key at most once per `ttlMs`; readers during a load share its promise. A
 * load that fails or finds nothing (undefined) is not kept, so unknown keys cannot fill memory.
 */
export class LoadingCache<T> {
  private entries = new Map<string, { value: Promise<T | undefined>; at: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly load: (key: string) => Promise<T | undefined>,
  ) {}

  get(key: string, now = Date.now()): Promise<T | undefined> {
    const hit = this.entries.get(key);
    if (hit && now - hit.at < this.ttlMs) return hit.value;
    const entry = { value: this.load(key), at: now };
    this.entries.set(key, entry);
    const drop = () => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    };
    entry.value.then((value) => {
      if (value === undefined) drop();
    }, drop);
    return entry.value;
  }

  /** After a change made in this process, the next read loads afresh. */
  delete(key: string): void {
    this.entries.delete(key);
  }
}
