import { mergeScopes } from './merge-secrets.util.js';

const secret = (key: string, value: string, secretPath = '/', imported = false) => ({ key, value, secretPath, imported });

describe('mergeScopes', () => {
  it('inside a scope: own folder, then shallower sub-folders, then imports', () => {
    const merged = mergeScopes([
      {
        secretPath: '/',
        secrets: [
          secret('A', 'import', '/', true),
          secret('A', 'deep', '/x/y'),
          secret('A', 'sub', '/x'),
          secret('B', 'deep', '/x/y'),
          secret('B', 'sub', '/x'),
          secret('C', 'import', '/', true),
          secret('A', 'own'),
        ],
      },
    ]);
    expect({ ...merged }).toEqual({ A: 'own', B: 'sub', C: 'import' });
  });

  it('across scopes: a later scope wins', () => {
    const merged = mergeScopes([
      { secretPath: '/', secrets: [secret('A', 'first'), secret('B', 'first')] },
      { secretPath: '/', secrets: [secret('A', 'second', '/', true)] },
    ]);
    expect({ ...merged }).toEqual({ A: 'second', B: 'first' });
  });

  it('keeps a key named __proto__ as data', () => {
    const merged = mergeScopes([{ secretPath: '/', secrets: [secret('__proto__', 'x')] }]);
    expect(Object.getPrototypeOf(merged)).toBeNull();
    expect(merged['__proto__']).toBe('x');
  });
});
