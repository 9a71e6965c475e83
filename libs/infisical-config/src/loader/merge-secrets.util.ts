import type { FetchedSecret } from '../source/infisical.source.js';

/** Rank of a secret inside its scope: lower wins. */
function rank(secret: FetchedSecret, scopePath: string): number {
  if (secret.imported) return Number.MAX_SAFE_INTEGER;
  if (secret.secretPath === scopePath) return 0;
  return secret.secretPath.split('/').filter(Boolean).length; // shallower sub-folders first
}

/**
 * Merges the secrets of every scope into one record, in the documented precedence:
 * - inside a scope: the folder's own secrets, then its sub-folders (shallower first), then its imports;
 * - across scopes: a later scope wins over an earlier one.
 */
export function mergeScopes(scopes: readonly { secretPath: string; secrets: readonly FetchedSecret[] }[]): Record<string, string> {
  const merged: Record<string, string> = Object.create(null);
  for (const { secretPath, secrets } of scopes) {
    const winners = new Map<string, FetchedSecret>();
    for (const secret of secrets) {
      const current = winners.get(secret.key);
      if (!current || rank(secret, secretPath) < rank(current, secretPath)) winners.set(secret.key, secret);
    }
    for (const [key, secret] of winners) merged[key] = secret.value;
  }
  return merged;
}
