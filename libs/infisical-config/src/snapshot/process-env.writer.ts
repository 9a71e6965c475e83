import type { ProcessEnvMode } from '../infisical-config.options.js';
import type { SecretValues } from './secrets-snapshot.js';

/** Writes a snapshot's values into `process.env` as the mode says; returns the keys it set. */
export function writeProcessEnv(values: SecretValues, mode: ProcessEnvMode, env: NodeJS.ProcessEnv = process.env): string[] {
  if (mode === 'skip') return [];
  const written: string[] = [];
  for (const key of Object.keys(values)) {
    if (mode === 'preserve' && env[key] !== undefined) continue;
    env[key] = values[key];
    written.push(key);
  }
  return written;
}
