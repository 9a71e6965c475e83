import { spawn, type ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { scanForLeaks } from './leak-scanner.js';

/** The built CLI, as the package's `bin` runs it. */
export const CLI_MAIN = resolve('dist/apps/cli/src/main.js');

/** Builds the package once (tsconfig.build.json), as `npm run build` does. */
export async function buildCli(): Promise<void> {
  await promisify(execFile)(process.execPath, [resolve('node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: resolve('.') });
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A clean environment: nothing of the test process's own INFISICAL_* variables, only what the test gives. */
export function cliEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C' };
  for (const [key, value] of Object.entries(extra)) if (value !== undefined) env[key] = value;
  return env;
}

/** Starts the CLI; its output is collected, and every byte of it goes through the leak guard unless `leakAllowed`. */
export function startCli(args: readonly string[], options: { env: NodeJS.ProcessEnv; cwd?: string; leakAllowed?: boolean }): { child: ChildProcess; done: Promise<CliResult> } {
  const child = spawn(process.execPath, [CLI_MAIN, ...args], { env: options.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const done = new Promise<CliResult>((resolveDone, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (!options.leakAllowed) scanForLeaks.record(stdout, `cli stdout (${args[0]})`);
      scanForLeaks.record(stderr, `cli stderr (${args[0]})`);
      resolveDone({ code, signal, stdout, stderr });
    });
  });
  return { child, done };
}

export function runCli(args: readonly string[], options: { env: NodeJS.ProcessEnv; cwd?: string; leakAllowed?: boolean }): Promise<CliResult> {
  return startCli(args, options).done;
}
