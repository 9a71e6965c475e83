// Run by .ci/pack-check inside the scratch app: the installed CLI provisions the package's own sample
// layout against LocalInfisicalServer (plan, apply, re-run as a no-op), then one credentials file it
// wrote logs in with `infisical-config check`. Prints the CLI's output only on a failure (it holds no
// secret: the e2e leak guard proves it).
import { execFile } from 'node:child_process';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'dotenv';
import { LocalInfisicalServer } from 'nestjs-infisical-config/testing';

const ORGANIZATION_ID = 'a1b2c3d4-0000-4000-8000-00000000feed';
const ADMIN = { clientId: 'pack-check-admin', clientSecret: 'pack-check-admin-secret' };
const cli = join('node_modules', '.bin', 'infisical-config');

const sample = readFileSync(join('node_modules', 'nestjs-infisical-config', 'apps', 'cli', 'examples', 'infisical-layout.yaml'), 'utf8');
writeFileSync('infisical-layout.yaml', sample.replace(/^organizationId: .*$/m, `organizationId: ${ORGANIZATION_ID}`));

const watchdog = setTimeout(() => {
  console.error('pack-check: provisioning did not finish within 5 minutes');
  process.exit(1);
}, 300_000);
watchdog.unref();

const run = (args, env) =>
  new Promise((resolve) => {
    execFile(cli, args, { env: { PATH: process.env.PATH, ...env } }, (error, stdout, stderr) => resolve({ code: error ? error.code : 0, stdout, stderr }));
  });

function expectRun(result, code, text, what) {
  if (result.code !== code || !result.stdout.includes(text)) {
    process.stderr.write(result.stdout + result.stderr);
    throw new Error(`pack-check: ${what}: expected exit ${code} and "${text}", got exit ${result.code}`);
  }
  console.log(`pack-check: ${what}: ${text}`);
}

const server = await LocalInfisicalServer.start({
  seed: {
    organizationId: ORGANIZATION_ID,
    identities: [{ ...ADMIN, organizationRole: 'admin', projects: [], accessTokenTTL: 3600, accessTokenMaxTTL: 86_400 }],
    projects: {},
  },
});
try {
  const admin = { INFISICAL_SITE_URL: server.url, INFISICAL_CLIENT_ID: ADMIN.clientId, INFISICAL_CLIENT_SECRET: ADMIN.clientSecret };
  expectRun(await run(['provision', 'infisical-layout.yaml'], admin), 1, 'Plan: 63 to create', 'provision (plan)');
  expectRun(await run(['provision', 'infisical-layout.yaml', '--apply'], admin), 0, 'Applied 63 changes', 'provision --apply');
  expectRun(await run(['provision', 'infisical-layout.yaml'], admin), 0, 'nothing to do', 'provision again');

  const files = readdirSync('credentials');
  const loose = files.filter((file) => (statSync(join('credentials', file)).mode & 0o777) !== 0o600);
  if (files.length !== 9 || loose.length > 0) throw new Error(`pack-check: expected 9 credentials files of mode 0600, got ${files.length} (${loose.length} not 0600)`);

  // The five variables of one file are all `check` needs to log in and read its (still empty) environment.
  const credentials = parse(readFileSync(join('credentials', 'spec-server-dev-server.env')));
  expectRun(await run(['check'], credentials), 1, 'scope server:/: readable but empty', 'check with a credentials file');
} finally {
  await server.close();
}
