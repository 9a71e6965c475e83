/** Why a secrets cache file was refused, could not be written, or why its key was rejected. */
export type CacheProblem =
  | 'missing'
  | 'not-a-cache-file'
  | 'corrupt'
  | 'authentication-failed'
  | 'wrong-binding'
  | 'too-old'
  | 'unreadable'
  | 'unwritable'
  | 'invalid-key';

/**
 * Thrown by the encrypted file cache. The message names the file and the OS error code where there is one,
 * never a secret value or the cache key.
 */
export class InfisicalCacheError extends Error {
  override readonly name = 'InfisicalCacheError';

  constructor(
    message: string,
    readonly problem: CacheProblem,
    /** The cache file concerned, when there is one (not for an invalid key). */
    readonly filePath: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
