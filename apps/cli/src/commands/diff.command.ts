import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { readDotenvFiles } from '../../../../libs/infisical-config/src/fallback/dotenv-files.reader.js';
import { collect, fetchMerged, isInfisicalVariable, resolveCliOptions, type ConnectionFlags } from '../cli-context.js';
import { CliError, EXIT } from '../exit-codes.js';

interface DiffFlags extends ConnectionFlags {
  file?: string[];
  json?: boolean;
}

/** Per key name, never a value. `trimmed`: the same once the file's value is trimmed, as Infisical trims on write. */
export interface DotenvDiff {
  onlyInFile: string[];
  onlyInInfisical: string[];
  differs: string[];
  same: string[];
  trimmed: string[];
  ignored: string[];
}

export function diffValues(file: Record<string, string>, infisical: Record<string, string>): DotenvDiff {
  const result: DotenvDiff = { onlyInFile: [], onlyInInfisical: [], differs: [], same: [], trimmed: [], ignored: [] };
  const keys = [...new Set([...Object.keys(file), ...Object.keys(infisical)])].sort();
  for (const key of keys) {
    if (isInfisicalVariable(key)) {
      result.ignored.push(key); // the bootstrap variables live beside Infisical, not in it
      continue;
    }
    const inFile = Object.hasOwn(file, key);
    const inInfisical = Object.hasOwn(infisical, key);
    if (!inInfisical) result.onlyInFile.push(key);
    else if (!inFile) result.onlyInInfisical.push(key);
    else if (file[key] === infisical[key]) result.same.push(key);
    else if (file[key].trim() === infisical[key]) {
      result.same.push(key);
      result.trimmed.push(key);
    } else result.differs.push(key);
  }
  return result;
}

export function registerDiff(program: Command, withConnection: (command: Command) => Command): void {
  withConnection(
    program
      .command('diff')
      .description(
        'Compares .env files with Infisical per key name: only in the file, only in Infisical, differs, same (a value that differs only by surrounding whitespace counts as same: Infisical trims values on write). Prints names, never values; exit 1 when anything differs.',
      )
      .option('--file <path>', '.env file to compare; repeatable, an earlier file wins for the same key (default: .env)', collect)
      .option('--no-expand', 'compare secret references (${KEY}) as written in Infisical, not expanded')
      .option('--json', 'print the result as JSON'),
  ).action(async (flags: DiffFlags) => {
    const files = flags.file ?? ['.env'];
    const missing = files.filter((path) => !existsSync(path));
    if (missing.length > 0) throw new CliError(`no such file: ${missing.join(', ')}`, EXIT.usage);
    const { values: fileValues } = await readDotenvFiles(files);
    const options = resolveCliOptions(flags);
    const merged = await fetchMerged(options);
    const diff = diffValues(fileValues, merged.values);
    const differ = diff.onlyInFile.length + diff.onlyInInfisical.length + diff.differs.length > 0;
    const exitCode = differ ? EXIT.findings : EXIT.ok;
    if (flags.json) {
      process.stdout.write(`${JSON.stringify({ files, ...diff, exitCode }, null, 2)}\n`);
    } else {
      const sections: [string, string[]][] = [
        ['only in file', diff.onlyInFile],
        ['only in Infisical', diff.onlyInInfisical],
        ['differs', diff.differs],
        ['same', diff.same],
      ];
      for (const [label, keys] of sections) for (const key of keys) process.stdout.write(`${label.padEnd(18)} ${key}${diff.trimmed.includes(key) ? ' (once trimmed)' : ''}\n`);
      if (diff.ignored.length > 0) process.stdout.write(`ignored            ${diff.ignored.join(', ')} (bootstrap variables)\n`);
      process.stdout.write(
        `${files.join(', ')} vs Infisical: ${diff.onlyInFile.length} only in file, ${diff.onlyInInfisical.length} only in Infisical, ${diff.differs.length} differ, ${diff.same.length} same\n`,
      );
    }
    process.exitCode = exitCode;
  });
}
