import { INVALID_WEBHOOK_OPTIONS } from './webhook.messages.js';
import { WEBHOOK_DEFAULTS, type InfisicalWebhookModuleOptions, type ResolvedWebhookOptions } from './infisical-webhook.options.js';

/** Thrown at boot when the webhook options are invalid; lists every problem at once (never the secret). */
export class InfisicalWebhookOptionsError extends Error {
  override readonly name = 'InfisicalWebhookOptionsError';

  constructor(readonly problems: readonly string[]) {
    super(INVALID_WEBHOOK_OPTIONS(problems));
  }
}

const ROUTE_PATH = /^[A-Za-z0-9\-._~]+(\/[A-Za-z0-9\-._~]+)*$/;

/** `'/webhooks/infisical/'` → `'webhooks/infisical'`; undefined when it is not a plain route path. */
export function normalizeRoutePath(path: unknown): string | undefined {
  if (typeof path !== 'string') return undefined;
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  return ROUTE_PATH.test(trimmed) ? trimmed : undefined;
}

function checkNumber(options: InfisicalWebhookModuleOptions, name: 'toleranceMs' | 'maxBodyBytes' | 'minIntervalMs' | 'replayCacheSize', min: number, problems: string[]): number {
  const value = options[name];
  if (value === undefined) return WEBHOOK_DEFAULTS[name];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    problems.push(`${name} must be an integer of at least ${min}`);
    return WEBHOOK_DEFAULTS[name];
  }
  return value;
}

function keysOf(secret: unknown, problems: string[]): Buffer[] {
  if (secret === undefined || secret === null) return [];
  const list = Array.isArray(secret) ? (secret as unknown[]) : [secret];
  if (!list.every((key) => typeof key === 'string')) {
    problems.push('secret must be a string or a list of strings');
    return [];
  }
  return (list as string[]).filter((key) => key.length > 0).map((key) => Buffer.from(key, 'utf8'));
}

/** Applies defaults and validates, once, at boot. */
export function resolveWebhookOptions(options: InfisicalWebhookModuleOptions | undefined, path: unknown): ResolvedWebhookOptions {
  const given = options ?? {};
  const problems: string[] = [];
  const route = normalizeRoutePath(path);
  if (route === undefined) problems.push(`path must be a route such as 'webhooks/infisical' (letters, digits and -._~/ only)`);
  const resolved: ResolvedWebhookOptions = {
    path: route ?? '',
    keys: keysOf(given.secret, problems),
    toleranceMs: checkNumber(given, 'toleranceMs', 1, problems),
    maxBodyBytes: checkNumber(given, 'maxBodyBytes', 1, problems),
    minIntervalMs: checkNumber(given, 'minIntervalMs', 0, problems),
    replayCacheSize: checkNumber(given, 'replayCacheSize', 1, problems),
  };
  if (problems.length > 0) throw new InfisicalWebhookOptionsError(problems);
  return resolved;
}
