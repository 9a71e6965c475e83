/** `VITE_*`-style key filters: `*` matches any run of characters, `?` one; the whole key must match. */
export function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}

/** True when `key` matches one of the globs, or when there is none. */
export function keyFilter(globs: readonly string[]): (key: string) => boolean {
  const patterns = globs.map(globToRegExp);
  return (key) => patterns.length === 0 || patterns.some((pattern) => pattern.test(key));
}
