import { parse } from 'dotenv';

export type ExportFormat = 'dotenv' | 'json' | 'shell';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['dotenv', 'json', 'shell'];

/** The text of a format, and the keys it cannot hold (named, never their values). */
export interface Rendered {
  readonly text: string;
  readonly left: { key: string; reason: string }[];
}

const SHELL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DOTENV_NAME = /^[\w.-]+$/;

/** One dotenv line that `dotenv`'s parse reads back as the value: a quote the value does not hold. */
function dotenvLine(key: string, value: string): string | undefined {
  for (const quote of ["'", '"', '`']) {
    if (value.includes(quote)) continue;
    if (quote === '"' && /\\[nr]/.test(value)) continue; // double quotes expand \n and \r
    const line = `${key}=${quote}${value}${quote}`;
    if (parse(line)[key] === value) return line;
  }
  return undefined;
}

export function render(values: Record<string, string>, format: ExportFormat): Rendered {
  const keys = Object.keys(values).sort();
  const left: { key: string; reason: string }[] = [];
  if (format === 'json') {
    const ordered: Record<string, string> = {};
    for (const key of keys) ordered[key] = values[key];
    return { text: `${JSON.stringify(ordered, null, 2)}\n`, left };
  }
  const lines: string[] = [];
  for (const key of keys) {
    const value = values[key];
    if (format === 'shell') {
      if (!SHELL_NAME.test(key)) {
        left.push({ key, reason: 'not a shell variable name' });
        continue;
      }
      lines.push(`export ${key}='${value.replace(/'/g, `'\\''`)}'`);
      continue;
    }
    const line = DOTENV_NAME.test(key) ? dotenvLine(key, value) : undefined;
    if (line === undefined) left.push({ key, reason: DOTENV_NAME.test(key) ? 'its value holds every dotenv quote' : 'not a dotenv key name' });
    else lines.push(line);
  }
  return { text: lines.length > 0 ? `${lines.join('\n')}\n` : '', left };
}
