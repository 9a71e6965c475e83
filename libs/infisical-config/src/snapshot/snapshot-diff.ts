import type { SecretsSnapshot } from './secrets-snapshot.js';

/** Which keys a new snapshot adds, changes and removes: names only, never values. */
export interface SecretsDiff {
  readonly added: readonly string[];
  readonly changed: readonly string[];
  readonly removed: readonly string[];
}

const NOTHING: SecretsDiff = Object.freeze({ added: [], changed: [], removed: [] });

export function diffSnapshots(previous: SecretsSnapshot, next: SecretsSnapshot): SecretsDiff {
  if (previous.values === next.values) return NOTHING; // the same values, fetched again (a 304)
  const added: string[] = [];
  const changed: string[] = [];
  for (const key of next.keys) {
    const before = previous.get(key);
    if (before === undefined) added.push(key);
    else if (before !== next.get(key)) changed.push(key);
  }
  const removed = previous.keys.filter((key) => !next.has(key));
  return { added, changed, removed };
}

export function isEmptyDiff(diff: SecretsDiff): boolean {
  return diff.added.length === 0 && diff.changed.length === 0 && diff.removed.length === 0;
}
