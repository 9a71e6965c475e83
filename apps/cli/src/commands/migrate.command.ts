import type { Command } from 'commander';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { writeFileAtomic } from '../../../../libs/infisical-config/src/cache/atomic-write.util.js';
import { parseCacheKey } from '../../../../libs/infisical-config/src/cache/cache-key.util.js';
import { openSnapshot, sealSnapshot } from '../../../../libs/infisical-config/src/cache/snapshot.sealer.js';
import { readDotenvFiles } from '../../../../libs/infisical-config/src/fallback/dotenv-files.reader.js';
import { CACHE_KEY_VARIABLE } from '../../../../libs/infisical-config/src/infisical-config.constants.js';
import type { ResolvedInfisicalOptions } from '../../../../libs/infisical-config/src/options/resolved-options.interface.js';
import { InfisicalSource } from '../../../../libs/infisical-config/src/source/infisical.source.js';
import { collect, infisicalFailure, isInfisicalVariable, resolveCliOptions, type ConnectionFlags } from '../cli-context.js';
import { CliError, EXIT } from '../exit-codes.js';
import { InfisicalWritesClient, type WriteTarget } from '../infisical-writes.client.js';

interface MigrateFlags extends ConnectionFlags {
  file?: string[];
  apply?: boolean;
  overwrite?: boolean;
  backup?: string;
  json?: boolean;
}

/** What migrate will do, per key name. */
export interface MigratePlan {
  create: string[];
  update: string[];
  /** Differs in Infisical and --overwrite is not given: left as it is. */
  keep: string[];
  same: string[];
  ignored: string[];
}

/** What a backup holds: enough to undo an apply (previous values of updated keys, names of created ones). */
interface BackupContent {
  environment: string;
  secretPath: string;
  previous: Record<string, string>;
  created: string[];
}

const BACKUP_ENTRY = 'migrate-backup';
/** A backup opens only against the same site and project. */
const backupBinding = (options: ResolvedInfisicalOptions) => createHash('sha256').update(`infisical-config migrate\n${options.siteUrl}\n${options.projectId}`).digest('hex');

function backupKey(): Buffer {
  const raw = process.env[CACHE_KEY_VARIABLE];
  if (!raw) throw new CliError(`${CACHE_KEY_VARIABLE} is not set: the backup is encrypted with it (32 bytes, base64 or hex: openssl rand -base64 32); keep it to roll back`, EXIT.usage);
  try {
    return parseCacheKey(raw);
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : `${CACHE_KEY_VARIABLE} is invalid`, EXIT.usage);
  }
}

export function planMigration(file: Record<string, string>, current: Record<string, string>, overwrite: boolean): MigratePlan {
  const plan: MigratePlan = { create: [], update: [], keep: [], same: [], ignored: [] };
  for (const key of Object.keys(file).sort()) {
    if (isInfisicalVariable(key)) plan.ignored.push(key);
    else if (!Object.hasOwn(current, key)) plan.create.push(key);
    else if (current[key] === file[key].trim()) plan.same.push(key);
    else (overwrite ? plan.update : plan.keep).push(key);
  }
  return plan;
}

/** The folder's own secrets, as written (references not expanded, no imports, no sub-folders). */
async function folderValues(source: InfisicalSource, options: ResolvedInfisicalOptions, target: WriteTarget): Promise<Record<string, string>> {
  const scope = { ...options.scopes[0], ...target, recursive: false, includeImports: false, allowEmpty: true };
  try {
    const { secrets } = await source.fetchScope(scope);
    const values: Record<string, string> = Object.create(null);
    for (const secret of secrets) if (!secret.imported && secret.secretPath === target.secretPath) values[secret.key] = secret.value;
    return values;
  } catch (error) {
    infisicalFailure(error);
  }
}

export function registerMigrate(program: Command, withConnection: (command: Command) => Command): void {
  withConnection(
    program
      .command('migrate')
      .description(
        `Uploads .env files to one folder of Infisical (the first --env, --path). Dry run by default: prints what it would create, update or keep, by name. --apply writes, after an encrypted backup (AES-256-GCM with ${CACHE_KEY_VARIABLE}, as the file cache) that "rollback --backup FILE" undoes. Idempotent: a key Infisical already holds is never changed without --overwrite. Exit 1 when a differing key is kept.`,
      )
      .option('--file <path>', '.env file to upload; repeatable, an earlier file wins (default: .env)', collect)
      .option('--apply', 'write to Infisical (default: dry run)')
      .option('--overwrite', 'also replace keys Infisical holds with a different value')
      .option('--backup <file>', 'where to write the encrypted backup (default: .infisical-migrate-<env>-<time>.backup)')
      .option('--json', 'print the plan as JSON'),
  ).action(async (flags: MigrateFlags) => {
    const files = flags.file ?? ['.env'];
    const missing = files.filter((path) => !existsSync(path));
    if (missing.length > 0) throw new CliError(`no such file: ${missing.join(', ')}`, EXIT.usage);
    const options = resolveCliOptions({ ...flags, expand: false });
    const target: WriteTarget = { environment: options.scopes[0].environment, secretPath: options.scopes[0].secretPath };
    const { values: fileValues } = await readDotenvFiles(files);
    const source = new InfisicalSource(options);
    const writes = new InfisicalWritesClient(options, source);
    try {
      const current = await folderValues(source, options, target);
      const plan = planMigration(fileValues, current, !!flags.overwrite);
      const changes = plan.create.length + plan.update.length;
      let backupFile: string | undefined;
      if (flags.apply && changes > 0) {
        backupFile = resolve(flags.backup ?? `.infisical-migrate-${target.environment}-${new Date().toISOString().replace(/[:.]/g, '-')}.backup`);
        const content: BackupContent = { ...target, previous: Object.fromEntries(plan.update.map((name) => [name, current[name]])), created: plan.create };
        await writeFileAtomic(backupFile, sealSnapshot({ [BACKUP_ENTRY]: JSON.stringify(content) }, backupKey(), backupBinding(options), new Date()), { fileMode: 0o600, dirMode: 0o700 });
        process.stderr.write(`infisical-config: backup written to ${backupFile} (encrypted with ${CACHE_KEY_VARIABLE})\n`);
        const done: string[] = [];
        try {
          const written = (keys: string[]) => done.push(...keys);
          await writes.createMany(target, plan.create.map((name) => [name, fileValues[name].trim()] as const), written);
          await writes.updateMany(target, plan.update.map((name) => [name, fileValues[name].trim()] as const), written);
        } catch (error) {
          if (error instanceof CliError) {
            throw new CliError(`${error.message}\n  written before the failure: ${done.join(', ') || 'nothing'}; undo with: infisical-config rollback --backup ${backupFile}`, error.exitCode);
          }
          throw error;
        }
      }
      const mode = flags.apply ? 'applied' : 'dry run';
      if (flags.json) {
        process.stdout.write(`${JSON.stringify({ mode, target, ...plan, backup: backupFile ?? null }, null, 2)}\n`);
      } else {
        const verb = flags.apply ? { create: 'created', update: 'updated' } : { create: 'would create', update: 'would update' };
        const lines: [string, string[]][] = [
          [verb.create, plan.create],
          [verb.update, plan.update],
          ['kept (differs; --overwrite replaces)', plan.keep],
          ['same', plan.same],
          ['ignored (bootstrap variable)', plan.ignored],
        ];
        for (const [label, keys] of lines) for (const name of keys) process.stdout.write(`${label}: ${name}\n`);
        process.stdout.write(
          `${mode} to ${target.environment}:${target.secretPath}: ${plan.create.length} to create, ${plan.update.length} to update, ${plan.keep.length} kept, ${plan.same.length} same${!flags.apply && changes > 0 ? ' (add --apply to write)' : ''}\n`,
        );
      }
      process.exitCode = plan.keep.length > 0 ? EXIT.findings : EXIT.ok;
    } finally {
      writes.close();
      source.close();
    }
  });

  withConnection(
    program
      .command('rollback')
      .description('Undoes a "migrate --apply" from its encrypted backup: deletes the keys it created and puts back the values it replaced. Needs the same INFISICAL_CACHE_KEY, site and project.')
      .requiredOption('--backup <file>', 'the backup migrate --apply wrote'),
  ).action(async (flags: ConnectionFlags & { backup: string }) => {
    const options = resolveCliOptions(flags);
    const key = backupKey();
    let text: string;
    try {
      text = await readFile(flags.backup, 'utf8');
    } catch {
      throw new CliError(`cannot read ${flags.backup}`, EXIT.usage);
    }
    const opened = openSnapshot(text, key, backupBinding(options), flags.backup);
    if (!opened.ok) throw new CliError(`cannot open ${flags.backup}: ${opened.problem} (another ${CACHE_KEY_VARIABLE}, site or project?)`, EXIT.usage);
    const content = JSON.parse(opened.values[BACKUP_ENTRY] ?? '{}') as BackupContent;
    const target: WriteTarget = { environment: content.environment, secretPath: content.secretPath };
    const source = new InfisicalSource(options);
    const writes = new InfisicalWritesClient(options, source);
    try {
      const current = await folderValues(source, options, target);
      for (const name of content.created) {
        const removed = await writes.delete(target, name);
        process.stdout.write(`${removed ? 'deleted' : 'already gone'}: ${name}\n`);
      }
      for (const [name, value] of Object.entries(content.previous)) {
        if (Object.hasOwn(current, name)) await writes.update(target, name, value);
        else await writes.create(target, name, value);
        process.stdout.write(`restored: ${name}\n`);
      }
      process.stdout.write(`rolled back ${target.environment}:${target.secretPath} from ${flags.backup}\n`);
      process.exitCode = EXIT.ok;
    } finally {
      writes.close();
      source.close();
    }
  });
}
