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

/** One glob segment as a regular expression: `*` any run within the segment, `?` one character. */
function segmentPattern(segment: string): string {
  return segment
    .split(/(\*+|\?)/)
    .map((piece) => {
      if (piece.startsWith('*')) return '[^/]*';
      if (piece === '?') return '[^/]';
      return piece.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
}

/**
 * Whether a (normalised) folder path matches a webhook's secret-path glob, as upstream's
 * `picomatch.isMatch(path, glob, { strictSlashes: false })` does for the common cases: `/` is the root
 * folder only, `/**` every folder, `/a/**` `/a` and everything below it, `/a/*` the direct sub-folders of
 * `/a`, `?` one character. Braces, classes and extglobs are not supported (matched literally).
 */
export function matchesSecretPathGlob(path: string, glob: string): boolean {
  const segments = glob.split('/').filter((segment) => segment.length > 0);
  const pattern = segments.map((segment) => (segment === '**' ? '(?:/[^/]+)*' : `/${segmentPattern(segment)}`)).join('');
  // the root folder is the empty string here, so '/' (no segments) matches it alone and '/**' matches it too
  const subject = path === '/' ? '' : path;
  return new RegExp(`^${pattern}$`).test(subject);
}
