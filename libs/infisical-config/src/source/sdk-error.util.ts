import { InfisicalLoadError, type InfisicalLoadStep } from '../errors/infisical-load.error.js';
import { LOAD_FAILED } from '../infisical-config.messages.js';
import type { ResolvedInfisicalOptions } from '../options/resolved-options.interface.js';
import { InfisicalHttpError } from './infisical-http.error.js';

const RATE_LIMIT_WINDOW_MS = 60_000;

// The SDK formats HTTP errors as "[URL=…] [Method=…] [StatusCode=…] <server message>". The URL carries the
// query string, so only the status and the server's message are kept.
const SDK_REQUEST_ERROR = /\[StatusCode=(\d{3})\]\s*([\s\S]*)$/;

/** The status and a short, value-free reason of a failed SDK call. */
export function describeSdkFailure(error: unknown): { status?: number; reason: string } {
  if (error instanceof InfisicalLoadError) return { status: error.status, reason: error.reason };
  if (error instanceof InfisicalHttpError) return { status: error.status, reason: error.message.slice(0, 300) };
  if ((error as { name?: unknown } | undefined)?.name === 'TimeoutError') return { reason: 'the request timed out' };
  const message = error instanceof Error ? error.message : String(error);
  const match = SDK_REQUEST_ERROR.exec(message);
  if (match) return { status: Number(match[1]), reason: `HTTP ${match[1]} ${match[2].trim()}`.slice(0, 300) };
  const code = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  if (typeof code === 'string') return { reason: `the server could not be reached (${code})` };
  if (/fetch failed|ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|socket|terminated/i.test(message)) {
    return { reason: 'the server could not be reached (connection refused, reset or DNS failure)' };
  }
  return { reason: message.replace(/https?:\/\/\S+/g, '<url>').slice(0, 300) };
}

function remedyFor(step: InfisicalLoadStep, status: number | undefined): string {
  if (status === undefined) return 'Check that the site URL is right and reachable from this host.';
  if (step === 'login' && status === 401) return 'Check the client secret of the machine identity (INFISICAL_CLIENT_SECRET).';
  if (step === 'login' && status === 404) return 'Check the client id (INFISICAL_CLIENT_ID): no machine identity has it.';
  if (status === 403) return 'Give the machine identity access to the project, environment and path (Project → Access control).';
  if (status === 404) return 'Check the project id (INFISICAL_PROJECT_ID), the environment slug and the secret path.';
  if (status === 429) return 'Infisical is rate limiting this client; reduce the refresh rate or the number of scopes.';
  if (status >= 500) return 'Infisical answered with a server error; check its logs.';
  return 'Check the options against your Infisical project.';
}

/** Wraps an SDK failure in an {@link InfisicalLoadError} whose message says what to check. */
export function toLoadError(step: InfisicalLoadStep, error: unknown, options: ResolvedInfisicalOptions): InfisicalLoadError {
  const { status, reason } = describeSdkFailure(error);
  const message = LOAD_FAILED(options.siteUrl, options.projectId, step, reason, remedyFor(step, status));
  // The SDK hides a 429's retry-after; Infisical's window is a fixed minute ("try again in 1 minute").
  const retryAfterMs = error instanceof InfisicalHttpError && error.retryAfterMs ? error.retryAfterMs : status === 429 ? RATE_LIMIT_WINDOW_MS : undefined;
  return new InfisicalLoadError(message, step, status, reason, { retryAfterMs });
}
