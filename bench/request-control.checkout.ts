// The builds request-control.bench compares: this checkout's dist ("after") and the commit before the
// module had its own HTTP client ("before", @infisical/sdk on the list path), built in a git worktree of its
// own and removed at the end. The app child is copied next to the other checkout's dist, so that
// 'nestjs-infisical-config' and the Nest packages it imports resolve to that checkout's.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Variant } from './request-control.types.js';

/** The commit before the change: the list call went through @infisical/sdk 5.0.2. */
export const BEFORE_COMMIT = '48cf495';

const APP_CHILD = 'request-control.app.child.js';
/** What the app child needs at run time (its other import is type-only). */
const APP_CHILD_FILES = [APP_CHILD, 'request-control.wire.js'];
const STAGED_DIR = 'bench-request-control';
export const LIBRARY_ENTRY = 'dist/libs/infisical-config/src/index.js';

/** A file next to this one (dist/bench). */
export const benchFile = (name: string) => fileURLToPath(new URL(name, import.meta.url));

/** The root of this checkout: dist/bench is two levels below it. */
export const THIS_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export function thisCheckout(): Variant {
  return { name: 'after', label: 'this checkout', root: THIS_ROOT, appChild: benchFile(`./${APP_CHILD}`) };
}

/** Another built checkout (its dist and node_modules in place), with the app child staged into its dist. */
export function otherCheckout(root: string, label: string): Variant {
  if (!existsSync(join(root, LIBRARY_ENTRY))) throw new Error(`${root}: no build there (${LIBRARY_ENTRY}); run npm install && npm run build in it`);
  const dir = join(root, 'dist', STAGED_DIR);
  mkdirSync(dir, { recursive: true });
  for (const file of APP_CHILD_FILES) copyFileSync(benchFile(`./${file}`), join(dir, file));
  return { name: 'before', label, root, appChild: join(dir, APP_CHILD) };
}

export function unstage(variant: Variant): void {
  if (variant.root !== THIS_ROOT) rmSync(join(variant.root, 'dist', STAGED_DIR), { recursive: true, force: true });
}

/** A worktree of `commit` in `dir`, installed and built (about a minute, needs the npm registry). */
export function createWorktree(commit: string, dir: string): void {
  run('git', ['worktree', 'add', '--detach', dir, commit], THIS_ROOT);
  run('npm', ['install', '--no-audit', '--no-fund'], dir);
  run('npm', ['run', 'build'], dir);
}

export function removeWorktree(dir: string): void {
  run('git', ['worktree', 'remove', '--force', dir], THIS_ROOT);
}

/** Runs a command quietly; on failure, throws with the tail of its output. */
export function run(command: string, args: string[], cwd: string): string {
  try {
    return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    const tail = `${stdout ?? ''}${stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new Error(`${command} ${args.join(' ')} (in ${cwd}) failed:\n${tail}`);
  }
}
