import type { ResolvedInfisicalOptions } from '../../../../libs/infisical-config/src/options/resolved-options.interface.js';
import { InfisicalSource } from '../../../../libs/infisical-config/src/source/infisical.source.js';
import { loginFailure } from '../cli-context.js';
import { InfisicalAdminClient } from './infisical-admin.client.js';
import { readLayout } from './layout.reader.js';
import { ProvisionApplier } from './provision.applier.js';
import type { ProvisionLayout } from './provision-layout.js';
import { planProvision, type ProvisionPlan, type ProvisionStep } from './provision.plan.js';
import { readProvisionState, type ProvisionState } from './provision.state.js';

/** The identity id an Infisical access token (a JWT) carries, or undefined when it carries none. */
export function identityIdOfToken(token: string): string | undefined {
  try {
    const payload: unknown = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
    const id = typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>).identityId : undefined;
    return typeof id === 'string' && id.length > 0 ? id : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One provision run: the layout read and checked, one login, what Infisical holds read, the plan made.
 * `apply` then changes Infisical; `close` releases the connection (always call it).
 */
export class ProvisionSession {
  private constructor(
    readonly layout: ProvisionLayout,
    readonly state: ProvisionState,
    readonly plan: ProvisionPlan,
    private readonly client: InfisicalAdminClient,
    /** closed with the session when the session made it */
    private readonly ownSource: InfisicalSource | undefined,
    private readonly siteUrl: string,
  ) {}

  /** With `source`, its login is reused (and `close` leaves it open for its owner). */
  static async open(
    layoutFile: string,
    options: ResolvedInfisicalOptions,
    settings: { prune: boolean; onWait?: (seconds: number) => void; source?: InfisicalSource },
  ): Promise<ProvisionSession> {
    const layout = await readLayout(layoutFile);
    const source = settings.source ?? new InfisicalSource(options);
    const ownsSource = settings.source === undefined;
    const client = new InfisicalAdminClient(options.siteUrl, options.caCertificates, source, settings.onWait);
    try {
      let token;
      try {
        token = await source.usableToken();
      } catch (error) {
        loginFailure(error, options.siteUrl);
      }
      const selfIdentityId = identityIdOfToken(token.value);
      const state = await readProvisionState(client, layout, selfIdentityId);
      const siteUrl = layout.siteUrl ?? options.siteUrl;
      const plan = planProvision(layout, state, { prune: settings.prune, selfIdentityId });
      return new ProvisionSession(layout, state, plan, client, ownsSource ? source : undefined, siteUrl);
    } catch (error) {
      client.close();
      if (ownsSource) source.close();
      throw error;
    }
  }

  apply(onDone: (step: ProvisionStep) => void, stop?: AbortSignal): Promise<void> {
    if (stop) this.client.stopWaitingOn(stop);
    return new ProvisionApplier(this.client, this.layout, this.state, this.siteUrl).apply(this.plan, onDone, stop);
  }

  close(): void {
    this.client.close();
    this.ownSource?.close();
  }
}
