// Which secret keys the library loads. Infisical accepts more than environment variable names; a key is
// written to process.env and read through ConfigService, so it must be usable there and never a property
// name that reaches an object's prototype.
//
// Accepted: ASCII letters, digits, `_`, `.` and `-`, not starting with a digit. `.` and `-` are kept
// because Infisical allows them and both process.env and ConfigService.get('A.B') read such keys; a shell
// cannot expand them ($A.B), which is the user's choice to make.

const MAX_KEY_LENGTH = 256;
const DISPLAY_LENGTH = 64;
const ALLOWED = /^[A-Za-z0-9_.-]+$/;
const RESERVED = new Set(['__proto__', 'constructor', 'prototype']);

/** Why a secret key is not loaded, or undefined when it is fine. */
export function checkSecretKey(key: string): string | undefined {
  if (key.length === 0) return 'the key is empty';
  if (RESERVED.has(key)) return 'the key is a reserved property name';
  if (key.length > MAX_KEY_LENGTH) return `the key is longer than ${MAX_KEY_LENGTH} characters`;
  if (!ALLOWED.test(key)) return 'the key has characters other than letters, digits, _, . and -';
  if (/^[0-9]/.test(key)) return 'the key starts with a digit';
  return undefined;
}

/**
 * A rejected key as it may be logged: at most 64 characters, with control, format and non-ASCII
 * characters escaped (`\n`, `\x1b`, `\u{202e}`), so a hostile key cannot forge log lines or reorder text.
 */
export function displaySecretKey(key: string): string {
  let shown = '';
  for (const char of key) {
    const piece = escapeChar(char);
    if (shown.length + piece.length > DISPLAY_LENGTH) return `${shown}…`;
    shown += piece;
  }
  return shown;
}

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\\': '\\\\' };

function escapeChar(char: string): string {
  if (NAMED[char]) return NAMED[char];
  const code = char.codePointAt(0) ?? 0;
  if (code >= 0x20 && code < 0x7f) return char;
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
}
