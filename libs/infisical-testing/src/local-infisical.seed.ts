import { readFileSync } from 'node:fs';
import { LocalInfisicalSeedError } from './local-infisical-seed.error.js';

/** A machine identity that can log in with Universal Auth. */
export interface LocalInfisicalIdentity {
  clientId: string;
  clientSecret: string;
  /** project ids this identity is a member of */
  projects: string[];
  /**
   * Seconds the token lives without renewal; fractions are allowed so tests can expire tokens quickly.
   * @default 2_592_000 (30 days, Infisical's default)
   */
  accessTokenTTL?: number;
  /**
   * Seconds after which the token dies whatever happens (the JWT's own expiry).
   * @default accessTokenTTL
   */
  accessTokenMaxTTL?: number;
}

/** One folder of one environment. */
export interface LocalInfisicalFolder {
  secrets?: Record<string, string>;
  /** secret imports of this folder, in order */
  imports?: Array<{ environment: string; secretPath: string }>;
}

/** Everything the local server knows at start. */
export interface LocalInfisicalSeed {
  identities: LocalInfisicalIdentity[];
  /** projectId -> environment slug -> folder path ('/', '/nested', '/a/b') -> folder */
  projects: Record<string, { environments: Record<string, Record<string, LocalInfisicalFolder>> }>;
}

/** Default TTL of a Universal Auth token, in seconds (Infisical's own default: 30 days). */
export const DEFAULT_ACCESS_TOKEN_TTL_SECONDS = 2_592_000;

type Problems = string[];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}

function checkTtl(value: unknown, at: string, problems: Problems): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    problems.push(`${at} must be a positive number of seconds, got ${JSON.stringify(value)}`);
  }
}

function checkIdentities(value: unknown, problems: Problems): void {
  if (!Array.isArray(value)) {
    problems.push(`identities must be an array, got ${describe(value)}`);
    return;
  }
  const seen = new Set<string>();
  value.forEach((identity: unknown, index) => {
    const at = `identities[${index}]`;
    if (!isRecord(identity)) {
      problems.push(`${at} must be an object, got ${describe(identity)}`);
      return;
    }
    for (const field of ['clientId', 'clientSecret'] as const) {
      if (typeof identity[field] !== 'string' || identity[field].length === 0) {
        problems.push(`${at}.${field} must be a non-empty string`);
      }
    }
    if (typeof identity.clientId === 'string') {
      if (seen.has(identity.clientId)) problems.push(`${at}.clientId '${identity.clientId}' is used twice`);
      seen.add(identity.clientId);
    }
    if (!Array.isArray(identity.projects) || identity.projects.some((project) => typeof project !== 'string')) {
      problems.push(`${at}.projects must be an array of project ids`);
    }
    checkTtl(identity.accessTokenTTL, `${at}.accessTokenTTL`, problems);
    checkTtl(identity.accessTokenMaxTTL, `${at}.accessTokenMaxTTL`, problems);
    const ttl = typeof identity.accessTokenTTL === 'number' ? identity.accessTokenTTL : DEFAULT_ACCESS_TOKEN_TTL_SECONDS;
    if (typeof identity.accessTokenMaxTTL === 'number' && identity.accessTokenMaxTTL < ttl) {
      // Infisical refuses this combination too: a token could never live its TTL.
      problems.push(`${at}.accessTokenMaxTTL (${identity.accessTokenMaxTTL}) must not be below accessTokenTTL (${ttl})`);
    }
  });
}

function checkFolder(folder: unknown, at: string, problems: Problems): void {
  if (!isRecord(folder)) {
    problems.push(`${at} must be an object, got ${describe(folder)}`);
    return;
  }
  if (folder.secrets !== undefined) {
    if (!isRecord(folder.secrets)) {
      problems.push(`${at}.secrets must be an object of name -> value, got ${describe(folder.secrets)}`);
    } else {
      for (const [key, value] of Object.entries(folder.secrets)) {
        if (typeof value !== 'string') problems.push(`${at}.secrets.${key} must be a string, got ${describe(value)}`);
      }
    }
  }
  if (folder.imports !== undefined) {
    if (!Array.isArray(folder.imports)) {
      problems.push(`${at}.imports must be an array, got ${describe(folder.imports)}`);
      return;
    }
    folder.imports.forEach((entry: unknown, index) => {
      const valid =
        isRecord(entry) &&
        typeof entry.environment === 'string' &&
        typeof entry.secretPath === 'string' &&
        entry.secretPath.startsWith('/');
      if (!valid) problems.push(`${at}.imports[${index}] must be { environment: string, secretPath: '/…' }`);
    });
  }
}

function checkProjects(value: unknown, problems: Problems): void {
  if (!isRecord(value)) {
    problems.push(`projects must be an object keyed by project id, got ${describe(value)}`);
    return;
  }
  for (const [projectId, project] of Object.entries(value)) {
    const at = `projects.${projectId}`;
    if (!isRecord(project) || !isRecord(project.environments)) {
      problems.push(`${at}.environments must be an object keyed by environment slug`);
      continue;
    }
    for (const [environment, folders] of Object.entries(project.environments)) {
      const envAt = `${at}.environments.${environment}`;
      if (!isRecord(folders)) {
        problems.push(`${envAt} must be an object keyed by folder path, got ${describe(folders)}`);
        continue;
      }
      for (const [path, folder] of Object.entries(folders)) {
        if (!path.startsWith('/')) problems.push(`${envAt} folder path '${path}' must start with '/'`);
        checkFolder(folder, `${envAt}['${path}']`, problems);
      }
    }
  }
}

/**
 * Checks a seed and returns it typed; throws LocalInfisicalSeedError listing every problem.
 * @internal used by the server and by loadLocalInfisicalSeed
 */
export function validateLocalInfisicalSeed(value: unknown, source: string): LocalInfisicalSeed {
  const problems: Problems = [];
  if (!isRecord(value)) {
    problems.push(`the seed must be an object with 'identities' and 'projects', got ${describe(value)}`);
  } else {
    checkIdentities(value.identities, problems);
    checkProjects(value.projects, problems);
  }
  if (problems.length > 0) throw new LocalInfisicalSeedError(source, problems);
  return value as unknown as LocalInfisicalSeed;
}

/** Reads a JSON seed file and validates it; the error names the file and every problem. */
export function loadLocalInfisicalSeed(filePath: string): LocalInfisicalSeed {
  let text: string;
  try {
    text = readFileSync(filePath, 'utf8');
  } catch (error) {
    throw new LocalInfisicalSeedError(filePath, [`cannot read the file: ${(error as Error).message}`], { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    // V8 quotes a slice of the input in its message, which may hold a secret value: keep only the position.
    const position = /position (\d+)/.exec((error as Error).message)?.[1];
    throw new LocalInfisicalSeedError(filePath, [`not valid JSON${position ? ` (at position ${position})` : ''}`]);
  }
  return validateLocalInfisicalSeed(parsed, filePath);
}
