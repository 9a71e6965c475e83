import { Option, type Command } from 'commander';
import { InfisicalSource } from '../../../../libs/infisical-config/src/source/infisical.source.js';
import { controlsProcess } from '../../../../libs/infisical-config/src/snapshot/process-env.writer.js';
import { collect, CREDENTIAL_VARIABLES, exportable, fetchMerged, resolveCliOptions, type ConnectionFlags } from '../cli-context.js';
import { ChildSupervisor } from '../child.supervisor.js';
import { CliError, EXIT } from '../exit-codes.js';

interface RunFlags extends ConnectionFlags {
  processEnv: 'override' | 'preserve';
  passCredentials?: boolean;
  allowProcessEnvKey?: string[];
  watch?: boolean;
  watchInterval: string;
}

/**
 * The child's environment: the CLI's own, without the Infisical credentials (unless asked), with the
 * secrets as `processEnv` says (`override`: Infisical wins; `preserve`: a variable already set wins).
 * Keys that control the process (NODE_OPTIONS, PATH...) are withheld unless allowed by name, as in the module.
 */
export function childEnv(
  secrets: Record<string, string>,
  flags: Pick<RunFlags, 'processEnv' | 'passCredentials' | 'allowProcessEnvKey'>,
  parent: NodeJS.ProcessEnv = process.env,
): { env: NodeJS.ProcessEnv; withheld: string[] } {
  const env: NodeJS.ProcessEnv = { ...parent };
  if (!flags.passCredentials) for (const name of CREDENTIAL_VARIABLES) delete env[name];
  const allowed = new Set(flags.allowProcessEnvKey ?? []);
  const withheld: string[] = [];
  for (const [key, value] of Object.entries(exportable(secrets, parent))) {
    if (controlsProcess(key) && !allowed.has(key)) {
      withheld.push(key);
      continue;
    }
    if (flags.processEnv === 'preserve' && parent[key] !== undefined) continue;
    env[key] = value;
  }
  return { env, withheld };
}

export function registerRun(program: Command, withConnection: (command: Command) => Command): void {
  withConnection(
    program
      .command('run')
      .description(
        'Starts a command with the secrets in its environment (a PM2 workspace, a build: run -- vite build). SIGINT, SIGTERM and SIGHUP are forwarded; the CLI exits with the child\'s code (128+n when a signal n ended it; 2 when it cannot be started). INFISICAL_CLIENT_SECRET and the other credential variables are not passed on unless --pass-credentials. --watch restarts it when a value changes in Infisical.',
      )
      .argument('<command>', 'the command to start (put -- before it)')
      .argument('[args...]', "the command's arguments")
      .passThroughOptions()
      .addOption(new Option('--process-env <mode>', 'override: Infisical wins over variables already set; preserve: variables already set win').choices(['override', 'preserve']).default('override'))
      .option('--pass-credentials', 'also pass INFISICAL_CLIENT_SECRET, INFISICAL_ACCESS_TOKEN, INFISICAL_JWT and INFISICAL_CACHE_KEY to the child (a Nest app using the module)')
      .option('--allow-process-env-key <key>', 'let Infisical set this process-control variable (NODE_OPTIONS, PATH...) in the child (repeatable)', collect)
      .option('--watch', 'read Infisical again every --watch-interval and restart the child (SIGTERM, then SIGKILL after 10 s) when a value changed')
      .option('--watch-interval <seconds>', 'how often --watch reads Infisical', '60'),
  ).action(async (command: string, args: string[], flags: RunFlags) => {
    const intervalMs = Number(flags.watchInterval) * 1000;
    if (flags.watch && !(intervalMs >= 100)) throw new CliError('--watch-interval must be a number of seconds, at least 0.1', EXIT.usage);
    const options = resolveCliOptions(flags);
    const source = new InfisicalSource(options);
    let watcher: NodeJS.Timeout | undefined;
    try {
      const first = await fetchMerged(options, source);
      const { env, withheld } = childEnv(first.values, flags);
      if (withheld.length > 0) {
        process.stderr.write(`infisical-config: not set in the child (they control the process; allow with --allow-process-env-key): ${withheld.join(', ')}\n`);
      }
      const supervisor = new ChildSupervisor(command, args);
      supervisor.start(env);
      if (flags.watch) {
        let current = first.values;
        let busy = false;
        watcher = setInterval(() => {
          if (busy || supervisor.stopping) return;
          busy = true;
          void (async () => {
            try {
              const next = (await fetchMerged(options, source)).values;
              const changed = changedKeys(current, next);
              if (changed.length === 0 || supervisor.stopping) return;
              current = next;
              process.stderr.write(`infisical-config: ${changed.join(', ')} changed in Infisical: restarting ${command}\n`);
              await supervisor.restart(childEnv(next, flags).env);
            } catch (error) {
              // The child keeps running with the values it has; the next tick tries again.
              process.stderr.write(`infisical-config: watch: ${error instanceof Error ? error.message : 'read failed'}\n`);
            } finally {
              busy = false;
            }
          })();
        }, intervalMs);
      }
      process.exitCode = await supervisor.done;
    } finally {
      if (watcher) clearInterval(watcher);
      source.close();
    }
  });
}

/** The keys added, removed or changed between two merged sets (names only). */
export function changedKeys(before: Record<string, string>, after: Record<string, string>): string[] {
  return [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((key) => before[key] !== after[key]).sort();
}
