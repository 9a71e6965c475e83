/** The CLI's exit codes (documented in `--help` and the README's "CLI" section). */
export const EXIT = {
  /** Everything is well. */
  ok: 0,
  /** Differences, findings or problems (check warnings, diff differences, scan findings). */
  findings: 1,
  /** Usage or configuration error (a flag, a missing bootstrap variable). */
  usage: 2,
  /** Infisical unreachable, or it refused the login or the request. */
  infisical: 3,
  /** Stopped by SIGINT or SIGTERM (128 + SIGINT, as shells report it). */
  interrupted: 130,
} as const;

export const EXIT_CODES_HELP = `
Exit codes:
  0  ok
  1  differences, findings or problems
  2  usage or configuration error
  3  Infisical unreachable or refused (network, TLS, login, access)`;

/** An error that ends the command with a given exit code and a message (never a value). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}
