import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { readFile } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { CliError, EXIT } from '../exit-codes.js';
import { durationSeconds } from '../duration.util.js';
import { ENVIRONMENT_FOLDER, ProvisionLayoutSchema, type LayoutIdentity, type LayoutProject } from './layout.schema.js';
import {
  DEFAULT_ORGANIZATION_ROLE,
  DEFAULT_PROJECT_ROLE,
  type EnvironmentDeclaration,
  type IdentityDeclaration,
  type ImportDeclaration,
  type ProjectDeclaration,
  type ProvisionLayout,
} from './provision-layout.js';

/** `/a/b` → `['/a', '/a/b']`. */
const withParents = (path: string): string[] => {
  const parts = path.split('/').filter(Boolean);
  return parts.map((_, index) => `/${parts.slice(0, index + 1).join('/')}`);
};

/** One line per failed rule, with the path of the field (`projects[0].environments[1].slug`). */
function shapeProblems(errors: readonly ValidationError[], prefix = ''): string[] {
  const problems: string[] = [];
  for (const error of errors) {
    const path = /^\d+$/.test(error.property) ? `${prefix}[${error.property}]` : prefix ? `${prefix}.${error.property}` : error.property;
    for (const [rule, message] of Object.entries(error.constraints ?? {})) {
      problems.push(rule === 'whitelistValidation' ? `${path}: unknown field (check its spelling)` : `${path}: ${message}`);
    }
    problems.push(...shapeProblems(error.children ?? [], path));
  }
  return problems;
}

function parseText(file: string, text: string): unknown {
  try {
    return extname(file).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text, { merge: true });
  } catch (error) {
    // A parser's message names the line, never more than the offending token of a file that holds no secret.
    const detail = error instanceof YAMLParseError || error instanceof SyntaxError ? error.message.split('\n')[0] : 'unreadable';
    throw new CliError(`${file} is not valid ${extname(file).toLowerCase() === '.json' ? 'JSON' : 'YAML'}: ${detail}`, EXIT.usage);
  }
}

function declareProject(project: LayoutProject, at: string, problems: string[]): ProjectDeclaration {
  const slugs = new Set<string>();
  const environments: EnvironmentDeclaration[] = project.environments.map((environment, index) => {
    if (slugs.has(environment.slug)) problems.push(`${at}.environments[${index}].slug: "${environment.slug}" is declared twice`);
    slugs.add(environment.slug);
    const folders = new Set<string>();
    for (const folder of environment.folders ?? []) for (const path of withParents(folder)) folders.add(path);
    return { slug: environment.slug, name: environment.name ?? environment.slug, folders: [...folders].sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b)) };
  });
  const hasFolder = (environment: string, path: string) => path === '/' || (environments.find((entry) => entry.slug === environment)?.folders.includes(path) ?? false);

  const imports: ImportDeclaration[] = [];
  project.environments.forEach((environment, envIndex) => {
    (environment.imports ?? []).forEach((entry, index) => {
      const where = `${at}.environments[${envIndex}].imports[${index}]`;
      const [, fromEnvironment, fromPath] = ENVIRONMENT_FOLDER.exec(entry.from) as RegExpExecArray;
      const into = { environment: environment.slug, path: entry.into ?? '/' };
      const from = { environment: fromEnvironment, path: fromPath };
      if (!slugs.has(from.environment)) problems.push(`${where}.from: environment "${from.environment}" is not declared in project "${project.name}"`);
      else if (!hasFolder(from.environment, from.path)) problems.push(`${where}.from: folder ${from.path} is not declared in environment "${from.environment}" (add it to its folders)`);
      if (!hasFolder(into.environment, into.path)) problems.push(`${where}.into: folder ${into.path} is not declared in environment "${into.environment}" (add it to its folders)`);
      if (from.environment === into.environment && from.path === into.path) problems.push(`${where}: a folder cannot import itself`);
      if (imports.some((known) => known.into.environment === into.environment && known.into.path === into.path && known.from.environment === from.environment && known.from.path === from.path)) {
        problems.push(`${where}: the same import is declared twice`);
      }
      imports.push({ into, from });
    });
  });
  const slug = project.slug ?? slugOf(project.name);
  if (project.slug === undefined && (slug.length < 5 || slug.length > 36)) {
    problems.push(`${at}.slug: the name gives no project slug Infisical accepts (5 to 36 lowercase letters, digits and dashes): set slug`);
  }
  return { name: project.name, slug, environments, imports };
}

/** Infisical's bound on a token TTL: ten years. */
const MAX_TOKEN_TTL_SECONDS = 315_360_000;

/** The project slug a name gives: lowercase, every run of other characters one dash. */
const slugOf = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');

function declareIdentity(identity: LayoutIdentity, at: string, projects: readonly ProjectDeclaration[], baseDir: string, problems: string[]): IdentityDeclaration {
  const project = projects.find((entry) => entry.name === identity.project);
  if (!project) problems.push(`${at}.project: "${identity.project}" is not a project of the layout`);
  else if (!project.environments.some((environment) => environment.slug === identity.environment)) {
    problems.push(`${at}.environment: "${identity.environment}" is not an environment of project "${identity.project}"`);
  }
  const ttl = durationSeconds(identity.auth.accessTokenTTL);
  const maxTtl = durationSeconds(identity.auth.accessTokenMaxTTL);
  if (ttl <= 0) problems.push(`${at}.auth.accessTokenTTL: must be more than 0`);
  if (maxTtl > MAX_TOKEN_TTL_SECONDS) problems.push(`${at}.auth.accessTokenMaxTTL: must be at most 3650d (ten years); Infisical refuses more`);
  if (ttl > maxTtl) problems.push(`${at}.auth.accessTokenTTL: is longer than accessTokenMaxTTL; Infisical refuses that`);
  else if (ttl === maxTtl && !identity.auth.allowNonRenewableToken) {
    problems.push(
      `${at}.auth.accessTokenTTL: equals accessTokenMaxTTL, so a token can never be renewed: every renewal fails and the app must log in again each time its token expires. ` +
        'Use a shorter TTL (e.g. 1h with a max TTL of 30d), or set auth.allowNonRenewableToken: true to accept it',
    );
  }
  return {
    name: identity.name,
    project: identity.project,
    environment: identity.environment,
    role: identity.role ?? DEFAULT_PROJECT_ROLE,
    organizationRole: identity.organizationRole ?? DEFAULT_ORGANIZATION_ROLE,
    accessTokenTTL: ttl,
    accessTokenMaxTTL: maxTtl,
    ...(identity.credentialsFile !== undefined && { credentialsFile: resolve(baseDir, identity.credentialsFile) }),
  };
}

/** Checks what the shape cannot: names unique, references that exist, TTLs that make sense. */
function declare(schema: ProvisionLayoutSchema, file: string): { layout: ProvisionLayout; problems: string[] } {
  const problems: string[] = [];
  const names = new Set<string>();
  const slugs = new Set<string>();
  const projects = schema.projects.map((project, index) => {
    const declared = declareProject(project, `projects[${index}]`, problems);
    if (names.has(project.name)) problems.push(`projects[${index}].name: "${project.name}" is declared twice`);
    else if (slugs.has(declared.slug)) problems.push(`projects[${index}].slug: "${declared.slug}" is another project's slug (set slug)`);
    names.add(project.name);
    slugs.add(declared.slug);
    return declared;
  });
  const identityNames = new Set<string>();
  const files = new Set<string>();
  const identities = (schema.identities ?? []).map((identity, index) => {
    const at = `identities[${index}]`;
    if (identityNames.has(identity.name)) problems.push(`${at}.name: "${identity.name}" is declared twice`);
    identityNames.add(identity.name);
    const declared = declareIdentity(identity, at, projects, dirname(file), problems);
    if (declared.credentialsFile !== undefined) {
      if (files.has(declared.credentialsFile)) problems.push(`${at}.credentialsFile: another identity writes the same file`);
      files.add(declared.credentialsFile);
    }
    return declared;
  });
  return { layout: { organizationId: schema.organizationId, ...(schema.siteUrl !== undefined && { siteUrl: schema.siteUrl.replace(/\/+$/, '') }), projects, identities }, problems };
}

/**
 * Reads a layout file (JSON, or YAML for any other extension), checks its shape and its relations, and
 * reports every problem at once (exit 2). Credentials file paths are relative to the layout file.
 */
export async function readLayout(path: string): Promise<ProvisionLayout> {
  const file = resolve(path);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(`cannot read the layout file ${file}${code ? ` (${code})` : ''}`, EXIT.usage);
  }
  const plain = parseText(file, text);
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) {
    throw new CliError(`${file} must hold an object with organizationId, projects and identities`, EXIT.usage);
  }
  // Top-level `x-` keys hold YAML anchors (shared environments, token settings), as in docker-compose files.
  const declared = Object.fromEntries(Object.entries(plain).filter(([key]) => !key.startsWith('x-')));
  const schema = plainToInstance(ProvisionLayoutSchema, declared, { enableImplicitConversion: false });
  const shape = shapeProblems(validateSync(schema, { whitelist: true, forbidNonWhitelisted: true, stopAtFirstError: true, validationError: { target: false, value: false } }));
  const { layout, problems } = shape.length === 0 ? declare(schema, file) : { layout: undefined, problems: shape };
  if (problems.length > 0 || !layout) {
    throw new CliError(`${file} has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`, EXIT.usage);
  }
  return layout;
}
