import { randomUUID } from 'node:crypto';
import { checkWebhook } from './local-infisical.webhooks.js';
import type { LocalInfisicalWebhook, LocalInfisicalWebhookDelivery, LocalInfisicalWebhookSignatureFormat } from './local-infisical.webhooks.js';
import { matchesSecretPathGlob } from './secret-path.util.js';
import type { SecretLocation, SecretStore } from './secret-store.js';
import { postWebhook, signWebhookBody } from './webhook.request.js';

export interface WebhookDispatcherOptions {
  /** ms between a change and its delivery; changes to the same folder meanwhile ride along */
  delayMs: number;
  /** ms a delivery may take before it counts as failed */
  timeoutMs: number;
  /** ms clock for the body's `timestamp` and the signature's `t` */
  now: () => number;
}

interface RegisteredWebhook {
  id: string;
  projectId: string;
  environment: string;
  secretPath: string;
  url: string;
  secretKey: string;
  signatureFormat: LocalInfisicalWebhookSignatureFormat;
}

/** Enough history for any test; a long bench run does not grow without bound. */
const MAX_RECORDED_DELIVERIES = 1000;

const folderKey = (location: SecretLocation): string => JSON.stringify([location.projectId, location.environment, location.secretPath]);

/** Why a delivery failed, without quoting anything the receiver sent. */
function failureOf(error: unknown, timedOut: boolean): string {
  if (timedOut) return 'timeout';
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : 'error';
}

/**
 * Infisical's project webhooks: a secret change (in a folder, or in a folder it imports) is delivered to every
 * matching webhook after `delayMs`, changes to the same folder meanwhile merged into that delivery, as
 * upstream's queue does with one job id per project, environment and path. One try per delivery, no retry;
 * each outcome is recorded (status, never the body).
 */
export class WebhookDispatcher {
  private readonly webhooks = new Map<string, RegisteredWebhook>();
  /** folder key -> timer of its coming delivery */
  private readonly pending = new Map<string, NodeJS.Timeout>();
  /** deliveries on the wire: close() aborts them and waits until they settled */
  private readonly inFlight = new Map<AbortController, Promise<unknown>>();
  private readonly deliveries: LocalInfisicalWebhookDelivery[] = [];
  private readonly stopListening: () => void;
  private closed = false;

  constructor(
    private readonly store: SecretStore,
    private readonly options: WebhookDispatcherOptions,
  ) {
    this.stopListening = store.onSecretChange((location) => this.secretChanged(location));
  }

  /** Registers a webhook; throws, listing every problem, when a field is wrong or the project unknown. */
  add(webhook: LocalInfisicalWebhook): string {
    const problems: string[] = [];
    checkWebhook(webhook, 'webhook', problems);
    if (typeof webhook.projectId !== 'string' || !this.store.hasProject(webhook.projectId)) {
      problems.push(`webhook.projectId names no project of the seed`);
    }
    if (webhook.id !== undefined && this.webhooks.has(webhook.id)) problems.push(`webhook.id '${webhook.id}' is already taken`);
    if (problems.length > 0) throw new Error(`Invalid webhook:\n  - ${problems.join('\n  - ')}`);

    const id = webhook.id ?? randomUUID();
    this.webhooks.set(id, {
      id,
      projectId: webhook.projectId,
      environment: webhook.environment,
      secretPath: webhook.secretPath,
      url: webhook.url,
      secretKey: webhook.secretKey ?? '',
      signatureFormat: webhook.signatureFormat ?? 'project',
    });
    return id;
  }

  /** Deletes a webhook: it gets nothing more, not even a delivery already waiting out its delay. */
  remove(id: string): void {
    if (!this.webhooks.delete(id)) throw new Error(`No webhook '${id}'`);
  }

  /** Infisical's "test" button: `{event: 'test', …}` right away, with the webhook's own glob as secretPath. */
  async test(id: string): Promise<LocalInfisicalWebhookDelivery> {
    const webhook = this.webhooks.get(id);
    if (!webhook) throw new Error(`No webhook '${id}'`);
    if (this.closed) throw new Error('The local Infisical server is closed');
    const delivery = await this.deliver(webhook, 'test', webhook.environment, webhook.secretPath);
    if (!delivery) throw new Error('The local Infisical server closed during the test delivery');
    return delivery;
  }

  /** Recorded deliveries, oldest first, of one webhook or of all. */
  recorded(webhookId?: string): LocalInfisicalWebhookDelivery[] {
    return this.deliveries.filter((delivery) => webhookId === undefined || delivery.webhookId === webhookId).map((delivery) => ({ ...delivery }));
  }

  /** Drops the waiting deliveries, aborts those on the wire and resolves once they let go of their sockets. */
  async close(): Promise<void> {
    this.closed = true;
    this.stopListening();
    for (const timer of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
    const settling = [...this.inFlight.values()];
    for (const controller of this.inFlight.keys()) controller.abort();
    await Promise.allSettled(settling);
  }

  private secretChanged(location: SecretLocation): void {
    if (this.closed) return;
    // nothing to wait for when the project has no webhook (a webhook added during the delay would miss it)
    if (![...this.webhooks.values()].some((webhook) => webhook.projectId === location.projectId)) return;
    for (const folder of this.store.findFoldersAffectedBy(location)) this.schedule(folder);
  }

  private schedule(folder: SecretLocation): void {
    const key = folderKey(folder);
    if (this.pending.has(key)) return; // merged into the delivery already waiting
    this.pending.set(
      key,
      setTimeout(() => {
        this.pending.delete(key);
        this.fire(folder);
      }, this.options.delayMs),
    );
  }

  /** Webhooks are matched when the delay is over, as upstream's queue job does. */
  private fire(folder: SecretLocation): void {
    for (const webhook of this.webhooks.values()) {
      const matches =
        webhook.projectId === folder.projectId &&
        webhook.environment === folder.environment &&
        matchesSecretPathGlob(folder.secretPath, webhook.secretPath);
      if (matches) void this.deliver(webhook, 'secrets.modified', folder.environment, folder.secretPath);
    }
  }

  /** One try; resolves with the record, or undefined when close() cut it (then nothing is recorded). Never rejects. */
  private deliver(
    webhook: RegisteredWebhook,
    event: LocalInfisicalWebhookDelivery['event'],
    environment: string,
    secretPath: string,
  ): Promise<LocalInfisicalWebhookDelivery | undefined> {
    const at = this.options.now();
    // no secret name or value: the receiver fetches again, as with the real server
    const body = JSON.stringify({ event, project: { workspaceId: webhook.projectId, environment, secretPath }, timestamp: at });
    const headers: Record<string, string> = {};
    if (webhook.secretKey) headers['x-infisical-signature'] = signWebhookBody(webhook.secretKey, body, at, webhook.signatureFormat);

    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.options.timeoutMs);
    const base = { webhookId: webhook.id, event, environment, secretPath, at };
    const settled = postWebhook(webhook.url, body, headers, controller.signal).then(
      (status): LocalInfisicalWebhookDelivery => ({ ...base, status }),
      (error: unknown): LocalInfisicalWebhookDelivery => ({ ...base, status: 'error', error: failureOf(error, timedOut) }),
    );
    const recorded = settled.then((delivery) => {
      clearTimeout(timer);
      this.inFlight.delete(controller);
      if (controller.signal.aborted && !timedOut) return undefined; // close() cut it
      this.record(delivery);
      return delivery;
    });
    this.inFlight.set(controller, recorded);
    return recorded;
  }

  private record(delivery: LocalInfisicalWebhookDelivery): void {
    this.deliveries.push(delivery);
    if (this.deliveries.length > MAX_RECORDED_DELIVERIES) this.deliveries.shift();
  }
}
