import { Option, type Command } from 'commander';
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { controlsProcess } from '../../../../libs/infisical-config/src/snapshot/process-env.writer.js';
import { CREDENTIAL_VARIABLES, exportable, fetchMerged, resolveCliOptions, type ConnectionFlags } from '../cli-context.js';
import { CliError, EXIT } from '../exit-codes.js';

interface RunFlags extends ConnectionFlags {
  processEnv: 'override' | 'preserve';
  passCredentials?: boolean;
  allowProcessEnvKey?: string[];
}

const FORWARDED: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const collect = (value: string, previous: string[] = []) => [...previous, value];

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
        'Starts a command with the secrets in its environment (a PM2 workspace, a build: run -- vite build). SIGINT, SIGTERM and SIGHUP are forwarded; the CLI exits with the child\'s code (128+n when a signal n ended it; 2 when it cannot be started). INFISICAL_CLIENT_SECRET and the other credential variables are not passed on unless --pass-credentials.',
      )
      .argument('<command>', 'the command to start (put -- before it)')
      .argument('[args...]', "the command's arguments")
      .passThroughOptions()
      .addOption(new Option('--process-env <mode>', 'override: Infisical wins over variables already set; preserve: variables already set win').choices(['override', 'preserve']).default('override'))
      .option('--pass-credentials', 'also pass INFISICAL_CLIENT_SECRET, INFISICAL_ACCESS_TOKEN, INFISICAL_JWT and INFISICAL_CACHE_KEY to the child (a Nest app using the module)')
      .option('--allow-process-env-key <key>', 'let Infisical set this process-control variable (NODE_OPTIONS, PATH...) in the child (repeatable)', collect),
  ).action(async (command: string, args: string[], flags: RunFlags) => {
    const options = resolveCliOptions(flags);
    const merged = await fetchMerged(options);
    const { env, withheld } = childEnv(merged.values, flags);
    if (withheld.length > 0) {
      process.stderr.write(`infisical-config: not set in the child (they control the process; allow with --allow-process-env-key): ${withheld.join(', ')}\n`);
    }
    process.exitCode = await runChild(command, args, env);
  });
}

/** Runs the child to its end, forwarding the signals the CLI receives; resolves with the exit code to use. */
function runChild(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise<number>((resolveExit, reject) => {
    const child = spawn(command, args, { env, stdio: 'inherit' });
    const forward = (signal: NodeJS.Signals) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    };
    for (const signal of FORWARDED) process.on(signal, forward);
    const detach = () => {
      for (const signal of FORWARDED) process.off(signal, forward);
    };
    child.on('error', (error: NodeJS.ErrnoException) => {
      detach();
      reject(new CliError(`cannot start ${command}: ${error.code ?? error.message}`, EXIT.usage));
    });
    child.on('exit', (code, signal) => {
      detach();
      resolveExit(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0));
    });
  });
}
