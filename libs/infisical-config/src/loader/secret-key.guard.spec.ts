import { checkSecretKey, displaySecretKey } from './secret-key.guard.js';

describe('checkSecretKey', () => {
  it.each(['DB_PASSWORD', '_PRIVATE', 'a', 'camelCase9', 'service.db.host', 'my-key', 'A_1.b-2'])('accepts %s', (key) => {
    expect(checkSecretKey(key)).toBeUndefined();
  });

  it.each([
    ['', 'the key is empty'],
    ['__proto__', 'the key is a reserved property name'],
    ['constructor', 'the key is a reserved property name'],
    ['prototype', 'the key is a reserved property name'],
    ['1PASSWORD', 'the key starts with a digit'],
    ['DB PASSWORD', 'the key has characters other than letters, digits, _, . and -'],
    ['A=B', 'the key has characters other than letters, digits, _, . and -'],
    ['KEY\n', 'the key has characters other than letters, digits, _, . and -'],
    ['CLÉ', 'the key has characters other than letters, digits, _, . and -'],
    ['A'.repeat(257), 'the key is longer than 256 characters'],
  ])('rejects %j', (key, reason) => {
    expect(checkSecretKey(key)).toBe(reason);
  });
});

describe('displaySecretKey', () => {
  it('leaves printable ASCII as is', () => {
    expect(displaySecretKey('DB PASSWORD=x')).toBe('DB PASSWORD=x');
  });

  it('escapes control, non-ASCII and bidi characters', () => {
    expect(displaySecretKey('A\nB\r\tC\x1b[31m\u202eD\u00e9\\')).toBe('A\\nB\\r\\tC\\x1b[31m\\u{202e}D\\xe9\\\\');
  });

  it('truncates to 64 characters, escapes included, without cutting an escape in half', () => {
    expect(displaySecretKey('K'.repeat(100))).toBe(`${'K'.repeat(64)}…`);
    const shown = displaySecretKey(`${'K'.repeat(62)}\n`);
    expect(shown).toBe(`${'K'.repeat(62)}\\n`);
    expect(displaySecretKey(`${'K'.repeat(63)}\nMORE`)).toBe(`${'K'.repeat(63)}…`);
  });
});
