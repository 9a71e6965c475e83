import { TYPED_KEY_UNSET } from './config-validation.messages.js';

/**
 * The validated, typed configuration, always the current one: the library swaps in a new instance after
 * each applied refresh. Inject it with `@InjectInfisicalConfig()` (or type the constructor parameter as
 * `TypedInfisicalConfig<AppConfig>`: the class is the token) and read `config.value.DB_PORT` or
 * `config.get('DB_PORT')`. Read it when you need a value rather than copying it once, to see rotations.
 */
export class TypedInfisicalConfig<T extends object = Record<string, unknown>> {
  private current: Readonly<T>;

  constructor(initial: Readonly<T>) {
    this.current = initial;
  }

  /** The whole current configuration (frozen). */
  get value(): Readonly<T> {
    return this.current;
  }

  /** The current value of `key`, typed from the schema. */
  get<K extends keyof T>(key: K): T[K] {
    return this.current[key];
  }

  /** The current value of `key`; throws a TypeError naming the key (never a value) when it is undefined or null. */
  getOrThrow<K extends keyof T>(key: K): NonNullable<T[K]> {
    const value = this.current[key];
    if (value === undefined || value === null) throw new TypeError(TYPED_KEY_UNSET(String(key)));
    return value;
  }

  /** @internal Used by the library after a validated refresh. */
  replace(next: Readonly<T>): void {
    this.current = next;
  }
}
