import type { SecretLocation, SecretStore } from './secret-store.js';

/** `${KEY}`, `${env.KEY}`, `${env.a.b.KEY}`: no braces inside a reference. */
const REFERENCE = /\$\{([^{}]+)\}/g;
/** Infisical stops following references after this many hops. */
const MAX_REFERENCE_DEPTH = 10;

type SecretAddress = SecretLocation & { key: string };

const addressId = (address: SecretAddress): string =>
  [address.environment, address.secretPath, address.key].join('\u0000');

/**
 * Expands secret references the way the server does for `expandSecretReferences=true`. A reference
 * that cannot be resolved (missing secret, cycle, too deep) is left as written.
 */
export class SecretReferenceExpander {
  constructor(private readonly store: SecretStore) {}

  expand(value: string, origin: SecretAddress): string {
    return this.expandWithin(value, origin, 0, new Set([addressId(origin)]));
  }

  private expandWithin(value: string, origin: SecretLocation, depth: number, visiting: Set<string>): string {
    return value.replace(REFERENCE, (reference: string, inner: string) => {
      const target = this.resolve(inner.trim(), origin);
      if (!target || depth >= MAX_REFERENCE_DEPTH || visiting.has(addressId(target))) return reference;
      const secret = this.store.findFolder(target)?.secrets.get(target.key);
      if (!secret) return reference;
      visiting.add(addressId(target));
      const expanded = this.expandWithin(secret.value, target, depth + 1, visiting);
      visiting.delete(addressId(target));
      return expanded;
    });
  }

  /** `KEY` is local to the origin folder; `env.KEY` is env's root; `env.a.b.KEY` is env's `/a/b`. */
  private resolve(reference: string, origin: SecretLocation): SecretAddress | undefined {
    const parts = reference.split('.');
    if (parts.some((part) => part.length === 0)) return undefined;
    if (parts.length === 1) return { ...origin, key: reference };
    const [environment, ...rest] = parts as [string, ...string[]];
    const key = rest.pop() as string;
    return { projectId: origin.projectId, environment, secretPath: `/${rest.join('/')}`, key };
  }
}
