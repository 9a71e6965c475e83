import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InfisicalCacheError } from '../errors/infisical-cache.error.js';
import type { CacheBinding } from './cache-binding.js';
import type { CacheReadResult, EncryptedFileCacheOptions } from './encrypted-file.cache.js';
import { EncryptedFileCache } from './encrypted-file.cache.js';

const DAY = 86_400_000;
const T0 = Date.parse('2030-01-01T00:00:00.000Z');

// Planted in the values and in the key: no message or reason may ever contain them.
const VALUE_CANARY = 'VALUE-CANARY-5e1d0c';
const KEY = Buffer.from('KEY-CANARY-32-bytes-long-9b7f3a!', 'utf8');
const KEY_CANARIES = ['KEY-CANARY', KEY.toString('base64'), KEY.toString('base64url'), KEY.toString('hex')];
const CANARIES = [VALUE_CANARY, ...KEY_CANARIES];

const binding: CacheBinding = {
  siteUrl: 'https://infisical.example.com',
  projectId: 'project-1',
  scopes: [
    { environment: 'workspace', secretPath: '/', recursive: false, includeImports: true },
    { environment: 'server', secretPath: '/api', recursive: true, includeImports: true },
  ],
};

const values = { DATABASE_PASSWORD: VALUE_CANARY, API_URL: 'https://api.example.com' };

/** Every message and reason produced, checked against the canaries at the end. */
const seen: string[] = [];

function messagesOf(error: unknown): string[] {
  const out: string[] = [];
  for (let e = error; e instanceof Error; e = e.cause) out.push(e.message, String(e.stack));
  return out;
}

let dir: string;
let filePath: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'infisical-cache-'));
  filePath = join(dir, 'secrets.cache.json');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

afterAll(() => {
  expect(seen.length).toBeGreaterThan(10);
  for (const text of seen) for (const canary of CANARIES) expect(text).not.toContain(canary);
});

function cache(overrides: Partial<EncryptedFileCacheOptions> = {}): EncryptedFileCache {
  return new EncryptedFileCache({ filePath, key: KEY, binding, maxAgeMs: 7 * DAY, now: () => T0, ...overrides });
}

async function read(instance = cache()): Promise<CacheReadResult> {
  const result = await instance.read();
  if (!result.ok) seen.push(result.reason);
  return result;
}

async function expectRefused(result: CacheReadResult, problem: string): Promise<string> {
  expect(result).toEqual({ ok: false, problem, reason: expect.any(String) });
  const reason = (result as { reason: string }).reason;
  expect(reason).toContain(filePath);
  return reason;
}

async function writeError(instance: EncryptedFileCache): Promise<InfisicalCacheError> {
  try {
    await instance.write(values);
  } catch (error) {
    seen.push(...messagesOf(error));
    expect(error).toBeInstanceOf(InfisicalCacheError);
    return error as InfisicalCacheError;
  }
  throw new Error('write did not fail');
}

async function editEnvelope(edit: (envelope: Record<string, string | number>) => void): Promise<void> {
  const envelope = JSON.parse(await readFile(filePath, 'utf8')) as Record<string, string | number>;
  edit(envelope);
  await writeFile(filePath, JSON.stringify(envelope));
}

function flipFirstByte(base64: string): string {
  const bytes = Buffer.from(base64, 'base64');
  bytes[0] = bytes[0]! ^ 0x01;
  return bytes.toString('base64');
}

describe('EncryptedFileCache round trip', () => {
  it('reads back what it wrote, with the time it was written', async () => {
    await cache().write(values);
    const result = await read();
    expect(result).toEqual({ ok: true, values, writtenAt: new Date(T0) });
  });

  it('keeps multi-line, unicode, empty and JSON-looking values intact', async () => {
    const tricky = {
      PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----\nMIIEvQ\r\nAbC==\n-----END PRIVATE KEY-----\n',
      GREETING: 'héllo wörld ✓ 日本語 🔐 \u0000 \u2028',
      EMPTY: '',
      LOOKS_LIKE_JSON: '{"a":[1,2]}',
      'key with spaces.and-dots': '"quoted" \\ backslash',
    };
    await cache().write(tricky);
    expect(await read()).toEqual({ ok: true, values: tricky, writtenAt: new Date(T0) });
  });

  it('keeps a "__proto__" key as plain data, without touching any prototype', async () => {
    const withProto = JSON.parse('{"__proto__":"not a prototype","constructor":"c","toString":"t"}') as Record<string, string>;
    await cache().write(withProto);
    const result = await read();
    if (!result.ok) throw new Error(result.reason);
    expect(Object.getPrototypeOf(result.values)).toBeNull();
    expect(Object.keys(result.values).sort()).toEqual(['__proto__', 'constructor', 'toString']);
    expect(result.values['__proto__']).toBe('not a prototype');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('round-trips 1,000 keys', async () => {
    const many = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`KEY_${i}`, `value-${i}-${'x'.repeat(i % 50)}`]));
    await cache().write(many);
    const result = await read();
    if (!result.ok) throw new Error(result.reason);
    expect(Object.keys(result.values)).toHaveLength(1000);
    expect(result.values).toEqual(many);
  });

  it('replaces the previous content on each write', async () => {
    await cache().write(values);
    await cache({ now: () => T0 + 1000 }).write({ ONLY: 'new' });
    expect(await read(cache({ now: () => T0 + 2000 }))).toEqual({ ok: true, values: { ONLY: 'new' }, writtenAt: new Date(T0 + 1000) });
  });

  it('never stores a value in clear', async () => {
    await cache().write(values);
    const text = await readFile(filePath, 'utf8');
    for (const canary of CANARIES) expect(text).not.toContain(canary);
    expect(text).not.toContain('DATABASE_PASSWORD');
  });

  it('uses a fresh IV on every write, so the same values never give the same file', async () => {
    await cache().write(values);
    const first = JSON.parse(await readFile(filePath, 'utf8')) as Record<string, string>;
    await cache().write(values);
    const second = JSON.parse(await readFile(filePath, 'utf8')) as Record<string, string>;
    expect(second['iv']).not.toBe(first['iv']);
    expect(second['data']).not.toBe(first['data']);
    expect(Buffer.from(second['iv']!, 'base64')).toHaveLength(12);
    expect(Buffer.from(second['tag']!, 'base64')).toHaveLength(16);
  });

  it('writes the documented envelope', async () => {
    await cache().write(values);
    const envelope = JSON.parse(await readFile(filePath, 'utf8')) as Record<string, unknown>;
    expect(Object.keys(envelope)).toEqual(['format', 'version', 'binding', 'writtenAt', 'iv', 'tag', 'data']);
    expect(envelope).toMatchObject({
      format: 'nestjs-infisical-config/secrets-cache',
      version: 1,
      binding: expect.stringMatching(/^[0-9a-f]{64}$/),
      writtenAt: '2030-01-01T00:00:00.000Z',
    });
  });
});

describe('EncryptedFileCache file system', () => {
  it('creates a missing directory with mode 0700 and the file with mode 0600', async () => {
    filePath = join(dir, 'nested', 'cache', 'secrets.json');
    await cache().write(values);
    expect((await stat(join(dir, 'nested'))).mode & 0o777).toBe(0o700);
    expect((await stat(join(dir, 'nested', 'cache'))).mode & 0o777).toBe(0o700);
    expect((await stat(filePath)).mode & 0o777).toBe(0o600);
  });

  it('replaces a world-readable file with a 0600 one and leaves an existing directory alone', async () => {
    await chmod(dir, 0o755);
    await writeFile(filePath, 'old', { mode: 0o644 });
    await cache().write(values);
    expect((await stat(filePath)).mode & 0o777).toBe(0o600);
    expect((await stat(dir)).mode & 0o777).toBe(0o755);
  });

  it('lets concurrent first writes create the same new directory', async () => {
    filePath = join(dir, 'new', 'deeper', 'secrets.json');
    await Promise.all(Array.from({ length: 5 }, () => cache().write(values)));
    expect(await readdir(join(dir, 'new', 'deeper'))).toEqual(['secrets.json']);
    expect((await read()).ok).toBe(true);
  });

  it('leaves no temp file behind', async () => {
    for (let i = 0; i < 5; i++) await cache().write({ ...values, I: String(i) });
    await Promise.all([cache().write(values), cache().write(values), cache().write(values)]);
    expect(await readdir(dir)).toEqual(['secrets.cache.json']);
    expect((await read()).ok).toBe(true);
  });

  it('throws "unwritable" naming the path and ENOTDIR when a parent of the path is a file', async () => {
    await writeFile(join(dir, 'not-a-dir'), 'x');
    filePath = join(dir, 'not-a-dir', 'secrets.json');
    const error = await writeError(cache());
    expect(error.problem).toBe('unwritable');
    expect(error.filePath).toBe(filePath);
    expect(error.name).toBe('InfisicalCacheError');
    expect(error.message).toContain(filePath);
    expect(error.message).toContain('ENOTDIR');
    expect(error.message).toContain('fix the cache file path');
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('throws "unwritable" with EISDIR when the path is a directory, removes its temp file and keeps what was there', async () => {
    await mkdir(filePath);
    await writeFile(join(filePath, 'previous'), 'kept');
    const error = await writeError(cache());
    expect(error.problem).toBe('unwritable');
    expect(error.message).toContain('EISDIR');
    expect(await readdir(dir)).toEqual(['secrets.cache.json']);
    expect(await readFile(join(filePath, 'previous'), 'utf8')).toBe('kept');
  });

  it('throws "unwritable" on a read-only file system (root cannot bypass it)', async () => {
    filePath = '/proc/infisical-cache-test/secrets.json';
    const error = await writeError(cache());
    expect(error.problem).toBe('unwritable');
    expect(error.message).toContain(filePath);
    expect(error.message).toMatch(/\((ENOENT|EACCES|EROFS|EPERM)\)/);
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(() => cache({ key: randomBytes(16) })).toThrow(expect.objectContaining({ problem: 'invalid-key' }));
  });
});

describe('EncryptedFileCache refusals', () => {
  it('reports a missing file', async () => {
    const reason = await expectRefused(await read(), 'missing');
    expect(reason).toMatch(/no secrets cache file/i);
  });

  it('reports a path it cannot read as "unreadable"', async () => {
    await mkdir(filePath);
    const reason = await expectRefused(await read(), 'unreadable');
    expect(reason).toContain('EISDIR');
  });

  it.each([
    ['plain text', `DATABASE_PASSWORD=${VALUE_CANARY}\n`],
    ['JSON of another shape', JSON.stringify({ DATABASE_PASSWORD: VALUE_CANARY })],
    ['a JSON array', JSON.stringify([VALUE_CANARY])],
    ['another format', JSON.stringify({ format: 'something-else', version: 1 })],
    ['a future format version', JSON.stringify({ format: 'nestjs-infisical-config/secrets-cache', version: 2, data: VALUE_CANARY })],
  ])('reports %s as "not-a-cache-file"', async (_label, content) => {
    await writeFile(filePath, content);
    await expectRefused(await read(), 'not-a-cache-file');
  });

  it.each([
    ['cut in half', (text: string) => text.slice(0, Math.floor(text.length / 2))],
    ['cut after a few bytes', (text: string) => text.slice(0, 8)],
    ['emptied', () => ''],
    ['missing its tag', (text: string) => JSON.stringify({ ...JSON.parse(text), tag: undefined })],
    ['with an IV of the wrong length', (text: string) => JSON.stringify({ ...JSON.parse(text), iv: 'AAAA' })],
    ['with data that is not base64', (text: string) => JSON.stringify({ ...JSON.parse(text), data: '%%%' })],
    ['with an unparseable date', (text: string) => JSON.stringify({ ...JSON.parse(text), writtenAt: 'yesterday' })],
  ])('reports a file %s as "corrupt"', async (_label, damage) => {
    await cache().write(values);
    await writeFile(filePath, damage(await readFile(filePath, 'utf8')));
    await expectRefused(await read(), 'corrupt');
  });

  it('reports tampered ciphertext as "authentication-failed"', async () => {
    await cache().write(values);
    await editEnvelope((envelope) => {
      envelope['data'] = flipFirstByte(envelope['data'] as string);
    });
    const reason = await expectRefused(await read(), 'authentication-failed');
    expect(reason).toMatch(/another key or has been modified/);
  });

  it('reports a tampered tag or IV as "authentication-failed"', async () => {
    await cache().write(values);
    await editEnvelope((envelope) => {
      envelope['tag'] = flipFirstByte(envelope['tag'] as string);
    });
    await expectRefused(await read(), 'authentication-failed');
    await cache().write(values);
    await editEnvelope((envelope) => {
      envelope['iv'] = flipFirstByte(envelope['iv'] as string);
    });
    await expectRefused(await read(), 'authentication-failed');
  });

  it('reports a rewritten writtenAt (making an old file look fresh) as "authentication-failed"', async () => {
    await cache({ now: () => T0 - 30 * DAY }).write(values);
    await editEnvelope((envelope) => {
      envelope['writtenAt'] = new Date(T0).toISOString();
    });
    await expectRefused(await read(), 'authentication-failed');
  });

  it('reports a file encrypted with another key as "authentication-failed"', async () => {
    await cache({ key: randomBytes(32) }).write(values);
    await expectRefused(await read(), 'authentication-failed');
  });

  it('reports a binding hash edited to match as "authentication-failed", not as a good cache', async () => {
    await cache({ binding: { ...binding, projectId: 'project-2' } }).write(values);
    await cache().write({ OTHER: 'x' });
    const expectedHash = (JSON.parse(await readFile(filePath, 'utf8')) as Record<string, string>)['binding'];
    await cache({ binding: { ...binding, projectId: 'project-2' } }).write(values);
    await editEnvelope((envelope) => {
      envelope['binding'] = expectedHash!;
    });
    await expectRefused(await read(), 'authentication-failed');
  });

  it.each([
    ['another site', { ...binding, siteUrl: 'https://other-infisical.example.com' }],
    ['another project', { ...binding, projectId: 'project-2' }],
    ['another environment', { ...binding, scopes: [binding.scopes[0]!, { ...binding.scopes[1]!, environment: 'admin' }] }],
    ['another secret path', { ...binding, scopes: [binding.scopes[0]!, { ...binding.scopes[1]!, secretPath: '/worker' }] }],
    ['the same scopes in another order', { ...binding, scopes: [...binding.scopes].reverse() }],
  ])('reports a cache written for %s as "wrong-binding"', async (_label, other: CacheBinding) => {
    await cache({ binding: other }).write(values);
    const reason = await expectRefused(await read(), 'wrong-binding');
    expect(reason).toMatch(/another site, project, environment or set of secret paths/);
  });

  it('accepts a cache up to maxAgeMs old and reports an older one as "too-old" with its age and the limit', async () => {
    await cache().write(values);
    expect((await read(cache({ now: () => T0 + 7 * DAY }))).ok).toBe(true);
    const reason = await expectRefused(await read(cache({ now: () => T0 + 8 * DAY + 3 * 3_600_000 })), 'too-old');
    expect(reason).toContain('8d 3h old');
    expect(reason).toContain('7d limit');
  });

  it('never throws from read, whatever is at the path', async () => {
    await writeFile(filePath, randomBytes(4096));
    await expect(cache().read()).resolves.toMatchObject({ ok: false });
  });
});
