import type { CacheBinding } from './cache-binding.js';
import { bindingHash, canonicalBinding } from './cache-binding.js';

const binding: CacheBinding = {
  siteUrl: 'https://infisical.example.com',
  projectId: 'p-1',
  scopes: [
    { environment: 'workspace', secretPath: '/', recursive: false, includeImports: true },
    { environment: 'server', secretPath: '/api', recursive: true, includeImports: false },
  ],
};

describe('canonicalBinding', () => {
  it('does not depend on the order in which fields were written', () => {
    const reordered: CacheBinding = {
      scopes: binding.scopes.map((s) => ({ includeImports: s.includeImports, recursive: s.recursive, secretPath: s.secretPath, environment: s.environment })),
      projectId: 'p-1',
      siteUrl: 'https://infisical.example.com',
    };
    expect(canonicalBinding(reordered)).toBe(canonicalBinding(binding));
  });

  it('ignores extra fields and trailing slashes of the site URL', () => {
    const extra = { ...binding, siteUrl: 'https://infisical.example.com/', auth: { clientSecret: 'x' } } as CacheBinding;
    expect(canonicalBinding(extra)).toBe(canonicalBinding(binding));
    expect(canonicalBinding(extra)).not.toContain('clientSecret');
  });

  it('keeps scopes in order, since order is precedence', () => {
    const swapped = { ...binding, scopes: [...binding.scopes].reverse() };
    expect(canonicalBinding(swapped)).not.toBe(canonicalBinding(binding));
  });

  it.each([
    ['site', { ...binding, siteUrl: 'https://other.example.com' }],
    ['project', { ...binding, projectId: 'p-2' }],
    ['environment', { ...binding, scopes: [binding.scopes[0]!, { ...binding.scopes[1]!, environment: 'admin' }] }],
    ['secret path', { ...binding, scopes: [binding.scopes[0]!, { ...binding.scopes[1]!, secretPath: '/admin' }] }],
    ['recursive flag', { ...binding, scopes: [binding.scopes[0]!, { ...binding.scopes[1]!, recursive: false }] }],
    ['imports flag', { ...binding, scopes: [{ ...binding.scopes[0]!, includeImports: false }, binding.scopes[1]!] }],
    ['scope count', { ...binding, scopes: [binding.scopes[0]!] }],
  ])('changes with the %s', (_label, other: CacheBinding) => {
    expect(canonicalBinding(other)).not.toBe(canonicalBinding(binding));
    expect(bindingHash(other)).not.toBe(bindingHash(binding));
  });

  it('hashes to SHA-256 hex', () => {
    expect(bindingHash(binding)).toMatch(/^[0-9a-f]{64}$/);
  });
});
