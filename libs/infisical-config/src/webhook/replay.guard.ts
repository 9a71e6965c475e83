/**
 * The signatures seen recently, to refuse a delivery replayed inside the timestamp window. Bounded twice:
 * each entry is forgotten `retainMs` after it was seen (by then its timestamp is outside the window, so a
 * replay is refused as stale anyway), and when `maxEntries` are held the oldest is forgotten first (only a
 * holder of the key can add entries, and a replay can at worst cause one more coalesced refresh).
 */
export class ReplayGuard {
  /** key → when to forget it; insertion order is time order, so expired entries are at the front. */
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly retainMs: number,
    private readonly maxEntries: number,
  ) {}

  /** True (and remembered) the first time `key` is offered; false while it is remembered. */
  firstSeen(key: string, now: number): boolean {
    this.forgetExpired(now);
    if (this.seen.has(key)) return false;
    if (this.seen.size >= this.maxEntries) {
      const oldest = this.seen.keys().next();
      if (!oldest.done) this.seen.delete(oldest.value);
    }
    this.seen.set(key, now + this.retainMs);
    return true;
  }

  get size(): number {
    return this.seen.size;
  }

  private forgetExpired(now: number): void {
    for (const [key, forgetAt] of this.seen) {
      if (forgetAt > now) return;
      this.seen.delete(key);
    }
  }
}
