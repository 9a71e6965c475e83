import { mkdir, open, rm, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { BOOTSTRAP_VARIABLES } from '../../../../libs/infisical-config/src/infisical-config.constants.js';
import { CliError, EXIT } from '../exit-codes.js';

/** The five bootstrap values the module reads (`infisicalOptionsFromEnv`). */
export interface Credentials {
  readonly siteUrl: string;
  readonly projectId: string;
  readonly environment: string;
  readonly clientId: string;
  readonly clientSecret: string;
}

/**
 * One identity's credentials file: created exclusively (an existing file is never overwritten), mode 0600
 * from the first byte, in a directory created 0700 when missing. The only place a client secret is written.
 */
export class CredentialsFile {
  private constructor(
    private readonly path: string,
    private readonly handle: FileHandle,
  ) {}

  static async create(path: string): Promise<CredentialsFile> {
    try {
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      const handle = await open(path, 'wx', 0o600);
      // The process umask may only narrow the mode; make it exact anyway.
      await handle.chmod(0o600);
      return new CredentialsFile(path, handle);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const reason = code === 'EEXIST' ? 'it already exists (provision never overwrites one)' : (code ?? 'unwritable');
      throw new CliError(`cannot create the credentials file ${path}: ${reason}`, EXIT.usage);
    }
  }

  async write(identityName: string, credentials: Credentials): Promise<void> {
    const lines = [
      `# Machine identity ${identityName}, written by infisical-config provision.`,
      '# Holds a client secret: keep it out of git, share it only with what runs as this identity.',
      `${BOOTSTRAP_VARIABLES.siteUrl}=${credentials.siteUrl}`,
      `${BOOTSTRAP_VARIABLES.projectId}=${credentials.projectId}`,
      `${BOOTSTRAP_VARIABLES.environment}=${credentials.environment}`,
      `${BOOTSTRAP_VARIABLES.clientId}=${credentials.clientId}`,
      `${BOOTSTRAP_VARIABLES.clientSecret}=${credentials.clientSecret}`,
    ];
    try {
      await this.handle.writeFile(`${lines.join('\n')}\n`, 'utf8');
      await this.handle.sync();
    } finally {
      await this.handle.close();
    }
  }

  /** Removes the file when its secret could not be issued. */
  async discard(): Promise<void> {
    await this.handle.close().catch(() => undefined);
    await rm(this.path, { force: true });
  }
}
