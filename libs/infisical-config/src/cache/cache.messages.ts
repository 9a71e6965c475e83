// Messages of the encrypted file cache. None of them takes a secret value or the key.

const MAKE_A_KEY =
  'Generate one with `openssl rand -base64 32` or ' +
  '`node -e "console.log(require(\'crypto\').randomBytes(32).toString(\'base64\'))"`.';

export const INVALID_CACHE_KEY = (problem: string) =>
  `Invalid file cache key: ${problem}. Expected 32 random bytes, as base64 (44 characters, standard or ` +
  `URL-safe alphabet) or as 64 hex characters. ${MAKE_A_KEY}`;

/** What to do about an OS error code met while writing, so the message says what to fix. */
const WRITE_REMEDIES: Readonly<Record<string, string>> = {
  EACCES: 'permission denied: give the user running the app write access to that directory, or move the cache',
  EPERM: 'operation not permitted: give the user running the app write access to that directory, or move the cache',
  ENOSPC: 'no space left on the device: free some space or move the cache to another volume',
  EDQUOT: 'disk quota exceeded: free some space or move the cache to another volume',
  EROFS: 'the file system is read-only: point the cache at a writable volume (e.g. a mounted volume or /tmp)',
  ENOTDIR: 'a part of the path is a file, not a directory: fix the cache file path',
  EISDIR: 'the path is a directory: point the cache at a file inside it',
  ENAMETOOLONG: 'the path is too long: choose a shorter cache file path',
  ENOENT: 'a directory of the path does not exist and could not be created: fix the cache file path',
};

export const CACHE_UNWRITABLE = (filePath: string, code: string | undefined) =>
  `Cannot write the secrets cache file ${filePath} (${code ?? 'unknown error'}): ` +
  `${(code !== undefined && Object.hasOwn(WRITE_REMEDIES, code) ? WRITE_REMEDIES[code] : undefined) ??
    'check that its directory exists or can be created and is writable by this process'}.`;

export const CACHE_MISSING = (filePath: string) => `There is no secrets cache file at ${filePath}.`;

export const CACHE_UNREADABLE = (filePath: string, code: string | undefined) =>
  `The secrets cache file ${filePath} could not be read (${code ?? 'unknown error'}).`;

export const CACHE_NOT_A_CACHE_FILE = (filePath: string, what: string) =>
  `${filePath} is not a secrets cache file written by this library (${what}).`;

export const CACHE_UNSUPPORTED_VERSION = (filePath: string, version: unknown, supported: number) =>
  `${filePath} was written in secrets cache format version ${typeof version === 'number' ? version : '(none)'}; ` +
  `this version of the ` +
  `library reads version ${supported} only.`;

export const CACHE_CORRUPT = (filePath: string, what: string) =>
  `The secrets cache file ${filePath} is corrupt (${what}).`;

export const CACHE_WRONG_BINDING = (filePath: string) =>
  `The secrets cache file ${filePath} was written for another site, project, environment or set of secret ` +
  `paths, so it is not used.`;

export const CACHE_AUTHENTICATION_FAILED = (filePath: string) =>
  `The secrets cache file ${filePath} failed authentication: it was encrypted with another key or has ` +
  `been modified.`;

export const CACHE_TOO_OLD = (filePath: string, ageMs: number, maxAgeMs: number) =>
  `The secrets cache file ${filePath} is ${formatDuration(ageMs)} old, older than the ` +
  `${formatDuration(maxAgeMs)} limit (maxAgeMs), so it is not used.`;

/** "2d 3h", "5h 12m", "4m 2s", "850 ms": two units are enough to judge an age. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  const units: Array<[string, number]> = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ];
  const parts: string[] = [];
  let rest = ms;
  for (const [unit, size] of units) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0 || parts.length > 0) parts.push(`${count}${unit}`);
    if (parts.length === 2) break;
  }
  return parts.filter((part, index) => index === 0 || !part.startsWith('0')).join(' ');
}
