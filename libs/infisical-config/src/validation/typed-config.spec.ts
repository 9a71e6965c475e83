import { TypedInfisicalConfig } from './typed-config.js';

interface AppConfig {
  DB_PORT: number;
  DB_HOST: string;
  FEATURE_X?: boolean;
  TIMEOUT_MS: number | null;
}

const first: AppConfig = Object.freeze({ DB_PORT: 5432, DB_HOST: 'db', TIMEOUT_MS: null });

describe('TypedInfisicalConfig', () => {
  it('serves the current values, typed from the schema', () => {
    const config = new TypedInfisicalConfig<AppConfig>(first);
    const port: number = config.get('DB_PORT');
    expect(port).toBe(5432);
    expect(config.value).toBe(first);
    // @ts-expect-error: not a key of AppConfig
    config.get('DB_PROT');
    // @ts-expect-error: DB_PORT is a number
    const wrong: string = config.get('DB_PORT');
    expect(wrong).toBe(5432);
  });

  it('getOrThrow returns set values and names the key (never a value) for undefined or null', () => {
    const config = new TypedInfisicalConfig<AppConfig>(first);
    const host: string = config.getOrThrow('DB_HOST');
    expect(host).toBe('db');
    expect(() => config.getOrThrow('FEATURE_X')).toThrow(new TypeError('Configuration key "FEATURE_X" is undefined or null in the validated configuration.'));
    expect(() => config.getOrThrow('TIMEOUT_MS')).toThrow(/"TIMEOUT_MS"/);
    const timeout: number = new TypedInfisicalConfig<AppConfig>({ ...first, TIMEOUT_MS: 0 }).getOrThrow('TIMEOUT_MS');
    expect(timeout).toBe(0);
  });

  it('replace swaps in the next config for every later read', () => {
    const config = new TypedInfisicalConfig<AppConfig>(first);
    const next = Object.freeze({ ...first, DB_PORT: 6543, FEATURE_X: false });
    config.replace(next);
    expect(config.value).toBe(next);
    expect(config.get('DB_PORT')).toBe(6543);
    expect(config.getOrThrow('FEATURE_X')).toBe(false);
  });

  it('defaults to an untyped record', () => {
    const config = new TypedInfisicalConfig({ ANY: 'x' });
    const loose = new TypedInfisicalConfig(first as unknown as Record<string, unknown>);
    expect(config.get('ANY')).toBe('x');
    expect(loose.get('DB_HOST')).toBe('db');
  });
});
