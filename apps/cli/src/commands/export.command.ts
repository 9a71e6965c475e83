import { Option, type Command } from 'commander';
import { resolve } from 'node:path';
import { writeFileAtomic } from '../../../../libs/infisical-config/src/cache/atomic-write.util.js';
import { collect, exportable, fetchMerged, resolveCliOptions, type ConnectionFlags } from '../cli-context.js';
import { CliError, EXIT } from '../exit-codes.js';
import { EXPORT_FORMATS, render, type ExportFormat } from '../formats.js';
import { keyFilter } from '../glob.util.js';

interface ExportFlags extends ConnectionFlags {
  format: ExportFormat;
  only?: string[];
  out?: string;
  stdout?: boolean;
}

export function registerExport(program: Command, withConnection: (command: Command) => Command): void {
  withConnection(
    program
      .command('export')
      .description(
        'Writes the merged values of the scopes (a later --env wins) for a build or a tool that reads a file, e.g. a Vite build: export --only "VITE_*" --out .env.production.local. The file is created 0600. INFISICAL_* variables and the client secret are never exported.',
      )
      .addOption(new Option('--format <format>', 'output format').choices(EXPORT_FORMATS).default('dotenv'))
      .option('--only <glob>', 'export only keys matching the glob, e.g. "VITE_*" (repeatable)', collect)
      .option('--out <file>', 'write to this file, created with mode 0600 (replaced atomically)')
      .option('--stdout', 'write the values to stdout instead (explicit: they end up wherever stdout goes)'),
  ).action(async (flags: ExportFlags) => {
    if (!flags.out === !flags.stdout) throw new CliError('export needs exactly one of --out FILE or --stdout', EXIT.usage);
    const options = resolveCliOptions(flags);
    const merged = await fetchMerged(options);
    const wanted = keyFilter(flags.only ?? []);
    const values: Record<string, string> = Object.create(null);
    const allowed = exportable(merged.values);
    for (const key of Object.keys(allowed)) if (wanted(key)) values[key] = allowed[key];
    const { text, left } = render(values, flags.format);
    for (const { key, reason } of left) process.stderr.write(`infisical-config: left out ${key}: ${reason}\n`);
    for (const { key, reason } of merged.skipped) process.stderr.write(`infisical-config: left out ${key}: ${reason}\n`);
    const count = Object.keys(values).length - left.length;
    if (count === 0) {
      throw new CliError(`no key to export${flags.only ? ` matches ${flags.only.join(', ')}` : ''}; nothing written`, EXIT.findings);
    }
    if (flags.stdout) {
      process.stdout.write(text);
    } else {
      const target = resolve(flags.out as string);
      await writeFileAtomic(target, text, { fileMode: 0o600, dirMode: 0o700 });
      process.stderr.write(`infisical-config: wrote ${count} key${count === 1 ? '' : 's'} to ${flags.out} (${flags.format}, mode 0600)\n`);
    }
    process.exitCode = left.length > 0 ? EXIT.findings : EXIT.ok;
  });
}
