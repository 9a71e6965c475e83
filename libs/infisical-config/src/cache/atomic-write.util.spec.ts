import { jest } from '@jest/globals';
import { createRequire } from 'node:module';
import type * as FsPromises from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The real module, loaded through require so that the mock below does not wrap itself.
const realFs = createRequire(import.meta.url)('node:fs/promises') as typeof FsPromises;

/** When set, writes to temp files fail halfway with this OS error code, as a full disk would. */
let failTempWritesWith: string | undefined;

jest.unstable_mockModule('node:fs/promises', () => ({
  ...realFs,
  default: realFs,
  open: async (...args: Parameters<typeof realFs.open>): Promise<FileHandle> => {
    const handle = await realFs.open(...args);
    if (failTempWritesWith === undefined || !String(args[0]).endsWith('.tmp')) return handle;
    const code = failTempWritesWith;
    return Object.assign(Object.create(handle) as FileHandle, {
      writeFile: async (data: string | Buffer) => {
        await handle.write(String(data).slice(0, 10));
        throw Object.assign(new Error(`${code}: simulated failure, write`), { code });
      },
      close: () => handle.close(),
      chmod: (mode: number) => handle.chmod(mode),
    });
  },
}));

const { writeFileAtomic } = await import('./atomic-write.util.js');
const { EncryptedFileCache } = await import('./encrypted-file.cache.js');
const { InfisicalCacheError } = await import('../errors/infisical-cache.error.js');

const modes = { fileMode: 0o600, dirMode: 0o700 };
let dir: string;

beforeEach(async () => {
  failTempWritesWith = undefined;
  dir = await realFs.mkdtemp(join(tmpdir(), 'infisical-atomic-'));
});

afterEach(async () => {
  await realFs.rm(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('writes the content with the mode given, and no temp file stays', async () => {
    const target = join(dir, 'a', 'file.json');
    await writeFileAtomic(target, 'hello', modes);
    await writeFileAtomic(target, 'hello again', modes);
    expect(await realFs.readFile(target, 'utf8')).toBe('hello again');
    expect((await realFs.stat(target)).mode & 0o777).toBe(0o600);
    expect(await realFs.readdir(join(dir, 'a'))).toEqual(['file.json']);
  });

  it('writes a target whose name is as long as the file system allows', async () => {
    const target = join(dir, 'n'.repeat(255));
    await writeFileAtomic(target, 'long', modes);
    expect(await realFs.readFile(target, 'utf8')).toBe('long');
  });

  it('on a failure mid-write, removes the temp file, rethrows the OS error and keeps the previous file', async () => {
    const target = join(dir, 'file.json');
    await writeFileAtomic(target, 'previous', modes);
    failTempWritesWith = 'ENOSPC';
    await expect(writeFileAtomic(target, 'next content', modes)).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(await realFs.readFile(target, 'utf8')).toBe('previous');
    expect(await realFs.readdir(dir)).toEqual(['file.json']);
  });
});

describe('EncryptedFileCache.write on a full disk', () => {
  it('throws "unwritable" saying ENOSPC and what to do, and the previous cache still reads', async () => {
    const filePath = join(dir, 'secrets.json');
    const cache = new EncryptedFileCache({
      filePath,
      key: Buffer.alloc(32, 7),
      binding: { siteUrl: 'https://i.example.com', projectId: 'p', scopes: [] },
      maxAgeMs: 60_000,
    });
    await cache.write({ A: 'previous' });
    failTempWritesWith = 'ENOSPC';
    const error = await cache.write({ A: 'CANARY-next' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InfisicalCacheError);
    expect(error).toMatchObject({ problem: 'unwritable', filePath });
    const message = (error as Error).message;
    expect(message).toContain(filePath);
    expect(message).toContain('ENOSPC');
    expect(message).toContain('free some space');
    expect(message).not.toContain('CANARY');
    expect(await realFs.readdir(dir)).toEqual(['secrets.json']);
    failTempWritesWith = undefined;
    expect(await cache.read()).toMatchObject({ ok: true, values: { A: 'previous' } });
  });
});
