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

/** A secret import of a folder: the folder `secretPath` of environment `environment` (a slug), same project. */
export interface StoredImport {
  id: string;
  environment: string;
  secretPath: string;
  createdAt: string;
  updatedAt: string;
}

export interface StoredFolder {
  id: string;
  projectId: string;
  /** the environment's slug (kept in step when the slug changes) */
  environment: string;
  path: string;
  secrets: Map<string, StoredSecret>;
  /** secret imports in the order they were declared; an import's position is its index + 1 */
  imports: StoredImport[];
  createdAt: string;
  updatedAt: string;
  /** when a secret of this folder last changed */
  lastSecretModified: string | null;
}

export interface StoredEnvironment {
  id: string;
  name: string;
  slug: string;
  /** 1-based order in the project; deleting one leaves a gap, as upstream does */
  position: number;
  createdAt: string;
  updatedAt: string;
  /** folder path -> folder; the root '/' always exists */
  folders: Map<string, StoredFolder>;
}

export interface StoredProject {
  id: string;
  name: string;
  slug: string;
  description: string | null;
  createdAt: string;
  updatedAt: string;
  /** environment slug -> environment */
  environments: Map<string, StoredEnvironment>;
}

/** What a new project, environment or environment update carries. */
export interface ProjectFields {
  name: string;
  slug: string;
  description?: string | null;
}
export interface EnvironmentFields {
  name: string;
  slug: string;
  /** 1-based; taking an occupied position shifts the others down */
  position?: number;
}

/** The fields a create or update may set besides the value. */
export interface SecretFields {
  comment?: string;
  skipMultilineEncoding?: boolean;
  reminderNote?: string | null;
  reminderRepeatDays?: number | null;
}

/** Called after a secret was created, updated (renamed too) or deleted in the folder at `location`. */
export type SecretChangeListener = (location: SecretLocation) => void;

/** How deep Infisical follows imports of imports when it syncs a change (upstream's MAX_SYNC_SECRET_DEPTH). */
const MAX_IMPORT_SYNC_DEPTH = 5;

/**
 * The in-memory projects, environments, folders, imports and secrets. It enforces no HTTP rules: handlers
 * decide which absence is a 404 and which is an empty answer, as Infisical does per route.
 */
export class SecretStore {
  /** projectId -> project, in creation order */
  private readonly projects = new Map<string, StoredProject>();
  private readonly listeners = new Set<SecretChangeListener>();

  constructor(
    seed: LocalInfisicalSeed,
    private readonly now: () => number,
  ) {
    for (const [projectId, project] of Object.entries(seed.projects)) {
      this.addProject(projectId, { name: project.name ?? projectId, slug: project.slug ?? projectId });
      for (const [environment, folders] of Object.entries(project.environments)) {
        this.ensureFolder({ projectId, environment, secretPath: '/' });
        for (const [path, folder] of Object.entries(folders)) {
          const stored = this.ensureFolder({ projectId, environment, secretPath: normalizeSecretPath(path) });
          for (const [key, value] of Object.entries(folder.secrets ?? {})) this.createSecret(stored, key, value);
          for (const entry of folder.imports ?? []) {
            this.addImport(stored, { environment: entry.environment, secretPath: normalizeSecretPath(entry.secretPath) });
          }
        }
      }
    }
  }

  hasProject(projectId: string): boolean {
    return this.projects.has(projectId);
  }

  findProject(projectId: string): StoredProject | undefined {
    return this.projects.get(projectId);
  }

  findProjectBySlug(slug: string): StoredProject | undefined {
    return [...this.projects.values()].find((project) => project.slug === slug);
  }

  listProjects(): StoredProject[] {
    return [...this.projects.values()];
  }

  /** A new project with a random id and the given environments (each with its root folder), in that order. */
  createProject(fields: ProjectFields, environments: ReadonlyArray<{ name: string; slug: string }>): StoredProject {
    const project = this.addProject(randomUUID(), fields);
    for (const environment of environments) this.createEnvironment(project, environment);
    return project;
  }

  hasEnvironment(projectId: string, environment: string): boolean {
    return this.projects.get(projectId)?.environments.has(environment) ?? false;
  }

  findEnvironment(projectId: string, slug: string): StoredEnvironment | undefined {
    return this.projects.get(projectId)?.environments.get(slug);
  }

  findEnvironmentById(projectId: string, id: string): StoredEnvironment | undefined {
    return [...(this.projects.get(projectId)?.environments.values() ?? [])].find((environment) => environment.id === id);
  }

  /** By position, as upstream orders them. */
  listEnvironments(projectId: string): StoredEnvironment[] {
    return [...(this.projects.get(projectId)?.environments.values() ?? [])].sort((a, b) => a.position - b.position);
  }

  /** With its root folder; without a position it goes last, onto a taken one it pushes the rest down. */
  createEnvironment(project: StoredProject, fields: EnvironmentFields): StoredEnvironment {
    const others = [...project.environments.values()];
    let position = fields.position;
    if (position === undefined) position = Math.max(0, ...others.map((other) => other.position)) + 1;
    else if (others.some((other) => other.position === position)) {
      for (const other of others) if (other.position >= position) other.position += 1;
    }
    const timestamp = this.timestamp();
    const environment: StoredEnvironment = { id: randomUUID(), name: fields.name, slug: fields.slug, position, createdAt: timestamp, updatedAt: timestamp, folders: new Map() };
    project.environments.set(environment.slug, environment);
    this.ensureFolder({ projectId: project.id, environment: environment.slug, secretPath: '/' });
    return environment;
  }

  /**
   * Renames, re-slugs or moves an environment. Folders and imports follow a new slug (upstream links them
   * by environment id); moving onto a taken position shifts the environments in between by one.
   */
  updateEnvironment(project: StoredProject, environment: StoredEnvironment, changes: Partial<EnvironmentFields>): void {
    if (changes.slug !== undefined && changes.slug !== environment.slug) {
      const previous = environment.slug;
      project.environments.delete(previous);
      project.environments.set(changes.slug, environment);
      environment.slug = changes.slug;
      for (const folder of environment.folders.values()) folder.environment = changes.slug;
      for (const folder of this.foldersOf(project)) {
        for (const entry of folder.imports) if (entry.environment === previous) entry.environment = changes.slug;
      }
    }
    if (changes.name !== undefined) environment.name = changes.name;
    const target = changes.position;
    if (target && [...project.environments.values()].some((other) => other !== environment && other.position === target)) {
      const from = environment.position;
      for (const other of project.environments.values()) {
        if (other === environment) continue;
        if (target < from && other.position >= target && other.position < from) other.position += 1;
        if (target > from && other.position > from && other.position <= target) other.position -= 1;
      }
    }
    if (target) environment.position = target;
    environment.updatedAt = this.timestamp();
  }

  /** Deletes the environment with its folders and secrets, and the imports of it elsewhere (upstream's cascade). */
  deleteEnvironment(project: StoredProject, environment: StoredEnvironment): void {
    project.environments.delete(environment.slug);
    for (const folder of this.foldersOf(project)) {
      folder.imports = folder.imports.filter((entry) => entry.environment !== environment.slug);
    }
  }

  findFolder(location: SecretLocation): StoredFolder | undefined {
    return this.findEnvironment(location.projectId, location.environment)?.folders.get(location.secretPath);
  }

  /** The folder holding `folder`; undefined for a root folder. */
  findParentFolder(folder: StoredFolder): StoredFolder | undefined {
    const parent = ancestorPaths(folder.path).at(-1);
    return parent === undefined ? undefined : this.findFolder({ projectId: folder.projectId, environment: folder.environment, secretPath: parent });
  }

  /** The direct sub-folders of the folder at `location`, by name. */
  listSubFolders(location: SecretLocation): StoredFolder[] {
    const folders = this.findEnvironment(location.projectId, location.environment)?.folders;
    if (!folders) return [];
    return [...folders.values()]
      .filter((folder) => folder.path !== '/' && ancestorPaths(folder.path).at(-1) === location.secretPath)
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  /** Deletes a folder (never a root) with its sub-folders and their secrets and imports. */
  deleteFolder(folder: StoredFolder): void {
    const folders = this.findEnvironment(folder.projectId, folder.environment)?.folders;
    if (!folders || folder.path === '/') return;
    for (const path of [...folders.keys()]) if (isWithinPath(path, folder.path)) folders.delete(path);
  }

  /** Appends an import to the folder; the store follows it at once (lists with imports, webhooks). */
  addImport(folder: StoredFolder, source: { environment: string; secretPath: string }): StoredImport {
    const timestamp = this.timestamp();
    const entry: StoredImport = { id: randomUUID(), environment: source.environment, secretPath: source.secretPath, createdAt: timestamp, updatedAt: timestamp };
    folder.imports.push(entry);
    return entry;
  }

  /** Removes one import of the folder; the later ones move up a position. */
  removeImport(folder: StoredFolder, importId: string): StoredImport | undefined {
    const index = folder.imports.findIndex((entry) => entry.id === importId);
    if (index === -1) return undefined;
    return folder.imports.splice(index, 1)[0];
  }

  /** The folder at `location` and all its sub-folders, parents before children. */
  findFoldersWithin(location: SecretLocation): StoredFolder[] {
    const folders = this.findEnvironment(location.projectId, location.environment)?.folders;
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
    const project = this.projects.get(location.projectId);
    if (!project) return [];
    return this.foldersOf(project)
      .filter((folder) => folder.imports.some((entry) => entry.environment === location.environment && entry.secretPath === location.secretPath))
      .map((folder) => ({ projectId: location.projectId, environment: folder.environment, secretPath: folder.path }));
  }

  private foldersOf(project: StoredProject): StoredFolder[] {
    return [...project.environments.values()].flatMap((environment) => [...environment.folders.values()]);
  }

  private addProject(id: string, fields: ProjectFields): StoredProject {
    const timestamp = this.timestamp();
    const project: StoredProject = {
      id,
      name: fields.name,
      slug: fields.slug,
      description: fields.description ?? null,
      createdAt: timestamp,
      updatedAt: timestamp,
      environments: new Map(),
    };
    this.projects.set(id, project);
    return project;
  }

  /** Calls `listener` after every secret change made through this store; returns a function that stops it. */
  onSecretChange(listener: SecretChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Creates the environment (named after its slug, placed last) and the folder with its parents when
   * missing; the project must exist. Creating an existing folder returns it, as newer servers do.
   */
  ensureFolder(location: SecretLocation): StoredFolder {
    const project = this.projects.get(location.projectId);
    if (!project) throw new Error(`Unknown project '${location.projectId}': add it to the seed first`);
    const environment =
      project.environments.get(location.environment) ?? this.createEnvironment(project, { name: location.environment, slug: location.environment });
    const { folders } = environment;
    for (const path of [...ancestorPaths(location.secretPath), location.secretPath]) {
      if (!folders.has(path)) {
        const timestamp = this.timestamp();
        folders.set(path, {
          id: randomUUID(),
          projectId: location.projectId,
          environment: location.environment,
          path,
          secrets: new Map(),
          imports: [],
          createdAt: timestamp,
          updatedAt: timestamp,
          lastSecretModified: null,
        });
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
    folder.lastSecretModified = this.timestamp();
    const location = { projectId: folder.projectId, environment: folder.environment, secretPath: folder.path };
    for (const listener of this.listeners) listener(location);
  }

  private timestamp(): string {
    return new Date(this.now()).toISOString();
  }
}
