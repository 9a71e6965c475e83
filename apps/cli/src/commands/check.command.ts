import type { Command } from 'commander';
import { InfisicalLoadError } from '../../../../libs/infisical-config/src/errors/infisical-load.error.js';
import { DEFAULTS } from '../../../../libs/infisical-config/src/infisical-config.constants.js';
import type { ResolvedInfisicalOptions } from '../../../../libs/infisical-config/src/options/resolved-options.interface.js';
import { InfisicalHttpClient, isObject } from '../../../../libs/infisical-config/src/source/infisical-http.client.js';
import { toLoadError } from '../../../../libs/infisical-config/src/source/infisical-failure.util.js';
import { InfisicalSource } from '../../../../libs/infisical-config/src/source/infisical.source.js';
import { resolveAdminOptions, resolveCliOptions, type ConnectionFlags } from '../cli-context.js';
import { formatDuration } from '../duration.util.js';
import { CliError, EXIT } from '../exit-codes.js';
import { countSteps, summarize, type ProvisionPlan } from '../provision/provision.plan.js';
import { ORGANIZATION_REMEDY, PROJECTS_TO_CREATE_REMEDY } from '../provision/provision.messages.js';
import type { ProvisionState } from '../provision/provision.state.js';
import { loadProvisionSession } from './provision.command.js';

type Status = 'ok' | 'warn' | 'fail' | 'info';

/** One line of the report: never a value, only names, counts and remedies. */
export interface CheckItem {
  readonly check: string;
  readonly status: Status;
  readonly detail: string;
  readonly remedy?: string;
}

interface CheckFlags extends ConnectionFlags {
  json?: boolean;
  layout?: string;
}

const TLS_REMEDY =
  'For a private CA, start the CLI (and the app) with NODE_EXTRA_CA_CERTS=/path/ca.pem, or pass --ca-cert /path/ca.pem (the module option caCertificates); never turn off TLS verification.';

const duration = (ms: number) => formatDuration(Math.round(ms / 1000));

/**
 * With a layout: the layout is valid, and the identity may read everything provision reads (a refusal
 * names the missing permission); then what the plan would do.
 */
async function layoutChecks(layoutFile: string, options: ResolvedInfisicalOptions, source: InfisicalSource): Promise<CheckItem[]> {
  const Session = await loadProvisionSession();
  let session;
  try {
    session = await Session.open(layoutFile, options, { prune: false, source });
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    const { PermissionRefusedError } = await import('../provision/infisical-admin.client.js');
    if (error instanceof PermissionRefusedError) return [{ check: 'provision access', status: 'fail', detail: `cannot ${error.what}: missing ${error.missing}`, remedy: error.remedy }];
    // The exit code says whose the problem is: the layout's (2), Infisical's content (1), or Infisical (3).
    const check = error.exitCode === EXIT.usage ? 'layout' : error.exitCode === EXIT.findings ? 'provision plan' : 'provision access';
    return [{ check, status: error.exitCode === EXIT.findings ? 'warn' : 'fail', detail: error.message }];
  }
  try {
    const { layout, plan } = session;
    const counts = countSteps(plan.steps);
    const items: CheckItem[] = [
      { check: 'layout', status: 'ok', detail: `${layoutFile}: ${layout.projects.length} project(s), ${layout.identities.length} identit${layout.identities.length === 1 ? 'y' : 'ies'}` },
      { check: 'provision access', status: 'ok', detail: 'read every project, environment, folder, import, identity and membership the layout names' },
      { check: 'provision plan', status: 'info', detail: summarize(counts) },
    ];
    items.push(...permissionChecks(session));
    for (const problem of plan.problems) items.push({ check: 'provision plan', status: 'warn', detail: problem });
    return items;
  } finally {
    session.close();
  }
}

/**
 * What --apply will need that reading could not prove: the organization role to create identities, and
 * projects to create that may exist unseen (provision sees only the projects it is a member of).
 */
function permissionChecks({ plan, state }: { plan: ProvisionPlan; state: ProvisionState }): CheckItem[] {
  const items: CheckItem[] = [];
  const toCreate = plan.steps.flatMap((step) => (step.kind === 'project' && step.action === 'create' ? [step.project] : []));
  if (toCreate.length > 0) {
    items.push({ check: 'provision projects', status: 'info', detail: `will create ${toCreate.join(', ')}`, remedy: PROJECTS_TO_CREATE_REMEDY });
  }
  const identityChanges = plan.steps.some((step) => (step.kind === 'identity' || step.kind === 'universal-auth' || step.kind === 'client-secret') && step.action !== 'keep' && step.action !== 'extra');
  const role = state.self?.organizationRole;
  if (identityChanges && role !== undefined && role !== 'admin') {
    items.push({
      check: 'provision permissions',
      status: role === 'custom' ? 'info' : 'warn',
      detail: `this identity has the ${role} organization role; creating and changing machine identities needs the Admin role${role === 'custom' ? ' or a custom role that allows it' : ''}`,
      remedy: ORGANIZATION_REMEDY,
    });
  }
  return items;
}

/** Runs every check in order; a failure of the site or the login stops the rest (they would fail the same way). */
export async function runChecks(options: ResolvedInfisicalOptions, layoutFile?: string): Promise<{ items: CheckItem[]; exitCode: number }> {
  const items: CheckItem[] = [];
  const fail = (check: string, error: unknown): { items: CheckItem[]; exitCode: number } => {
    const loadError = error instanceof InfisicalLoadError ? error : toLoadError('startup', error, options);
    items.push({ check, status: 'fail', detail: loadError.reason, remedy: loadError.remedy });
    return { items, exitCode: EXIT.infisical };
  };

  // 1. The site answers, and it is Infisical.
  const shutdown = new AbortController();
  const http = new InfisicalHttpClient({ siteUrl: options.siteUrl, requestTimeoutMs: DEFAULTS.requestTimeoutMs, shutdown: shutdown.signal, extraCaCertificates: options.caCertificates });
  try {
    const reply = await http.request({ method: 'GET', path: '/api/status', expecting: 'the Infisical status reply' });
    const body = reply.notModified ? undefined : reply.body;
    if (!isObject(body) || typeof body.date !== 'string' || !('message' in body)) {
      items.push({ check: 'site', status: 'fail', detail: `${options.siteUrl}/api/status does not answer like Infisical`, remedy: 'Check INFISICAL_SITE_URL / --site-url: the base URL of your Infisical, without /api.' });
      return { items, exitCode: EXIT.infisical };
    }
    items.push({ check: 'site', status: 'ok', detail: `${options.siteUrl} is Infisical (GET /api/status)` });
  } catch (error) {
    return fail('site', error);
  } finally {
    shutdown.abort();
  }

  // 2. TLS: how a private CA is trusted.
  if (options.siteUrl.startsWith('https:')) {
    const extra = [process.env.NODE_EXTRA_CA_CERTS ? 'NODE_EXTRA_CA_CERTS' : '', options.caCertificates.length > 0 ? '--ca-cert' : ''].filter(Boolean);
    items.push({ check: 'tls', status: 'ok', detail: extra.length > 0 ? `certificate verified with Node's roots and ${extra.join(' and ')}` : "certificate verified with Node's roots" });
  } else if (/^http:\/\/(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:|\/|$)/.test(options.siteUrl)) {
    items.push({ check: 'tls', status: 'info', detail: 'plain http on this machine (loopback)' });
  } else {
    items.push({ check: 'tls', status: 'warn', detail: 'plain http: credentials and values travel unencrypted', remedy: 'Use https:// outside a local machine. ' + TLS_REMEDY });
  }

  // 3. Login, and the token settings.
  const source = new InfisicalSource(options);
  try {
    let token;
    try {
      token = await source.login();
    } catch (error) {
      return fail('login', error);
    }
    items.push({ check: 'login', status: 'ok', detail: `logged in with ${options.auth.method}` });
    if (!Number.isFinite(token.expiresAt)) {
      items.push({ check: 'token', status: 'info', detail: 'access token given as is: its expiry is unknown, it is never renewed' });
    } else {
      const ttl = token.expiresAt - token.issuedAt;
      const maxTtl = token.maxExpiresAt - token.issuedAt;
      if (maxTtl <= ttl) {
        items.push({
          check: 'token',
          status: 'warn',
          detail: `access token TTL (${duration(ttl)}) equals its max TTL: every renewal fails, the module logs in again each time`,
          remedy: "Set the identity's Access Token Max TTL above its Access Token TTL (e.g. TTL 1h, max TTL 30d) in Infisical.",
        });
      } else {
        items.push({ check: 'token', status: 'ok', detail: `TTL ${duration(ttl)}, max TTL ${duration(maxTtl)}: renewed before expiry` });
      }
    }

    // 4. Every scope: access, how many secrets; with a layout, what provision needs instead.
    let exitCode: number = EXIT.ok;
    if (layoutFile !== undefined) {
      const layoutItems = await layoutChecks(layoutFile, options, source);
      items.push(...layoutItems);
      if (layoutItems.some((item) => item.status === 'fail')) exitCode = layoutItems.some((item) => item.check === 'layout' && item.status === 'fail') ? EXIT.usage : EXIT.infisical;
    }
    for (const scope of layoutFile === undefined ? options.scopes : []) {
      const name = `scope ${scope.environment}:${scope.secretPath}${scope.recursive ? ' (recursive)' : ''}`;
      try {
        const { secrets } = await source.fetchScope(scope);
        const keys = new Set(secrets.map((secret) => secret.key));
        if (keys.size === 0) {
          items.push({ check: name, status: 'warn', detail: 'readable but empty: no secret to load', remedy: 'Check the environment slug and the folder path (--env, --path, --recursive).' });
        } else {
          items.push({ check: name, status: 'ok', detail: `readable, ${keys.size} secret${keys.size === 1 ? '' : 's'}` });
        }
      } catch (error) {
        const loadError = error instanceof InfisicalLoadError ? error : toLoadError('list secrets', error, options);
        items.push({ check: name, status: 'fail', detail: loadError.reason, remedy: loadError.remedy });
        exitCode = EXIT.infisical;
      }
    }
    if (exitCode === EXIT.ok && items.some((item) => item.status === 'warn' || item.status === 'fail')) exitCode = EXIT.findings;
    return { items, exitCode };
  } finally {
    source.close();
  }
}

const MARKS: Record<Status, string> = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL', info: 'info' };

export function registerCheck(program: Command, withConnection: (command: Command) => Command): void {
  withConnection(
    program
      .command('check')
      .description('Checks that Infisical is reachable and is Infisical, the TLS setup, the login, the token settings and every scope (access, secret count). Prints no value.')
      .option('--json', 'print the report as JSON')
      .option('--layout <file>', 'instead of the scopes, check what `provision <file>` needs: a valid layout and read access to all it names (INFISICAL_PROJECT_ID and INFISICAL_ENVIRONMENT not needed)'),
  ).action(async (flags: CheckFlags) => {
    const options = flags.layout === undefined ? resolveCliOptions(flags) : resolveAdminOptions(flags);
    const { items, exitCode } = await runChecks(options, flags.layout);
    if (flags.json) {
      process.stdout.write(`${JSON.stringify({ ok: exitCode === EXIT.ok, exitCode, checks: items }, null, 2)}\n`);
    } else {
      for (const item of items) {
        process.stdout.write(`${MARKS[item.status]}  ${item.check}: ${item.detail}\n`);
        if (item.remedy) process.stdout.write(`      remedy: ${item.remedy}\n`);
      }
      process.stdout.write(exitCode === EXIT.ok ? 'All checks passed.\n' : `Problems found (exit ${exitCode}).\n`);
    }
    process.exitCode = exitCode;
  });
}
