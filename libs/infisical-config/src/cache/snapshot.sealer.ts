import type { CacheProblem } from '../errors/infisical-cache.error.js';
import { open, seal } from './cache-cipher.util.js';
import { CACHE_FORMAT, CACHE_FORMAT_VERSION, envelopeAad, formatEnvelope, parseEnvelope, parseValues, serializeValues } from './cache-envelope.js';
import type { CacheHeader } from './cache-envelope.js';

/** Why sealed text could not be opened. */
export type OpenProblem = Extract<CacheProblem, 'not-a-cache-file' | 'corrupt' | 'wrong-binding' | 'authentication-failed'>;

export type OpenedSnapshot =
  | { ok: true; values: Record<string, string>; writtenAt: Date }
  /** `reason`: the parser's full message (it names `label`); `detail`: what is wrong inside the decrypted values. */
  | { ok: false; problem: OpenProblem; reason?: string; detail?: string };

/**
 * Seals secret values the one way this library stores them anywhere (the file cache, Redis): AES-256-GCM
 * with a fresh IV, a header with the format, the binding (a hash of site, project and scopes) and the
 * time, all authenticated. Nothing but the hash and the time is readable without the key.
 */
export function sealSnapshot(values: Readonly<Record<string, string>>, key: Buffer, binding: string, writtenAt: Date): string {
  const header: CacheHeader = { format: CACHE_FORMAT, version: CACHE_FORMAT_VERSION, binding, writtenAt: writtenAt.toISOString() };
  return formatEnvelope({ ...header, ...seal(serializeValues(values), key, envelopeAad(header)) });
}

/** Opens what {@link sealSnapshot} made; `label` names the place in parse errors. Never throws. */
export function openSnapshot(text: string, key: Buffer, binding: string, label: string): OpenedSnapshot {
  const parsed = parseEnvelope(text, label);
  if (!parsed.ok) return { ok: false, problem: parsed.problem, reason: parsed.reason };
  const envelope = parsed.envelope;
  // Checked before decrypting so that a foreign snapshot is reported as such, not as a wrong key.
  if (envelope.binding !== binding) return { ok: false, problem: 'wrong-binding' };
  // The AAD is built from the expected binding, so the binding is authenticated as well as compared.
  const plaintext = open(envelope, key, envelopeAad({ ...envelope, binding }));
  if (plaintext === undefined) return { ok: false, problem: 'authentication-failed' };
  const values = parseValues(plaintext);
  plaintext.fill(0);
  if (!values.ok) return { ok: false, problem: 'corrupt', detail: values.reason };
  // writtenAt is authenticated: the age cannot be refreshed by editing the text.
  return { ok: true, values: values.values, writtenAt: new Date(envelope.writtenAt) };
}
