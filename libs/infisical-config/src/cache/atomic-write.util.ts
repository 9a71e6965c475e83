import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, rename, rm, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface AtomicWriteOptions {
  /** Mode of the written file. */
  fileMode: number;
  /** Mode of the directory and its missing parents, applied only to those this call creates. */
  dirMode: number;
}

/**
 * Writes a file so that readers see the old content or the new one, never a mix: a temp file in the same
 * directory (same file system, so rename is atomic), fsync, rename over the target, fsync of the directory
 * so the rename survives a crash. On failure the temp file is removed and the OS error is rethrown.
 */
export async function writeFileAtomic(
  filePath: string,
  content: string | Buffer,
  options: AtomicWriteOptions,
): Promise<void> {
  const dir = dirname(filePath);
  await ensureDirectory(dir, options.dirMode);

  // Short fixed-length name: a long target name must not make the temp name too long.
  const tempPath = join(dir, `.${basename(filePath).slice(0, 32)}.${randomBytes(8).toString('hex')}.tmp`);
  let handle: FileHandle | undefined;
  try {
    // 'wx' never reuses an existing path; the mode is set again since the umask may have narrowed it.
    handle = await open(tempPath, 'wx', options.fileMode);
    await handle.chmod(options.fileMode);
    await handle.writeFile(content);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(tempPath, filePath);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await rm(tempPath, { force: true }).catch(() => undefined);
    throw error;
  }
  await syncDirectory(dir);
}

/**
 * Creates the directory and its missing parents with the mode given. Not `mkdir({ recursive: true })`:
 * Node's version never returns under /proc (the kernel keeps answering ENOENT), which would hang a boot.
 */
async function ensureDirectory(dir: string, mode: number, parentsReady = false): Promise<void> {
  try {
    await mkdir(dir, { mode });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      if ((await stat(dir)).isDirectory()) return;
      // mkdir says EEXIST when the path is a file; ENOTDIR says what is actually wrong.
      const notADirectory = new Error(`ENOTDIR: not a directory, mkdir '${dir}'`, { cause: error });
      throw Object.assign(notADirectory, { code: 'ENOTDIR', path: dir });
    }
    const parent = dirname(dir);
    if (code !== 'ENOENT' || parent === dir || parentsReady) throw error;
    await ensureDirectory(parent, mode);
    // One more try only (a second ENOENT is thrown), which also copes with a concurrent write creating it.
    return ensureDirectory(dir, mode, true);
  }
  // The umask may have narrowed the mode of the directory just created.
  await chmod(dir, mode);
}

/** Best effort: some platforms (Windows) and file systems cannot fsync a directory. */
async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // The file itself is already synced; losing only the rename on a crash leaves the previous cache.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
