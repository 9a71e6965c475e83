import { MAX_VALUE_BYTES, mergeScopes } from './merge-secrets.util.js';

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
    expect({ ...merged.values }).toEqual({ A: 'own', B: 'sub', C: 'import' });
    expect(merged).toMatchObject({ skipped: [], overridden: [], oversized: [] });
  });

  it('across scopes: a later scope wins, and replaced keys are reported once', () => {
    const merged = mergeScopes([
      { secretPath: '/', secrets: [secret('A', 'first'), secret('B', 'first'), secret('C', 'same')] },
      { secretPath: '/', secrets: [secret('A', 'second', '/', true), secret('C', 'same')] },
      { secretPath: '/app', secrets: [secret('A', 'third', '/app')] },
    ]);
    expect({ ...merged.values }).toEqual({ A: 'third', B: 'first', C: 'same' });
    expect(merged.overridden).toEqual(['A']);
  });

  it('returns a prototype-less record and never loads a reserved key', () => {
    const merged = mergeScopes([{ secretPath: '/', secrets: [secret('__proto__', 'x'), secret('constructor', 'y'), secret('OK', 'z')] }]);
    expect(Object.getPrototypeOf(merged.values)).toBeNull();
    expect(Object.keys(merged.values)).toEqual(['OK']);
    expect(merged.skipped).toEqual([
      { key: '__proto__', reason: 'the key is a reserved property name' },
      { key: 'constructor', reason: 'the key is a reserved property name' },
    ]);
  });

  it('skips invalid keys once each, with a display-safe name and never the value', () => {
    const hostile = `EVIL\n[INFO] forged line\u202e${'x'.repeat(100)}`;
    const merged = mergeScopes([
      { secretPath: '/', secrets: [secret('1ST', 'v1'), secret(hostile, 'value-1'), secret('dotted.key-ok', 'v')] },
      { secretPath: '/', secrets: [secret(hostile, 'value-2')] },
    ]);
    expect(Object.keys(merged.values)).toEqual(['dotted.key-ok']);
    expect(merged.skipped).toHaveLength(2);
    expect(merged.skipped[0]).toEqual({ key: '1ST', reason: 'the key starts with a digit' });
    const { key, reason } = merged.skipped[1];
    expect(key).not.toContain('\n');
    expect(key).not.toContain('\u202e');
    expect(key.length).toBeLessThanOrEqual(65);
    expect(key.startsWith('EVIL\\n[INFO] forged line\\u{202e}xxx')).toBe(true);
    expect(reason).toBe('the key has characters other than letters, digits, _, . and -');
    expect(JSON.stringify(merged.skipped)).not.toContain('value-');
  });

  it('keeps values over 64 KiB and reports their keys', () => {
    const big = 'é'.repeat(MAX_VALUE_BYTES / 2 + 1); // 2 bytes each in UTF-8
    const merged = mergeScopes([{ secretPath: '/', secrets: [secret('BIG', big), secret('EXACT', 'a'.repeat(MAX_VALUE_BYTES)), secret('SMALL', 's')] }]);
    expect(merged.values.BIG).toBe(big);
    expect(merged.oversized).toEqual(['BIG']);
    expect(mergeScopes([{ secretPath: '/', secrets: [secret('SMALL', 'four')] }], { maxValueBytes: 3 }).oversized).toEqual(['SMALL']);
  });

  it('reports an oversized value only when it is the one that wins', () => {
    const merged = mergeScopes([
      { secretPath: '/', secrets: [secret('A', 'x'.repeat(MAX_VALUE_BYTES + 1))] },
      { secretPath: '/', secrets: [secret('A', 'small')] },
    ]);
    expect(merged.oversized).toEqual([]);
    expect(merged.overridden).toEqual(['A']);
  });
});
