import type { FetchedSecret } from '../source/infisical.source.js';
import { checkSecretKey, displaySecretKey } from './secret-key.guard.js';

/** Values larger than this are kept but reported: an environment variable that large is usually a mistake. */
export const MAX_VALUE_BYTES = 64 * 1024;

/** A secret that was not loaded, and why. `key` is display-safe (truncated, escaped). */
export interface SkippedSecret {
  readonly key: string;
  readonly reason: string;
}

/** The merged values and what the caller should warn about. Holds values: never log it whole. */
export interface MergedSecrets {
  /** Key → value; a prototype-less record. */
  readonly values: Record<string, string>;
  /** Keys refused by {@link checkSecretKey}, once each. */
  readonly skipped: SkippedSecret[];
  /** Keys a later scope replaced with a different value, once each, in the order it happened. */
  readonly overridden: string[];
  /** Keys whose merged value is larger than `maxValueBytes` (kept). */
  readonly oversized: string[];
}

/** Rank of a secret inside its scope: lower wins. */
function rank(secret: FetchedSecret, scopePath: string): number {
  if (secret.imported) return Number.MAX_SAFE_INTEGER;
  if (secret.secretPath === scopePath) return 0;
  return secret.secretPath.split('/').filter(Boolean).length; // shallower sub-folders first
}

/**
 * Merges the secrets of every scope into one record, in the documented precedence:
 * - inside a scope: the folder's own secrets, then its sub-folders (shallower first), then its imports;
 * - across scopes: a later scope wins over an earlier one (reported in `overridden` when the value differs).
 * Keys that {@link checkSecretKey} refuses are left out and reported in `skipped`.
 */
export function mergeScopes(
  scopes: readonly { secretPath: string; secrets: readonly FetchedSecret[] }[],
  { maxValueBytes = MAX_VALUE_BYTES }: { maxValueBytes?: number } = {},
): MergedSecrets {
  const values: Record<string, string> = Object.create(null);
  const skipped = new Map<string, SkippedSecret>();
  const overridden = new Set<string>();
  for (const { secretPath, secrets } of scopes) {
    const winners = new Map<string, FetchedSecret>();
    for (const secret of secrets) {
      const rejection = checkSecretKey(secret.key);
      if (rejection) {
        if (!skipped.has(secret.key)) skipped.set(secret.key, { key: displaySecretKey(secret.key), reason: rejection });
        continue;
      }
      const current = winners.get(secret.key);
      if (!current || rank(secret, secretPath) < rank(current, secretPath)) winners.set(secret.key, secret);
    }
    for (const [key, secret] of winners) {
      if (Object.hasOwn(values, key) && values[key] !== secret.value) overridden.add(key);
      values[key] = secret.value;
    }
  }
  // A UTF-16 length at most a third of the limit cannot be over it in UTF-8: most values skip the count.
  const oversized = Object.keys(values).filter((key) => values[key].length * 3 > maxValueBytes && Buffer.byteLength(values[key], 'utf8') > maxValueBytes);
  return { values, skipped: [...skipped.values()], overridden: [...overridden], oversized };
}
