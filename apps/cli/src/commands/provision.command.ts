import type { Command } from 'commander';
import { collect, resolveAdminOptions } from '../cli-context.js';
import { CliError, EXIT } from '../exit-codes.js';
import { countSteps, describeStep, summarize, type ProvisionStep, type StepAction } from '../provision/provision.plan.js';
import type { ProvisionSession } from '../provision/provision.session.js';

interface ProvisionFlags {
  apply?: boolean;
  prune?: boolean;
  json?: boolean;
  siteUrl?: string;
  caCert?: string[];
}

const MARKS: Record<StepAction, string> = { create: '+ create', update: '~ change', keep: '= keep  ', extra: '? extra ', delete: '- delete' };

/**
 * The provision code, loaded on use: it checks the layout with class-validator and class-transformer,
 * optional peers of the package, which the other commands do not need.
 */
export async function loadProvisionSession(): Promise<typeof ProvisionSession> {
  try {
    return (await import('../provision/provision.session.js')).ProvisionSession;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && /class-(validator|transformer)|reflect-metadata/.test(String((error as Error).message))) {
      throw new CliError('provision checks the layout with class-validator and class-transformer (optional peers of nestjs-infisical-config) and reflect-metadata: npm install class-validator class-transformer reflect-metadata', EXIT.usage);
    }
    throw error;
  }
}

async function runProvision(file: string, flags: ProvisionFlags, session: ProvisionSession): Promise<number> {
  const { plan } = session;
  const counts = countSteps(plan.steps);
  const pending = counts.create + counts.update + counts.delete;
  const out = (line: string) => {
    if (!flags.json) process.stdout.write(`${line}\n`);
  };

  out(`Layout ${file}: ${flags.apply ? 'applying' : 'plan only, nothing changes without --apply'}${flags.prune ? ', with --prune' : ''}`);
  for (const step of plan.steps) out(`  ${MARKS[step.action]}  ${describeStep(step)}`);
  out(`Plan: ${summarize(counts)}.`);
  for (const problem of plan.problems) out(`problem: ${problem}`);

  const applied: ProvisionStep[] = [];
  let exitCode: number = EXIT.ok;
  if (plan.problems.length > 0) {
    out(flags.apply ? 'Nothing was changed: solve the problems above first.' : 'Solve the problems above before --apply.');
    exitCode = EXIT.findings;
  } else if (!flags.apply) {
    out(pending === 0 ? 'Infisical matches the layout: nothing to do.' : 'Run again with --apply to make these changes.');
    exitCode = pending === 0 ? EXIT.ok : EXIT.findings;
  } else if (pending === 0) {
    out('Infisical matches the layout: nothing to do.');
  } else {
    const stop = stopOnSignal();
    try {
      await session.apply((step) => {
        applied.push(step);
        out(`  done  ${MARKS[step.action].trim()} ${describeStep(step)}`);
      }, stop.signal);
    } catch (error) {
      const failure = error instanceof CliError ? new CliError(`${error.message}\n${applied.length} of ${pending} changes were made; run provision again to plan the rest.`, error.exitCode) : error;
      if (flags.json) process.stdout.write(`${JSON.stringify({ ...report(file, flags, session, applied, false), error: (failure as Error).message }, null, 2)}\n`);
      throw failure;
    } finally {
      stop.release();
    }
    const written = applied.filter((step) => step.kind === 'client-secret');
    out(`Applied ${applied.length} change${applied.length === 1 ? '' : 's'}.${written.length > 0 ? ` ${written.length} credentials file${written.length === 1 ? '' : 's'} written (mode 0600): hand each to what runs as its identity, never commit them.` : ''}`);
  }
  if (flags.json) process.stdout.write(`${JSON.stringify(report(file, flags, session, applied, true), null, 2)}\n`);
  return exitCode;
}

/**
 * SIGINT/SIGTERM during --apply: finish the change under way (a client secret being issued lands in its
 * file), then stop. A second signal ends the process at once, even mid-change.
 */
function stopOnSignal(): { signal: AbortSignal; release: () => void } {
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(EXIT.interrupted);
    process.stderr.write('infisical-config: stopping after the change under way (again to stop at once)\n');
    controller.abort();
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
  for (const name of signals) process.on(name, onSignal);
  return { signal: controller.signal, release: () => signals.forEach((name) => process.off(name, onSignal)) };
}

function report(file: string, flags: ProvisionFlags, session: ProvisionSession, applied: ProvisionStep[], completed: boolean) {
  return {
    layout: file,
    apply: flags.apply ?? false,
    prune: flags.prune ?? false,
    completed,
    steps: session.plan.steps.map((step) => ({ kind: step.kind, action: step.action, description: describeStep(step), applied: applied.includes(step) })),
    problems: session.plan.problems,
  };
}

export function registerProvision(program: Command): void {
  program
    .command('provision')
    .description(
      'Creates the projects, environments, folders, secret imports and machine identities a layout file declares. Plans by default; --apply makes the changes. Deletes nothing without --prune. Writes each new client secret only to its credentials file.',
    )
    .argument('<layout-file>', 'the layout, JSON or YAML')
    .option('--apply', 'make the changes (default: print the plan only)')
    .option('--prune', 'also delete what the layout does not name in its projects: environments, folders, imports, identity memberships (listed first)')
    .option('--json', 'print the plan (and what was applied) as JSON')
    .option('--site-url <url>', 'base URL of Infisical (default: INFISICAL_SITE_URL)')
    .option('--ca-cert <file>', 'PEM file of a private CA, beside NODE_EXTRA_CA_CERTS (repeatable)', collect)
    .addHelpText(
      'after',
      `
Login: the identity named by the module's variables (INFISICAL_CLIENT_ID and INFISICAL_CLIENT_SECRET, or
INFISICAL_AUTH_METHOD and its variables); it needs the organization permissions to create projects and
identities (the Admin organization role). INFISICAL_PROJECT_ID and INFISICAL_ENVIRONMENT are not needed.

Exit codes: 0 done or nothing to do, 1 changes pending (plan) or a problem, 2 layout or usage error,
3 Infisical unreachable or refused (the missing permission is named), 130 interrupted (SIGINT or SIGTERM
during --apply stops after the change under way).`,
    )
    .action(async (file: string, flags: ProvisionFlags) => {
      const options = resolveAdminOptions(flags);
      const Session = await loadProvisionSession();
      const session = await Session.open(file, options, {
        prune: flags.prune ?? false,
        onWait: (seconds) => process.stderr.write(`infisical-config: Infisical rate-limited the requests; waiting ${seconds}s\n`),
      }).catch((error: unknown) => {
        // --json promises JSON on stdout: a layout or login failure too, with the message stderr gets.
        if (flags.json && error instanceof CliError) process.stdout.write(`${JSON.stringify({ layout: file, completed: false, exitCode: error.exitCode, error: error.message }, null, 2)}\n`);
        throw error;
      });
      try {
        process.exitCode = await runProvision(file, flags, session);
      } finally {
        session.close();
      }
    });
}
