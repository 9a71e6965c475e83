/**
 * How the `x-infisical-signature` header is made when the webhook has a secret key:
 * - `'project'`: `t=<ms>;<hex>`, hex = HMAC-SHA256(secretKey, raw body): what Infisical's project webhooks send
 *   (observed);
 * - `'v1'`: `t=<ms>,v1=<hex>`, hex = HMAC-SHA256(secretKey, `<t>.<raw body>`): the format of newer servers'
 *   event webhooks, so a receiver's support of both can be tested.
 */
export type LocalInfisicalWebhookSignatureFormat = 'project' | 'v1';

/** A webhook of one project, as `LocalInfisicalServer.addWebhook()` takes it. */
export interface LocalInfisicalWebhook {
  projectId: string;
  /** environment slug; only changes in it (or in what it imports) fire the webhook */
  environment: string;
  /**
   * Folder glob, as Infisical matches it: `/` is the root folder only, `/**` every folder, `/a/**` `/a` and
   * below, `/a/*` the direct sub-folders of `/a`, `?` one character.
   */
  secretPath: string;
  /** http(s) URL the deliveries are POSTed to */
  url: string;
  /** signs each delivery (`x-infisical-signature`) when set and not empty */
  secretKey?: string;
  /** @default 'project' */
  signatureFormat?: LocalInfisicalWebhookSignatureFormat;
  /** a fixed id, so a seed's webhook can be named in `testWebhook()` / `webhookDeliveries()`; a random UUID otherwise */
  id?: string;
}

/** A webhook in the seed: under its project, so without `projectId`. */
export type LocalInfisicalSeedWebhook = Omit<LocalInfisicalWebhook, 'projectId'>;

/** What the server recorded of one delivery (never its body). */
export interface LocalInfisicalWebhookDelivery {
  webhookId: string;
  event: 'secrets.modified' | 'test';
  /** the delivery's `project.environment` and `project.secretPath` (for `test`, the webhook's own glob) */
  environment: string;
  secretPath: string;
  /** the receiver's HTTP status (any, 2xx or not), or 'error' when no answer came (refused, reset, timed out) */
  status: number | 'error';
  /** why, when `status` is 'error': a Node error code (`ECONNREFUSED`…) or `timeout` */
  error?: string;
  /** the delivery's `timestamp` (ms since epoch, by the server's `now`), also the signature's `t` */
  at: number;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * Checks a webhook's fields (not its project), pushing one line per problem; values are never quoted, as a
 * URL may carry credentials and the key is a secret.
 * @internal used by the seed validation and by addWebhook
 */
export function checkWebhook(value: unknown, at: string, problems: string[]): void {
  if (!isRecord(value)) {
    problems.push(`${at} must be an object`);
    return;
  }
  if (typeof value.environment !== 'string' || value.environment.length === 0) problems.push(`${at}.environment must be a non-empty string`);
  if (typeof value.secretPath !== 'string' || !value.secretPath.startsWith('/')) problems.push(`${at}.secretPath must be a glob starting with '/'`);
  if (!isHttpUrl(value.url)) problems.push(`${at}.url must be an http:// or https:// URL`);
  if (value.secretKey !== undefined && typeof value.secretKey !== 'string') problems.push(`${at}.secretKey must be a string`);
  if (value.signatureFormat !== undefined && value.signatureFormat !== 'project' && value.signatureFormat !== 'v1') {
    problems.push(`${at}.signatureFormat must be 'project' or 'v1'`);
  }
  if (value.id !== undefined && (typeof value.id !== 'string' || value.id.length === 0)) problems.push(`${at}.id must be a non-empty string`);
}
