import { readFile } from 'node:fs/promises';
import type { CacheProblem } from '../errors/infisical-cache.error.js';
import { InfisicalCacheError } from '../errors/infisical-cache.error.js';
import { writeFileAtomic } from './atomic-write.util.js';
import type { CacheBinding } from './cache-binding.js';
import { bindingHash } from './cache-binding.js';
import { openSnapshot, sealSnapshot } from './snapshot.sealer.js';
import { assertCacheKey } from './cache-key.util.js';
import {
  CACHE_AUTHENTICATION_FAILED,
  CACHE_CORRUPT,
  CACHE_MISSING,
  CACHE_TOO_OLD,
  CACHE_UNREADABLE,
  CACHE_UNWRITABLE,
  CACHE_WRONG_BINDING,
} from './cache.messages.js';

export type CacheReadResult =
  | { ok: true; values: Record<string, string>; writtenAt: Date }
  /** `reason` is one sentence naming the file; it never holds a value or the key. */
  | { ok: false; problem: CacheProblem; reason: string };

export interface EncryptedFileCacheOptions {
  /** Where the cache lives; its directory is created (mode 0700) when missing. */
  filePath: string;
  /** 32 bytes; see `parseCacheKey` to read one from an environment variable. */
  key: Buffer;
  /** A cache written for another binding is refused, never used. */
  binding: CacheBinding;
  /** A cache older than this is refused. The caller applies the default (7 days). */
  maxAgeMs: number;
  /** Clock in ms, for tests. @default Date.now */
  now?: () => number;
}

const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

/**
 * The last good secrets in one AES-256-GCM encrypted file, bound to the site, project, environments and paths
 * they came from, so a later boot can start while Infisical is down. The only part of the library that
 * touches the cache file.
 */
export class EncryptedFileCache {
  readonly filePath: string;
  private readonly key: Buffer;
  private readonly binding: string;
  private readonly maxAgeMs: number;
  private readonly now: () => number;

  constructor(options: EncryptedFileCacheOptions) {
    assertCacheKey(options.key);
    this.filePath = options.filePath;
    // A copy, so that a caller zeroing or reusing its buffer does not change ours.
    this.key = Buffer.from(options.key);
    this.binding = bindingHash(options.binding);
    this.maxAgeMs = options.maxAgeMs;
    this.now = options.now ?? Date.now;
  }

  /** Encrypts and writes atomically; throws InfisicalCacheError('unwritable') naming the path and OS error code. */
  async write(values: Readonly<Record<string, string>>): Promise<void> {
    try {
      const content = sealSnapshot(values, this.key, this.binding, new Date(this.now()));
      await writeFileAtomic(this.filePath, content, { fileMode: FILE_MODE, dirMode: DIR_MODE });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException | undefined)?.code;
      const message = CACHE_UNWRITABLE(this.filePath, code);
      throw new InfisicalCacheError(message, 'unwritable', this.filePath, { cause: error });
    }
  }

  /** Never throws: a cache that cannot be used is reported with the problem and a reason. */
  async read(): Promise<CacheReadResult> {
    let text: string;
    try {
      text = await readFile(this.filePath, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException | undefined)?.code;
      return code === 'ENOENT'
        ? refuse('missing', CACHE_MISSING(this.filePath))
        : refuse('unreadable', CACHE_UNREADABLE(this.filePath, code));
    }
    const opened = openSnapshot(text, this.key, this.binding, this.filePath);
    if (!opened.ok) {
      if (opened.problem === 'wrong-binding') return refuse('wrong-binding', CACHE_WRONG_BINDING(this.filePath));
      if (opened.problem === 'authentication-failed') return refuse('authentication-failed', CACHE_AUTHENTICATION_FAILED(this.filePath));
      if (opened.detail !== undefined) return refuse('corrupt', CACHE_CORRUPT(this.filePath, opened.detail));
      return refuse(opened.problem, opened.reason ?? '');
    }
    const ageMs = this.now() - opened.writtenAt.getTime();
    if (ageMs > this.maxAgeMs) return refuse('too-old', CACHE_TOO_OLD(this.filePath, ageMs, this.maxAgeMs));
    return { ok: true, values: opened.values, writtenAt: opened.writtenAt };
  }
}

function refuse(problem: CacheProblem, reason: string): CacheReadResult {
  return { ok: false, problem, reason };
}
