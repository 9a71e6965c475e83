import type { SecretsDiff } from '../snapshot/snapshot-diff.js';
import type { SecretsSnapshot } from '../snapshot/secrets-snapshot.js';

/**
 * For the keys the app names, the value a rotation replaced, for a window (a JWT verifier accepts tokens
 * signed with either secret until it ends). In memory only: never written to `process.env`, the cache or a
 * log; dropped when the window ends and on shutdown.
 */
export class PreviousValues {
  private readonly held = new Map<string, { value: string; timer: NodeJS.Timeout }>();
  private closed = false;

  constructor(
    private readonly keys: ReadonlySet<string>,
    private readonly windowMs: number,
  ) {}

  /** After an applied refresh: keeps what `previous` held for the named keys the refresh changed or removed. */
  remember(previous: SecretsSnapshot, diff: SecretsDiff): void {
    if (this.closed || this.keys.size === 0) return;
    for (const key of [...diff.changed, ...diff.removed]) {
      const value = previous.get(key);
      if (!this.keys.has(key) || value === undefined) continue;
      this.drop(key);
      const timer = setTimeout(() => this.held.delete(key), this.windowMs);
      this.held.set(key, { value, timer });
    }
  }

  get(key: string): string | undefined {
    return this.held.get(key)?.value;
  }

  onModuleDestroy(): void {
    this.close();
  }

  close(): void {
    this.closed = true;
    for (const key of [...this.held.keys()]) this.drop(key);
  }

  private drop(key: string): void {
    const entry = this.held.get(key);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.held.delete(key);
  }
}
