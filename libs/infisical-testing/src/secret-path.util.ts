/**
 * Infisical treats '/a/b/', '/a//b' and '/a/b' as the same folder, so every path is normalised
 * before it is used as a key.
 */
export function normalizeSecretPath(path: string | undefined): string {
  const segments = (path ?? '/')
    .trim()
    .split('/')
    .filter((segment) => segment.length > 0);
  return `/${segments.join('/')}`;
}

/** '/a/b' -> ['/', '/a']: a folder cannot exist without its parents. */
export function ancestorPaths(path: string): string[] {
  const segments = path.split('/').filter((segment) => segment.length > 0);
  return segments.map((_, index) => `/${segments.slice(0, index).join('/')}`);
}

/** True when `path` is `root` itself or one of its sub-folders. */
export function isWithinPath(path: string, root: string): boolean {
  return root === '/' || path === root || path.startsWith(`${root}/`);
}
