/** Where the values of a snapshot came from. */
export type SecretsSource = 'infisical' | 'file-cache' | 'dotenv';

/** Secret values by key, in an object without a prototype (a key named `__proto__` stays data). */
export type SecretValues = Readonly<Record<string, string>>;

/**
 * One complete, immutable set of loaded values. A load builds a new snapshot and the service swaps it in
 * one step, so readers never see half a load.
 */
export class SecretsSnapshot {
  readonly values: SecretValues;
  readonly keys: readonly string[];
  /** When this process took the values in; for a fallback, how long Infisical has been out of reach. */
  readonly loadedAt = new Date();
  // Reads go through a Map: faster than a frozen dictionary object, and immune to odd key names.
  private readonly lookup: ReadonlyMap<string, string>;

  /** @param values the values, copied; or a snapshot whose (immutable) values are shared, not copied */
  constructor(
    values: Record<string, string> | SecretsSnapshot,
    readonly source: SecretsSource,
    readonly fetchedAt: Date,
    /** Duration of the fetch that produced the values. */
    readonly latencyMs: number,
  ) {
    if (values instanceof SecretsSnapshot) {
      this.values = values.values;
      this.keys = values.keys;
      this.lookup = values.lookup;
    } else {
      const copy: Record<string, string> = Object.create(null);
      const lookup = new Map<string, string>();
      const names = Object.keys(values);
      for (const key of names) {
        const value = values[key];
        copy[key] = value;
        lookup.set(key, value);
      }
      this.values = Object.freeze(copy);
      this.keys = Object.freeze(names.sort());
      this.lookup = lookup;
    }
    Object.freeze(this);
  }

  get(key: string): string | undefined {
    return this.lookup.get(key);
  }

  has(key: string): boolean {
    return this.lookup.has(key);
  }

  get size(): number {
    return this.keys.length;
  }

  /** A plain copy the caller may change. */
  toRecord(): Record<string, string> {
    return { ...this.values };
  }
}
