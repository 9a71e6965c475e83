import { randomUUID } from 'node:crypto';
import type { LocalInfisicalSeed } from './local-infisical.seed.js';
import { ancestorPaths, isWithinPath, normalizeSecretPath } from './secret-path.util.js';

/** Where a secret lives; `secretPath` is always normalised. */
export interface SecretLocation {
  projectId: string;
  environment: string;
  secretPath: string;
}

export interface StoredSecret {
  id: string;
  key: string;
  value: string;
  comment: string;
  version: number;
  skipMultilineEncoding: boolean;
  reminderNote: string | null;
  reminderRepeatDays: number | null;
  createdAt: string;
  updatedAt: string;
}

export interface StoredFolder {
  id: string;
  projectId: string;
  environment: string;
  path: string;
  secrets: Map<string, StoredSecret>;
  /** secret imports in the order they were declared */
  imports: Array<{ environment: string; secretPath: string }>;
}

/** The fields a create or update may set besides the value. */
export interface SecretFields {
  comment?: string;
  skipMultilineEncoding?: boolean;
  reminderNote?: string | null;
  reminderRepeatDays?: number | null;
}

/** folder path -> folder */
type EnvironmentFolders = Map<string, StoredFolder>;

/** Called after a secret was created, updated (renamed too) or deleted in the folder at `location`. */
export type SecretChangeListener = (location: SecretLocation) => void;

/** How deep Infisical follows imports of imports when it syncs a change (upstream's MAX_SYNC_SECRET_DEPTH). */
const MAX_IMPORT_SYNC_DEPTH = 5;

/**
 * The in-memory projects, environments, folders and secrets. It enforces no HTTP rules: handlers
 * decide which absence is a 404 and which is an empty answer, as Infisical does per route.
 */
export class SecretStore {
  /** projectId -> environment slug -> folders */
  private readonly projects = new Map<string, Map<string, EnvironmentFolders>>();
  private readonly listeners = new Set<SecretChangeListener>();

  constructor(
    seed: LocalInfisicalSeed,
    private readonly now: () => number,
  ) {
    for (const [projectId, project] of Object.entries(seed.projects)) {
      this.projects.set(projectId, new Map());
      for (const [environment, folders] of Object.entries(project.environments)) {
        this.ensureFolder({ projectId, environment, secretPath: '/' });
        for (const [path, folder] of Object.entries(folders)) {
          const stored = this.ensureFolder({ projectId, environment, secretPath: normalizeSecretPath(path) });
          for (const [key, value] of Object.entries(folder.secrets ?? {})) this.createSecret(stored, key, value);
          stored.imports.push(
            ...(folder.imports ?? []).map((entry) => ({
              environment: entry.environment,
              secretPath: normalizeSecretPath(entry.secretPath),
            })),
          );
        }
      }
    }
  }

  hasProject(projectId: string): boolean {
    return this.projects.has(projectId);
  }

  hasEnvironment(projectId: string, environment: string): boolean {
    return this.projects.get(projectId)?.has(environment) ?? false;
  }

  findFolder(location: SecretLocation): StoredFolder | undefined {
    return this.projects.get(location.projectId)?.get(location.environment)?.get(location.secretPath);
  }

  /** The folder at `location` and all its sub-folders, parents before children. */
  findFoldersWithin(location: SecretLocation): StoredFolder[] {
    const folders = this.projects.get(location.projectId)?.get(location.environment);
    if (!folders) return [];
    return [...folders.values()]
      .filter((folder) => isWithinPath(folder.path, location.secretPath))
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  /** The existing folders `folder` imports from, in declaration order, with where they live. */
  findImportedFolders(projectId: string, folder: StoredFolder): Array<{ location: SecretLocation; folder: StoredFolder }> {
    return folder.imports.flatMap((entry) => {
      const location = { projectId, environment: entry.environment, secretPath: entry.secretPath };
      const imported = this.findFolder(location);
      // Infisical skips an import whose source folder no longer exists.
      return imported ? [{ location, folder: imported }] : [];
    });
  }

  /**
   * The folder at `location` and every folder whose secrets change with it: those importing it, those
   * importing them, and so on, as far as Infisical follows imports when it syncs a change (the changed
   * folder and four levels of importers). Each folder once, the changed one first. An import names an
   * exact folder, so a change in a sub-folder of an imported one reaches no importer.
   */
  findFoldersAffectedBy(location: SecretLocation): SecretLocation[] {
    const key = (at: SecretLocation): string => `${at.environment}\u0000${at.secretPath}`;
    const affected = new Map<string, SecretLocation>([[key(location), location]]);
    let frontier = [location];
    for (let depth = 2; depth <= MAX_IMPORT_SYNC_DEPTH && frontier.length > 0; depth += 1) {
      const next: SecretLocation[] = [];
      for (const changed of frontier) {
        for (const importer of this.findImporters(changed)) {
          if (affected.has(key(importer))) continue;
          affected.set(key(importer), importer);
          next.push(importer);
        }
      }
      frontier = next;
    }
    return [...affected.values()];
  }

  /** Folders of the same project with an import of exactly `location`. */
  private findImporters(location: SecretLocation): SecretLocation[] {
    const environments = this.projects.get(location.projectId);
    if (!environments) return [];
    const importers: SecretLocation[] = [];
    for (const [environment, folders] of environments) {
      for (const folder of folders.values()) {
        const imports = folder.imports.some((entry) => entry.environment === location.environment && entry.secretPath === location.secretPath);
        if (imports) importers.push({ projectId: location.projectId, environment, secretPath: folder.path });
      }
    }
    return importers;
  }

  /** Calls `listener` after every secret change made through this store; returns a function that stops it. */
  onSecretChange(listener: SecretChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Creates the environment and folder (with its parents) when missing; the project must exist. */
  ensureFolder(location: SecretLocation): StoredFolder {
    const environments = this.projects.get(location.projectId);
    if (!environments) throw new Error(`Unknown project '${location.projectId}': add it to the seed first`);
    let folders = environments.get(location.environment);
    if (!folders) {
      folders = new Map();
      environments.set(location.environment, folders);
    }
    for (const path of [...ancestorPaths(location.secretPath), location.secretPath]) {
      if (!folders.has(path)) {
        folders.set(path, { id: randomUUID(), projectId: location.projectId, environment: location.environment, path, secrets: new Map(), imports: [] });
      }
    }
    return folders.get(location.secretPath) as StoredFolder;
  }

  createSecret(folder: StoredFolder, key: string, value: string, fields: SecretFields = {}): StoredSecret {
    const timestamp = this.timestamp();
    const secret: StoredSecret = {
      id: randomUUID(),
      key,
      value,
      comment: fields.comment ?? '',
      version: 1,
      skipMultilineEncoding: fields.skipMultilineEncoding ?? false,
      reminderNote: fields.reminderNote ?? null,
      reminderRepeatDays: fields.reminderRepeatDays ?? null,
      createdAt: timestamp,
      updatedAt: timestamp,
    };
    folder.secrets.set(key, secret);
    this.changed(folder);
    return secret;
  }

  /** Every update is a new version, as in Infisical, even when the value is unchanged. */
  updateSecret(folder: StoredFolder, secret: StoredSecret, value: string | undefined, fields: SecretFields & { newKey?: string } = {}): StoredSecret {
    const updated: StoredSecret = {
      ...secret,
      key: fields.newKey ?? secret.key,
      value: value ?? secret.value,
      comment: fields.comment ?? secret.comment,
      skipMultilineEncoding: fields.skipMultilineEncoding ?? secret.skipMultilineEncoding,
      reminderNote: fields.reminderNote !== undefined ? fields.reminderNote : secret.reminderNote,
      reminderRepeatDays: fields.reminderRepeatDays !== undefined ? fields.reminderRepeatDays : secret.reminderRepeatDays,
      version: secret.version + 1,
      updatedAt: this.timestamp(),
    };
    folder.secrets.delete(secret.key);
    folder.secrets.set(updated.key, updated);
    this.changed(folder);
    return updated;
  }

  /** Create or update, creating the folder when needed: what an edit in the Infisical UI amounts to. */
  upsertSecret(location: SecretLocation, key: string, value: string): StoredSecret {
    const folder = this.ensureFolder(location);
    const existing = folder.secrets.get(key);
    return existing ? this.updateSecret(folder, existing, value) : this.createSecret(folder, key, value);
  }

  removeSecret(folder: StoredFolder, key: string): StoredSecret | undefined {
    const secret = folder.secrets.get(key);
    if (!secret) return undefined;
    folder.secrets.delete(key);
    this.changed(folder);
    return secret;
  }

  private changed(folder: StoredFolder): void {
    const location = { projectId: folder.projectId, environment: folder.environment, secretPath: folder.path };
    for (const listener of this.listeners) listener(location);
  }

  private timestamp(): string {
    return new Date(this.now()).toISOString();
  }
}
