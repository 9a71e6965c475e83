// What a build costs an app before it does anything: the cold import of the library entry in a fresh
// process, and the disk size of the package as installed from its tarball with its runtime dependencies
// (peers and optional packages omitted: the app has those anyway).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { run } from './request-control.checkout.js';
import { median } from './stats.util.js';

const PACKAGE_NAME = 'nestjs-infisical-config';

/** Something to import in a fresh process: a file URL, or a bare specifier resolved from `cwd`. */
export interface ImportTarget {
  name: string;
  specifier: string;
  cwd: string;
}

/**
 * Median wall time of `node --input-type=module -e "await import(specifier)"`, spawn to exit, per target;
 * the targets take turns, so drift in the machine's load hits them alike. An empty target ('') is node alone.
 */
export function coldImportMs(targets: ImportTarget[], runs: number): Map<string, number> {
  const samples = new Map<string, number[]>(targets.map((target) => [target.name, []]));
  for (let i = 0; i < runs; i++) {
    for (const target of targets) {
      const code = target.specifier ? `await import(${JSON.stringify(target.specifier)});` : '';
      const started = performance.now();
      const child = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: target.cwd, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
      const ms = performance.now() - started;
      if (child.status !== 0) throw new Error(`importing ${target.name} failed: ${child.stderr.trim().split('\n').slice(-3).join(' ')}`);
      samples.get(target.name)!.push(ms);
    }
  }
  return new Map([...samples].map(([name, values]) => [name, median(values)]));
}

export interface Installed {
  /** The tarball's size (gzip). */
  packedKb: number;
  /** `du -sk node_modules` after installing the tarball. */
  installedKb: number;
  /** Of which the package itself. */
  ownKb: number;
  /** Packages in node_modules, the package itself included. */
  packages: number;
  /** Its `dependencies`, name@range. */
  dependencies: string[];
  /** The install directory: its node_modules resolves bare specifiers (the SDK, say). */
  dir: string;
}

/**
 * Packs the checkout at `root` as it is built (no prepack: it would clean dist under other users of it) and
 * installs the tarball into `scratch`/install with `--omit=peer --omit=optional`.
 */
export function installPacked(root: string, scratch: string): Installed {
  mkdirSync(scratch, { recursive: true });
  const [packed] = JSON.parse(run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', scratch], root)) as Array<{ filename: string; size: number }>;
  const dir = join(scratch, 'install');
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'request-control-scratch', version: '0.0.0', private: true }));
  run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock', '--omit=peer', '--omit=optional', join(scratch, packed.filename)], dir);
  const modules = join(dir, 'node_modules');
  const own = JSON.parse(readFileSync(join(modules, PACKAGE_NAME, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  return {
    packedKb: packed.size / 1024,
    installedKb: duKb(modules),
    ownKb: duKb(join(modules, PACKAGE_NAME)),
    packages: countPackages(modules),
    dependencies: Object.entries(own.dependencies ?? {}).map(([name, range]) => `${name}@${range}`),
    dir,
  };
}

function duKb(path: string): number {
  return Number(run('du', ['-sk', path], '/').split(/\s+/)[0]);
}

/** Package directories under a node_modules tree, nested ones included. */
function countPackages(modules: string): number {
  let count = 0;
  for (const entry of readdirSync(modules, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const path = join(modules, entry.name);
    if (entry.name.startsWith('@')) {
      for (const scoped of readdirSync(path, { withFileTypes: true })) if (scoped.isDirectory()) count += 1 + nested(join(path, scoped.name));
    } else {
      count += 1 + nested(path);
    }
  }
  return count;
}

function nested(packageDir: string): number {
  const modules = join(packageDir, 'node_modules');
  try {
    return countPackages(modules);
  } catch {
    return 0;
  }
}
