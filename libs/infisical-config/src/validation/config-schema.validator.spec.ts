import 'reflect-metadata';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsDate, IsInt, IsOptional, IsString, IsUrl, Matches, Min } from 'class-validator';
import { InfisicalConfigValidationError } from '../errors/infisical-config-validation.error.js';
import { checkConfigSchema, type SchemaCheck } from './config-schema.validator.js';

class AppConfig {
  @IsString() DB_PASSWORD!: string;
  @IsInt() @Min(1) DB_PORT!: number;
  @IsUrl({ require_tld: false, protocols: ['postgres'] }) DATABASE_URL!: string;
  @IsOptional() @IsBoolean() FEATURE_X?: boolean;
}

const valid = { DB_PASSWORD: 's3cret', DB_PORT: '5432', DATABASE_URL: 'postgres://db:5432/app' };

function problemsOf<T>(check: SchemaCheck<T>) {
  if (check.ok) throw new Error('expected the check to fail');
  return check.error;
}

describe('checkConfigSchema', () => {
  it('converts and accepts valid values', async () => {
    const check = await checkConfigSchema(AppConfig, { ...valid, FEATURE_X: 'false' }, 'infisical');
    expect(check.ok).toBe(true);
    if (!check.ok) return;
    expect(check.config).toBeInstanceOf(AppConfig);
    expect(check.config).toEqual({ ...valid, DB_PORT: 5432, FEATURE_X: false });
  });

  it('reads booleans without a transform: true/false/1/0 in any case, other words fail @IsBoolean', async () => {
    for (const [raw, expected] of [['TRUE', true], ['1', true], ['False', false], ['0', false]] as const) {
      const check = await checkConfigSchema(AppConfig, { ...valid, FEATURE_X: raw }, 'infisical');
      expect(check.ok && check.config.FEATURE_X).toBe(expected);
    }
    const error = problemsOf(await checkConfigSchema(AppConfig, { ...valid, FEATURE_X: 'flase' }, 'infisical'));
    expect(error.problems).toEqual([{ key: 'FEATURE_X', rules: ['isBoolean'], missing: false }]);
  });

  it('gives a @Transform the raw string, so the recommended boolean transform works', async () => {
    class WithTransform {
      @Transform(({ value }) => value === 'true') @IsBoolean() FLAG!: boolean;
      @Type(() => Number) @IsInt() PORT!: number;
    }
    const on = await checkConfigSchema(WithTransform, { FLAG: 'true', PORT: '80' }, 'infisical');
    const off = await checkConfigSchema(WithTransform, { FLAG: 'false', PORT: '80' }, 'infisical');
    expect(on.ok && on.config).toEqual({ FLAG: true, PORT: 80 });
    expect(off.ok && off.config).toEqual({ FLAG: false, PORT: 80 });
  });

  it('converts dates and leaves strings alone', async () => {
    class Dated {
      @IsDate() SINCE!: Date;
      @IsString() NAME!: string;
    }
    const check = await checkConfigSchema(Dated, { SINCE: '2024-01-02T00:00:00Z', NAME: ' 42 ' }, 'dotenv');
    expect(check.ok && check.config.SINCE.toISOString()).toBe('2024-01-02T00:00:00.000Z');
    expect(check.ok && check.config.NAME).toBe(' 42 ');
  });

  it('treats an empty value as unset: optional keys pass, required ones are missing', async () => {
    const optional = await checkConfigSchema(AppConfig, { ...valid, FEATURE_X: '' }, 'infisical');
    expect(optional.ok && optional.config.FEATURE_X).toBeUndefined();
    const error = problemsOf(await checkConfigSchema(AppConfig, { ...valid, DB_PORT: ' ' }, 'infisical'));
    expect(error.problems).toEqual([{ key: 'DB_PORT', rules: ['min', 'isInt'], missing: true }]);
  });

  it('reports a missing required key as missing, with its rules', async () => {
    const { DATABASE_URL: _omitted, ...rest } = valid;
    const error = problemsOf(await checkConfigSchema(AppConfig, rest, 'infisical'));
    expect(error).toBeInstanceOf(InfisicalConfigValidationError);
    expect(error.name).toBe('InfisicalConfigValidationError');
    expect(error.problems).toEqual([{ key: 'DATABASE_URL', rules: ['isUrl'], missing: true }]);
    expect(error.source).toBe('infisical');
    expect(error.message).toContain('  - DATABASE_URL: missing (isUrl)');
  });

  it('names the key and the rules of an invalid value', async () => {
    const error = problemsOf(await checkConfigSchema(AppConfig, { ...valid, DB_PORT: '0' }, 'infisical'));
    expect(error.problems).toEqual([{ key: 'DB_PORT', rules: ['min'], missing: false }]);
    expect(error.message).toContain('  - DB_PORT: min');
  });

  it('lists every problem at once, with the schema name and the source', async () => {
    const error = problemsOf(await checkConfigSchema(AppConfig, { DB_PORT: '12.5', DATABASE_URL: 'not a url' }, 'file-cache'));
    expect(error.problems.map((problem) => problem.key).sort()).toEqual(['DATABASE_URL', 'DB_PASSWORD', 'DB_PORT']);
    expect(error.message).toMatch(/^Configuration does not match AppConfig \(3 keys\):\n/);
    expect(error.message).toContain('  - DB_PASSWORD: missing (isString)');
    expect(error.message).toContain('  - DB_PORT: isInt');
    expect(error.message).toContain('  - DATABASE_URL: isUrl');
    expect(error.message).toContain('The values come from the encrypted file cache (fallback).');
  });

  it('never carries a value, not even through a custom message using $value', async () => {
    const canary = 'canary-123';
    class Leaky {
      @IsInt({ message: 'bad $value' }) DB_PORT!: number;
      @Matches(/^x/, { message: 'bad $value' }) TOKEN!: string;
    }
    const error = problemsOf(await checkConfigSchema(Leaky, { DB_PORT: canary, TOKEN: canary }, 'dotenv'));
    expect(error.problems).toEqual([
      { key: 'DB_PORT', rules: ['isInt'], missing: false },
      { key: 'TOKEN', rules: ['matches'], missing: false },
    ]);
    const everything = JSON.stringify({ message: error.message, stack: error.stack, problems: error.problems, own: { ...error } });
    expect(everything).not.toContain(canary);
    expect(everything).not.toContain('bad ');
  });

  it('returns a frozen config', async () => {
    class Nested {
      @IsString() A!: string;
      @Transform(() => ({ inner: [1] })) LIST!: { inner: number[] };
    }
    const check = await checkConfigSchema(Nested, { A: 'a', LIST: 'x' }, 'infisical');
    if (!check.ok) throw check.error;
    expect(Object.isFrozen(check.config)).toBe(true);
    expect(Object.isFrozen(check.config.LIST.inner)).toBe(true);
    expect(() => {
      (check.config as { A: string }).A = 'b';
    }).toThrow(TypeError);
  });

  it('keeps keys the schema does not declare, as unvalidated strings', async () => {
    const check = await checkConfigSchema(AppConfig, { ...valid, EXTRA: '5' }, 'infisical');
    expect(check.ok && (check.config as unknown as Record<string, unknown>)['EXTRA']).toBe('5');
  });

  it('does not change the values it was given', async () => {
    const values = Object.freeze({ ...valid });
    await checkConfigSchema(AppConfig, values, 'infisical');
    expect(values).toEqual(valid);
  });

  it('says 1 key for a single problem', async () => {
    const error = problemsOf(await checkConfigSchema(AppConfig, { ...valid, DB_PORT: 'x' }, 'infisical'));
    expect(error.message.split('\n')[0]).toBe('Configuration does not match AppConfig (1 key):');
  });
});
