import { CliError, EXIT } from '../exit-codes.js';
import { CredentialsFile } from './credentials-file.writer.js';
import { nameOf, parentOf } from './folder-path.util.js';
import { CLIENT_SECRET_UNWRITTEN } from './provision.messages.js';
import type { InfisicalAdminClient, RemoteProject } from './infisical-admin.client.js';
import type { ProvisionLayout } from './provision-layout.js';
import type { ProvisionPlan, ProvisionStep } from './provision.plan.js';
import type { ProvisionState } from './provision.state.js';

/**
 * Runs a plan's create, update and delete steps in order, with the ids Infisical hands out on the way (a
 * new project's id for its environments, a new identity's for its Universal Auth). Stops at the first
 * failure: what was done stays done, and running provision again plans only the rest.
 */
export class ProvisionApplier {
  private readonly projects = new Map<string, RemoteProject>();
  private readonly identities = new Map<string, { id: string; name: string }>();
  private readonly clientIds = new Map<string, string>();

  constructor(
    private readonly client: InfisicalAdminClient,
    private readonly layout: ProvisionLayout,
    state: ProvisionState,
    /** written into credentials files */
    private readonly siteUrl: string,
  ) {
    for (const [name, project] of state.projects) this.projects.set(name, project.remote);
    for (const [name, identity] of state.identities) {
      this.identities.set(name, { id: identity.remote.id, name });
      if (identity.universalAuth) this.clientIds.set(name, identity.universalAuth.clientId);
    }
  }

  /**
   * `stop` is checked between steps, never inside one: a client secret issued is always written to its
   * file before an interrupt ends the run.
   */
  async apply(plan: ProvisionPlan, onDone: (step: ProvisionStep) => void, stop?: AbortSignal): Promise<void> {
    for (const step of plan.steps) {
      if (step.action === 'keep' || step.action === 'extra') continue;
      if (stop?.aborted) throw new CliError('interrupted: stopped between two changes', EXIT.interrupted);
      await this.run(step);
      onDone(step);
    }
  }

  private async run(step: ProvisionStep): Promise<void> {
    switch (step.kind) {
      case 'project':
        this.projects.set(step.project, await this.client.createProject(step.project, step.slug));
        return;
      case 'environment': {
        const project = this.project(step.project);
        // A server that ignores shouldCreateDefaultEnvs (older ones, project templates) made some already.
        const made = step.action === 'create' ? project.environments.find((environment) => environment.slug === step.slug) : undefined;
        if (made) {
          if (made.name !== step.name) await this.client.renameEnvironment(project, made.id, step.slug, step.name);
        } else if (step.action === 'create') await this.client.createEnvironment(project, step.slug, step.name);
        else if (step.action === 'update') await this.client.renameEnvironment(project, step.environmentId as string, step.slug, step.name);
        else await this.client.deleteEnvironment(project, step.environmentId as string, step.slug);
        return;
      }
      case 'folder': {
        const parent = { environment: step.at.environment, path: parentOf(step.at.path) };
        if (step.action === 'create') await this.client.createFolder(this.project(step.project), parent, nameOf(step.at.path));
        else await this.client.deleteFolder(this.project(step.project), parent, nameOf(step.at.path));
        return;
      }
      case 'import':
        if (step.action === 'create') await this.client.createImport(this.project(step.project), step.into, step.from);
        else if (step.remote) await this.client.deleteImport(this.project(step.project), step.into, step.remote);
        return;
      case 'identity':
        if (step.action === 'create') {
          const id = await this.client.createIdentity(this.layout.organizationId, step.identity, step.organizationRole);
          this.identities.set(step.identity, { id, name: step.identity });
        } else {
          await this.client.setIdentityRole(this.identity(step.identity), step.organizationRole);
        }
        return;
      case 'universal-auth':
        if (step.action === 'create') {
          const ua = await this.client.attachUniversalAuth(this.identity(step.identity), step.ttl, step.maxTtl);
          this.clientIds.set(step.identity, ua.clientId);
        } else await this.client.updateUniversalAuth(this.identity(step.identity), step.ttl, step.maxTtl);
        return;
      case 'membership': {
        const project = this.project(step.project);
        if (step.action === 'delete') await this.client.removeMembership(project, { id: step.identityId as string, name: step.identity });
        else if (step.action === 'update') await this.client.setMembershipRole(project, this.identity(step.identity), step.role);
        else await this.client.addMembership(project, this.identity(step.identity), step.role);
        return;
      }
      case 'client-secret':
        await this.issueClientSecret(step.identity, step.file);
        return;
    }
  }

  /**
   * The file is created first (exclusively, 0600), so a secret is never issued that cannot be written; if
   * issuing fails, the empty file is removed; if writing fails, the secret is revoked.
   */
  private async issueClientSecret(identityName: string, file: string): Promise<void> {
    const declaration = this.layout.identities.find((identity) => identity.name === identityName);
    const clientId = this.clientIds.get(identityName);
    if (!declaration || !clientId) throw new CliError(`identity ${identityName} has no Universal Auth client id to write`, EXIT.infisical);
    const identity = this.identity(identityName);
    const target = await CredentialsFile.create(file);
    let issued: { id: string; secret: string };
    try {
      issued = await this.client.createClientSecret(identity, `infisical-config provision: ${declaration.project}/${declaration.environment}`);
    } catch (error) {
      await target.discard();
      throw error;
    }
    try {
      await target.write(identityName, { siteUrl: this.siteUrl, projectId: this.project(declaration.project).id, environment: declaration.environment, clientId, clientSecret: issued.secret });
    } catch (error) {
      // Revoke first: a file that cannot be removed must not keep the secret alive.
      const revoked = await this.client.revokeClientSecret(identity, issued.id).then(
        () => true,
        () => false,
      );
      await target.discard().catch(() => undefined);
      throw new CliError(CLIENT_SECRET_UNWRITTEN(file, identityName, (error as Error).message, revoked), EXIT.usage);
    }
  }

  private project(name: string): RemoteProject {
    const project = this.projects.get(name);
    if (!project) throw new CliError(`project ${name} is not known after the previous steps`, EXIT.infisical);
    return project;
  }

  private identity(name: string): { id: string; name: string } {
    const identity = this.identities.get(name);
    if (!identity) throw new CliError(`identity ${name} is not known after the previous steps`, EXIT.infisical);
    return identity;
  }
}
