import { parse } from 'dotenv';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';

/** Values read from `.env` files, and which files were there. */
export interface DotenvRead {
  values: Record<string, string>;
  filesRead: string[];
  missing: string[];
}

/** Reads `.env` files; for the same key an earlier file wins (as `ConfigModule`'s `envFilePath` does). */
export async function readDotenvFiles(paths: readonly string[]): Promise<DotenvRead> {
  const values: Record<string, string> = Object.create(null);
  const filesRead: string[] = [];
  const missing: string[] = [];
  for (const path of paths) {
    const absolute = resolve(path);
    let text: string;
    try {
      text = await readFile(absolute, 'utf8');
    } catch {
      missing.push(path);
      continue;
    }
    filesRead.push(path);
    const parsed = parse(text);
    for (const key of Object.keys(parsed)) if (!Object.hasOwn(values, key)) values[key] = parsed[key];
  }
  return { values, filesRead, missing };
}
