import type { Command } from 'commander';
import { execFile } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { BOOTSTRAP_VARIABLES } from '../../../../libs/infisical-config/src/infisical-config.constants.js';
import { fetchMerged, resolveCliOptions, type ConnectionFlags } from '../cli-context.js';
import { CliError, EXIT } from '../exit-codes.js';

interface ScanFlags extends ConnectionFlags {
  json?: boolean;
  minLength: string;
}

/** Where a value was found: file, line and the key names holding that value; never the value. */
export interface ScanFinding {
  file: string;
  line: number;
  keys: string[];
}

const MAX_FILE_BYTES = 5 * 1024 * 1024;

/** The files git tracks under `dir`, relative to it. */
async function trackedFiles(dir: string): Promise<string[]> {
  try {
    const { stdout } = await promisify(execFile)('git', ['ls-files', '-z', '--cached', '--', '.'], { cwd: dir, maxBuffer: 256 * 1024 * 1024 });
    return stdout.split('\0').filter(Boolean);
  } catch (error) {
    const detail = (error as { code?: unknown }).code === 'ENOENT' ? 'git is not installed' : 'not inside a git repository';
    throw new CliError(`cannot list the tracked files of ${dir}: ${detail}`, EXIT.usage);
  }
}

/** Every line of every tracked text file that holds one of the values. */
export async function scanFiles(dir: string, files: readonly string[], byValue: Map<string, string[]>): Promise<ScanFinding[]> {
  const findings: ScanFinding[] = [];
  const values = [...byValue.keys()];
  for (const file of files) {
    const path = join(dir, file);
    try {
      const info = await stat(path);
      if (!info.isFile() || info.size > MAX_FILE_BYTES) continue;
    } catch {
      continue; // deleted in the work tree
    }
    const content = await readFile(path);
    if (content.includes(0)) continue; // binary
    const lines = content.toString('utf8').split('\n');
    lines.forEach((text, index) => {
      const keys = values.filter((value) => text.includes(value)).flatMap((value) => byValue.get(value) as string[]);
      if (keys.length > 0) findings.push({ file, line: index + 1, keys: [...new Set(keys)].sort() });
    });
  }
  return findings;
}

export function registerScan(program: Command, withConnection: (command: Command) => Command): void {
  withConnection(
    program
      .command('scan')
      .description(
        "Looks for every current Infisical value (and the bootstrap client secret) in the files git tracks under a directory. Reports file, line and key name, never the value; exit 1 on a finding.",
      )
      .argument('[path]', 'directory inside a git repository', '.')
      .option('--min-length <n>', 'ignore values shorter than this (short values match by chance)', '8')
      .option('--json', 'print the findings as JSON'),
  ).action(async (path: string, flags: ScanFlags) => {
    const minLength = Number(flags.minLength);
    if (!Number.isInteger(minLength) || minLength < 1) throw new CliError('--min-length must be a positive whole number', EXIT.usage);
    const dir = resolve(path);
    const files = await trackedFiles(dir);
    const options = resolveCliOptions(flags);
    const merged = await fetchMerged(options);
    const byValue = new Map<string, string[]>();
    const add = (value: string | undefined, key: string) => {
      if (!value || value.trim().length < minLength) return;
      byValue.set(value, [...(byValue.get(value) ?? []), key]);
    };
    for (const [key, value] of Object.entries(merged.values)) add(value, key);
    add(process.env[BOOTSTRAP_VARIABLES.clientSecret], BOOTSTRAP_VARIABLES.clientSecret);
    const findings = await scanFiles(dir, files, byValue);
    if (flags.json) {
      process.stdout.write(`${JSON.stringify({ directory: dir, filesScanned: files.length, findings }, null, 2)}\n`);
    } else {
      for (const finding of findings) process.stdout.write(`${finding.file}:${finding.line}: ${finding.keys.join(', ')}\n`);
      process.stdout.write(
        findings.length === 0
          ? `No Infisical value found in ${files.length} tracked files.\n`
          : `${findings.length} line${findings.length === 1 ? '' : 's'} hold a current Infisical value: remove it from the files and rotate the secret (it is in the git history).\n`,
      );
    }
    process.exitCode = findings.length > 0 ? EXIT.findings : EXIT.ok;
  });
}
