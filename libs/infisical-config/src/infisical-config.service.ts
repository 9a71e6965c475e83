import { MISSING_KEY } from './infisical-config.messages.js';
import type { SecretsSnapshot, SecretsSource } from './snapshot/secrets-snapshot.js';

/**
 * The loaded secrets, served from memory and synchronously: nothing here waits on the network.
 * Created by the module once the first load has finished, so it is never seen empty.
 */
export class InfisicalConfigService {
  private snapshot: SecretsSnapshot;

  constructor(initial: SecretsSnapshot) {
    this.snapshot = initial;
  }

  /** The value of `key`, or `undefined` (or `defaultValue`) when it is not set. */
  get(key: string): string | undefined;
  get(key: string, defaultValue: string): string;
  get(key: string, defaultValue?: string): string | undefined {
    return this.snapshot.get(key) ?? defaultValue;
  }

  /** The value of `key`; throws (naming the key, never a value) when it is not set. */
  getOrThrow(key: string): string {
    const value = this.get(key);
    if (value === undefined) throw new TypeError(MISSING_KEY(key));
    return value;
  }

  has(key: string): boolean {
    return this.snapshot.has(key);
  }

  /** A copy of every loaded value; changing it changes nothing here. */
  getAll(): Record<string, string> {
    return this.snapshot.toRecord();
  }

  /** Names of the loaded keys, sorted. */
  keys(): readonly string[] {
    return this.snapshot.keys;
  }

  /** Where the current values came from. */
  get source(): SecretsSource {
    return this.snapshot.source;
  }

  /** The current immutable snapshot (values, source, fetch time, latency). */
  get currentSnapshot(): SecretsSnapshot {
    return this.snapshot;
  }
}
