#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { registerCheck } from './commands/check.command.js';
import { registerExport } from './commands/export.command.js';
import { registerRun } from './commands/run.command.js';
import { registerDiff } from './commands/diff.command.js';
import { registerScan } from './commands/scan.command.js';
import { registerMigrate } from './commands/migrate.command.js';
import { registerProvision } from './commands/provision.command.js';
import { CliError, EXIT, EXIT_CODES_HELP } from './exit-codes.js';
import { collect } from './cli-context.js';

/** The connection flags, on every command that talks to Infisical. */
function withConnection(command: Command): Command {
  return command
    .option('--site-url <url>', 'base URL of Infisical (default: INFISICAL_SITE_URL)')
    .option('--project-id <id>', 'project id (default: INFISICAL_PROJECT_ID)')
    .option('--env <slug>', 'environment slug; repeat for several scopes, a later one wins (default: INFISICAL_ENVIRONMENT)', collect)
    .option('--path <folder>', 'secret folder of every scope', '/')
    .option('--recursive', 'include the sub-folders of --path')
    .option('--ca-cert <file>', 'PEM file of a private CA, beside NODE_EXTRA_CA_CERTS (repeatable)', collect)
    .addHelpText(
      'after',
      `
Login: the module's variables (INFISICAL_AUTH_METHOD; INFISICAL_CLIENT_ID and INFISICAL_CLIENT_SECRET for
Universal Auth, INFISICAL_IDENTITY_ID, INFISICAL_JWT(_PATH), INFISICAL_KUBERNETES_TOKEN_PATH, INFISICAL_ACCESS_TOKEN).
${EXIT_CODES_HELP}`,
    );
}

export function buildProgram(): Command {
  const program = new Command('infisical-config')
    .description('Checks, exports and runs with the secrets of a self-hosted Infisical, as nestjs-infisical-config loads them. Never prints a value.')
    .exitOverride()
    .enablePositionalOptions()
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', EXIT_CODES_HELP);
  registerCheck(program, withConnection);
  registerExport(program, withConnection);
  registerRun(program, withConnection);
  registerDiff(program, withConnection);
  registerScan(program, withConnection);
  registerMigrate(program, withConnection);
  registerProvision(program);
  return program;
}

async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help' ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof CliError) {
      process.stderr.write(`infisical-config: ${error.message}\n`);
      return error.exitCode;
    }
    // Unexpected: the class and message only (messages of the library carry no value).
    process.stderr.write(`infisical-config: ${error instanceof Error ? `${error.name}: ${error.message}` : 'unexpected failure'}\n`);
    return EXIT.usage;
  }
}

main(process.argv).then((code) => {
  process.exitCode = code;
});
