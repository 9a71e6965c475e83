import { createHash } from 'node:crypto';

/** What a cache file is bound to: a cache of another site, project, environment or path set is never used. */
export interface CacheBinding {
  siteUrl: string;
  projectId: string;
  scopes: ReadonlyArray<{ environment: string; secretPath: string; recursive: boolean; includeImports: boolean }>;
}

/**
 * Canonical string of a binding (stable order of fields; scopes kept in order since order is precedence).
 * Trailing slashes of the site URL are dropped: `https://x/` and `https://x` are the same site.
 */
export function canonicalBinding(binding: CacheBinding): string {
  return JSON.stringify({
    siteUrl: binding.siteUrl.replace(/\/+$/, ''),
    projectId: binding.projectId,
    scopes: binding.scopes.map((scope) => ({
      environment: scope.environment,
      secretPath: scope.secretPath,
      recursive: scope.recursive,
      includeImports: scope.includeImports,
    })),
  });
}

/** SHA-256 hex of the canonical binding: what a cache file stores in clear. */
export function bindingHash(binding: CacheBinding): string {
  return createHash('sha256').update(canonicalBinding(binding), 'utf8').digest('hex');
}
